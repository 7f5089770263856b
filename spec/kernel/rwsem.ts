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
 * Recursive read acquisition is allowed, as in the kernel, when the type is declared with a read
 * depth (`rwsemType(ids, { readDepth: 2 })`, `rwsemInit(ids)`): `nested[id]` counts the extra
 * holds. And it deadlocks as in the kernel when a writer queued in between: kernel/locking/rwsem.c
 * `rwsem_down_read_slowpath` (read at torvalds/linux 0f9368b5bf6d and a later mainline copy after
 * 1a728dff855a "locking/rwsem: Enable reader optimistic lock stealing") sends a reader to the
 * wait queue, behind the writer, when the lock is reader-owned (`rcnt > 1`, which counts the
 * caller's own first hold) — no stealing then — so the second down_read of a reader waits for a
 * writer that waits for that reader. `rwsem_try_write_lock` / `rwsem_down_write_slowpath` give
 * the writer's side. Not modelled: a reader stealing a *free* lock from a queued writer before the
 * handoff bit is set (the model blocks it, as writer preference says).
 *
 * @example
 * const R = rwsemSteps<State>();
 * steps: [R.downRead('F1', (s) => s.mmap), R.downRead('F2', (s) => s.mmap), R.upRead('F3', (s) => s.mmap), R.upRead('F4', (s) => s.mmap)]
 * // with { mmap: rwsemType(IDS, { readDepth: 2 }) }; a writer W queued between F1 and F2 deadlocks (exit 11)
 */
import type { StepDef } from '../builder';
import { t, type EnumType, type IntType, type MapType, type OptionalType, type RecordType, type SetType, type Type } from '../types';
import { raise, type ErrState } from './errors';
import { lockType, type LockMarked } from './lockdep';
import { touchHolder, type LockOpts } from './mutex';

/** Runtime state of an rwsem. */
export interface Rwsem {
  readers: Set<string>;
  writer: string | null;
  /** Writers that found the lock taken and wait for it (they block new readers). */
  waiting: Set<string>;
  /** Per reader, read holds beyond its first (only with `rwsemType(ids, { readDepth })`). */
  nested?: Record<string, number>;
}

type RwsemFields<O extends string> = { readers: SetType<O>; writer: OptionalType<EnumType<O>>; waiting: SetType<O> };

/** Options of `rwsemType`. */
export interface RwsemOpts {
  /** Read holds one thread may nest (≥ 2 allows recursive down_read; default 1: refused). */
  readonly readDepth?: number;
}

/** Schema type of an rwsem used by threads `ids` (marked `rwsem` for lockdep). */
export function rwsemType<const O extends string>(ids: readonly O[]): LockMarked<RecordType<RwsemFields<O>>>;
export function rwsemType<const O extends string>(ids: readonly O[], opts: RwsemOpts): LockMarked<RecordType<RwsemFields<O> & { nested: MapType<O, IntType> }>>;
export function rwsemType(ids: readonly string[], opts: RwsemOpts = {}): LockMarked<RecordType<Record<string, Type>>> {
  const fields: Record<string, Type> = { readers: t.set(ids), writer: t.optional(t.enum(...ids)), waiting: t.set(ids) };
  const depth = opts.readDepth ?? 1;
  if (depth > 1) fields.nested = t.map(ids, t.int(0, depth - 1));
  return lockType(t.record(fields), 'rwsem');
}

/**
 * A free rwsem (its id type is taken from the context: the model's thread ids); given the ids,
 * with the per-reader nesting counts that `rwsemType(ids, { readDepth })` declares.
 */
export function rwsemInit<O extends string = never>(): { readers: Set<O>; writer: O | null; waiting: Set<O> };
export function rwsemInit<const O extends string>(ids: readonly O[]): { readers: Set<O>; writer: O | null; waiting: Set<O>; nested: Record<O, number> };
export function rwsemInit(ids?: readonly string[]): Rwsem {
  const r: Rwsem = { readers: new Set(), writer: null, waiting: new Set() };
  if (ids) r.nested = Object.fromEntries(ids.map((id) => [id, 0]));
  return r;
}

/** down_read may proceed: no writer holds the lock and none waits (writer preference). */
export function rwsemCanRead(r: Rwsem): boolean {
  return r.writer === null && r.waiting.size === 0;
}

/** down_write may proceed: nobody holds the lock. */
export function rwsemCanWrite(r: Rwsem): boolean {
  return r.writer === null && r.readers.size === 0;
}

/** Thread `id` holds the rwsem for read (down_read done, up_read not yet). */
export function rwsemHeldForRead(r: Rwsem, id: string): boolean {
  return r.readers.has(id);
}

/** Thread `id` holds the rwsem for write. */
export function rwsemHeldForWrite(r: Rwsem, id: string): boolean {
  return r.writer === id;
}

/**
 * Acquires for read; the step's guard must have checked `rwsemCanRead` (which a recursive
 * acquisition needs too: behind a queued writer it waits, see the module header).
 */
export function rwsemDownRead(r: Rwsem, id: string): void {
  if (!rwsemCanRead(r)) throw new Error(`down_read by ${id} while it must wait: guard the step with rwsemCanRead`);
  if (!r.readers.has(id)) {
    r.readers.add(id);
    return;
  }
  if (!r.nested) throw new Error(`down_read by ${id}: a recursive read acquisition needs rwsemType(ids, { readDepth: 2 }) and rwsemInit(ids)`);
  r.nested[id] = (r.nested[id] ?? 0) + 1;
}

/** How many read holds `id` has (0, 1, or more when nested). */
export function rwsemReadDepth(r: Rwsem, id: string): number {
  return r.readers.has(id) ? 1 + (r.nested?.[id] ?? 0) : 0;
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

/** up_read (drops one hold of a nested reader); by a thread that is not a reader it records UNLOCK_NOT_HELD. */
export function rwsemUpRead<G extends ErrState>(d: G, r: Rwsem, id: string): void {
  if (r.nested && (r.nested[id] ?? 0) > 0) {
    r.nested[id]!--;
    return;
  }
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
