/**
 * seqcount_t (include/linux/seqlock.h, read at torvalds/linux 2baf6e531be2): writers, serialised
 * by a lock of their own, bracket updates with `write_seqcount_begin` / `write_seqcount_end`
 * (`raw_write_seqcount_begin`/`_end`: sequence++ on each); readers never block writers —
 * `read_seqcount_begin` (`__read_seqcount_begin` spins while the sequence is odd) takes a
 * snapshot and `read_seqcount_retry` (`__read_seqcount_retry`: sequence != start) says whether a
 * write began since, so the reader must retry. Begin and retry are separate steps: each is one
 * READ_ONCE of the sequence, and the reads between them are lock-free.
 *
 * The state is not the counter but what it can tell each reader: `writer` (the sequence is odd,
 * and who is writing — lockdep's `seqcount_acquire`) and per thread its open read section,
 * `valid` or `stale` (a write began after the snapshot). This is exact for `begin … retry` and
 * needs no wrap-around bound. `tryReadBegin` is the non-spinning reader (raw_read_seqcount, give up
 * when odd: GUP-fast's use of mm->write_protect_seq). A write_seqcount_end by a thread that is not writing is
 * UNLOCK_NOT_HELD; two writers at once is a modelling error (the kernel requires the writer lock).
 *
 * @example
 * const Q = seqcountSteps<State>();   // fields: { seq: seqcountType(IDS) }, init: { seq: seqcountInit(IDS) }
 * reader: [Q.readBegin('R1', (s) => s.seq), { label: 'R2', effect: (d, th) => void (th.local.v = d.val) }, Q.readRetry('R3', (s) => s.seq, { retry: 'R1' })]
 * writer: [Q.writeBegin('W1', (s) => s.seq), { label: 'W2', effect: (d) => void (d.val = 1) }, Q.writeEnd('W3', (s) => s.seq)]
 */
import type { StepDef } from '../builder';
import { t, type EnumType, type MapType, type OptionalType, type RecordType } from '../types';
import { raise, type ErrState } from './errors';
import { lockType, type LockMarked } from './lockdep';

/** A reader's snapshot: still `valid`, or `stale` once a write began after it. */
export type SeqSnapshot = 'valid' | 'stale';

/** Runtime state of a seqcount. */
export interface Seqcount {
  /** The thread in a write section (the sequence is odd), or null. */
  writer: string | null;
  /** Per thread, its open read section's snapshot, or null. */
  reader: Record<string, SeqSnapshot | null>;
}

/** Schema type of a seqcount used by threads `ids` (marked `seqcount` for lockdep). */
export function seqcountType<const O extends string>(
  ids: readonly O[],
): LockMarked<RecordType<{ writer: OptionalType<EnumType<O>>; reader: MapType<O, OptionalType<EnumType<SeqSnapshot>>> }>> {
  return lockType(t.record({ writer: t.optional(t.enum(...ids)), reader: t.map(ids, t.optional(t.enum('valid', 'stale'))) }), 'seqcount');
}

/** A seqcount with no writer and no read section open. */
export function seqcountInit<const O extends string>(ids: readonly O[]): { writer: O | null; reader: Record<O, SeqSnapshot | null> } {
  return { writer: null, reader: Object.fromEntries(ids.map((id) => [id, null])) as Record<O, SeqSnapshot | null> };
}

/** read_seqcount_begin may return: no write section is open (the sequence is even). */
export function seqcountCanRead(sc: Seqcount): boolean {
  return sc.writer === null;
}

/** read_seqcount_begin: the step's guard must have checked `seqcountCanRead`. */
export function seqcountReadBegin(sc: Seqcount, id: string): void {
  if (!(id in sc.reader)) throw new Error(`read_seqcount_begin by ${id}: not in the seqcount's thread ids`);
  if (!seqcountCanRead(sc)) throw new Error(`read_seqcount_begin by ${id} while ${sc.writer} writes: guard the step with seqcountCanRead`);
  sc.reader[id] = 'valid';
}

/**
 * raw_read_seqcount + "odd → give up" (GUP-fast's `seq & 1` test, raw_seqcount_try_begin): opens
 * a read section and returns true when no write section is open; else returns false and opens
 * nothing (the reader does not spin, unlike read_seqcount_begin).
 */
export function seqcountTryReadBegin(sc: Seqcount, id: string): boolean {
  if (!seqcountCanRead(sc)) return false;
  seqcountReadBegin(sc, id);
  return true;
}

/** read_seqcount_retry: closes the read section and returns true if the reader must retry. */
export function seqcountReadRetry(sc: Seqcount, id: string): boolean {
  const snap = sc.reader[id];
  if (snap === null || snap === undefined) throw new Error(`read_seqcount_retry by ${id} without read_seqcount_begin`);
  sc.reader[id] = null;
  return snap === 'stale';
}

/** write_seqcount_begin: every open read section becomes stale. */
export function seqcountWriteBegin(sc: Seqcount, id: string): void {
  if (sc.writer !== null) throw new Error(`write_seqcount_begin by ${id} while ${sc.writer} writes: serialise writers with a lock`);
  sc.writer = id;
  for (const k of Object.keys(sc.reader)) if (sc.reader[k] === 'valid') sc.reader[k] = 'stale';
}

/** write_seqcount_end; by a thread not in a write section it records UNLOCK_NOT_HELD. */
export function seqcountWriteEnd<G extends ErrState>(d: G, sc: Seqcount, id: string): void {
  if (sc.writer !== id) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  sc.writer = null;
}

/** Step factories over a model state `G`. */
export function seqcountSteps<G extends ErrState>() {
  return {
    /** read_seqcount_begin: enabled once no write section is open. */
    readBegin<const Label extends string>(label: Label, sel: (s: G) => Seqcount, doc = 'read_seqcount_begin'): StepDef<G, unknown, Label> {
      return { label, doc, guard: (s) => seqcountCanRead(sel(s)), effect: (d, th) => seqcountReadBegin(sel(d), th.id) };
    },
    /** raw_read_seqcount with `if (seq & 1) return` (never spins): an odd sequence goes to `onOdd`, with no read section open. */
    tryReadBegin<const Label extends string, const Odd extends string>(label: Label, sel: (s: G) => Seqcount, opts: { readonly onOdd: Odd; readonly doc?: string }): StepDef<G, unknown, Label | Odd> {
      return {
        label,
        doc: opts.doc ?? 'raw_read_seqcount; odd → give up',
        effect: (d, th) => {
          if (!seqcountTryReadBegin(sel(d), th.id)) th.goto(opts.onOdd);
        },
      };
    },
    /** read_seqcount_retry: go to `retry` if a write began since the snapshot, else to `otherwise` (default: next step). */
    readRetry<const Label extends string, const Retry extends string, const Other extends string = never>(
      label: Label,
      sel: (s: G) => Seqcount,
      opts: { readonly retry: Retry; readonly otherwise?: Other; readonly doc?: string },
    ): StepDef<G, unknown, Label | Retry | Other> {
      return {
        label,
        doc: opts.doc ?? 'read_seqcount_retry',
        effect: (d, th) => {
          if (seqcountReadRetry(sel(d), th.id)) th.goto(opts.retry);
          else if (opts.otherwise !== undefined) th.goto(opts.otherwise);
        },
      };
    },
    /** write_seqcount_begin (the caller holds the writers' lock). */
    writeBegin<const Label extends string>(label: Label, sel: (s: G) => Seqcount, doc = 'write_seqcount_begin'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => seqcountWriteBegin(sel(d), th.id) };
    },
    /** write_seqcount_end. */
    writeEnd<const Label extends string>(label: Label, sel: (s: G) => Seqcount, doc = 'write_seqcount_end'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => seqcountWriteEnd(d, sel(d), th.id) };
    },
  };
}
