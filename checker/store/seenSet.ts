/**
 * HOT PATH. The set of visited states as 64-bit fingerprints in one open-addressing table
 * (linear probing) over a Uint32Array of (hi, lo) pairs; (0, 0) marks an empty slot (the hash
 * never yields it). It grows by doubling at 70% load. No JS objects per state: V8's Set/Map stop
 * near 16.7M entries and cost ~50+ bytes per entry, this costs 8 bytes / load factor.
 */

import type { Parts } from './checkpoint';
import { InternalLimitError } from '../engine/errors';

const MAX_LOAD = 0.7;

export class SeenSet {
  private table: Uint32Array;
  /** With `indexed`: the state index stored with each fingerprint (4 more bytes per slot). */
  private index: Uint32Array | undefined;
  private mask: number;
  private count = 0;
  private limit: number;

  /** `indexed` keeps each state's index, so `lookup` maps a fingerprint back to its state. */
  constructor(initialCapacity = 1 << 16, indexed = false) {
    let cap = 1 << 4;
    while (cap < initialCapacity && cap < 1 << 30) cap *= 2;
    this.table = new Uint32Array(cap * 2);
    this.index = indexed ? new Uint32Array(cap) : undefined;
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
    return this.table.byteLength + (this.index?.byteLength ?? 0);
  }

  /** The slot holding (hi, lo), or the empty slot where it would go (both already unsigned). */
  private slot(hi: number, lo: number): number {
    const t = this.table;
    let i = (lo ^ (hi >>> 7)) & this.mask;
    for (;;) {
      const h = t[2 * i]!;
      const l = t[2 * i + 1]!;
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
      i = (i + 1) & this.mask;
    }
  }

  private isEmpty(i: number): boolean {
    return this.table[2 * i] === 0 && this.table[2 * i + 1] === 0;
  }

  /**
   * Inserts the fingerprint with the state index `at` (kept if the set is indexed); returns -1 if
   * it was new, else the stored index (0 for a set without indices).
   */
  insert(hi: number, lo: number, at: number): number {
    hi >>>= 0;
    lo >>>= 0;
    const i = this.slot(hi, lo);
    if (!this.isEmpty(i)) return this.index ? this.index[i]! : 0;
    this.table[2 * i] = hi;
    this.table[2 * i + 1] = lo;
    if (this.index) this.index[i] = at;
    if (++this.count > this.limit) this.grow();
    return -1;
  }

  /** The index stored with a fingerprint, or -1 if absent (indexed sets only). */
  lookup(hi: number, lo: number): number {
    if (!this.index) throw new Error('SeenSet.lookup needs an indexed set');
    const i = this.slot(hi >>> 0, lo >>> 0);
    return this.isEmpty(i) ? -1 : this.index[i]!;
  }

  /** Inserts the fingerprint; returns true if it was not present. */
  add(hi: number, lo: number): boolean {
    return this.insert(hi, lo, 0) === -1;
  }

  has(hi: number, lo: number): boolean {
    return !this.isEmpty(this.slot(hi >>> 0, lo >>> 0));
  }

  dump(): Parts {
    return { meta: { count: this.count }, arrays: this.index ? [this.table, this.index] : [this.table] };
  }

  static load(p: Parts): SeenSet {
    const table = p.arrays[0]!;
    const set = new SeenSet(16, p.arrays.length > 1);
    set.table = table;
    set.index = p.arrays[1];
    set.mask = table.length / 2 - 1;
    set.limit = Math.floor((set.mask + 1) * MAX_LOAD);
    set.count = p.meta.count as number;
    return set;
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    if (cap * 2 > 0xffffffff) throw new InternalLimitError(`the seen set reached its largest size (2^31 slots) at ${this.count} states; make the state space smaller (--symmetry, --view, --por or smaller constants)`);
    const oldIndex = this.index;
    this.table = new Uint32Array(cap * 2);
    this.index = oldIndex ? new Uint32Array(cap) : undefined;
    this.mask = cap - 1;
    this.limit = Math.floor(cap * MAX_LOAD);
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j]!;
      const lo = old[j + 1]!;
      if (hi === 0 && lo === 0) continue;
      const i = this.slot(hi, lo);
      this.table[2 * i] = hi;
      this.table[2 * i + 1] = lo;
      if (oldIndex) this.index![i] = oldIndex[j >>> 1]!;
    }
  }
}
