/**
 * HOT PATH. The set of visited states as 64-bit fingerprints (hi, lo) in typed arrays (no JS
 * objects per state: V8's Set/Map stop near 16.7M entries and cost ~50+ bytes per entry), in one
 * of two layouts by size (SlotLayout):
 *
 * - Plain, below 2^21 slots: open addressing with linear probing over (hi, lo) pairs, (0, 0)
 *   marking an empty slot (the hash never yields it); 8 bytes a slot, ≤ 8 MiB. The fastest probe
 *   in JS, and the memory does not matter yet.
 * - Quotiented, from 2^21 slots (from 734K states): a Robin Hood hash table whose slot index
 *   carries the top bits of the fingerprint. The key is lo (0 stored as 1: 0 marks an empty slot)
 *   and the top keyBits bits of mixHi(hi, lo). With 2^q slots the key's top q bits are its home
 *   slot and are not stored: a slot holds lo (`lows`) and a tag (`tags`) with the key's other
 *   keyBits - q bits above DISP_BITS bits of displacement, the distance from home. Probing is linear
 *   in Robin Hood order (an entry nearer its home yields its slot), so a lookup stops at the first
 *   entry nearer its home than the probe, probes stay short (the longest is ~22 at 70% load in 2^25
 *   slots), and growth rebuilds every key from its slot and tag alone. An entry that would sit more
 *   than MAX_DISP slots from home goes to an overflow map: never seen with real fingerprints, it
 *   keeps the set correct when many share their top bits. Tags are Uint16 up to 2^24 slots (6
 *   bytes a slot, all 64 bits kept) and Uint8 from 2^25 slots (11.7M states: 5 bytes a slot), which
 *   leaves q + 35 ≥ 60 of the 64 bits. A growth can only drop key bits (they cannot come back), so
 *   `fingerprintBits` is what the run compares from then on, and the collision estimate uses it
 *   (engine/result.ts).
 *
 * Both grow by doubling at 70% load, up to 2^28 slots (188M states: a home slot is made of key bits). At 17.7M states (2^25 slots) the set takes 9.5 bytes per
 * state, against 15.2 with 8-byte pairs; up to 734K states it is the pairs, exactly as fast as before.
 */

import type { Parts } from './checkpoint';
import { InternalLimitError } from '../engine/errors';

const MAX_LOAD = 0.7;
const DISP_BITS = 5;
/** The largest displacement a tag holds (Robin Hood keeps probes far below it at 70% load: ~22 at 2^25 slots). */
const MAX_DISP = (1 << DISP_BITS) - 1;
const MIN_SLOT_BITS = 4;
/** A quotiented table has 64 slots at least, so a probe's distance from home (≤ MAX_DISP + 1) is never ambiguous modulo the size. */
const MIN_QUOTIENTED_BITS = 6;
const MAX_SLOT_BITS = 31;

/** Where slots get narrower, as log2 of slot counts (tests move them down to reach each layout with few entries). */
export interface SlotLayout {
  /** From 2^medium slots (at least 64): quotiented, 6-byte slots (Uint16 tags), which keep all 64 bits from 2^21 slots on. */
  readonly medium: number;
  /** From 2^narrow slots: 5-byte slots (Uint8 tags), which keep narrow + 35 bits. */
  readonly narrow: number;
}

/** Pairs below 2^21 slots, then 6-byte slots (the first size where they keep 64 bits), 5-byte slots from 2^25 (60 bits). */
export const DEFAULT_LAYOUT: SlotLayout = { medium: 32 + DISP_BITS - 16, narrow: 25 };

/**
 * The 32 bits whose top bits are a fingerprint's home slot: hi xor'ed with a multiple of lo (lo
 * as stored, never 0), so fingerprints that differ only in lo (or in hi's low bits and lo, as in
 * tests and hand-made keys) still spread over the table. Given lo, it is its own inverse in hi:
 * `mixHi(mixHi(h, lo), lo) === h`, which is how a test builds fingerprints sharing a home.
 */
export const mixHi = (hi: number, lo: number): number => (hi ^ Math.imul(lo, 0x9e3779b1)) >>> 0;

type Tags = Uint8Array | Uint16Array;

/**
 * Frees a typed array's memory now, not at V8's next major GC: after a growth that came ~15 s
 * later on n_peterson N=6, holding the old table (96 MiB) through the run's peak. The buffer moves
 * into a clone nothing keeps, which the next minor GC frees; the array is detached (length 0).
 */
function release(a: Tags | Uint32Array): void {
  structuredClone(a.buffer, { transfer: [a.buffer] });
}

const EMPTY_LOWS = new Uint32Array(0);
const EMPTY_TAGS = new Uint16Array(0);

export class SeenSet {
  /** Plain layout: (hi, lo) per slot, (0, 0) = empty; undefined once quotiented. */
  private pairs: Uint32Array | undefined;
  /** lo of each stored fingerprint (never 0); 0 marks an empty slot. */
  private lows: Uint32Array = EMPTY_LOWS;
  /** Per slot: the key's bits below the quotient, << DISP_BITS, | the displacement from home. */
  private tags: Tags = EMPTY_TAGS;
  /** With `indexed`: the state index stored with each fingerprint (4 more bytes per slot). */
  private index: Uint32Array | undefined;
  /** Keys more than MAX_DISP slots past their home (key → lo → index): empty unless fingerprints share many top bits. */
  private overflow = new Map<number, Map<number, number>>();
  private overflowCount = 0;
  /** log2 of the slot count. */
  private slotBits = 0;
  private mask = 0;
  /** Bits of hi in the key (its 32 - keyBits low bits are not compared). */
  private keyBits = 32;
  /** Bits of the key below the quotient (stored in the tag), and their mask. */
  private remBits = 0;
  private remMask = 0;
  private count = 0;
  private limit = 0;

  /** `indexed` keeps each state's index, so `lookup` maps a fingerprint back to its state. */
  constructor(
    initialCapacity = 1 << 16,
    indexed = false,
    private readonly layout: SlotLayout = DEFAULT_LAYOUT,
  ) {
    if (!(layout.medium >= MIN_QUOTIENTED_BITS && layout.narrow >= layout.medium)) throw new Error(`bad seen set layout ${JSON.stringify(layout)}`);
    let bits = MIN_SLOT_BITS;
    while (2 ** bits < initialCapacity && bits < 30) bits++;
    this.allocate(bits, 32, indexed);
  }

  private tagBitsFor(slotBits: number): 8 | 16 {
    return slotBits >= this.layout.narrow ? 8 : 16;
  }

  /** Empty arrays of 2^bits slots, keeping at most `keyBits` bits of hi. */
  private allocate(bits: number, keyBits: number, indexed: boolean): void {
    this.shape(bits, keyBits);
    const slots = this.mask + 1;
    if (bits < this.layout.medium) {
      this.pairs = new Uint32Array(2 * slots);
    } else {
      this.pairs = undefined;
      this.lows = new Uint32Array(slots);
      this.tags = this.tagBitsFor(bits) === 8 ? new Uint8Array(slots) : new Uint16Array(slots);
    }
    this.index = indexed ? new Uint32Array(slots) : undefined;
    this.overflow = new Map();
    this.overflowCount = 0;
    this.count = 0;
  }

  /** The fields that follow from the slot count and the key width. */
  private shape(bits: number, keyBits: number): void {
    this.slotBits = bits;
    this.mask = 2 ** bits - 1;
    this.keyBits = bits < this.layout.medium ? 32 : Math.min(keyBits, bits + this.tagBitsFor(bits) - DISP_BITS, 32);
    this.remBits = this.keyBits - bits;
    this.remMask = 2 ** this.remBits - 1;
    this.limit = Math.floor(2 ** bits * MAX_LOAD);
  }

  get size(): number {
    return this.count;
  }

  /** Slots in the table (capacity). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table (and an estimate for overflow entries, ~100 bytes each in Maps). */
  get bytes(): number {
    return (this.pairs?.byteLength ?? this.lows.byteLength + this.tags.byteLength) + (this.index?.byteLength ?? 0) + 100 * this.overflowCount;
  }

  /** Fingerprint bits the set compares: 64 until it grows to 5-byte slots (2^25), then 60 or more. */
  get fingerprintBits(): number {
    return 32 + this.keyBits;
  }

  /** Entries kept outside the table because they sit too far from their home slot (tests, diagnostics). */
  get overflowSize(): number {
    return this.overflowCount;
  }

  /**
   * Inserts the fingerprint with the state index `at` (kept if the set is indexed); returns -1 if
   * it was new, else the stored index (0 for a set without indices).
   */
  insert(hi: number, lo: number, at: number): number {
    if (this.pairs) return this.insertPair(hi >>> 0, lo >>> 0, at);
    // probe() written out: this is the hottest loop of a search.
    lo = lo >>> 0 || 1;
    const key = mixHi(hi, lo) >>> (32 - this.keyBits);
    const lows = this.lows;
    const tags = this.tags;
    const mask = this.mask;
    const rem = key & this.remMask;
    let i = key >>> this.remBits;
    for (let d = 0; d <= MAX_DISP; d++) {
      const l = lows[i]!;
      if (l === 0) break;
      const t = tags[i]!;
      const td = t & MAX_DISP;
      if (td === d && l === lo && t >>> DISP_BITS === rem) return this.index ? this.index[i]! : 0;
      if (td < d) break;
      i = (i + 1) & mask;
    }
    return this.addAt(i, key, lo, at);
  }

  /** The index stored with a fingerprint, or -1 if absent (indexed sets only). */
  lookup(hi: number, lo: number): number {
    if (!this.index) throw new Error('SeenSet.lookup needs an indexed set');
    if (this.pairs) {
      const i = this.pairSlot(hi >>> 0, lo >>> 0);
      return this.pairs[2 * i] === 0 && this.pairs[2 * i + 1] === 0 ? -1 : this.index[i]!;
    }
    lo = lo >>> 0 || 1;
    return this.indexOf(mixHi(hi, lo) >>> (32 - this.keyBits), lo);
  }

  /** Inserts the fingerprint; returns true if it was not present. */
  add(hi: number, lo: number): boolean {
    return this.insert(hi, lo, 0) === -1;
  }

  has(hi: number, lo: number): boolean {
    if (this.pairs) {
      const i = this.pairSlot(hi >>> 0, lo >>> 0);
      return this.pairs[2 * i] !== 0 || this.pairs[2 * i + 1] !== 0;
    }
    lo = lo >>> 0 || 1;
    return this.indexOf(mixHi(hi, lo) >>> (32 - this.keyBits), lo) !== -1;
  }

  /** Plain layout: the slot holding (hi, lo), or the empty slot where it would go (both already unsigned). */
  private pairSlot(hi: number, lo: number): number {
    const t = this.pairs!;
    let i = (lo ^ (hi >>> 7)) & this.mask;
    for (;;) {
      const h = t[2 * i]!;
      const l = t[2 * i + 1]!;
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** insert() in the plain layout. */
  private insertPair(hi: number, lo: number, at: number): number {
    const i = this.pairSlot(hi, lo);
    const t = this.pairs!;
    if (t[2 * i] !== 0 || t[2 * i + 1] !== 0) return this.index ? this.index[i]! : 0;
    t[2 * i] = hi;
    t[2 * i + 1] = lo;
    if (this.index) this.index[i] = at;
    if (++this.count > this.limit) this.grow();
    return -1;
  }

  /** The index stored with a key (0 without indices), or -1 if absent. */
  private indexOf(key: number, lo: number): number {
    const i = this.probe(key, lo);
    if (i >= 0) return this.index ? this.index[i]! : 0;
    if (!this.overflowed(~i, key)) return -1;
    return this.overflow.get(key)?.get(lo) ?? -1;
  }

  /** insert() of a key already cut to keyBits bits, with lo already non-zero. */
  private insertKey(key: number, lo: number, at: number): number {
    const i = this.probe(key, lo);
    if (i >= 0) return this.index ? this.index[i]! : 0;
    return this.addAt(~i, key, lo, at);
  }

  /** Adds a key absent from the table whose probe stopped at slot i; -1, or its index if it is in the overflow map. */
  private addAt(i: number, key: number, lo: number, at: number): number {
    if (this.overflowed(i, key)) {
      const stored = this.overflow.get(key)?.get(lo);
      if (stored !== undefined) return stored;
      this.keepOutside(key, lo, at);
    } else this.store(i, key, lo, at);
    if (++this.count > this.limit) this.grow();
    return -1;
  }

  /**
   * The slot holding (key, lo), or ~slot of where the probe stopped: an empty slot, the first
   * entry nearer its home than the probe (Robin Hood order: the key belongs there), or the slot
   * MAX_DISP + 1 past the home (the key, if present, is in the overflow map).
   */
  private probe(key: number, lo: number): number {
    const lows = this.lows;
    const tags = this.tags;
    const mask = this.mask;
    const rem = key & this.remMask;
    let i = key >>> this.remBits;
    for (let d = 0; d <= MAX_DISP; d++) {
      const l = lows[i]!;
      if (l === 0) return ~i;
      const t = tags[i]!;
      const td = t & MAX_DISP;
      if (td === d && l === lo && t >>> DISP_BITS === rem) return i;
      if (td < d) return ~i;
      i = (i + 1) & mask;
    }
    return ~i;
  }

  /** Whether a probe for `key` that stopped at slot i ran past MAX_DISP. */
  private overflowed(i: number, key: number): boolean {
    return ((i - (key >>> this.remBits)) & this.mask) > MAX_DISP;
  }

  /**
   * Stores a new key at slot i, where its probe stopped; the entries it displaces move on. One
   * pushed past MAX_DISP goes to the overflow map: every slot on its way holds an entry at least
   * as far from home as it would be there, and displacements only grow, so its probe always
   * runs past MAX_DISP and finds it there.
   */
  private store(i: number, key: number, lo: number, at: number): void {
    const { lows, tags, index, mask } = this;
    let rem = key & this.remMask;
    let d = (i - (key >>> this.remBits)) & mask;
    for (;;) {
      if (d > MAX_DISP) {
        this.keepOutside(((((i - d) & mask) << this.remBits) | rem) >>> 0, lo, at);
        return;
      }
      const l = lows[i]!;
      if (l === 0) {
        lows[i] = lo;
        tags[i] = (rem << DISP_BITS) | d;
        if (index) index[i] = at;
        return;
      }
      const t = tags[i]!;
      const td = t & MAX_DISP;
      if (td < d) {
        lows[i] = lo;
        tags[i] = (rem << DISP_BITS) | d;
        lo = l;
        rem = t >>> DISP_BITS;
        d = td;
        if (index) {
          const a = index[i]!;
          index[i] = at;
          at = a;
        }
      }
      i = (i + 1) & mask;
      d++;
    }
  }

  private keepOutside(key: number, lo: number, at: number): void {
    let los = this.overflow.get(key);
    if (!los) this.overflow.set(key, (los = new Map()));
    los.set(lo, this.index ? at : 0);
    this.overflowCount++;
  }

  /**
   * Doubles the table. Each key comes back from its slot (the home: slot minus displacement) and
   * its tag; moving to 5-byte slots drops the key's lowest stored bits of hi, so two keys may
   * become one (a fingerprint collision the smaller width accounts for): the count is recounted.
   */
  private grow(): void {
    const bits = this.slotBits + 1;
    // The home slot is made of key bits: the table cannot have more slots than 2^keyBits (2^28 by default, 188M states).
    const kept = bits < this.layout.medium ? 32 : Math.min(this.keyBits, bits + this.tagBitsFor(bits) - DISP_BITS);
    if (bits > MAX_SLOT_BITS || kept < bits) {
      throw new InternalLimitError(`the seen set reached its largest size (2^${bits - 1} slots) at ${this.count.toLocaleString('en-US')} states; make the state space smaller (--symmetry, --view, --por or smaller constants)`);
    }
    const { pairs, lows, tags, index, mask, remBits, keyBits, overflow } = this;
    this.allocate(bits, keyBits, index !== undefined);
    if (pairs) {
      for (let s = 0; s <= mask; s++) {
        const hi = pairs[2 * s]!;
        const lo = pairs[2 * s + 1]!;
        if (hi !== 0 || lo !== 0) this.insert(hi, lo, index ? index[s]! : 0);
      }
      release(pairs);
      if (index) release(index);
      return;
    }
    const drop = keyBits - this.keyBits;
    for (let s = 0; s <= mask; s++) {
      const l = lows[s]!;
      if (l === 0) continue;
      const t = tags[s]!;
      const key = ((((s - (t & MAX_DISP)) & mask) << remBits) | (t >>> DISP_BITS)) >>> 0;
      this.insertKey(key >>> drop, l, index ? index[s]! : 0);
    }
    for (const [key, los] of overflow) for (const [lo, at] of los) this.insertKey(key >>> drop, lo, at);
    release(lows);
    release(tags);
    if (index) release(index);
  }

  /** The table as checkpoint words: the pairs, or lows, tags and overflow entries (key, lo, index); then the indices if kept. */
  dump(): Parts {
    const { pairs, lows, tags, index, layout } = this;
    const meta = { count: this.count, slotBits: this.slotBits, keyBits: this.keyBits, layout: [layout.medium, layout.narrow] };
    if (pairs) return { meta, arrays: index ? [pairs, index] : [pairs] };
    const words = new Uint32Array(tags.buffer, tags.byteOffset, tags.byteLength / 4);
    const outside = new Uint32Array(3 * this.overflowCount);
    let k = 0;
    for (const [key, los] of this.overflow) {
      for (const [lo, at] of los) {
        outside[k++] = key;
        outside[k++] = lo;
        outside[k++] = at;
      }
    }
    return { meta, arrays: index ? [lows, words, outside, index] : [lows, words, outside] };
  }

  static load(p: Parts): SeenSet {
    const { count, slotBits, keyBits, layout } = p.meta as { count: number; slotBits: number; keyBits: number; layout: [number, number] };
    const plain = slotBits < layout[0];
    const arrays = p.arrays;
    const index = arrays[plain ? 1 : 3];
    const set = new SeenSet(0, index !== undefined, { medium: layout[0], narrow: layout[1] });
    set.shape(slotBits, keyBits);
    const slots = set.capacity;
    const bad = () => new Error(`the seen table in the checkpoint does not have the layout of 2^${slotBits} slots with ${keyBits} key bits of hi`);
    if (set.keyBits !== keyBits || (index && index.length !== slots) || arrays.length > (plain ? 2 : 4)) throw bad();
    set.index = index;
    set.count = count;
    if (plain) {
      if (arrays[0]?.length !== 2 * slots) throw bad();
      set.pairs = arrays[0];
      return set;
    }
    const [lows, words, outside] = arrays;
    const tagBits = set.tagBitsFor(slotBits);
    if (lows?.length !== slots || words?.length !== (slots * tagBits) / 32 || !outside || outside.length % 3 !== 0) throw bad();
    set.pairs = undefined;
    set.lows = lows;
    set.tags = tagBits === 8 ? new Uint8Array(words.buffer, words.byteOffset, slots) : new Uint16Array(words.buffer, words.byteOffset, slots);
    for (let k = 0; k < outside.length; k += 3) set.keepOutside(outside[k]!, outside[k + 1]!, outside[k + 2]!);
    return set;
  }
}
