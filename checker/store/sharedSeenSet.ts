/**
 * HOT PATH (parallel search). The seen set shared by worker threads: open addressing over a
 * SharedArrayBuffer of (hi, lo) Int32 pairs, inserted without locks. An insert claims an empty
 * slot by compare-and-swap on its hi word, then publishes lo; a reader that finds its hi in a slot
 * whose lo is not yet published waits for it (a few instructions away). Neither word is ever 0
 * in a stored fingerprint (0 is mapped to 1, a negligible loss), so 0 marks empty and
 * unpublished. No global lock: threads contend only on the same slot.
 *
 * The table does not grow during a BFS level; the coordinator grows it between levels (doubling
 * when half full), so a level may add as many states as the table already holds.
 */

const GROW_AT = 0.5;
const FULL_AT = 0.9;

export class SharedSeenSet {
  private t: Int32Array;
  private mask: number;
  private limit: number;
  /** [count] in its own shared buffer. */
  private readonly count: Int32Array;

  constructor(
    readonly table: SharedArrayBuffer,
    readonly counter: SharedArrayBuffer,
  ) {
    this.t = new Int32Array(table);
    this.mask = this.t.length / 2 - 1;
    this.limit = Math.floor((this.mask + 1) * FULL_AT);
    this.count = new Int32Array(counter);
  }

  static create(capacity: number): SharedSeenSet {
    let cap = 1 << 10;
    while (cap < capacity && cap < 1 << 30) cap *= 2;
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
    let i = ((lo ^ (hi >>> 7)) >>> 0) & this.mask;
    for (;;) {
      let h = Atomics.load(t, 2 * i);
      if (h === 0) {
        h = Atomics.compareExchange(t, 2 * i, 0, hi);
        if (h === 0) {
          Atomics.store(t, 2 * i + 1, lo);
          if (Atomics.add(this.count, 0, 1) + 1 > this.limit) throw new RangeError('the shared seen set is full within one BFS level');
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

  /** Whether the coordinator should grow the table before the next level. */
  get wantsGrowth(): boolean {
    return this.size > (this.mask + 1) * GROW_AT;
  }

  /** A table of twice the capacity with the same contents (coordinator only, between levels). */
  grown(): SharedSeenSet {
    const next = SharedSeenSet.create((this.mask + 1) * 2);
    const old = this.t;
    for (let j = 0; j < old.length; j += 2) if (old[j] !== 0) next.insert(old[j]!, old[j + 1]!);
    return next;
  }
}
