/**
 * Reflective (interpreted) reference for the generated codec: walks the schema at run time for
 * every value. Slow by design; kept to cross-check the generated code in tests and to measure the
 * speed-up in the benchmark. It must produce exactly the same packed words and fingerprint.
 */
import type { Type } from '../../spec/types';
import { describeType } from '../../spec/types';
import { SchemaViolation } from './schemaViolation';
import { CollectionLayout } from './collection';
import { hashWords } from './hash';
import { BitAllocator, bitsFor } from './layout';

class Packer {
  readonly alloc = new BitAllocator();
  constructor(readonly w: number[]) {}

  put(x: number, bits: number): void {
    if (bits === 0) return;
    const { word, shift } = this.alloc.alloc(bits);
    while (this.w.length <= word) this.w.push(0);
    this.w[word] = (this.w[word]! | (x << shift)) >>> 0;
  }

  /** Reserves the bits of a type without writing (absent optional / unused seq slots). */
  skip(type: Type): void {
    forEachLeafBits(type, (bits) => this.put(0, bits));
  }
}

function forEachLeafBits(type: Type, f: (bits: number) => void): void {
  switch (type.kind) {
    case 'bool': return f(1);
    case 'int': return f(bitsFor(type.max - type.min + 1));
    case 'enum': return f(bitsFor(type.values.length));
    case 'record': return Object.values(type.fields).forEach((t) => forEachLeafBits(t, f));
    case 'array': for (let i = 0; i < type.length; i++) forEachLeafBits(type.elem, f); return;
    case 'tuple': return type.elems.forEach((t) => forEachLeafBits(t, f));
    case 'map': return type.domain.forEach(() => forEachLeafBits(type.value, f));
    case 'set': return type.domain.forEach(() => f(1));
    case 'setOf':
    case 'bag':
      for (let i = 0; i < new CollectionLayout(type).words; i++) f(32);
      return;
    case 'seq':
      f(bitsFor(type.maxLength + 1));
      for (let i = 0; i < type.maxLength; i++) forEachLeafBits(type.elem, f);
      return;
    case 'optional':
      f(1);
      return forEachLeafBits(type.inner, f);
  }
}

/** Reads field `k` as the generated codec does: a missing `__proto__` reads as missing, not as the prototype. */
function own(v: any, k: string | number): any {
  return k === '__proto__' && !Object.prototype.hasOwnProperty.call(v, k) ? undefined : v[k];
}

function pack(p: Packer, type: Type, v: any, path: string): void {
  const bad = (): never => {
    throw new SchemaViolation(path, v, describeType(type));
  };
  switch (type.kind) {
    case 'bool':
      if (typeof v !== 'boolean') bad();
      return p.put(v ? 1 : 0, 1);
    case 'int':
      if (!Number.isInteger(v) || v < type.min || v > type.max) bad();
      return p.put(v - type.min, bitsFor(type.max - type.min + 1));
    case 'enum': {
      const i = typeof v === 'string' ? type.values.indexOf(v) : -1;
      if (i < 0) bad();
      return p.put(i, bitsFor(type.values.length));
    }
    case 'record':
      if (v === null || typeof v !== 'object') bad();
      for (const [k, ft] of Object.entries(type.fields)) pack(p, ft, own(v, k), `${path}.${k}`);
      return;
    case 'array':
    case 'tuple': {
      const elems = type.kind === 'array' ? Array.from({ length: type.length }, () => type.elem) : type.elems;
      if (!Array.isArray(v) || v.length !== elems.length) bad();
      elems.forEach((et, i) => pack(p, et, v[i], `${path}[${i}]`));
      return;
    }
    case 'map':
      if (v === null || typeof v !== 'object' || v instanceof Set) bad();
      for (const k of type.domain) pack(p, type.value, own(v, k), `${path}[${JSON.stringify(k)}]`);
      return;
    case 'set': {
      if (!(v instanceof Set)) bad();
      let n = 0;
      for (const k of type.domain) {
        const has = v.has(k);
        if (has) n++;
        p.put(has ? 1 : 0, 1);
      }
      if (n !== v.size) bad();
      return;
    }
    case 'setOf':
    case 'bag': {
      const layout = new CollectionLayout(type);
      layout.fill(v, path);
      for (const word of layout.buf) p.put(word, 32);
      return;
    }
    case 'seq':
      if (!Array.isArray(v) || v.length > type.maxLength) bad();
      p.put(v.length, bitsFor(type.maxLength + 1));
      for (let i = 0; i < type.maxLength; i++) {
        if (i < v.length) pack(p, type.elem, v[i], `${path}[${i}]`);
        else p.skip(type.elem);
      }
      return;
    case 'optional':
      if (v === null) {
        p.put(0, 1);
        p.skip(type.inner);
      } else {
        p.put(1, 1);
        pack(p, type.inner, v, path);
      }
      return;
  }
}

/** Packed words of `value` by interpretation of `type` (same layout as the generated encoder). */
export function reflectEncode(type: Type, value: unknown, root = 'state'): Uint32Array {
  const words: number[] = [];
  const p = new Packer(words);
  pack(p, type, value, root);
  const n = p.alloc.words;
  while (words.length < n) words.push(0);
  return Uint32Array.from(words);
}

/** Reflective fingerprint: [hi, lo]. */
export function reflectFingerprint(type: Type, value: unknown): Uint32Array {
  const w = reflectEncode(type, value);
  const out = new Uint32Array(2);
  hashWords(w, 0, w.length, out);
  return out;
}
