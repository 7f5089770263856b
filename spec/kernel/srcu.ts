/**
 * SRCU (hmm-domain.md §1.1): a global `epoch` and a per-thread read epoch (null = not in a read
 * section). srcu_read_lock records the epoch, synchronize_srcu is two steps — record
 * `target := epoch; epoch++`, then wait until no thread has `readEpoch ≤ target` — and
 * call_srcu(cb) queues cb with a target that an environment step fires under the same condition.
 *
 * Epochs stay tiny: after every operation the live values (epoch, read epochs, targets) are
 * renumbered densely from 0 in order. Only their order matters to the semantics (read epochs are
 * compared with targets; new values are the epoch, which is the largest), so the renumbering
 * changes no behaviour and merges states that differ only by how many grace periods have passed.
 * The srcu is global (§4 "SRCU is global"): use one per model, never one per mm.
 *
 * @example
 * const U = srcuSteps<State>();
 * steps: [U.readLock('E1', (s) => s.srcu), ..., U.readUnlock('E4', (s) => s.srcu)]
 * steps: [...U.synchronize('U6a', 'U6b', (s) => s.srcu)]
 */
import type { StepDef } from '../builder';
import { t, type IntType, type MapType, type OptionalType, type RecordType, type Type } from '../types';
import { raise, type ErrState } from './errors';

/** Runtime state of the SRCU domain. */
export interface Srcu {
  epoch: number;
  /** Per thread: the epoch its read section started in, or null. */
  reader: Record<string, number | null>;
  /** Per thread: the target of its synchronize_srcu in progress, or null. */
  target: Record<string, number | null>;
  /** Per call_srcu callback tag: the target it waits for, or null when not queued (only with callbacks). */
  pending?: Record<string, number | null>;
}

type EpochMap<K extends string> = MapType<K, OptionalType<IntType>>;
type SrcuFields<O extends string> = { epoch: IntType; reader: EpochMap<O>; target: EpochMap<O> };

/**
 * Schema type of the SRCU domain used by threads `ids`; with `callbacks`, also the call_srcu
 * callbacks (tags) that may be queued, each at most once at a time.
 */
export function srcuType<const O extends string>(ids: readonly O[]): RecordType<SrcuFields<O>>;
export function srcuType<const O extends string, const C extends string>(
  ids: readonly O[],
  callbacks: readonly C[],
): RecordType<SrcuFields<O> & { pending: EpochMap<C> }>;
export function srcuType(ids: readonly string[], callbacks: readonly string[] = []): RecordType<Record<string, Type>> {
  // Dense renumbering bounds every value by the number of distinct live values minus one.
  const max = 2 * ids.length + callbacks.length;
  const e = t.optional(t.int(0, max));
  const fields: Record<string, Type> = { epoch: t.int(0, max), reader: t.map(ids, e), target: t.map(ids, e) };
  if (callbacks.length) fields.pending = t.map(callbacks, e);
  return t.record(fields);
}

const none = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, null])) as Record<K, number | null>;

/** The initial SRCU state: epoch 0, nobody reading or synchronizing, no callbacks queued. */
export function srcuInit<const O extends string>(ids: readonly O[]): { epoch: number; reader: Record<O, number | null>; target: Record<O, number | null> };
export function srcuInit<const O extends string, const C extends string>(
  ids: readonly O[],
  callbacks: readonly C[],
): { epoch: number; reader: Record<O, number | null>; target: Record<O, number | null>; pending: Record<C, number | null> };
export function srcuInit(ids: readonly string[], callbacks: readonly string[] = []): Srcu {
  const sp: Srcu = { epoch: 0, reader: none(ids), target: none(ids) };
  if (callbacks.length) sp.pending = none(callbacks);
  return sp;
}

function known(map: Record<string, number | null>, key: string, what: string): void {
  if (!(key in map)) throw new Error(`srcu: ${what} ${key} is not in the srcu's domain (list it in srcuType/srcuInit)`);
}

function callbacks(sp: Srcu, tag: string): Record<string, number | null> {
  if (!sp.pending) throw new Error(`srcu: callback ${tag}: this srcu has no callbacks (list them in srcuType/srcuInit)`);
  known(sp.pending, tag, 'callback');
  return sp.pending;
}

/** Renumbers the live epoch values densely, preserving their order (see the module header). */
export function srcuNormalize(sp: Srcu): void {
  const maps = sp.pending ? [sp.reader, sp.target, sp.pending] : [sp.reader, sp.target];
  const vals = new Set<number>([sp.epoch]);
  for (const m of maps) for (const v of Object.values(m)) if (v !== null) vals.add(v);
  const sorted = [...vals].sort((a, b) => a - b);
  if (sorted.every((v, i) => v === i)) return;
  const rank = new Map(sorted.map((v, i) => [v, i]));
  sp.epoch = rank.get(sp.epoch)!;
  for (const m of maps) {
    for (const k of Object.keys(m)) {
      const v = m[k]!;
      if (v !== null) m[k] = rank.get(v)!;
    }
  }
}

export function srcuInReadSection(sp: Srcu, id: string): boolean {
  known(sp.reader, id, 'thread');
  return sp.reader[id] !== null;
}

/** srcu_read_lock. Nested read sections of one thread are not modelled. */
export function srcuReadLock(sp: Srcu, id: string): void {
  known(sp.reader, id, 'thread');
  if (sp.reader[id] !== null) throw new Error(`srcu_read_lock by ${id}: nested read sections are not modelled`);
  sp.reader[id] = sp.epoch;
  srcuNormalize(sp);
}

/** srcu_read_unlock; outside a read section it records UNLOCK_NOT_HELD. */
export function srcuReadUnlock<G extends ErrState>(d: G, sp: Srcu, id: string): void {
  known(sp.reader, id, 'thread');
  if (sp.reader[id] === null) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  sp.reader[id] = null;
  srcuNormalize(sp);
}

/** True when no read section that started at or before `target` is still open. */
export function srcuGracePeriodOver(sp: Srcu, target: number): boolean {
  for (const v of Object.values(sp.reader)) if (v !== null && v <= target) return false;
  return true;
}

/** synchronize_srcu, step 1: `target := epoch; epoch++`. */
export function srcuSyncStart(sp: Srcu, id: string): void {
  known(sp.target, id, 'thread');
  if (sp.target[id] !== null) throw new Error(`synchronize_srcu by ${id}: already synchronizing`);
  sp.target[id] = sp.epoch;
  sp.epoch++;
  srcuNormalize(sp);
}

/** synchronize_srcu, step 2's guard: every reader that could predate step 1 has left. */
export function srcuSyncReady(sp: Srcu, id: string): boolean {
  known(sp.target, id, 'thread');
  const target = sp.target[id];
  if (target === null || target === undefined) throw new Error(`synchronize_srcu by ${id}: step 2 without step 1`);
  return srcuGracePeriodOver(sp, target);
}

/** synchronize_srcu, step 2's effect: the call returns. */
export function srcuSyncEnd(sp: Srcu, id: string): void {
  if (!srcuSyncReady(sp, id)) throw new Error(`synchronize_srcu by ${id} returned early: guard the step with srcuSyncReady`);
  sp.target[id] = null;
  srcuNormalize(sp);
}

/** call_srcu(cb): queue callback `tag` behind the current readers. */
export function srcuCall(sp: Srcu, tag: string): void {
  const pending = callbacks(sp, tag);
  if (pending[tag] !== null) throw new Error(`call_srcu: callback ${tag} is already queued`);
  pending[tag] = sp.epoch;
  sp.epoch++;
  srcuNormalize(sp);
}

export function srcuCallbackQueued(sp: Srcu, tag: string): boolean {
  return callbacks(sp, tag)[tag] !== null;
}

/** The environment may run callback `tag` now: it is queued and its grace period is over. */
export function srcuCallbackReady(sp: Srcu, tag: string): boolean {
  const target = callbacks(sp, tag)[tag]!;
  return target !== null && srcuGracePeriodOver(sp, target);
}

/** Dequeues callback `tag` (the environment step that runs it calls this). */
export function srcuCallbackDone(sp: Srcu, tag: string): void {
  if (!srcuCallbackReady(sp, tag)) throw new Error(`srcu callback ${tag} ran early: guard the step with srcuCallbackReady`);
  callbacks(sp, tag)[tag] = null;
  srcuNormalize(sp);
}

/** Step factories over a model state `G`. */
export function srcuSteps<G extends ErrState>() {
  const steps = {
    /** srcu_read_lock. */
    readLock<const Label extends string>(label: Label, sel: (s: G) => Srcu, doc = 'srcu_read_lock'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => srcuReadLock(sel(d), th.id) };
    },

    /** srcu_read_unlock. */
    readUnlock<const Label extends string>(label: Label, sel: (s: G) => Srcu, doc = 'srcu_read_unlock'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => srcuReadUnlock(d, sel(d), th.id) };
    },

    /** synchronize_srcu step 1: record the target and advance the epoch. */
    syncStart<const Label extends string>(label: Label, sel: (s: G) => Srcu, doc = 'synchronize_srcu (1): target := epoch; epoch++'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => srcuSyncStart(sel(d), th.id) };
    },

    /** synchronize_srcu step 2: enabled once no reader has readEpoch ≤ target; then it returns. */
    syncWait<const Label extends string>(label: Label, sel: (s: G) => Srcu, doc = 'synchronize_srcu (2): wait for older readers'): StepDef<G, unknown, Label> {
      return {
        label,
        doc,
        guard: (s, th) => srcuSyncReady(sel(s), th.id),
        effect: (d, th) => srcuSyncEnd(sel(d), th.id),
      };
    },

    /** synchronize_srcu as its two steps, to spread into a step list. */
    synchronize<const A extends string, const B extends string>(
      labelA: A,
      labelB: B,
      sel: (s: G) => Srcu,
      doc = 'synchronize_srcu',
    ): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
      return [steps.syncStart(labelA, sel, `${doc} (1): target := epoch; epoch++`), steps.syncWait(labelB, sel, `${doc} (2): wait for older readers`)];
    },
  };
  return steps;
}
