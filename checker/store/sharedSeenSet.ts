/**
 * HOT PATH (parallel search). The seen set shared by worker threads: open addressing over a
 * SharedArrayBuffer of (hi, lo) Int32 pairs, inserted without locks. An insert claims an empty
 * slot by compare-and-swap on its hi word, then publishes lo; a reader that finds its hi in a slot
 * whose lo is not yet published waits for it (a few instructions away). Neither word is ever 0
 * in a stored fingerprint (0 is mapped to 1, a negligible loss), so 0 marks empty and
 * unpublished. No global lock: threads contend only on the same slot.
 *
 * Growth is a barrier, not a lock: once the table is half full, each worker stops before its next
 * state and hands back the rest of its slice (parallelWorker.ts); when all have stopped, the
 * coordinator rehashes into a table twice the size and hands the rest out again (parallel.ts).
 * So a level may add any number of states. The only limit left is the room above half full for
 * the successors of the one state each worker is expanding when the table passes it.
 *
 * A table for a search that records the state graph, or for an ordered pass, has a third word per
 * slot, whose meaning is the search's (0: not set):
 * - a search that records the state graph: the state's index + 1, written by the coordinator once
 *   the level that found the state is merged, so that a worker names a successor found there by its
 *   index, not by its fingerprint for the coordinator to look up (liveness/edgeRecorder.ts,
 *   parallelGraph.ts; insertRef, setIndex, lookup);
 * - the ordered pass of any other search: the index + 1 of the state it was first reached from,
 *   written by the worker that stores it before it publishes lo (so a reader never sees it unset),
 *   and never changed: a worker that reaches it from a lesser state learns so (insertFrom), and the
 *   coordinator numbers a level's new states by their least edges as one worker does
 *   (engine/levelOrder.ts). States stored by the coordinator itself (the initial ones) keep 0.
 */
import { InternalLimitError } from '../engine/errors';

const GROW_AT = 0.5;
const MIN_CAPACITY = 1 << 10;
const MAX_CAPACITY = 1 << 30;

/** Words per slot: hi and lo, and the third word (above) if the search needs it. */
export type SlotWords = 2 | 3;

/** What a worker needs to share a table: its buffers and slot size. */
export interface SharedSeenBuffers {
  readonly table: SharedArrayBuffer;
  readonly counter: SharedArrayBuffer;
  readonly words: SlotWords;
}

/** insertRef's answer for a state stored before, whose index is not written yet. */
export const INDEX_PENDING = -2;

/** insertFrom's answer for a state stored before from a greater source than this call's. */
export const FROM_GREATER = -3;

/** A fingerprint word as the table holds it: an int32, 0 mapped to 1 (0 marks an empty or unpublished slot). */
const stored = (x: number): number => x | 0 || 1;

export class SharedSeenSet {
  private t: Int32Array;
  private mask: number;
  private growAt: number;
  /** Inserts beyond this fail: the slots above it keep probing finite for every worker still inserting. */
  private limit: number;
  /** [count] in its own shared buffer. */
  private readonly count: Int32Array;

  constructor(
    readonly table: SharedArrayBuffer,
    readonly counter: SharedArrayBuffer,
    readonly words: SlotWords,
  ) {
    this.t = new Int32Array(table);
    const cap = this.t.length / words;
    this.mask = cap - 1;
    this.growAt = Math.floor(cap * GROW_AT);
    // Each worker claims at most one slot past the limit before it throws: 256 spare slots at least.
    this.limit = cap - Math.max(256, cap >>> 4);
    this.count = new Int32Array(counter);
  }

  /** A table of at least `capacity` slots (a power of two, 2^10 to 2^30) of `words` words. */
  static create(capacity: number, words: SlotWords): SharedSeenSet {
    let cap = MIN_CAPACITY;
    while (cap < capacity && cap < MAX_CAPACITY) cap *= 2;
    return new SharedSeenSet(new SharedArrayBuffer(cap * words * 4), new SharedArrayBuffer(4), words);
  }

  /** The table as another thread opens it (`new SharedSeenSet(b.table, b.counter, b.words)`). */
  get buffers(): SharedSeenBuffers {
    return { table: this.table, counter: this.counter, words: this.words };
  }

  get size(): number {
    return Atomics.load(this.count, 0);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.t.byteLength;
  }

  /** Inserts the fingerprint; returns -1 if it was new, else 0 (the SeenSet insert contract, without indices). */
  insert(hi: number, lo: number, _at?: number): number {
    return this.claim(stored(hi), stored(lo), 0) < 0 ? -1 : 0;
  }

  /** Where the last new fingerprint went (its slot's first word), for setIndex's hint. */
  lastSlot = 0;

  /**
   * Inserts the fingerprint (graph-recording searches); returns -1 if it was new, else the state's
   * index if it is written, else INDEX_PENDING.
   */
  insertRef(hi: number, lo: number): number {
    this.needsThird();
    const at = this.claim(stored(hi), stored(lo), 0);
    if (at < 0) return -1;
    const ref = Atomics.load(this.t, at + 2);
    return ref === 0 ? INDEX_PENDING : ref - 1;
  }

  /**
   * Inserts the fingerprint of a successor of state `source` (ordered passes): returns -1 if it
   * was new, FROM_GREATER if it was stored from a state of a greater index, else 0.
   */
  insertFrom(hi: number, lo: number, source: number): number {
    this.needsThird();
    const at = this.claim(stored(hi), stored(lo), source + 1);
    if (at < 0) return -1;
    // A plain read: the word was written before lo was published (which claim read) and never changes.
    return source + 1 < this.t[at + 2]! ? FROM_GREATER : 0;
  }

  private needsThird(): void {
    if (this.words !== 3) throw new Error('shared seen set: a table of two-word slots has no third word');
  }

  /**
   * The slot of (hi, lo) (both as stored): its first word if it was stored before, else -1 minus
   * the slot this call stored it in, with `third` as its third word if not 0 (not `~`: slots reach 3·2^30).
   */
  private claim(hi: number, lo: number, third: number): number {
    const { t, words } = this;
    for (let i = this.home(hi, lo); ; i = (i + 1) & this.mask) {
      const at = words * i;
      let h = Atomics.load(t, at);
      if (h === 0) {
        h = Atomics.compareExchange(t, at, 0, hi);
        if (h === 0) {
          // A plain write: publishing lo (atomic) makes it visible to whoever reads lo.
          if (third !== 0) t[at + 2] = third;
          Atomics.store(t, at + 1, lo);
          this.lastSlot = at;
          if (Atomics.add(this.count, 0, 1) + 1 > this.limit) throw this.fullError();
          return -1 - at;
        }
      }
      if (h === hi) {
        let l: number;
        while ((l = Atomics.load(t, at + 1)) === 0) {
          // Another thread is publishing this slot's lo.
        }
        if (l === lo) return at;
      }
    }
  }

  /**
   * The slot (its first word) holding a stored fingerprint, or -1. Safe while workers insert
   * others: a stored key sits before the first empty slot of its probe, and a slot still being
   * published (lo 0) is not it.
   */
  private slotOf(hi: number, lo: number): number {
    hi = stored(hi);
    lo = stored(lo);
    const { t, words } = this;
    for (let i = this.home(hi, lo); ; i = (i + 1) & this.mask) {
      const at = words * i;
      const h = Atomics.load(t, at);
      if (h === 0) return -1;
      if (h === hi && Atomics.load(t, at + 1) === lo) return at;
    }
  }

  /** The index written for the fingerprint, or -1 (absent, or not written yet). */
  lookup(hi: number, lo: number): number {
    this.needsThird();
    const at = this.slotOf(hi, lo);
    return at < 0 ? -1 : Atomics.load(this.t, at + 2) - 1;
  }

  /**
   * Writes the index of a stored state (indexed tables; the coordinator, once its level is merged).
   * `hint`: the slot the state was stored in (lastSlot then), used if it still holds it (the table
   * may have grown since), which spares the probe.
   */
  setIndex(hi: number, lo: number, index: number, hint = -1): void {
    const { t } = this;
    let at = hint;
    this.needsThird();
    if (!(at >= 0 && at + 2 < t.length && t[at] === stored(hi) && t[at + 1] === stored(lo))) at = this.slotOf(hi, lo);
    if (at < 0) throw new Error(`shared seen set: no slot to index for state #${index}`);
    Atomics.store(t, at + 2, index + 1);
  }

  /** The slot where the probe for (hi, lo) starts (both as stored: int32, never 0). */
  private home(hi: number, lo: number): number {
    return ((lo ^ (hi >>> 7)) >>> 0) & this.mask;
  }

  private fullError(): InternalLimitError {
    return new InternalLimitError(
      `the shared seen set (${this.capacity.toLocaleString('en-US')} slots) filled up while the workers were expanding one state each ` +
        `(it grows only between states, so the new successors of the states being expanded must fit); run with --workers 1, whose seen set grows at any time`,
    );
  }

  /** Whether the table is past half full: workers stop before their next state, and the coordinator grows it. */
  get wantsGrowth(): boolean {
    return Atomics.load(this.count, 0) > this.growAt;
  }

  /** A table of twice the capacity with the same contents (coordinator only, while no worker inserts). */
  grown(): SharedSeenSet {
    if (this.capacity >= MAX_CAPACITY) {
      throw new InternalLimitError(`the shared seen set reached its largest size (2^30 slots, ${this.words * 4} GiB) at ${this.size.toLocaleString('en-US')} states; run with --workers 1, whose seen set holds up to 2^31 slots`);
    }
    const next = SharedSeenSet.create(this.capacity * 2, this.words);
    // Plain reads and writes: no other thread sees the new table until the coordinator sends it,
    // and the rehash runs while every worker waits (insert's atomics made it ~2x slower).
    const old = this.t;
    const { t, mask, words } = next;
    let n = 0;
    for (let j = 0; j < old.length; j += words) {
      const hi = old[j]!;
      if (hi === 0) continue;
      const lo = old[j + 1]!;
      let i = next.home(hi, lo);
      while (t[words * i] !== 0) i = (i + 1) & mask;
      t[words * i] = hi;
      t[words * i + 1] = lo;
      if (words === 3) t[words * i + 2] = old[j + 2]!;
      n++;
    }
    next.count[0] = n;
    return next;
  }
}
