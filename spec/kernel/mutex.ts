/**
 * Mutex (hmm-domain.md §1.1): `owner ∈ {free} ∪ Threads`; acquire is one step enabled iff free,
 * trylock is one step whose result the state decides, and release is one step — or two for a
 * mutex whose unlock slow path still touches the lock's memory after handing it over (H1).
 * Follows kernel/locking/mutex.c: `mutex_lock` (waits while owned), `mutex_trylock`,
 * `mutex_unlock` / `__mutex_unlock_slowpath` (which with CONFIG_DEBUG_MUTEXES warns when the
 * owner is not `current`: here UNLOCK_NOT_HELD). A lock taken twice by its owner simply never
 * becomes free: the checker reports the self-deadlock. `mutexType` marks the type for lockdep
 * (./lockdep.ts), so holders show in the viewer and in `hmmcheck lint`. spinlock.ts reuses these
 * steps for spin_lock.
 *
 * @example
 * const M = mutexSteps<State>();
 * steps: [
 *   M.lock('X5', (s) => s.dev.mutex, { in: (s) => s.dev, uaf: 'UAF_DEV' }),
 *   { label: 'X6', effect: (d) => { ... } },
 *   ...M.unlock2('X7a', 'X7b', (s) => s.dev.mutex, { in: (s) => s.dev, uaf: 'UAF_DEV' }),
 * ]
 */
import type { StepDef, ThreadCtx } from '../builder';
import { t, type EnumType, type OptionalType, type RecordType } from '../types';
import { raise, touch, type ErrCode, type ErrState, type Freeable } from './errors';
import { lockType, type LockMarked } from './lockdep';

/** Runtime state of a mutex or spinlock. */
export interface Mutex {
  owner: string | null;
}

/** Schema type of a mutex that `owners` (thread ids) may hold (marked `mutex` for lockdep). */
export function mutexType<const O extends string>(owners: readonly O[]): LockMarked<RecordType<{ owner: OptionalType<EnumType<O>> }>> {
  return lockType(t.record({ owner: t.optional(t.enum(...owners)) }), 'mutex');
}

/** A free mutex (its owner type is taken from the context: the model's thread ids). */
export function mutexInit<O extends string = never>(): { owner: O | null } {
  return { owner: null };
}

/** Nobody holds the mutex (mutex_lock would not wait). */
export function mutexFree(m: Mutex): boolean {
  return m.owner === null;
}

/** Thread `id` holds the mutex (lockdep_assert_held, for its owner). */
export function mutexHeldBy(m: Mutex, id: string): boolean {
  return m.owner === id;
}

/** Acquires a free mutex; the step's guard must have checked `mutexFree`. */
export function mutexLock(m: Mutex, id: string): void {
  if (m.owner !== null) throw new Error(`mutex_lock by ${id} while held by ${m.owner}: guard the step with mutexFree`);
  m.owner = id;
}

/** mutex_trylock / spin_trylock: acquires and returns true iff free. */
export function mutexTrylock(m: Mutex, id: string): boolean {
  if (m.owner !== null) return false;
  m.owner = id;
  return true;
}

/** Releases the mutex; an unlock by a thread that does not hold it records UNLOCK_NOT_HELD. */
export function mutexUnlock<G extends ErrState>(d: G, m: Mutex, id: string): void {
  if (m.owner !== id) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  m.owner = null;
}

/**
 * Where the lock lives, for use-after-free checks: every operation on the lock is an access to
 * the enclosing object `in`, recording `uaf` if it is freed.
 */
export interface LockOpts<G> {
  readonly in?: (s: G) => Freeable;
  readonly uaf?: ErrCode<G>;
  readonly doc?: string;
}

/** Runs the access check of `opts`; returns false if the enclosing object was freed. */
export function touchHolder<G extends ErrState>(d: G, opts: LockOpts<G> | undefined): boolean {
  if (!opts?.in) return true;
  if (opts.uaf === undefined) throw new Error('lock options: `in` needs `uaf` (the error code naming the object)');
  return touch(d, opts.in(d), opts.uaf);
}

/** Step factories over a model state `G`, so models write each lock operation in one line. */
export function mutexSteps<G extends ErrState>() {
  const steps = {
    /** mutex_lock / spin_lock: enabled iff free (the thread waits at this label otherwise). */
    lock<const Label extends string>(label: Label, sel: (s: G) => Mutex, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'lock',
        guard: (s) => mutexFree(sel(s)),
        effect: (d, th) => {
          if (touchHolder(d, opts)) mutexLock(sel(d), th.id);
        },
      };
    },

    /** mutex_trylock: on success continue in program order, on failure go to `onFail`. */
    trylock<const Label extends string, const Fail extends string>(
      label: Label,
      sel: (s: G) => Mutex,
      onFail: Fail,
      opts?: LockOpts<G>,
    ): StepDef<G, unknown, Label | Fail> {
      return {
        label,
        doc: opts?.doc ?? 'trylock',
        effect: (d, th) => {
          if (!touchHolder(d, opts)) return;
          if (!mutexTrylock(sel(d), th.id)) th.goto(onFail);
        },
      };
    },

    /** mutex_unlock as one step (ownership release and the slow path together). */
    unlock<const Label extends string>(label: Label, sel: (s: G) => Mutex, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'unlock',
        effect: (d, th) => {
          if (touchHolder(d, opts)) mutexUnlock(d, sel(d), th.id);
        },
      };
    },

    /**
     * mutex_unlock, step (a): ownership is released (another thread may now acquire it). Follow it
     * with `unlockSlowPath`, or use `unlock2` for both.
     */
    unlockRelease<const Label extends string>(label: Label, sel: (s: G) => Mutex, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'unlock (a): ownership released',
        effect: (d, th) => {
          if (touchHolder(d, opts)) mutexUnlock(d, sel(d), th.id);
        },
      };
    },

    /**
     * mutex_unlock, step (b): the slow path (waking waiters) still touches the mutex's memory —
     * a use-after-free if the enclosing object was freed after (a). "A lock inside an object
     * cannot protect freeing that object" (Hairgrove, 2015).
     */
    unlockSlowPath<const Label extends string>(label: Label, opts: LockOpts<G> & { readonly in: (s: G) => Freeable; readonly uaf: ErrCode<G> }): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts.doc ?? 'unlock (b): slow path touches the mutex memory',
        effect: (d) => {
          touchHolder(d, opts);
        },
      };
    },

    /** The two-step unlock (a) + (b), to spread into a step list. */
    unlock2<const A extends string, const B extends string>(
      labelA: A,
      labelB: B,
      sel: (s: G) => Mutex,
      opts: LockOpts<G> & { readonly in: (s: G) => Freeable; readonly uaf: ErrCode<G> },
    ): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
      const { doc, ...where } = opts;
      return [
        steps.unlockRelease(labelA, sel, { ...where, doc: doc && `${doc} (a)` }),
        steps.unlockSlowPath(labelB, { ...where, doc: doc && `${doc} (b)` }),
      ];
    },

    /**
     * A whole critical section as one atomic step `⟨lock; body; unlock⟩` (allowed by the
     * granularity rule of §4 when no lock-free reader observes the fields): enabled iff the lock
     * is free; the lock is free again afterwards. `hmmcheck lint` counts the lock as held for the
     * whole step (`holds`).
     */
    critical<const Label extends string, L = unknown>(
      label: Label,
      sel: (s: G) => Mutex,
      body: (d: G, th: ThreadCtx<L, string>) => void,
      opts?: LockOpts<G>,
    ): StepDef<G, L, Label> {
      return {
        label,
        doc: opts?.doc ?? 'critical section',
        holds: [sel],
        guard: (s) => mutexFree(sel(s)),
        effect: (d, th) => {
          if (touchHolder(d, opts)) body(d, th);
        },
      };
    },
  };
  return steps;
}
