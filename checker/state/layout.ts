/**
 * Bit layout of a schema's packed form: every leaf value (bool, int, enum member, set membership
 * bit, seq length, optional presence) gets a fixed bit field in a fixed 32-bit word, and a set of
 * composite values or a bag whole words of count fields (./collection.ts). Fields never straddle
 * words. Both the generated codec and the reflective reference use this one layout.
 */
import type { Type } from '../../spec/types';
import { cardinality } from '../../spec/types';

/** Bits needed to hold values 0..n-1. */
export function bitsFor(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

/** Allocates bit fields word by word. */
export class BitAllocator {
  word = 0;
  bit = 0;

  alloc(bits: number): { word: number; shift: number } {
    if (bits > 32) throw new Error(`field of ${bits} bits does not fit a word`);
    if (this.bit + bits > 32) {
      this.word++;
      this.bit = 0;
    }
    const at = { word: this.word, shift: this.bit };
    this.bit += bits;
    return at;
  }

  /** Number of words used so far (at least one, so that every state has a non-empty encoding). */
  get words(): number {
    return this.bit === 0 && this.word > 0 ? this.word : this.word + 1;
  }
}

/** Count of leaf bits a type needs in total (an upper bound on information, for reports). */
export function leafBits(type: Type): number {
  switch (type.kind) {
    case 'bool': return 1;
    case 'int': return bitsFor(type.max - type.min + 1);
    case 'enum': return bitsFor(type.values.length);
    case 'record': return Object.values(type.fields).reduce((n, f) => n + leafBits(f), 0);
    case 'array': return leafBits(type.elem) * type.length;
    case 'tuple': return type.elems.reduce((n, e) => n + leafBits(e), 0);
    case 'map': return leafBits(type.value) * type.domain.length;
    case 'set': return type.domain.length;
    case 'setOf': return cardinality(type.elem);
    case 'bag': return cardinality(type.elem) * bitsFor(type.maxCount + 1);
    case 'seq': return bitsFor(type.maxLength + 1) + leafBits(type.elem) * type.maxLength;
    case 'optional': return 1 + leafBits(type.inner);
  }
}
