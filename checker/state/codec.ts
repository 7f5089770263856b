/**
 * HOT PATH. Per-schema generated code (via `new Function`) that packs a state object into 32-bit
 * words, unpacks it, and fingerprints the packed words.
 *
 * Why generated: the explorer encodes every successor it produces. A generic walk over the schema
 * costs a dispatch, a closure call and often an allocation per leaf; the generated code is one
 * straight-line function per schema with every field offset, shift, mask and enum table constant,
 * no allocation, and the hash inlined. Encoding also validates: a value outside its type throws a
 * SchemaViolation naming the field, so a successor that leaves its schema is caught where it is made.
 * A record or map with a key its type lacks (an effect that added a field) is caught by checkKeys.
 * The reflective reference (reflect.ts) uses the same layout and must agree bit for bit.
 */
import type { BagType, Key, SetOfType, SymDomain, Type } from '../../spec/types';
import { describeType } from '../../spec/types';
import { BitAllocator, bitsFor } from './layout';
import { hashSource } from './hash';
import { SchemaViolation, unknownKeyFn } from './schemaViolation';
import { CollectionLayout } from './collection';
import { ElemRank } from './elemRank';

export { SchemaViolation, UnknownKey } from './schemaViolation';

export interface Codec {
  /** Words per packed state. */
  readonly words: number;
  /** Packs `s` into w[o .. o+words); throws SchemaViolation if `s` is outside the schema. */
  encode(s: unknown, w: Uint32Array, o: number): void;
  /** Unpacks a fresh state object. */
  decode(w: Uint32Array, o: number): any;
  /** 64-bit fingerprint of packed words at w[o..]: out[0] = hi, out[1] = lo. */
  hash(w: Uint32Array, o: number, out: Uint32Array): void;
  /**
   * Throws UnknownKey if a record or map in `s` (a value encode accepted) has a key its type lacks,
   * e.g. a field an effect added. Separate from encode for speed; the explorer calls it on every
   * new state, init states included.
   */
  checkKeys(s: unknown): void;
  /** encode + hash through an internal scratch buffer; validates like encode. */
  fingerprint(s: unknown, out: Uint32Array): void;
  /**
   * Packs the state permuted by `perm` (symmetry): for each symmetric domain d (in `symDomains`
   * order), perm[2d] maps a value's index to its image and perm[2d+1] is the inverse. No
   * validation: the state was validated by `encode` first. Undefined without symmetric domains.
   */
  encodePerm?(s: unknown, w: Uint32Array, o: number, perm: readonly Int32Array[]): void;
  /** The symmetric domains of the schema, in the order `encodePerm`'s permutation uses. */
  readonly symDomains: readonly SymDomain[];
  /** The generated source, for debugging (`--debug` prints it on request). */
  readonly source: string;
}

interface GenCtx {
  alloc: BitAllocator;
  consts: unknown[];
  constName: string;
  n: number; // fresh-name counter
  /** Constants shared by reference (a domain's values), one slot each. */
  memo?: Map<unknown, string>;
  /** Layout of each set-of-values or bag type, shared by the encoder, decoder and permuted encoder. */
  layouts: (type: SetOfType<Type> | BagType<Type>) => CollectionLayout;
}

function constRef(ctx: GenCtx, value: unknown): string {
  const known = ctx.memo?.get(value);
  if (known) return known;
  ctx.consts.push(value);
  const ref = `${ctx.constName}[${ctx.consts.length - 1}]`;
  ctx.memo?.set(value, ref);
  return ref;
}

function fresh(ctx: GenCtx, prefix: string): string {
  return `${prefix}${ctx.n++}`;
}

/** A key JavaScript stores as an array index (`0`, `7`, `"12"`), not as a named property. */
function isIndexKey(k: Key): boolean {
  const s = String(k);
  return /^(0|[1-9]\d{0,9})$/.test(s) && Number(s) < 2 ** 32 - 1;
}

function lit(k: Key): string {
  return JSON.stringify(k);
}

/** Reads own property `k` of the object in `v` (`__proto__` would otherwise read the prototype). */
function readKey(v: string, k: Key): string {
  return String(k) === '__proto__' ? `(Object.prototype.hasOwnProperty.call(${v}, "__proto__") ? ${v}["__proto__"] : undefined)` : `${v}[${lit(k)}]`;
}

/**
 * An object-literal key. A quoted key keeps V8's fast literal boilerplates (computed keys are
 * several times slower to construct) and also parses for `-1`; only `__proto__` must be computed,
 * as a quoted `__proto__` would set the prototype instead of an own property.
 */
function keyLit(k: Key): string {
  const key = JSON.stringify(String(k));
  return String(k) === '__proto__' ? `[${key}]` : key;
}

/**
 * Key checker statements for the value in `v` (already validated by encode): every record and
 * map must have no key beyond its type's. Kept out of encode because counting keys (for-in) costs
 * about as much as encoding on record-heavy states (encode took 2x as long on M4-now, 20-45% more
 * exploration time); the explorer runs it on new states only (~1% on M2, ~8% on M4-now at its
 * nightly bound). Maps over integer keys are not counted: V8 keeps such keys as elements, where
 * for-in has no fast path (2.5x slower exploration of n-peterson).
 */
function genKeys(ctx: GenCtx, type: Type, v: string, path: string): string {
  const count = (known: readonly string[]) => {
    const n = fresh(ctx, 'k');
    return `let ${n} = 0; for (const _ in ${v}) ${n}++; if (${n} !== ${known.length}) K(${JSON.stringify(path)}, ${v}, ${constRef(ctx, known)}, ${JSON.stringify(describeType(type))});`;
  };
  const inner = (t: Type, x: string, p: string) => {
    if (!hasKeyed(t)) return '';
    const c = fresh(ctx, 'v');
    return `{ const ${c} = ${x}; ${genKeys(ctx, t, c, p)} }`;
  };
  switch (type.kind) {
    case 'record':
      return [...Object.entries(type.fields).map(([k, ft]) => inner(ft, readKey(v, k), `${path}.${k}`)), count(Object.keys(type.fields))].join('\n');
    case 'map':
      return [...type.domain.map((k) => inner(type.value, readKey(v, k), `${path}[${lit(k)}]`)), type.domain.some(isIndexKey) ? '' : count(type.domain.map(String))].join('\n');
    case 'array':
    case 'tuple': {
      const elems = type.kind === 'array' ? Array.from({ length: type.length }, () => type.elem) : type.elems;
      return elems.map((et, i) => inner(et, `${v}[${i}]`, `${path}[${i}]`)).join('\n');
    }
    case 'seq':
      return Array.from({ length: type.maxLength }, (_, i) => (hasKeyed(type.elem) ? `if (${v}.length > ${i}) ${inner(type.elem, `${v}[${i}]`, `${path}[${i}]`)}` : '')).join('\n');
    case 'optional':
      return hasKeyed(type.inner) ? `if (${v} !== null) { ${genKeys(ctx, type.inner, v, path)} }` : '';
    case 'setOf':
    case 'bag': {
      if (!hasKeyed(type.elem)) return '';
      const e = fresh(ctx, 'c');
      return `for (const ${e} of ${v}) { ${genKeys(ctx, type.elem, e, `${path} element`)} }`;
    }
    default:
      return '';
  }
}

/** Whether a type contains a record or a map (something that can gain a key). */
function hasKeyed(type: Type): boolean {
  switch (type.kind) {
    case 'record':
    case 'map':
      return true;
    case 'array':
    case 'seq':
    case 'setOf':
    case 'bag':
      return hasKeyed(type.elem);
    case 'tuple':
      return type.elems.some(hasKeyed);
    case 'optional':
      return hasKeyed(type.inner);
    default:
      return false;
  }
}

/** Encoder statements for a value held in variable `v`. Leaves OR into accumulators a<word>. */
function genEncode(ctx: GenCtx, type: Type, v: string, path: string): string {
  const fail = (expected: string) => `F(${JSON.stringify(path)}, ${v}, ${JSON.stringify(expected)});`;
  const put = (x: string, bits: number) => {
    if (bits === 0) return '';
    const { word, shift } = ctx.alloc.alloc(bits);
    return `a${word} |= ${shift === 0 ? x : `${x} << ${shift}`};`;
  };
  switch (type.kind) {
    case 'bool':
      return `if (${v} === true) { ${put('1', 1)} } else if (${v} !== false) ${fail('a bool')}`;
    case 'int': {
      const range = type.max - type.min;
      // Checked on the offset (always within int32), so ranges beyond int32 work too.
      return `x = ${v} - ${type.min}; if (typeof ${v} !== 'number' || (x | 0) !== x || x < 0 || x > ${range}) ${fail(describeType(type))} ${put('x', bitsFor(range + 1))}`;
    }
    case 'enum': {
      const table: Record<string, number> = Object.create(null);
      type.values.forEach((val, i) => (table[val] = i));
      return `x = typeof ${v} === 'string' ? ${constRef(ctx, table)}[${v}] : undefined; if (x === undefined) ${fail(describeType(type))} ${put('x', bitsFor(type.values.length))}`;
    }
    case 'record': {
      const out = [`if (${v} === null || typeof ${v} !== 'object') ${fail(describeType(type))}`];
      for (const [name, ft] of Object.entries(type.fields)) {
        const c = fresh(ctx, 'r');
        out.push(`{ const ${c} = ${readKey(v, name)}; ${genEncode(ctx, ft, c, `${path}.${name}`)} }`);
      }
      return out.join('\n');
    }
    case 'array':
    case 'tuple': {
      const elems = type.kind === 'array' ? Array.from({ length: type.length }, () => type.elem) : type.elems;
      const out = [`if (!Array.isArray(${v}) || ${v}.length !== ${elems.length}) ${fail(describeType(type))}`];
      elems.forEach((et, i) => {
        const c = fresh(ctx, 'e');
        out.push(`{ const ${c} = ${v}[${i}]; ${genEncode(ctx, et, c, `${path}[${i}]`)} }`);
      });
      return out.join('\n');
    }
    case 'map': {
      const out = [`if (${v} === null || typeof ${v} !== 'object' || ${v} instanceof Set) ${fail(describeType(type))}`];
      for (const k of type.domain) {
        const c = fresh(ctx, 'm');
        out.push(`{ const ${c} = ${readKey(v, k)}; ${genEncode(ctx, type.value, c, `${path}[${lit(k)}]`)} }`);
      }
      return out.join('\n');
    }
    case 'set': {
      const n = fresh(ctx, 'n');
      const out = [`if (!(${v} instanceof Set)) ${fail(describeType(type))}`, `let ${n} = 0;`];
      for (const k of type.domain) out.push(`if (${v}.has(${lit(k)})) { ${n}++; ${put('1', 1)} }`);
      out.push(`if (${n} !== ${v}.size) ${fail(describeType(type))}`);
      return out.join('\n');
    }
    case 'setOf':
    case 'bag': {
      const layout = ctx.layouts(type);
      const col = constRef(ctx, layout);
      return [`${col}.fill(${v}, ${JSON.stringify(path)});`, ...putWords(col, layout.words, put)].join('\n');
    }
    case 'seq': {
      const out = [`if (!Array.isArray(${v}) || ${v}.length > ${type.maxLength}) ${fail(describeType(type))}`];
      out.push(put(`${v}.length`, bitsFor(type.maxLength + 1)));
      for (let i = 0; i < type.maxLength; i++) {
        const c = fresh(ctx, 'q');
        out.push(`if (${v}.length > ${i}) { const ${c} = ${v}[${i}]; ${genEncode(ctx, type.elem, c, `${path}[${i}]`)} }`);
      }
      return out.join('\n');
    }
    case 'optional': {
      const presence = put('1', 1);
      return `if (${v} !== null) { ${presence} ${genEncode(ctx, type.inner, v, path)} }`;
    }
  }
}

/** Statements OR-ing a collection's filled words (one whole word each, consecutive) into the accumulators. */
function putWords(col: string, words: number, put: (x: string, bits: number) => string): string[] {
  return Array.from({ length: words }, (_, j) => put(`${col}.buf[${j}]`, 32));
}

/**
 * The symmetric domains a type mentions, in first-seen order (identity by name). Throws if a type
 * cannot be permuted by its domain (a permuted value would leave the type).
 */
export function symDomainsOf(type: Type, out: SymDomain[] = []): SymDomain[] {
  const add = (d: SymDomain | undefined, holds: (k: Key) => boolean) => {
    if (!d) return;
    if (!d.values.every(holds)) throw new Error(`${describeType(type)} is declared symmetric over ${d.name} but lacks some of its values`);
    if (!out.some((x) => x.name === d.name)) out.push(d);
  };
  switch (type.kind) {
    case 'int':
      // An int is permuted as a whole (t.symValue): its range must be the domain exactly.
      if (type.sym && type.sym.values.length !== type.max - type.min + 1) throw new Error(`${describeType(type)} is not its symmetric domain ${type.sym.name}`);
      add(type.sym, (k) => typeof k === 'number' && k >= type.min && k <= type.max);
      break;
    case 'enum':
      add(type.sym, (k) => (type.values as readonly Key[]).includes(k));
      break;
    case 'set':
      add(type.sym, (k) => type.domain.includes(k));
      break;
    case 'map':
      add(type.sym, (k) => type.domain.includes(k));
      symDomainsOf(type.value, out);
      break;
    case 'record':
      Object.values(type.fields).forEach((f) => symDomainsOf(f, out));
      break;
    case 'array':
      if (type.sym && type.sym.values.length !== type.length) throw new Error(`${describeType(type)}: its symmetric domain ${type.sym.name} has ${type.sym.values.length} values`);
      add(type.sym, () => true);
      symDomainsOf(type.elem, out);
      break;
    case 'seq':
    case 'setOf':
    case 'bag':
      symDomainsOf(type.elem, out);
      break;
    case 'tuple':
      type.elems.forEach((e) => symDomainsOf(e, out));
      break;
    case 'optional':
      symDomainsOf(type.inner, out);
      break;
  }
  return out;
}

/**
 * Encoder of the permuted state: the same bit layout as genEncode (same traversal order). A
 * permutation moves the domain's values only: a symmetric value is written through the
 * permutation, an entry of a map, set or array over the domain is read from its preimage (through
 * the inverse); values and keys outside the domain (a partial `sym`) stay where they are.
 */
function genEncodePerm(ctx: GenCtx, type: Type, v: string, doms: readonly SymDomain[]): string {
  const put = (x: string, bits: number) => {
    if (bits === 0) return '';
    const { word, shift } = ctx.alloc.alloc(bits);
    return `a${word} |= ${shift === 0 ? x : `${x} << ${shift}`};`;
  };
  /** P[fwd] / P[inv] of domain d. */
  const fwd = (d: SymDomain) => `P[${2 * doms.findIndex((x) => x.name === d.name)}]`;
  const inv = (d: SymDomain) => `P[${2 * doms.findIndex((x) => x.name === d.name) + 1}]`;
  /** The key at map/set position k in the permuted state is read at this key of the state. */
  const preimage = (d: SymDomain | undefined, k: Key) => {
    const i = d ? d.values.indexOf(k) : -1;
    return i < 0 ? lit(k) : `${constRef(ctx, d!.values)}[${inv(d!)}[${i}]]`;
  };
  switch (type.kind) {
    case 'bool':
      return `if (${v} === true) { ${put('1', 1)} }`;
    case 'int': {
      const bits = bitsFor(type.max - type.min + 1);
      if (type.sym) return `x = ${fwd(type.sym)}[${v} - ${type.min}]; ${put('x', bits)}`;
      return `x = ${v} - ${type.min}; ${put('x', bits)}`;
    }
    case 'enum': {
      const table: Record<string, number> = Object.create(null);
      type.values.forEach((val, i) => (table[val] = i));
      const bits = bitsFor(type.values.length);
      const d = type.sym;
      if (!d) return `x = ${constRef(ctx, table)}[${v}]; ${put('x', bits)}`;
      if (d.values.length === type.values.length && d.values.every((x, i) => x === type.values[i])) {
        return `x = ${fwd(d)}[${constRef(ctx, table)}[${v}]]; ${put('x', bits)}`;
      }
      // Partial: ki[x] is the domain index of enum value x (-1 outside the domain), back[k] the enum index of domain value k.
      const ki = constRef(ctx, Int32Array.from(type.values, (x) => d.values.indexOf(x)));
      const back = constRef(ctx, Int32Array.from(d.values, (x) => type.values.indexOf(x as string)));
      return `x = ${constRef(ctx, table)}[${v}]; k = ${ki}[x]; if (k >= 0) x = ${back}[${fwd(d)}[k]]; ${put('x', bits)}`;
    }
    case 'record':
      return Object.entries(type.fields)
        .map(([name, ft]) => {
          const c = fresh(ctx, 'r');
          return `{ const ${c} = ${readKey(v, name)}; ${genEncodePerm(ctx, ft, c, doms)} }`;
        })
        .join('\n');
    case 'array':
    case 'tuple': {
      const elems = type.kind === 'array' ? Array.from({ length: type.length }, () => type.elem) : type.elems;
      const sym = type.kind === 'array' ? type.sym : undefined;
      return elems
        .map((et, i) => {
          const c = fresh(ctx, 'e');
          return `{ const ${c} = ${v}[${sym ? `${inv(sym)}[${i}]` : i}]; ${genEncodePerm(ctx, et, c, doms)} }`;
        })
        .join('\n');
    }
    case 'map':
      return type.domain
        .map((k) => {
          const c = fresh(ctx, 'm');
          const read = type.sym && type.sym.values.includes(k) ? `${v}[${preimage(type.sym, k)}]` : readKey(v, k);
          return `{ const ${c} = ${read}; ${genEncodePerm(ctx, type.value, c, doms)} }`;
        })
        .join('\n');
    case 'set':
      return type.domain.map((k) => `if (${v}.has(${preimage(type.sym, k)})) { ${put('1', 1)} }`).join('\n');
    case 'setOf':
    case 'bag': {
      const layout = ctx.layouts(type);
      const col = constRef(ctx, layout);
      return [`${col}.fill(${v}, '', P);`, ...putWords(col, layout.words, put)].join('\n');
    }
    case 'seq': {
      const out = [put(`${v}.length`, bitsFor(type.maxLength + 1))];
      for (let i = 0; i < type.maxLength; i++) {
        const c = fresh(ctx, 'q');
        out.push(`if (${v}.length > ${i}) { const ${c} = ${v}[${i}]; ${genEncodePerm(ctx, type.elem, c, doms)} }`);
      }
      return out.join('\n');
    }
    case 'optional': {
      const presence = put('1', 1);
      return `if (${v} !== null) { ${presence} ${genEncodePerm(ctx, type.inner, v, doms)} }`;
    }
  }
}

/** Decoder: statements computing the value into a fresh const, and that const's name. */
function genDecode(ctx: GenCtx, type: Type): { stmts: string; expr: string } {
  const get = (bits: number) => {
    if (bits === 0) return '0';
    const { word, shift } = ctx.alloc.alloc(bits);
    const mask = bits === 32 ? '0xffffffff' : `${2 ** bits - 1}`;
    return `((w[o + ${word}] >>> ${shift}) & ${mask})`;
  };
  switch (type.kind) {
    case 'bool':
      return { stmts: '', expr: `(${get(1)} === 1)` };
    case 'int':
      return { stmts: '', expr: `(${get(bitsFor(type.max - type.min + 1))} + ${type.min})` };
    case 'enum':
      return { stmts: '', expr: `${constRef(ctx, type.values)}[${get(bitsFor(type.values.length))}]` };
    case 'record': {
      const parts = Object.entries(type.fields).map(([name, ft]) => ({ name, ...genDecode(ctx, ft) }));
      return {
        stmts: parts.map((p) => p.stmts).join('\n'),
        expr: `{ ${parts.map((p) => `${keyLit(p.name)}: ${p.expr}`).join(', ')} }`,
      };
    }
    case 'array':
    case 'tuple': {
      const elems = type.kind === 'array' ? Array.from({ length: type.length }, () => type.elem) : type.elems;
      const parts = elems.map((et) => genDecode(ctx, et));
      return { stmts: parts.map((p) => p.stmts).join('\n'), expr: `[${parts.map((p) => p.expr).join(', ')}]` };
    }
    case 'map': {
      const parts = type.domain.map((k) => ({ k, ...genDecode(ctx, type.value) }));
      return {
        stmts: parts.map((p) => p.stmts).join('\n'),
        expr: `{ ${parts.map((p) => `${keyLit(p.k)}: ${p.expr}`).join(', ')} }`,
      };
    }
    case 'set': {
      const c = fresh(ctx, 'S');
      const out = [`const ${c} = new Set();`];
      for (const k of type.domain) out.push(`if (${get(1)} === 1) ${c}.add(${lit(k)});`);
      return { stmts: out.join('\n'), expr: c };
    }
    case 'setOf':
    case 'bag': {
      const layout = ctx.layouts(type);
      const col = constRef(ctx, layout);
      const first = ctx.alloc.alloc(32).word;
      for (let j = 1; j < layout.words; j++) ctx.alloc.alloc(32);
      const c = fresh(ctx, 'C');
      return { stmts: `const ${c} = ${col}.decode(w, o + ${first});`, expr: c };
    }
    case 'seq': {
      const c = fresh(ctx, 'Q');
      const out = [`const ${c} = []; const ${c}n = ${get(bitsFor(type.maxLength + 1))};`];
      for (let i = 0; i < type.maxLength; i++) {
        const p = genDecode(ctx, type.elem);
        out.push(`if (${c}n > ${i}) { ${p.stmts} ${c}.push(${p.expr}); }`);
      }
      return { stmts: out.join('\n'), expr: c };
    }
    case 'optional': {
      const c = fresh(ctx, 'O');
      const present = get(1);
      const p = genDecode(ctx, type.inner);
      return { stmts: `let ${c} = null; if (${present} === 1) { ${p.stmts} ${c} = ${p.expr}; }`, expr: c };
    }
  }
}

function failFn(path: string, value: unknown, expected: string): never {
  throw new SchemaViolation(path, value, expected);
}

type CodecFactory = (ec: unknown[], dc: unknown[], f: typeof failFn, k: typeof unknownKeyFn) => Omit<Codec, 'source' | 'symDomains'>;
/** The codec code compiled so far, by its source. */
const codecFactories = new Map<string, CodecFactory>();

/** Compiles the codec for a state schema. `root` names the state in error paths. */
export function compileCodec(type: Type, root = 'state'): Codec {
  const symDomains = symDomainsOf(type);
  const layoutOf = new Map<Type, CollectionLayout>();
  const layouts = (t: SetOfType<Type> | BagType<Type>) => {
    let l = layoutOf.get(t);
    if (!l) layoutOf.set(t, (l = new CollectionLayout(t, new ElemRank(t.elem, (d) => symDomains.findIndex((x) => x.name === d.name)))));
    return l;
  };
  const encCtx: GenCtx = { alloc: new BitAllocator(), consts: [], constName: 'EC', n: 0, layouts };
  const encBody = genEncode(encCtx, type, 's', root);
  const words = encCtx.alloc.words;
  const decCtx: GenCtx = { alloc: new BitAllocator(), consts: [], constName: 'DC', n: 0, layouts };
  const dec = genDecode(decCtx, type);
  if (decCtx.alloc.words !== words) throw new Error('codec layout mismatch between encoder and decoder');

  const acc = Array.from({ length: words }, (_, i) => `a${i} = 0`).join(', ');
  const store = Array.from({ length: words }, (_, i) => `w[o + ${i}] = a${i};`).join(' ');
  const encodeSrc = `function encode(s, w, o) { let ${acc}, x = 0;\n${encBody}\n${store} }`;
  let permSrc = 'const encodePerm = undefined;';
  if (symDomains.length > 0) {
    const permCtx: GenCtx = { alloc: new BitAllocator(), consts: encCtx.consts, constName: 'EC', n: encCtx.n, memo: new Map(), layouts };
    const permBody = genEncodePerm(permCtx, type, 's', symDomains);
    if (permCtx.alloc.words !== words) throw new Error('codec layout mismatch between encoder and permuted encoder');
    permSrc = `function encodePerm(s, w, o, P) { let ${acc}, x = 0, k = 0;\n${permBody}\n${store} }`;
  }
  const keysCtx: GenCtx = { alloc: new BitAllocator(), consts: encCtx.consts, constName: 'EC', n: 0, layouts };
  const keysSrc = `function checkKeys(s) {\n${genKeys(keysCtx, type, 's', root)}\n}`;
  const decodeSrc = `function decode(w, o) {\n${dec.stmts}\nreturn ${dec.expr}; }`;
  const hashSrc = `function hash(w, o, out) {\n${hashSource(words)}\n}`;
  const source = [
    encodeSrc,
    permSrc,
    keysSrc,
    decodeSrc,
    hashSrc,
    `const scratch = new Uint32Array(${words});`,
    `function fingerprint(s, out) { encode(s, scratch, 0); hash(scratch, 0, out); }`,
    `return { words: ${words}, encode, encodePerm, checkKeys, decode, hash, fingerprint };`,
  ].join('\n');
  // The same code compiles once per process, so its functions share what the JIT learnt; each
  // codec gets its own constants and scratch words. (Codecs hold no objects whose hidden classes
  // models see, so unlike the packed drafts they need not share more than the code.)
  let make = codecFactories.get(source);
  if (make === undefined) codecFactories.set(source, (make = new Function('EC', 'DC', 'F', 'K', source) as CodecFactory));
  return { ...make(encCtx.consts, decCtx.consts, failFn, unknownKeyFn), symDomains, source };
}
