/**
 * HOT PATH (generation only). The code fragments packedDraft.ts emits for bit fields and leaves:
 * reads, writes and validation of one field of the packed words, as JavaScript source text, and
 * which schema types get a draft object. Kept apart from the tree generator so each reads alone.
 */
import type { Key, Type } from '../../spec/types';
import { bitsFor, type BitAllocator } from '../state/layout';

export class Unsupported extends Error {}

export interface Field {
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
}

export interface Gen {
  readonly alloc: BitAllocator;
  readonly consts: unknown[];
  /** Accessors shared by all draft objects of a record or map type, by type. */
  readonly shapes: Map<Type, string>;
  /** Their declarations (made once per schema). */
  readonly shared: string[];
  /** Statements declaring one draft's objects, arrays, decoders and encoders, leaves first. */
  readonly decls: string[];
  /** Materialisable fields: draft object, field index, encoder of the field's value. */
  readonly slots: { readonly node: string; readonly k: number; readonly encoder: string }[];
  /** Arrays of element drafts, with their element names. */
  readonly arrays: { readonly name: string; readonly elems: readonly string[] }[];
  /** Counter of generated decoder/encoder pairs (D<j>, E<j>). */
  fns: number;
  n: number;
}

export function constRef(g: Gen, v: unknown): string {
  g.consts.push(v);
  return `C[${g.consts.length - 1}]`;
}

export function alloc(g: Gen, bits: number): Field | undefined {
  if (bits === 0) return undefined;
  const { word, shift } = g.alloc.alloc(bits);
  return { word, shift, bits };
}

export function maskOf(f: Field): number {
  return f.bits === 32 ? 0xffffffff : (2 ** f.bits - 1) * 2 ** f.shift;
}

/** `W[k] & ~mask`, as an int32 literal. */
export function clear(f: Field, to = 'W'): string {
  return `${to}[${f.word}] = ${to}[${f.word}] & ${~maskOf(f) | 0};`;
}

export function read(f: Field | undefined): string {
  if (!f) return '0';
  const m = f.bits === 32 ? '0xffffffff' : String(2 ** f.bits - 1);
  return f.shift === 0 ? `(W[${f.word}] & ${m})` : `((W[${f.word}] >>> ${f.shift}) & ${m})`;
}

export function orIn(f: Field | undefined, x: string, to = 'W'): string {
  if (!f) return '';
  return `${to}[${f.word}] |= ${f.shift === 0 ? x : `${x} << ${f.shift}`};`;
}

export function keyName(k: Key): string {
  return JSON.stringify(String(k));
}

export function isLeaf(t: Type): boolean {
  return t.kind === 'bool' || t.kind === 'int' || t.kind === 'enum';
}

/** A key JavaScript stores as an array index (`0`, `7`, `"12"`), not as a named property. */
export function isIndexKey(k: Key): boolean {
  const s = String(k);
  return /^(0|[1-9]\d{0,9})$/.test(s) && Number(s) < 2 ** 32 - 1;
}

/**
 * Records and maps with named keys only get a draft object: accessors on index keys live in
 * V8's dictionary elements, where every access costs ~150 ns (a map over pids is materialised
 * instead, a fresh object as fast as the decoder's).
 */
export function isNode(t: Type): boolean {
  if (t.kind === 'record') return !Object.keys(t.fields).some(isIndexKey);
  if (t.kind === 'map') return !t.domain.some(isIndexKey);
  return false;
}

/** Leaf bits (no allocation of anything else): bool, int, enum. */
export function leafBits(t: Type): number {
  switch (t.kind) {
    case 'bool': return 1;
    case 'int': return bitsFor(t.max - t.min + 1);
    case 'enum': return bitsFor(t.values.length);
    default: throw new Unsupported(t.kind);
  }
}

/** Expression decoding leaf `t` from field `f`. */
export function leafGet(g: Gen, t: Type, f: Field | undefined): string {
  switch (t.kind) {
    case 'bool': return `(${read(f)} === 1)`;
    case 'int': return `(${read(f)} + ${t.min})`;
    case 'enum': return `${constRef(g, t.values)}[${read(f)}]`;
    default: throw new Unsupported(t.kind);
  }
}

/** Statements validating leaf value `v` into `x` (as the encoder does), bailing when invalid. */
export function leafCheck(g: Gen, t: Type, v: string, x: string): string {
  switch (t.kind) {
    case 'bool':
      return `${x} = ${v} === true ? 1 : ${v} === false ? 0 : B();`;
    case 'int':
      return `${x} = ${v} - ${t.min}; if (typeof ${v} !== 'number' || (${x} | 0) !== ${x} || ${x} < 0 || ${x} > ${t.max - t.min}) B();`;
    case 'enum': {
      const table: Record<string, number> = Object.create(null);
      t.values.forEach((val, i) => (table[val] = i));
      return `${x} = typeof ${v} === 'string' ? ${constRef(g, table)}[${v}] : undefined; if (${x} === undefined) B();`;
    }
    default:
      throw new Unsupported(t.kind);
  }
}

/** `this.$W[F[f]]`'s field of `bits` bits at shift F[f+1], as an expression (inside a shared accessor). */
export function readAt(f: number, bits: number): string {
  const m = bits === 32 ? '0xffffffff' : String(2 ** bits - 1);
  return `((W[F[${f}]] >>> F[${f + 1}]) & ${m})`;
}

/** Statements writing `x` into the field at F[f], F[f+1] of `bits` bits (inside a shared accessor). */
export function writeAt(f: number, bits: number, x: string): string {
  const m = bits === 32 ? '0xffffffff' : String(2 ** bits - 1);
  return `{ const w = F[${f}], s = F[${f + 1}]; W[w] = (W[w] & ~(${m} << s)) | (${x} << s); }`;
}

/** A leaf's value from its field at F[f] (a 0-bit leaf has one value). */
export function leafAt(g: Gen, t: Type, f: number): string {
  const bits = leafBits(t);
  switch (t.kind) {
    case 'bool': return `(${readAt(f, 1)} === 1)`;
    case 'int': return bits === 0 ? String(t.min) : `(${readAt(f, bits)} + ${t.min})`;
    case 'enum': return bits === 0 ? constRef(g, t.values[0]) : `${constRef(g, t.values)}[${readAt(f, bits)}]`;
    default: throw new Unsupported(t.kind);
  }
}
