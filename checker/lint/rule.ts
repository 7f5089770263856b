/**
 * The granularity rule (hmm-domain.md §4) applied to one run of one thread step: a step may make
 * at most one lock-free access to shared state — a READ_ONCE, a WRITE_ONCE or one atomic
 * read-modify-write (a field read and written counts once) — unless every shared field it touches
 * is guarded by a lock it holds for the whole step. Accesses to a field guarded by a held lock are
 * free (for a write, held exclusively; and if the field also has lock-free readers, a write is
 * still one lock-free access, since they can observe it). Ghost fields (model bookkeeping) are not
 * accesses at all. Fields nobody declared are counted apart,
 * so that an unannotated model gets warnings rather than findings.
 */
import { isExclusive, type HoldMode } from '../../spec/kernel/lockdep';
import type { FieldRule } from './declarations';

/** One shared field a run touched. */
export interface Touch {
  readonly field: number;
  readonly written: boolean;
}

/** Locks a thread holds for a step, by lock key (`pathTokens(path).join('.')`): exclusively or not. */
export type Held = ReadonlyMap<string, boolean>;

export interface RunVerdict {
  /** Declared fields accessed lock-free (lockless, atomic, or guarded by a lock not held). */
  readonly lockfree: readonly number[];
  /** Fields without a declaration. */
  readonly undeclared: readonly number[];
  /** Fields declared guarded, accessed without their lock. */
  readonly unguarded: readonly number[];
}

/** A held-lock entry's contribution to `Held`: waiting for a lock is not holding it. */
export function holds(mode: HoldMode): boolean | undefined {
  return mode === 'waits' ? undefined : isExclusive(mode);
}

export function judgeRun(touches: readonly Touch[], rules: readonly FieldRule[], held: Held): RunVerdict {
  const lockfree: number[] = [];
  const undeclared: number[] = [];
  const unguarded: number[] = [];
  for (const { field, written } of touches) {
    const rule = rules[field]!;
    if (rule.kind === 'ghost') continue;
    if (rule.kind === 'undeclared') undeclared.push(field);
    else if (rule.kind !== 'guarded') lockfree.push(field);
    else if (!rule.locks.some((l) => held.has(l) && (!written || held.get(l)))) {
      lockfree.push(field);
      // A declared lock-free read (READ_ONCE of a field written under its lock) is one access, not a breach.
      if (written || !rule.lockfreeReads) unguarded.push(field);
    } else if (written && rule.lockfreeReads) lockfree.push(field);
  }
  return { lockfree, undeclared, unguarded };
}
