/**
 * What partial-order reduction needs to know about a model, derived from recorded accesses
 * (./probe.ts), never declared by hand:
 * - two action instances are *dependent* when they belong to one thread, or one writes a leaf the
 *   other reads or writes (then they may not commute, or one may enable or disable the other);
 * - a thread's *future* from its pc is the set of its steps reachable in its control-flow graph,
 *   whose edges are the pc values each step was seen to write (every `goto` of every run);
 * - a transition is *visible* when it writes a leaf some invariant or state constraint reads.
 *
 * From these, `ample(s)` picks a thread t whose one enabled step a (t's only transition at its
 * pc) is invisible and independent of everything every other thread can still do from its pc,
 * and of every plain action: an ample set {a} (Clarke, Grumberg, Peled, "Model Checking", ch. 10,
 * conditions C0–C2; SPIN's "safe" moves are the same idea). The cycle proviso C3 is the explorer's
 * (it expands a state fully unless every ample successor is new).
 */
import { DONE } from '../../spec/spec';
import type { ActionInstance, CompiledSpec } from '../engine/compiled';
import { holdsCollection } from '../../spec/types';
import { leafTree, LeafSet, type LeafNode } from './leaves';
import { UsageError } from '../engine/errors';
import { everything, probe, type Access } from './probe';
import type { ChoiceCtx } from '../../spec/spec';

interface ThreadRef {
  /** `kind#self`, as `key` gives for the thread's steps. */
  readonly key: string;
  readonly kind: string;
  readonly self: number;
  /** Step instance id by label. */
  readonly steps: Map<string, number>;
}

export interface PorSummary {
  readonly transitions: number;
  /** Transitions (and predicates) whose accesses could not be enumerated within the budget. */
  readonly unanalysed: readonly string[];
  /** Transitions that can form an ample set in some state (invisible, independent of plain actions). */
  readonly safe: number;
  /** Runs of guards, effects and predicates the analysis made. */
  readonly runs: number;
  readonly ms: number;
}

const key = (a: ActionInstance) => (a.action.thread ? `${a.action.thread.kind}#${a.params.self as number}` : undefined);

const analysed = new WeakMap<object, PartialOrder>();

export class PartialOrder {
  /** The analysis of `cs`'s spec, made once per spec (it depends on the spec alone, not on the run). */
  static of(cs: CompiledSpec): PartialOrder {
    let p = analysed.get(cs.spec);
    if (!p) analysed.set(cs.spec, (p = new PartialOrder(cs)));
    return p;
  }

  readonly summary: PorSummary;
  private readonly threads: ThreadRef[];
  /** For a thread step a: okAt[a][b] = 1 iff the thread of step b, at b's label, can never do anything dependent on a. */
  private readonly okAt: (Uint8Array | undefined)[];
  private readonly enabled: (inst: ActionInstance, s: any) => boolean;
  private readonly instances: readonly ActionInstance[];

  private constructor(cs: CompiledSpec) {
    const start = performance.now();
    if (holdsCollection(cs.spec.schema)) throw new UsageError('--por does not support sets of composite values or bags (t.set of records, t.bag) yet');
    const { root, count } = leafTree(cs.spec.schema);
    const instances = (this.instances = cs.instances);
    this.enabled = (inst, s) => cs.enabled(inst, s);
    let runs = 0;
    const unanalysed: string[] = [];
    const record = (name: string, a: Access) => {
      runs += a.runs;
      if (!a.complete) unanalysed.push(name);
      return a;
    };

    this.threads = cs.spec.threads.flatMap((th) =>
      th.ids.map((_, self) => ({ key: `${th.kind}#${self}`, kind: th.kind, self, steps: new Map<string, number>() })),
    );
    const threadOf = new Map(this.threads.map((t) => [t.key, t]));
    const pcLeaf = (kind: string, self: number) => node(root, [kind, String(self), 'pc']).lo;

    // Invariants and constraints first: a transition writing what they read is visible, and when
    // every thread step is, there is nothing to reduce and the other probes are skipped.
    const visible = new LeafSet(count);
    for (const p of [...cs.spec.invariants, ...cs.spec.constraints]) {
      visible.union(record(p.name, probe(root, count, (s) => void p.check(s))).reads);
      if (unanalysed.length) break;
    }
    const probeInstance = (inst: ActionInstance): Access => {
      const th = inst.action.thread;
      const watch = th ? pcLeaf(th.kind, inst.params.self as number) : undefined;
      const run = (s: any, ctx: ChoiceCtx) => void (inst.action.guard(s, inst.params) && inst.action.effect(s, inst.params, ctx));
      return record(inst.label, probe(root, count, run, { watch }));
    };
    // An invariant that could not be analysed makes every transition visible.
    const blind = unanalysed.length > 0;
    const access: Access[] = [];
    for (const inst of instances) {
      const th = inst.action.thread;
      if (th) threadOf.get(key(inst)!)!.steps.set(th.label, inst.id);
      if (th && !blind) access[inst.id] = probeInstance(inst);
    }
    const candidate = (a: number) => !blind && instances[a]!.action.thread !== undefined && access[a]!.complete && !access[a]!.writes.intersects(visible);
    const anyCandidate = instances.some((_, a) => candidate(a));
    for (const inst of instances) if (!access[inst.id]) access[inst.id] = anyCandidate ? probeInstance(inst) : everything(count);

    const dependent = (a: number, b: number): boolean => {
      const ka = key(instances[a]!);
      if (ka !== undefined && ka === key(instances[b]!)) return true;
      const x = access[a]!;
      const y = access[b]!;
      return x.writes.intersects(y.reads) || x.writes.intersects(y.writes) || y.writes.intersects(x.reads);
    };

    // Each thread's control-flow graph: a step's successors are the pcs it wrote. A thread whose
    // pc some other transition can write has no usable graph: any of its steps may come next.
    const reach = new Map<ThreadRef, Map<string, number[]>>();
    for (const t of this.threads) {
      const labels = [...t.steps.keys()];
      const pc = pcLeaf(t.kind, t.self);
      const foreign = access.some((a, i) => key(instances[i]!) !== t.key && a.writes.has(pc));
      const next = (l: string): string[] => {
        const a = access[t.steps.get(l)!]!;
        return foreign || !a.complete ? labels : [...a.watched].filter((x): x is string => typeof x === 'string' && t.steps.has(x));
      };
      const r = new Map<string, number[]>();
      for (const l of labels) {
        const seen = new Set([l]);
        const todo = [l];
        while (todo.length) for (const n of next(todo.pop()!)) if (!seen.has(n)) (seen.add(n), todo.push(n));
        r.set(l, [...seen].map((x) => t.steps.get(x)!));
      }
      reach.set(t, r);
    }

    const plain = instances.filter((i) => !i.action.thread).map((i) => i.id);
    this.okAt = instances.map((inst, a) => {
      if (!candidate(a)) return undefined;
      if (plain.some((b) => dependent(a, b))) return undefined;
      const ok = new Uint8Array(instances.length);
      for (const t of this.threads) {
        if (t.key === key(inst)) continue;
        for (const [label, future] of reach.get(t)!) ok[t.steps.get(label)!] = future.every((b) => !dependent(a, b)) ? 1 : 0;
      }
      return ok;
    });
    this.summary = {
      transitions: instances.length,
      unanalysed,
      safe: this.okAt.filter(Boolean).length,
      runs,
      ms: performance.now() - start,
    };
  }

  /** Whether some state can have an ample set: with no safe transition `ample` is always -1. */
  get active(): boolean {
    return this.summary.safe > 0;
  }

  /** An instance whose successors alone may stand for all of `s`'s, or -1 (expand fully). */
  ample(s: any): number {
    const { threads, okAt } = this;
    for (let i = 0; i < threads.length; i++) {
      const t = threads[i]!;
      const pc = s[t.kind][t.self].pc as string;
      if (pc === DONE) continue;
      const a = t.steps.get(pc)!;
      const ok = okAt[a];
      if (!ok || !this.enabled(this.instances[a]!, s)) continue;
      let fine = true;
      for (let j = 0; j < threads.length && fine; j++) {
        if (j === i) continue;
        const u = threads[j]!;
        const q = s[u.kind][u.self].pc as string;
        if (q !== DONE && ok[u.steps.get(q)!] === 0) fine = false;
      }
      if (fine) return a;
    }
    return -1;
  }
}

function node(root: LeafNode, path: readonly string[]): LeafNode {
  let n = root;
  for (const k of path) n = n.children!.get(k)!;
  return n;
}
