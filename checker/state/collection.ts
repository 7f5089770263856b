/**
 * Packed form of a set of composite values (ValueSet) or a bag (Bag): one count field per value
 * of the element type, at the value's rank (./elemRank.ts), so the form is canonical — equal sets
 * and bags pack (and fingerprint) equally whatever order their elements were added in, and a
 * symmetry permutation is applied by ranking each element's image. A set is a bag of at most one
 * copy: one bit per value. Fields are `bits` wide, `perWord` to a 32-bit word, never straddling.
 */
import type { BagType, SetOfType, Type } from '../../spec/types';
import { describeType } from '../../spec/types';
import { Bag } from '../../spec/bag';
import { ValueSet } from '../../spec/valueSet';
import { valueKey } from '../../spec/valueKey';
import { SchemaViolation } from './schemaViolation';
import { ElemRank, type Perm } from './elemRank';
import { bitsFor } from './layout';


/** The layout of one set-of-values or bag type, with the scratch words encode fills. */
export class CollectionLayout {
  readonly rank: ElemRank;
  readonly isBag: boolean;
  readonly maxCount: number;
  /** Bits per count field, fields per word, words in all. */
  readonly bits: number;
  readonly perWord: number;
  readonly words: number;
  /** The packed words of the last fill. */
  readonly buf: Uint32Array;
  private keys: (string | undefined)[] = [];

  /** `rank`: the element type's ranking, shared by a codec's encoder, decoder and permuted encoder. */
  constructor(
    readonly type: SetOfType<any> | BagType<any>,
    rank: ElemRank = new ElemRank(type.elem),
  ) {
    this.rank = rank;
    this.isBag = type.kind === 'bag';
    this.maxCount = type.kind === 'bag' ? type.maxCount : 1;
    this.bits = bitsFor(this.maxCount + 1);
    this.perWord = Math.floor(32 / this.bits);
    this.words = Math.max(1, Math.ceil(this.rank.card / this.perWord));
    this.buf = new Uint32Array(this.words);
  }

  /** Fills `buf` with the packed form of `v` (of its image under `P`); validates unless `P` is given. */
  fill(v: any, path: string, P?: Perm): void {
    const buf = this.buf;
    buf.fill(0);
    if (!(this.isBag ? v instanceof Bag : v instanceof ValueSet)) throw new SchemaViolation(path, v, `${describeType(this.type)} (a ${this.isBag ? 'Bag' : 'ValueSet'})`);
    const { items } = v as ValueSet<unknown>;
    const counts = this.isBag ? (v as Bag<unknown>).counts : undefined;
    const { bits, perWord, maxCount } = this;
    const mask = 2 ** bits - 1;
    const where = `${path} element`;
    for (const [k, x] of items) {
      const r = this.rank.rank(x, where, P);
      // An element the checker did not decode is checked against its key: one changed in place
      // after it was added (an immer draft of it, or the model's own object) is not the value it
      // was added as, and has() and delete() would no longer find it.
      if (!P && !this.rank.isKnown(x) && valueKey(x) !== k) {
        throw new SchemaViolation(path, v, `${describeType(this.type)}: an element was changed after it was added (elements are values: delete it and add the new one)`);
      }
      const w = Math.floor(r / perWord);
      const shift = (r % perWord) * bits;
      if (!counts) {
        buf[w]! |= 1 << shift;
        continue;
      }
      // Two keys of one rank (an element mutated after it was added) add up, as values would.
      const n = ((buf[w]! >>> shift) & mask) + counts.get(k)!;
      if (n > maxCount) throw new SchemaViolation(path, v, `${describeType(this.type)}: ${n} copies of an element`);
      buf[w] = (buf[w]! & ~(mask << shift)) | (n << shift);
    }
  }

  /** The collection packed at w[o .. o+words). */
  decode(w: Uint32Array, o: number): ValueSet<unknown> | Bag<unknown> {
    const out = this.isBag ? new Bag<unknown>() : new ValueSet<unknown>();
    const { bits, perWord } = this;
    const mask = 2 ** bits - 1;
    for (let j = 0; j < this.words; j++) {
      let x = w[o + j]!;
      while (x !== 0) {
        const low = 31 - Math.clz32(x & -x);
        const slot = Math.floor(low / bits);
        const shift = slot * bits;
        const n = (x >>> shift) & mask;
        x = (x & ~(mask << shift)) >>> 0;
        const r = j * perWord + slot;
        const value = this.rank.value(r);
        const key = this.keys[r] ?? (this.keys[r] = valueKey(value));
        if (out instanceof Bag) out.addKeyed(key, value, n);
        else out.addKeyed(key, value);
      }
    }
    return out;
  }
}
