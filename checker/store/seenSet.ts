/**
 * HOT PATH. The set of visited states as 64-bit fingerprints in one open-addressing table
 * (linear probing) over a Uint32Array of (hi, lo) pairs; (0, 0) marks an empty slot (the hash
 * never yields it). It grows by doubling at 70% load. No JS objects per state: V8's Set/Map stop
 * near 16.7M entries and cost ~50+ bytes per entry, this costs 8 bytes / load factor.
 */

const MAX_LOAD = 0.7;

export class SeenSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;
  private limit: number;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < initialCapacity && cap < 1 << 30) cap *= 2;
    this.table = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * MAX_LOAD);
  }

  get size(): number {
    return this.count;
  }

  /** Slots in the table (capacity). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Inserts the fingerprint; returns true if it was not present. */
  add(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    const t = this.table;
    let i = (lo ^ (hi >>> 7)) & this.mask;
    for (;;) {
      const h = t[2 * i]!;
      const l = t[2 * i + 1]!;
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) return false;
      i = (i + 1) & this.mask;
    }
    t[2 * i] = hi;
    t[2 * i + 1] = lo;
    if (++this.count > this.limit) this.grow();
    return true;
  }

  has(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    const t = this.table;
    let i = (lo ^ (hi >>> 7)) & this.mask;
    for (;;) {
      const h = t[2 * i]!;
      const l = t[2 * i + 1]!;
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    if (cap * 2 > 0xffffffff) throw new RangeError('seen set is full (2^31 slots)');
    this.table = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * MAX_LOAD);
    const t = this.table;
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j]!;
      const lo = old[j + 1]!;
      if (hi === 0 && lo === 0) continue;
      let i = (lo ^ (hi >>> 7)) & this.mask;
      while (t[2 * i] !== 0 || t[2 * i + 1] !== 0) i = (i + 1) & this.mask;
      t[2 * i] = hi;
      t[2 * i + 1] = lo;
    }
  }
}
