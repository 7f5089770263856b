/**
 * `hmmcheck lint` on one spec: every thread step taken from every reachable state is checked
 * against the granularity rule (./rule.ts) with the exact fields it touched (./stepAccesses.ts)
 * and the locks its thread held for it — held before or after the step (a lock taken in a step is
 * taken at its start, one released at its end, as the kernel code the step merges does), or named
 * by the step's `holds`. Findings are collected once per step label, fields and locks.
 */
import { lockSites, locksHeldBy, type HeldLock, type LockSite } from '../../spec/kernel/lockdep';
import type { Spec } from '../../spec/spec';
import { CompiledSpec, type ActionInstance } from '../engine/compiled';
import { leafTree } from '../por/leaves';
import { pathTokens, resolveAccess } from './declarations';
import { fieldTable } from './fields';
import { leafGetters } from './leafValues';
import { forEachReachableStep } from './reachable';
import { holds, judgeRun, type Held, type Touch } from './rule';
import { StepAccesses } from './stepAccesses';

export type LintSeverity = 'finding' | 'warning' | 'justified';

/** One line of the lint report. */
export interface LintItem {
  readonly severity: LintSeverity;
  /** What kind of problem: see `message`. */
  readonly code: 'lockfree-accesses' | 'undeclared-accesses' | 'unguarded-access' | 'multi-writer' | 'declaration' | 'incomplete' | 'atomic';
  /** `Kind.Label` of the thread step, when the item is about one. */
  readonly step?: string;
  readonly fields: readonly string[];
  /** Locks the thread held for the step, `path` or `path(read)`. */
  readonly locks: readonly string[];
  /** The justification of an `atomic` step. */
  readonly why?: string;
  readonly message: string;
}

export interface SpecLint {
  readonly items: readonly LintItem[];
  readonly states: number;
  readonly complete: boolean;
  /** Thread steps (kind and label) seen taken. */
  readonly steps: number;
}

export interface LintOptions {
  /** Stop the reachable-state search beyond this many states (default 200,000). */
  readonly maxStates?: number;
  /** Count accesses to undeclared fields as lock-free: what would be warnings are findings. */
  readonly strict?: boolean;
}

export const DEFAULT_LINT_MAX_STATES = 200_000;

export function lintSpec(spec: Spec, opts: LintOptions = {}): SpecLint {
  const cs = new CompiledSpec(spec);
  const { root, count } = leafTree(spec.schema);
  const table = fieldTable(root, count, spec.threads);
  const sites = lockSites(spec.schema);
  const { rules, problems } = resolveAccess(spec.access, table, sites);
  // One item per step, kind and locks held: the fields of its runs merged, the largest count kept.
  const items = new Map<string, LintItem & { fields: string[]; count: number }>();
  const add = (item: LintItem, count = 0) => {
    const key = [item.severity, item.code, item.step ?? '', item.locks.join(','), item.step ? '' : item.message + item.fields.join(',')].join('|');
    const had = items.get(key);
    if (!had) return void items.set(key, { ...item, fields: [...item.fields], count });
    for (const f of item.fields) if (!had.fields.includes(f)) had.fields.push(f);
    if (count > had.count) items.set(key, { ...had, ...item, fields: had.fields, count });
  };
  for (const message of problems) add({ severity: 'finding', code: 'declaration', fields: [], locks: [], message });

  const memo = new StepAccesses<Touch[]>(root, count, leafGetters(root, count), (reads, writes) => {
    const written = new Map<number, boolean>();
    for (const id of reads) if (table.fieldOf[id]! >= 0) written.set(table.fieldOf[id]!, false);
    for (const id of writes) if (table.fieldOf[id]! >= 0) written.set(table.fieldOf[id]!, true);
    return [...written].map(([field, w]) => ({ field, written: w }));
  });
  const writers = new Map<number, Set<string>>();
  const stepsSeen = new Set<string>();
  const justified = new Map<string, { why: string; needed: boolean }>();
  const judged = new WeakMap<Touch[], Set<string>>();

  const wrote = new WeakMap<Touch[], Set<string>>();
  const onStep = (s: any, inst: ActionInstance, succ: readonly any[]) => {
    const runs = memo.of(inst, s);
    const th = inst.action.thread;
    const id = th ? th.ids[inst.params.self as number]! : 'environment';
    for (const run of runs) {
      const by = wrote.get(run) ?? wrote.set(run, new Set()).get(run)!;
      if (by.has(id)) continue;
      by.add(id);
      for (const t of run) if (t.written && table.ownerOf[t.field] === undefined) (writers.get(t.field) ?? writers.set(t.field, new Set()).get(t.field)!).add(id);
    }
    if (!th) return;
    const step = `${th.kind}.${th.label}`;
    stepsSeen.add(step);
    const { held, shown } = heldFor(s, succ, id, inst);
    const why = inst.action.atomicity?.atomic;
    if (why !== undefined && !justified.has(step)) justified.set(step, { why, needed: false });
    const heldKey = shown.join(',');
    for (const run of runs) {
      const seen = judged.get(run) ?? judged.set(run, new Set()).get(run)!;
      if (seen.has(heldKey)) continue;
      seen.add(heldKey);
      const shared = run.filter((t) => table.ownerOf[t.field] !== id);
      const v = judgeRun(shared, rules, held);
      const name = (f: number) => display(table.names[f]!, id);
      const over = v.lockfree.length > 1 || v.lockfree.length + v.undeclared.length > 1;
      if (why !== undefined) {
        if (over) justified.get(step)!.needed = true;
        continue;
      }
      const base = { step, locks: shown };
      const fieldsOf = (fs: readonly number[]) => fs.map(name);
      if (opts.strict && over) {
        const fields = fieldsOf([...v.lockfree, ...v.undeclared]);
        add({ ...base, severity: 'finding', code: 'lockfree-accesses', fields, message: `${fields.length} lock-free accesses in one step (undeclared fields counted)` }, fields.length);
      } else if (v.lockfree.length > 1) {
        const n = v.lockfree.length;
        add({ ...base, severity: 'finding', code: 'lockfree-accesses', fields: fieldsOf(v.lockfree), message: `${n} lock-free accesses in one step` }, n);
      } else if (over) {
        const n = v.lockfree.length + v.undeclared.length;
        const fields = [...fieldsOf(v.lockfree), ...v.undeclared.map((f) => `${name(f)}?`)];
        add({ ...base, severity: 'warning', code: 'undeclared-accesses', fields, message: `${n} accesses to shared fields, not all declared (? = undeclared)` }, n);
      }
      if (v.unguarded.length) add({ ...base, severity: 'warning', code: 'unguarded-access', fields: fieldsOf(v.unguarded), message: 'accessed without the lock it is declared guardedBy' });
    }
  };

  /** The locks thread `id` holds for the step: before or after it, or named by its `holds`. */
  const heldMemo = new Map<string, { held: Held; shown: string[] }>();
  const heldFor = (s: any, succ: readonly any[], id: string, inst: ActionInstance): { held: Held; shown: string[] } => {
    const lists = [s, ...succ].map((x) => locksHeldBy(spec.schema, x, id));
    const extra = (inst.action.atomicity?.holds ?? []).map((sel) => sites.find((x) => x.get(s) === sel(s)));
    let key = id;
    for (const l of lists) for (const h of l) key += `|${h.lock}:${h.mode}:${h.depth}`;
    for (const x of extra) key += `|+${x?.path}`;
    const hit = heldMemo.get(key);
    if (hit) return hit;
    const out = heldFrom(lists, extra, id);
    heldMemo.set(key, out);
    return out;
  };
  const heldFrom = (lists: readonly (readonly HeldLock[])[], extra: readonly (LockSite | undefined)[], id: string): { held: Held; shown: string[] } => {
    const held = new Map<string, boolean>();
    const modes = new Map<string, string>();
    const take = (list: readonly HeldLock[]) => {
      for (const h of list) {
        const ex = holds(h.mode);
        if (ex === undefined) continue;
        const key = pathTokens(h.lock).join('.');
        held.set(key, (held.get(key) ?? false) || ex);
        if (!modes.has(h.lock) || ex) modes.set(h.lock, h.mode === 'exclusive' ? '' : h.depth > 1 ? `${h.mode}×${h.depth}` : h.mode);
      }
    };
    for (const l of lists) take(l);
    for (const site of extra) if (site) take([{ lock: site.path, cls: site.cls, mode: 'exclusive', depth: 1 }]);
    const order = sites.map((x) => x.path);
    const shown = [...modes]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([lock, mode]) => display(mode ? `${lock}(${mode})` : lock, id));
    return { held, shown };
  };

  const stats = forEachReachableStep(cs, opts.maxStates ?? DEFAULT_LINT_MAX_STATES, onStep);

  for (const [f, who] of writers) {
    if (who.size < 2 || rules[f]!.kind !== 'undeclared') continue;
    add({ severity: 'warning', code: 'multi-writer', fields: [table.names[f]!], locks: [], message: `written by ${[...who].join(', ')} without a declared discipline` });
  }
  for (const [step, j] of justified) {
    add({ severity: 'justified', code: 'atomic', step, fields: [], locks: [], why: j.why, message: j.needed ? 'atomic by justification' : 'atomic by justification (never more than one lock-free access in the explored states)' });
  }
  if (!stats.complete) {
    add({ severity: 'warning', code: 'incomplete', fields: [], locks: [], message: `stopped after ${stats.states.toLocaleString('en-US')} states (--max-states): steps beyond were not audited` });
  }
  const out = [...items.values()].map(({ count: _count, ...item }) => item as LintItem);
  return { items: out, states: stats.states, complete: stats.complete, steps: stepsSeen.size };
}

/** A path as shown for thread `id`'s step: its own map entries as `[self]`. */
function display(path: string, id: string): string {
  return path.split(`[${id}]`).join('[self]');
}
