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
 */
import { InternalLimitError } from '../engine/errors';

const GROW_AT = 0.5;
const MIN_CAPACITY = 1 << 10;
const MAX_CAPACITY = 1 << 30;

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
  ) {
    this.t = new Int32Array(table);
    const cap = this.t.length / 2;
    this.mask = cap - 1;
    this.growAt = Math.floor(cap * GROW_AT);
    // Each worker claims at most one slot past the limit before it throws: 256 spare slots at least.
    this.limit = cap - Math.max(256, cap >>> 4);
    this.count = new Int32Array(counter);
  }

  /** A table of at least `capacity` slots (a power of two, 2^10 to 2^30). */
  static create(capacity: number): SharedSeenSet {
    let cap = MIN_CAPACITY;
    while (cap < capacity && cap < MAX_CAPACITY) cap *= 2;
    return new SharedSeenSet(new SharedArrayBuffer(cap * 8), new SharedArrayBuffer(4));
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
    hi |= 0;
    lo |= 0;
    if (hi === 0) hi = 1;
    if (lo === 0) lo = 1;
    const t = this.t;
    let i = this.home(hi, lo);
    for (;;) {
      let h = Atomics.load(t, 2 * i);
      if (h === 0) {
        h = Atomics.compareExchange(t, 2 * i, 0, hi);
        if (h === 0) {
          Atomics.store(t, 2 * i + 1, lo);
          if (Atomics.add(this.count, 0, 1) + 1 > this.limit) throw this.fullError();
          return -1;
        }
      }
      if (h === hi) {
        let l: number;
        while ((l = Atomics.load(t, 2 * i + 1)) === 0) {
          // Another thread is publishing this slot's lo.
        }
        if (l === lo) return 0;
      }
      i = (i + 1) & this.mask;
    }
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
      throw new InternalLimitError(`the shared seen set reached its largest size (2^30 slots, 8 GiB) at ${this.size.toLocaleString('en-US')} states; run with --workers 1, whose seen set holds up to 2^31 slots`);
    }
    const next = SharedSeenSet.create(this.capacity * 2);
    // Plain reads and writes: no other thread sees the new table until the coordinator sends it,
    // and the rehash runs while every worker waits (insert's atomics made it ~2x slower).
    const old = this.t;
    const t = next.t;
    const mask = next.mask;
    let n = 0;
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j]!;
      if (hi === 0) continue;
      const lo = old[j + 1]!;
      let i = next.home(hi, lo);
      while (t[2 * i] !== 0) i = (i + 1) & mask;
      t[2 * i] = hi;
      t[2 * i + 1] = lo;
      n++;
    }
    next.count[0] = n;
    return next;
  }
}
