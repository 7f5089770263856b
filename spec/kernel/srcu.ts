/**
 * SRCU (hmm-domain.md §1.1): a global `epoch` and a per-thread read epoch (null = not in a read
 * section). srcu_read_lock records the epoch, synchronize_srcu is two steps — record
 * `target := epoch; epoch++`, then wait until no thread has `readEpoch ≤ target` — and
 * call_srcu(cb) queues cb with a target that an environment step fires under the same condition.
 * The epochs, their dense renumbering and the grace-period test are the core in gracePeriod.ts,
 * shared with rcu.ts. The srcu is global (§4 "SRCU is global"): use one per model, never one per mm.
 *
 * @example
 * const U = srcuSteps<State>();
 * steps: [U.readLock('E1', (s) => s.srcu), ..., U.readUnlock('E4', (s) => s.srcu)]
 * steps: [...U.synchronize('U6a', 'U6b', (s) => s.srcu)]
 */
import type { StepDef } from '../builder';
import { t, type RecordType, type Type } from '../types';
import { raise, type ErrState } from './errors';
import { lockType, type LockMarked } from './lockdep';
import {
  gpCall,
  gpCallbackDone,
  gpCallbackQueued,
  gpCallbackReady,
  gpFields,
  gpInit,
  gpNormalize,
  gpOver,
  gpReaderEnter,
  gpReaderExit,
  gpSyncEnd,
  gpSyncReady,
  gpSyncStart,
  gpKnown,
  type EpochMap,
  type GpFields,
  type GpFlavor,
  type GracePeriod,
} from './gracePeriod';

/** Runtime state of the SRCU domain (the grace-period core of gracePeriod.ts, nothing more). */
export type Srcu = GracePeriod;

const SRCU: GpFlavor = { name: 'srcu', synchronize: 'synchronize_srcu', call: 'call_srcu' };

/**
 * Schema type of the SRCU domain used by threads `ids`; with `callbacks`, also the call_srcu
 * callbacks (tags) that may be queued, each at most once at a time.
 */
export function srcuType<const O extends string>(ids: readonly O[]): LockMarked<RecordType<GpFields<O>>>;
export function srcuType<const O extends string, const C extends string>(
  ids: readonly O[],
  callbacks: readonly C[],
): LockMarked<RecordType<GpFields<O> & { pending: EpochMap<C> }>>;
export function srcuType(ids: readonly string[], callbacks: readonly string[] = []): LockMarked<RecordType<Record<string, Type>>> {
  // Marked for lockdep (./lockdep.ts): a read section is a shared hold of the domain.
  return lockType(t.record(gpFields(ids, callbacks)), 'rcu');
}

/** The initial SRCU state: epoch 0, nobody reading or synchronizing, no callbacks queued. */
export function srcuInit<const O extends string>(ids: readonly O[]): { epoch: number; reader: Record<O, number | null>; target: Record<O, number | null> };
export function srcuInit<const O extends string, const C extends string>(
  ids: readonly O[],
  callbacks: readonly C[],
): { epoch: number; reader: Record<O, number | null>; target: Record<O, number | null>; pending: Record<C, number | null> };
export function srcuInit(ids: readonly string[], callbacks: readonly string[] = []): Srcu {
  return gpInit(ids, callbacks);
}

/** Renumbers the live epoch values densely, preserving their order (see gracePeriod.ts). */
export const srcuNormalize: (sp: Srcu) => void = gpNormalize;

/** Thread `id` is between srcu_read_lock and srcu_read_unlock. */
export function srcuInReadSection(sp: Srcu, id: string): boolean {
  gpKnown(sp.reader, id, 'thread', SRCU);
  return sp.reader[id] !== null;
}

/** srcu_read_lock. Nested read sections of one thread are not modelled. */
export function srcuReadLock(sp: Srcu, id: string): void {
  if (srcuInReadSection(sp, id)) throw new Error(`srcu_read_lock by ${id}: nested read sections are not modelled`);
  gpReaderEnter(sp, id, SRCU);
}

/** srcu_read_unlock; outside a read section it records UNLOCK_NOT_HELD. */
export function srcuReadUnlock<G extends ErrState>(d: G, sp: Srcu, id: string): void {
  if (!srcuInReadSection(sp, id)) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  gpReaderExit(sp, id, SRCU);
}

/** True when no read section that started at or before `target` is still open. */
export const srcuGracePeriodOver: (sp: Srcu, target: number) => boolean = gpOver;

/** synchronize_srcu, step 1: `target := epoch; epoch++`. */
export const srcuSyncStart = (sp: Srcu, id: string): void => gpSyncStart(sp, id, SRCU);

/** synchronize_srcu, step 2's guard: every reader that could predate step 1 has left. */
export const srcuSyncReady = (sp: Srcu, id: string): boolean => gpSyncReady(sp, id, SRCU);

/** synchronize_srcu, step 2's effect: the call returns. */
export const srcuSyncEnd = (sp: Srcu, id: string): void => gpSyncEnd(sp, id, SRCU);

/** call_srcu(cb): queue callback `tag` behind the current readers. */
export const srcuCall = (sp: Srcu, tag: string): void => gpCall(sp, tag, SRCU);

/** Whether callback `tag` is queued (call_srcu done, the callback not yet run). */
export const srcuCallbackQueued = (sp: Srcu, tag: string): boolean => gpCallbackQueued(sp, tag, SRCU);

/** The environment may run callback `tag` now: it is queued and its grace period is over. */
export const srcuCallbackReady = (sp: Srcu, tag: string): boolean => gpCallbackReady(sp, tag, SRCU);

/** Dequeues callback `tag` (the environment step that runs it calls this). */
export const srcuCallbackDone = (sp: Srcu, tag: string): void => gpCallbackDone(sp, tag, SRCU);

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
