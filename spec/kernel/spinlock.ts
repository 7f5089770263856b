/**
 * spinlock_t (hmm-domain.md §1.1 "spinlock / mutex"): the same `owner` record and the same steps
 * as the mutex (./mutex.ts), marked `spinlock` for lockdep so that the held-lock set tells a
 * spinning, non-preemptible holder from a sleeping one. Follows include/linux/spinlock.h
 * `spin_lock` / `spin_trylock` / `spin_unlock` and kernel/locking/spinlock_debug.c
 * `debug_spin_unlock`, whose "already unlocked" / "wrong owner" checks are UNLOCK_NOT_HELD here;
 * a recursive spin_lock (spinlock_debug.c "recursion") never gets the lock: a deadlock.
 * A spin_unlock touches nothing after the release, so there is no two-step unlock.
 *
 * @example
 * const P = spinlockSteps<State>();   // fields: { ptl: spinlockType(IDS) }, init: { ptl: spinlockInit() }
 * steps: [P.lock('C1', (s) => s.ptl), { label: 'C2', effect: (d) => void (d.pte = null) }, P.unlock('C3', (s) => s.ptl)]
 */
import type { StepDef, ThreadCtx } from '../builder';
import { t, type EnumType, type OptionalType, type RecordType } from '../types';
import type { ErrState } from './errors';
import { lockType, type LockMarked } from './lockdep';
import { mutexInit, mutexSteps, type LockOpts, type Mutex } from './mutex';

/** Runtime state of a spinlock: its owner (thread id) or null. */
export type Spinlock = Mutex;

/** Schema type of a spinlock that `owners` (thread ids) may hold (marked `spinlock` for lockdep). */
export function spinlockType<const O extends string>(owners: readonly O[]): LockMarked<RecordType<{ owner: OptionalType<EnumType<O>> }>> {
  return lockType(t.record({ owner: t.optional(t.enum(...owners)) }), 'spinlock');
}

/** An unlocked spinlock. */
export const spinlockInit = mutexInit;

/** Step factories over a model state `G`: spin_lock, spin_trylock, spin_unlock and a whole critical section. */
export function spinlockSteps<G extends ErrState>() {
  const m = mutexSteps<G>();
  const named = (opts: LockOpts<G> | undefined, doc: string): LockOpts<G> => ({ ...opts, doc: opts?.doc ?? doc });
  return {
    /** spin_lock: enabled iff free (the thread spins at this label otherwise). */
    lock<const Label extends string>(label: Label, sel: (s: G) => Spinlock, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return m.lock(label, sel, named(opts, 'spin_lock'));
    },
    /** spin_trylock: on failure go to `onFail`. */
    trylock<const Label extends string, const Fail extends string>(label: Label, sel: (s: G) => Spinlock, onFail: Fail, opts?: LockOpts<G>) {
      return m.trylock(label, sel, onFail, named(opts, 'spin_trylock'));
    },
    /** spin_unlock; by a thread that does not hold it, UNLOCK_NOT_HELD. */
    unlock<const Label extends string>(label: Label, sel: (s: G) => Spinlock, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return m.unlock(label, sel, named(opts, 'spin_unlock'));
    },
    /** `⟨spin_lock; body; spin_unlock⟩` as one step (lint counts the lock as held for it). */
    critical<const Label extends string, L = unknown>(label: Label, sel: (s: G) => Spinlock, body: (d: G, th: ThreadCtx<L, string>) => void, opts?: LockOpts<G>) {
      return m.critical(label, sel, body, named(opts, 'spin_lock; …; spin_unlock'));
    },
  };
}
