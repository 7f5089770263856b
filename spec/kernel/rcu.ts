/**
 * RCU (hmm-domain.md §1.1 "SRCU / RCU", §1.12 R1–R2 and U4–U6): read-side sections that nest,
 * synchronize_rcu as two steps, and call_rcu / kfree_rcu with a deferred-free list, over the
 * grace-period core shared with SRCU (gracePeriod.ts).
 *
 * - `rcu_read_lock` / `rcu_read_unlock` bump a per-thread nesting `depth`; the outermost lock
 *   records the epoch the section started in, the outermost unlock ends the section (include/linux/
 *   rcupdate.h: "RCU read-side critical sections may be nested. Any deferred actions will be
 *   deferred until the outermost RCU read-side critical section completes").
 * - Implicit readers: since the RCU flavours were consolidated (v4.20), a region with preemption
 *   or IRQs disabled (a spinlock held, local_irq_disable, preempt_disable) is a read-side section
 *   too. A model couples its region steps (cpu.ts preempt_disable / local_irq_disable,
 *   spinlock.ts spin_lock) to RCU with `rcuSteps().implicitEnter(step, sel)` / `implicitExit`, or
 *   calls `rcuImplicitEnter(rcu, id)` / `rcuImplicitExit(d, rcu, id)` itself. They count in the
 *   same `depth`, so an explicit unlock inside an implicit region is not told apart from a
 *   balanced one. (A predicate such as cpu.ts `rcuReaderImplied` cannot replace the hook: the
 *   grace period must see the region end, even if another one starts before it checks.)
 * - `synchronize_rcu` (kernel/rcu/tree.c): step 1 snapshots the readers inside now (target :=
 *   epoch); step 2 is enabled once every one of them has left; readers that start later do not
 *   delay it.
 * - `call_rcu(tag)` / `kfree_rcu(tag)` queue a callback behind the current readers; an
 *   environment action (`rcuCallbackAction`, `rcuKfreeAction`) runs it once they have all left —
 *   the deferred-free list.
 * - Checked for free: every access of a freed object is a use-after-free through errors.ts
 *   (`touch`), so a reader that keeps a pointer past rcu_read_unlock, or a writer that frees
 *   without a grace period, shows up as soon as the reader touches the object. With `objects`
 *   listed, `rcuDereference(d, rcu, id, tag)` also remembers which readers hold a tag until their
 *   section ends, and `rcuFree` records RCU_FREE_IN_GP when an object is freed while one may
 *   still hold it (before it touches it); rcu_dereference outside a section records
 *   RCU_UNLOCKED_DEREF (lockdep's "suspicious rcu_dereference_check() usage").
 *
 * Read from torvalds/linux include/linux/rcupdate.h at a682604838763981613e42015cd0e39f2989d6bb
 * (the rcu_read_lock / synchronize_rcu / call_rcu contract; that version predates the flavour
 * consolidation, whose reader rule is stated above from later kernels). The readers are the
 * spec's thread ids (`threadIds(kind, instances)` from spec/builder.ts lists a kind's ids).
 *
 * @example
 * const fields = { err: errType('UAF_OBJ'), rcu: rcuType(['R', 'W'], { objects: ['obj'] }), obj: t.record(freeableFields()) };
 * const U = rcuSteps<State>();
 * steps: [U.readLock('R1', (s) => s.rcu), U.dereference('R2', (s) => s.rcu, 'obj'), { label: 'R3', effect: (d) => void touch(d, d.obj, 'UAF_OBJ') }, U.readUnlock('R4', (s) => s.rcu)]
 */
import type { ActionOptions, StepDef } from '../builder';
import { t, type Infer, type IntType, type MapType, type RecordType, type SetType, type Type } from '../types';
import { kfree, raise, type ErrCode, type ErrState, type Freeable } from './errors';
import { lockType, type LockMarked } from './lockdep';
import { andThen } from './steps';
import {
  gpCall,
  gpCallbackDone,
  gpCallbackQueued,
  gpCallbackReady,
  gpFields,
  gpInit,
  gpKnown,
  gpReaderEnter,
  gpReaderExit,
  gpSyncEnd,
  gpSyncReady,
  gpSyncStart,
  type EpochMap,
  type GpFields,
  type GpFlavor,
  type GracePeriod,
} from './gracePeriod';

/** Runtime state of the RCU domain. */
export interface Rcu extends GracePeriod {
  /** Per thread: read-side nesting depth, explicit and implicit sections together. */
  depth: Record<string, number>;
  /** Per object tag (only with `objects`): the readers that dereferenced it in their current section. */
  holders?: Record<string, Set<string>>;
}

const RCU: GpFlavor = { name: 'rcu', synchronize: 'synchronize_rcu', call: 'call_rcu' };

/** Options of `rcuType` / `rcuInit`. */
export interface RcuOpts<C extends string, T extends string> {
  /** call_rcu / kfree_rcu callback tags (each queued at most once at a time). */
  readonly callbacks?: readonly C[];
  /** RCU-protected objects whose holders are tracked (for RCU_FREE_IN_GP). */
  readonly objects?: readonly T[];
  /** Deepest nesting of one thread's sections, explicit and implicit (default 2). */
  readonly maxDepth?: number;
}

type RcuFields<O extends string, C extends string, T extends string> = GpFields<O> & { depth: MapType<O, IntType> } & ([C] extends [never] ? {} : { pending: EpochMap<C> }) &
  ([T] extends [never] ? {} : { holders: MapType<T, SetType<O>> });

/** Schema type of the RCU domain whose readers and synchronizers are threads `ids`. */
export function rcuType<const O extends string, const C extends string = never, const T extends string = never>(
  ids: readonly O[],
  opts: RcuOpts<C, T> = {},
): LockMarked<RecordType<RcuFields<O, C, T>>> {
  const fields: Record<string, Type> = { ...gpFields(ids, opts.callbacks ?? []), depth: t.map(ids, t.int(0, opts.maxDepth ?? 2)) };
  if (opts.objects?.length) fields.holders = t.map(opts.objects, t.set(ids));
  // Marked for lockdep (./lockdep.ts): a read section (explicit or implicit) is a shared hold.
  return lockType(t.record(fields), 'rcu') as LockMarked<RecordType<RcuFields<O, C, T>>>;
}

/** The initial RCU state: nobody reading or synchronizing, nothing queued, nothing held. */
export function rcuInit<const O extends string, const C extends string = never, const T extends string = never>(
  ids: readonly O[],
  opts: RcuOpts<C, T> = {},
): Infer<RecordType<RcuFields<O, C, T>>> {
  const rcu: Rcu = { ...gpInit(ids, opts.callbacks ?? []), depth: Object.fromEntries(ids.map((id) => [id, 0])) };
  if (opts.objects?.length) rcu.holders = Object.fromEntries(opts.objects.map((o) => [o, new Set<string>()]));
  return rcu as unknown as Infer<RecordType<RcuFields<O, C, T>>>;
}

/** The thread's read-side nesting depth (0: outside any section). */
export function rcuDepth(rcu: Rcu, id: string): number {
  gpKnown(rcu.depth, id, 'thread', RCU);
  return rcu.depth[id]!;
}

/** rcu_read_lock_held(): the thread is inside a read-side section, explicit or implicit. */
export function rcuInReadSection(rcu: Rcu, id: string): boolean {
  return rcuDepth(rcu, id) > 0;
}

/** rcu_read_lock: nests; the outermost one starts the section (it records the epoch). */
export function rcuReadLock(rcu: Rcu, id: string): void {
  const depth = rcuDepth(rcu, id);
  if (depth === 0) gpReaderEnter(rcu, id, RCU);
  rcu.depth[id] = depth + 1;
}

/**
 * rcu_read_unlock: the outermost one ends the section (synchronizers waiting for it may return,
 * and its holds on objects end). Outside a section it records UNLOCK_NOT_HELD.
 */
export function rcuReadUnlock<G extends ErrState>(d: G, rcu: Rcu, id: string): void {
  const depth = rcuDepth(rcu, id);
  if (depth === 0) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  rcu.depth[id] = depth - 1;
  if (depth > 1) return;
  gpReaderExit(rcu, id, RCU);
  if (rcu.holders) for (const held of Object.values(rcu.holders)) held.delete(id);
}

/**
 * The hook for modules modelling non-preemptible regions (cpu.ts): a region with preemption or
 * IRQs disabled starts, so the thread is an implicit RCU reader until `rcuImplicitExit`.
 */
export function rcuImplicitEnter(rcu: Rcu, id: string): void {
  rcuReadLock(rcu, id);
}

/** The non-preemptible region started by `rcuImplicitEnter` ends. */
export function rcuImplicitExit<G extends ErrState>(d: G, rcu: Rcu, id: string): void {
  rcuReadUnlock(d, rcu, id);
}

/**
 * rcu_dereference(p) of object `tag` (one lock-free read): outside a read section it records
 * RCU_UNLOCKED_DEREF and returns false. With holders tracked, the thread holds `tag` until its
 * section ends. The model reads the pointer itself (this only does the bookkeeping).
 */
export function rcuDereference<G extends ErrState>(d: G, rcu: Rcu, id: string, tag?: string): boolean {
  if (!rcuInReadSection(rcu, id)) {
    raise(d, 'RCU_UNLOCKED_DEREF');
    return false;
  }
  if (tag !== undefined && rcu.holders) {
    gpKnown(rcu.holders, tag, 'object', RCU);
    rcu.holders[tag]!.add(id);
  }
  return true;
}

/** Readers that dereferenced `tag` in their current section (empty unless holders are tracked). */
export function rcuHolders(rcu: Rcu, tag: string): ReadonlySet<string> {
  if (!rcu.holders) return new Set();
  gpKnown(rcu.holders, tag, 'object', RCU);
  return rcu.holders[tag]!;
}

/**
 * kfree of the RCU-protected object `obj` (tag `tag`): RCU_FREE_IN_GP if a reader that
 * dereferenced it is still inside its section, then an ordinary `kfree` (double free = UAF).
 */
export function rcuFree<G extends ErrState>(d: G, rcu: Rcu, tag: string, obj: Freeable, uaf: ErrCode<G>): void {
  if (rcuHolders(rcu, tag).size > 0) raise(d, 'RCU_FREE_IN_GP');
  kfree(d, obj, uaf);
}

/** synchronize_rcu, step 1: snapshot the current readers (`target := epoch; epoch++`). */
export const rcuSyncStart = (rcu: Rcu, id: string): void => gpSyncStart(rcu, id, RCU);
/** synchronize_rcu, step 2's guard: every reader of the snapshot has left its section. */
export const rcuSyncReady = (rcu: Rcu, id: string): boolean => gpSyncReady(rcu, id, RCU);
/** synchronize_rcu, step 2's effect: the call returns. */
export const rcuSyncEnd = (rcu: Rcu, id: string): void => gpSyncEnd(rcu, id, RCU);
/** call_rcu(cb) / kfree_rcu(obj): queue callback `tag` behind the current readers. */
export const rcuCall = (rcu: Rcu, tag: string): void => gpCall(rcu, tag, RCU);
/** Whether callback `tag` is queued (call_rcu done, the callback not yet run). */
export const rcuCallbackQueued = (rcu: Rcu, tag: string): boolean => gpCallbackQueued(rcu, tag, RCU);
/** Callback `tag` may run: it is queued and every reader that was inside at call_rcu has left. */
export const rcuCallbackReady = (rcu: Rcu, tag: string): boolean => gpCallbackReady(rcu, tag, RCU);
/** Dequeues callback `tag` (the environment action that runs it calls this). */
export const rcuCallbackDone = (rcu: Rcu, tag: string): void => gpCallbackDone(rcu, tag, RCU);

/**
 * The environment action that runs callback `tag` after its grace period (rcu_do_batch):
 * declare it with `.action('RCU.cb', {}, rcuCallbackAction(sel, 'cb', run))`.
 */
export function rcuCallbackAction<G>(sel: (s: G) => Rcu, tag: string, run: (d: G) => void): ActionOptions<G, {}> {
  return {
    doc: `RCU callback ${tag} (after its grace period)`,
    guard: (s) => rcuCallbackReady(sel(s), tag),
    effect: (d) => {
      rcuCallbackDone(sel(d), tag);
      run(d);
    },
  };
}

/** The deferred free of kfree_rcu(obj) (tag `tag`), as an environment action. */
export function rcuKfreeAction<G extends ErrState>(sel: (s: G) => Rcu, tag: string, obj: (s: G) => Freeable, uaf: ErrCode<G>): ActionOptions<G, {}> {
  return { ...rcuCallbackAction(sel, tag, (d) => rcuFree(d, sel(d), tag, obj(d), uaf)), doc: `kfree_rcu ${tag}: free after the grace period` };
}

/** Step factories over a model state `G`. */
export function rcuSteps<G extends ErrState>() {
  const steps = {
    /** rcu_read_lock. */
    readLock<const Label extends string>(label: Label, sel: (s: G) => Rcu, doc = 'rcu_read_lock'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => rcuReadLock(sel(d), th.id) };
    },

    /** rcu_read_unlock. */
    readUnlock<const Label extends string>(label: Label, sel: (s: G) => Rcu, doc = 'rcu_read_unlock'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => rcuReadUnlock(d, sel(d), th.id) };
    },

    /** rcu_dereference of object `tag` (bookkeeping only; the model's own step reads the pointer). */
    dereference<const Label extends string>(label: Label, sel: (s: G) => Rcu, tag?: string, doc = 'rcu_dereference'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => void rcuDereference(d, sel(d), th.id, tag) };
    },

    /** synchronize_rcu step 1: snapshot the readers. */
    syncStart<const Label extends string>(label: Label, sel: (s: G) => Rcu, doc = 'synchronize_rcu (1): start a grace period'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => rcuSyncStart(sel(d), th.id) };
    },

    /** synchronize_rcu step 2: enabled once the snapshot's readers have left; then it returns. */
    syncWait<const Label extends string>(label: Label, sel: (s: G) => Rcu, doc = 'synchronize_rcu (2): wait for pre-existing readers'): StepDef<G, unknown, Label> {
      return { label, doc, guard: (s, th) => rcuSyncReady(sel(s), th.id), effect: (d, th) => rcuSyncEnd(sel(d), th.id) };
    },

    /** synchronize_rcu as its two steps, to spread into a step list. */
    synchronize<const A extends string, const B extends string>(labelA: A, labelB: B, sel: (s: G) => Rcu): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
      return [steps.syncStart(labelA, sel), steps.syncWait(labelB, sel)];
    },

    /**
     * `step` (a preempt_disable, local_irq_disable or spin_lock step of cpu.ts / spinlock.ts) that
     * also starts an implicit read-side section: the coupling of non-preemptible regions to RCU.
     */
    implicitEnter<L, Label extends string>(step: StepDef<G, L, Label>, sel: (s: G) => Rcu): StepDef<G, L, Label> {
      return andThen(step, (d, th) => rcuImplicitEnter(sel(d), th.id));
    },

    /** `step` (the matching preempt_enable / local_irq_enable / spin_unlock) that ends it. */
    implicitExit<L, Label extends string>(step: StepDef<G, L, Label>, sel: (s: G) => Rcu): StepDef<G, L, Label> {
      return andThen(step, (d, th) => rcuImplicitExit(d, sel(d), th.id));
    },

    /** call_rcu / kfree_rcu: queue callback `tag` (run by `rcuCallbackAction` / `rcuKfreeAction`). */
    call<const Label extends string>(label: Label, sel: (s: G) => Rcu, tag: string, doc = `call_rcu(${tag})`): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d) => rcuCall(sel(d), tag) };
    },
  };
  return steps;
}
