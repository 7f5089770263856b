/**
 * rw_semaphore (hmm-domain.md §1.1: `MMAP`, `MSEM`, `HRW`): a set of readers, a writer, and the
 * set of waiting writers, with writer preference — a new down_read is blocked while a writer
 * holds the lock or waits for it.
 *
 * down_write makes its wait visible: a writer that cannot acquire registers as waiting (one step,
 * and from then on new readers are blocked), then acquires in a later step at the same label once
 * the lock is free. A writer that finds the lock free acquires in one step. down_read needs no
 * registration (a blocked reader blocks nobody): its step is simply disabled while it must wait.
 *
 * @example
 * const R = rwsemSteps<State>();
 * steps: [R.downWrite('X1', (s) => s.hrw), ..., R.upWrite('X3', (s) => s.hrw)]
 */
import type { StepDef } from '../builder';
import { t, type EnumType, type OptionalType, type RecordType, type SetType } from '../types';
import { raise, type ErrState } from './errors';
import { touchHolder, type LockOpts } from './mutex';

/** Runtime state of an rwsem. */
export interface Rwsem {
  readers: Set<string>;
  writer: string | null;
  /** Writers that found the lock taken and wait for it (they block new readers). */
  waiting: Set<string>;
}

/** Schema type of an rwsem used by threads `ids`. */
export function rwsemType<const O extends string>(
  ids: readonly O[],
): RecordType<{ readers: SetType<O>; writer: OptionalType<EnumType<O>>; waiting: SetType<O> }> {
  return t.record({ readers: t.set(ids), writer: t.optional(t.enum(...ids)), waiting: t.set(ids) });
}

/** A free rwsem (its id type is taken from the context: the model's thread ids). */
export function rwsemInit<O extends string = never>(): { readers: Set<O>; writer: O | null; waiting: Set<O> } {
  return { readers: new Set(), writer: null, waiting: new Set() };
}

/** down_read may proceed: no writer holds the lock and none waits (writer preference). */
export function rwsemCanRead(r: Rwsem): boolean {
  return r.writer === null && r.waiting.size === 0;
}

/** down_write may proceed: nobody holds the lock. */
export function rwsemCanWrite(r: Rwsem): boolean {
  return r.writer === null && r.readers.size === 0;
}

export function rwsemHeldForRead(r: Rwsem, id: string): boolean {
  return r.readers.has(id);
}

export function rwsemHeldForWrite(r: Rwsem, id: string): boolean {
  return r.writer === id;
}

/** Acquires for read; the step's guard must have checked `rwsemCanRead`. */
export function rwsemDownRead(r: Rwsem, id: string): void {
  if (!rwsemCanRead(r)) throw new Error(`down_read by ${id} while it must wait: guard the step with rwsemCanRead`);
  if (r.readers.has(id)) throw new Error(`down_read by ${id}: recursive read locks are not modelled`);
  r.readers.add(id);
}

/** down_read_trylock: acquires and returns true iff down_read would not wait. */
export function rwsemTryDownRead(r: Rwsem, id: string): boolean {
  if (!rwsemCanRead(r)) return false;
  rwsemDownRead(r, id);
  return true;
}

/** down_write_trylock: acquires and returns true iff the lock is free (never registers as waiting). */
export function rwsemTryDownWrite(r: Rwsem, id: string): boolean {
  if (!rwsemCanWrite(r)) return false;
  r.writer = id;
  return true;
}

/**
 * One down_write attempt: acquires if possible (leaving the waiting set), otherwise registers as
 * a waiting writer. Returns whether the lock was acquired.
 */
export function rwsemDownWriteStep(r: Rwsem, id: string): boolean {
  if (rwsemCanWrite(r)) {
    r.writer = id;
    r.waiting.delete(id);
    return true;
  }
  r.waiting.add(id);
  return false;
}

/** up_read; by a thread that is not a reader it records UNLOCK_NOT_HELD. */
export function rwsemUpRead<G extends ErrState>(d: G, r: Rwsem, id: string): void {
  if (!r.readers.delete(id)) raise(d, 'UNLOCK_NOT_HELD');
}

/** up_write; by a thread that is not the writer it records UNLOCK_NOT_HELD. */
export function rwsemUpWrite<G extends ErrState>(d: G, r: Rwsem, id: string): void {
  if (r.writer !== id) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  r.writer = null;
}

/** A trylock step: `acquire` decides from the state; on failure the thread goes to `onFail`. */
function trylockStep<G extends ErrState, const Label extends string, const Fail extends string>(
  label: Label,
  doc: string,
  sel: (s: G) => Rwsem,
  onFail: Fail,
  opts: LockOpts<G> | undefined,
  acquire: (r: Rwsem, id: string) => boolean,
): StepDef<G, unknown, Label | Fail> {
  return {
    label,
    doc: opts?.doc ?? doc,
    effect: (d, th) => {
      if (!touchHolder(d, opts)) return;
      if (!acquire(sel(d), th.id)) th.goto(onFail);
    },
  };
}

/** Step factories over a model state `G`: each rwsem operation is one line in a step list. */
export function rwsemSteps<G extends ErrState>() {
  return {
    /** down_read: enabled iff no writer holds or waits for the lock. */
    downRead<const Label extends string>(label: Label, sel: (s: G) => Rwsem, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'down_read',
        guard: (s) => rwsemCanRead(sel(s)),
        effect: (d, th) => {
          if (touchHolder(d, opts)) rwsemDownRead(sel(d), th.id);
        },
      };
    },

    /**
     * down_write: if the lock is free, acquire and continue; otherwise register as waiting and
     * stay at this label, which is then enabled again only once the lock is free.
     */
    downWrite<const Label extends string>(label: Label, sel: (s: G) => Rwsem, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'down_write',
        guard: (s, th) => {
          const r = sel(s);
          return rwsemCanWrite(r) || !r.waiting.has(th.id);
        },
        effect: (d, th) => {
          if (!touchHolder(d, opts)) return;
          if (!rwsemDownWriteStep(sel(d), th.id)) th.goto(label);
        },
      };
    },

    /** down_read_trylock: on failure go to `onFail`. */
    tryDownRead<const Label extends string, const Fail extends string>(label: Label, sel: (s: G) => Rwsem, onFail: Fail, opts?: LockOpts<G>) {
      return trylockStep(label, 'down_read_trylock', sel, onFail, opts, rwsemTryDownRead);
    },

    /** down_write_trylock: on failure go to `onFail`. */
    tryDownWrite<const Label extends string, const Fail extends string>(label: Label, sel: (s: G) => Rwsem, onFail: Fail, opts?: LockOpts<G>) {
      return trylockStep(label, 'down_write_trylock', sel, onFail, opts, rwsemTryDownWrite);
    },

    /** up_read. */
    upRead<const Label extends string>(label: Label, sel: (s: G) => Rwsem, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'up_read',
        effect: (d, th) => {
          if (touchHolder(d, opts)) rwsemUpRead(d, sel(d), th.id);
        },
      };
    },

    /** up_write. */
    upWrite<const Label extends string>(label: Label, sel: (s: G) => Rwsem, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts?.doc ?? 'up_write',
        effect: (d, th) => {
          if (touchHolder(d, opts)) rwsemUpWrite(d, sel(d), th.id);
        },
      };
    },
  };
}
