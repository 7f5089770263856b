/**
 * HOT PATH. A draft over packed words: per schema, generated code (via `new Function`) that builds
 * a tree of plain-looking objects whose fields are getters and setters on the bit fields of one
 * Uint32Array, in the codec's layout. An effect run on it turns a copy of the parent's words into
 * the successor's words in place: no decode, no object per successor, no re-encode.
 *
 * How each schema type appears in the draft (what keeps it indistinguishable from the decoded
 * object an effect would otherwise get):
 * - record, map with named keys: a sealed object with one own enumerable accessor per field or
 *   key, in the decoder's key order (so `Object.keys`, spread, `for…in`, JSON give the same
 *   results), the accessors shared by every object of that type (its own data, not enumerable:
 *   words, bit positions, children). A leaf (bool, int, enum, optional leaf) is read and written
 *   in place, the setter validating as the encoder does (an invalid value bails out). Assigning
 *   a whole record or map makes the field that object until the run ends, then encodes it.
 *   Maps over numbers (index keys) are materialised, as below: V8 keeps accessors on index keys
 *   in dictionary elements, ~150 ns an access.
 * - array or tuple of records/maps: one real Array holding the element drafts, checked after the
 *   run (an element replaced, or the array resized or reordered, bails out).
 * - anything else (Sets, ValueSets, Bags, seqs, arrays of leaves, optional records): materialised, i.e. decoded into
 *   a real object the first time a run reads it, and encoded back (validated) when the run ends.
 *   Aliasing then behaves as on decoded objects, since the encode reads the final object graph.
 * A kind this file does not know (added to the schema language later) makes `compilePackedDraft`
 * return undefined: the spec then keeps the object path.
 *
 * Bailing out throws BAIL; the caller (compiled.ts) discards the words and re-runs the same step
 * on the object path, so a bail can cost time but never change a state. Drafts are reused: a
 * model must not keep state objects across calls (neither may it keep immer drafts).
 */
import type { Key, Type } from '../../spec/types';
import { BitAllocator, bitsFor } from '../state/layout';
import { CollectionLayout } from '../state/collection';
import { Unsupported, constRef, alloc, maskOf, clear, read, orIn, keyName, isLeaf, isIndexKey, isNode, leafBits, leafGet, leafCheck, readAt, writeAt, leafAt, type Field, type Gen } from './packedDraftCode';

/** Thrown by a draft when an effect does something it does not emulate exactly. */
export const BAIL: unique symbol = Symbol('packed draft bail-out');

/** A draft bound to its own words. */
export interface PackedDraft {
  /** The packed state the draft reads and writes (the codec's words, offset 0). */
  readonly words: Uint32Array;
  /** The state as the effect or predicate sees it. */
  readonly root: any;
  /** Copies a packed state into `words` from src[off..] (before begin: what the next run reads). */
  load(src: Uint32Array, off: number): void;
  /** Starts a run: clears what an earlier run materialised; `readOnly` makes every setter bail. */
  begin(readOnly: boolean): void;
  /** Ends a writing run: encodes materialised values back and checks element arrays (may throw BAIL). */
  end(): void;
}

export type PackedDraftFactory = (words: Uint32Array) => PackedDraft;


/**
 * Shared accessors of a leaf or optional-leaf field whose bits are at F[f..] of each draft object
 * (word, shift; for an optional: presence word, shift, then the value's). Returns how many F
 * entries the field takes.
 */
function leafAccessor(g: Gen, name: string, t: Type, f: number): { desc: string; width: number } {
  const head = 'const F = this.$F, W = this.$W;';
  if (t.kind === 'optional') {
    const bits = leafBits(t.inner);
    const get = `get() { ${head} return ${readAt(f, 1)} === 0 ? null : ${leafAt(g, t.inner, f + 2)}; }`;
    const set =
      `set(v) { if (this.$S.ro) B(); ${head} if (v === null) { ${writeAt(f, 1, '0')} ${bits ? writeAt(f + 2, bits, '0') : ''} return; } ` +
      `let x = 0; ${leafCheck(g, t.inner, 'v', 'x')} ${writeAt(f, 1, '1')} ${bits ? writeAt(f + 2, bits, 'x') : ''} }`;
    return { desc: prop(name, get, set), width: 4 };
  }
  const bits = leafBits(t);
  const get = `get() { ${head} return ${leafAt(g, t, f)}; }`;
  const set = `set(v) { if (this.$S.ro) B(); let x = 0; ${leafCheck(g, t, 'v', 'x')} ${bits ? `${head} ${writeAt(f, bits, 'x')}` : ''} }`;
  return { desc: prop(name, get, set), width: 2 };
}

/**
 * One property of a draft object, as a defineProperties entry: own and enumerable like a decoded
 * object's field. (Accessors written in an object literal would make V8 build the object in
 * dictionary mode, where every access is a call of ~10 ns instead of an inlined load.)
 */
function prop(name: string, get: string, set: string): string {
  return `${name === '"__proto__"' ? `[${name}]` : name}: { ${get}, ${set}, enumerable: true, configurable: true }`;
}

function fieldsOf(t: Type): [string, Type][] {
  return t.kind === 'record' ? Object.entries(t.fields).map(([k, f]) => [keyName(k), f]) : t.kind === 'map' ? t.domain.map((k) => [keyName(k), t.value]) : [];
}

function isNodeArray(t: Type): boolean {
  return t.kind === 'array' ? isNode(t.elem) : t.kind === 'tuple' && t.elems.every(isNode);
}

/**
 * The accessors every draft object of record or map type `t` shares (one set per type, so that
 * code reading the records of a thread array sees one hidden class, not one per record: a call
 * site over several draft objects with their own getters costs ~13 ns an access, over shared ones
 * ~3 ns). Each object carries its own bit positions ($F), words ($W), draft state ($S), and per
 * field k: the child ($c<k>), element array ($a<k>, $b<k> its bit), decoder ($d<k>) and
 * materialised value ($h<k>, $m<k>) it needs. Returns the shape's name.
 */
function shapeOf(g: Gen, t: Type): string {
  const known = g.shapes.get(t);
  if (known) return known;
  const name = `SH${g.shapes.size}`;
  g.shapes.set(t, name);
  const members: string[] = [];
  let f = 0;
  fieldsOf(t).forEach(([key, ft], k) => {
    if (isLeaf(ft) || (ft.kind === 'optional' && isLeaf(ft.inner))) {
      const { desc, width } = leafAccessor(g, key, ft, f);
      members.push(desc);
      f += width;
    } else if (isNode(ft)) {
      // Assigning a whole record or map materialises the field: from then on it is the assigned
      // object itself (aliases behave as on objects), encoded when the run ends.
      members.push(prop(key, `get() { return this.$h${k} === 1 ? this.$m${k} : this.$c${k}; }`, `set(v) { const S = this.$S; if (S.ro) B(); this.$h${k} = 1; S.u = 1; this.$m${k} = v; }`));
    } else if (isNodeArray(ft)) {
      members.push(prop(key, `get() { this.$S.t |= this.$b${k}; return this.$a${k}; }`, 'set(v) { B(); }'));
    } else {
      members.push(
        prop(
          key,
          `get() { if (this.$h${k} === 0) { this.$h${k} = 1; this.$S.u = 1; this.$m${k} = this.$d${k}(); } return this.$m${k}; }`,
          `set(v) { const S = this.$S; if (S.ro) B(); this.$h${k} = 1; S.u = 1; this.$m${k} = v; }`,
        ),
      );
    }
  });
  g.shared.push(`const ${name} = {\n${members.join(',\n')}\n};`);
  return name;
}

/**
 * A record or map draft object: declares it (children first) and returns its variable name.
 * Fields are generated in the codec's traversal order, so each allocates the bits the codec gives it.
 */
function genNode(g: Gen, t: Type): string {
  const shape = shapeOf(g, t);
  const v = `n${g.n++}`;
  const F: number[] = [];
  const extra: string[] = [];
  fieldsOf(t).forEach(([, ft], k) => {
    if (isLeaf(ft)) {
      const f = alloc(g, leafBits(ft));
      F.push(f?.word ?? 0, f?.shift ?? 0);
    } else if (ft.kind === 'optional' && isLeaf(ft.inner)) {
      const p = alloc(g, 1)!;
      const f = alloc(g, leafBits(ft.inner));
      F.push(p.word, p.shift, f?.word ?? 0, f?.shift ?? 0);
    } else if (isNode(ft)) {
      const at = { word: g.alloc.word, bit: g.alloc.bit };
      const child = genNode(g, ft);
      const j = genAssignSlot(g, ft, at);
      extra.push(`$c${k}: ${child}`, `$h${k}: 0`, `$m${k}: undefined`);
      g.slots.push({ node: v, k, encoder: `E${j}` });
    } else if (isNodeArray(ft)) {
      const types = ft.kind === 'array' ? Array.from({ length: ft.length }, () => ft.elem) : ft.kind === 'tuple' ? ft.elems : [];
      const elems = types.map((et) => genNode(g, et));
      const a = `A${g.arrays.length}`;
      const bit = g.arrays.length < 31 ? 2 ** g.arrays.length : -1;
      g.arrays.push({ name: a, elems });
      g.decls.push(`const ${a} = [${elems.join(', ')}];`);
      extra.push(`$a${k}: ${a}`, `$b${k}: ${bit}`);
    } else {
      const j = genSlot(g, ft);
      extra.push(`$d${k}: D${j}`, `$h${k}: 0`, `$m${k}: undefined`);
      g.slots.push({ node: v, k, encoder: `E${j}` });
    }
  });
  g.decls.push(`const ${v} = node(${shape}, [${F.join(', ')}], { ${extra.join(', ')} });`);
  return v;
}

/** A materialised slot for a value of type `t`: its decoder D<j>, encoder E<j> and state m<j>/h<j>. */
function genSlot(g: Gen, t: Type): number {
  const j = g.fns++;
  const fields: Field[] = [];
  const dec = genDecode(g, t, fields);
  let encode: string;
  if (onlyLeaves(t)) {
    // Every bit belongs to a leaf: each leaf is compared with its bits and rewritten only if it changed.
    encode = genEncode(g, t, 'v', fields.slice(), true);
  } else {
    // Clear every bit of the subtree, then OR the value in: unused bits stay 0, as the codec leaves them.
    const masks = new Map<number, number>();
    for (const f of fields) masks.set(f.word, (masks.get(f.word) ?? 0) | maskOf(f));
    const clears = [...masks].map(([w, m]) => `X[${w}] = X[${w}] & ${~m | 0};`).join(' ');
    encode = `${clears}\n${genEncode(g, t, 'v', fields.slice(), false)}`;
  }
  g.decls.push(`function D${j}() { ${dec.stmts} return ${dec.expr}; }`, `function E${j}(v) { let x = 0; ${encode} }`);
  return j;
}

/**
 * The encoder slot of a record or map field that has a draft object (genNode allocated its bits
 * from `at`): the same bits are laid out again to generate its encoder.
 */
function genAssignSlot(g: Gen, t: Type, at: { word: number; bit: number }): number {
  const j = g.fns++;
  const replay = new BitAllocator();
  replay.word = at.word;
  replay.bit = at.bit;
  const tg: Gen = { ...g, alloc: replay };
  const fields: Field[] = [];
  genDecode(tg, t, fields);
  if (replay.word !== g.alloc.word || replay.bit !== g.alloc.bit) throw new Unsupported('layout');
  const masks = new Map<number, number>();
  for (const f of fields) masks.set(f.word, (masks.get(f.word) ?? 0) | maskOf(f));
  const clears = [...masks].map(([w, m]) => `X[${w}] = X[${w}] & ${~m | 0};`).join(' ');
  const encode = `${clears}\n${genEncode(tg, t, 'v', fields.slice(), false)}`;
  g.n = tg.n;
  g.decls.push(`function E${j}(v) { let x = 0; ${encode} }`);
  return j;
}

/** Whether a root field is read in place: a leaf, an optional leaf, a draft object, or an array of them. */
function inPlace(root: Type): boolean {
  const fields = root.kind === 'record' ? Object.values(root.fields) : root.kind === 'map' ? [root.value] : [];
  return fields.some(
    (f) => isLeaf(f) || (f.kind === 'optional' && isLeaf(f.inner)) || isNode(f) || (f.kind === 'array' && isNode(f.elem)) || (f.kind === 'tuple' && f.elems.every(isNode)),
  );
}

/** Whether every bit of `t` is a leaf's (no set, seq or optional, whose bits depend on presence). */
function onlyLeaves(t: Type): boolean {
  switch (t.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return true;
    case 'record': return Object.values(t.fields).every(onlyLeaves);
    case 'map': return onlyLeaves(t.value);
    case 'array': return onlyLeaves(t.elem);
    case 'tuple': return t.elems.every(onlyLeaves);
    default: return false;
  }
}

/** Decoder of a materialised value (fresh objects, as the codec's decoder makes them). */
function genDecode(g: Gen, t: Type, fields: Field[]): { stmts: string; expr: string } {
  const take = (bits: number) => {
    const f = alloc(g, bits);
    if (f) fields.push(f);
    return f;
  };
  switch (t.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return { stmts: '', expr: leafGet(g, t, take(leafBits(t))) };
    case 'record':
    case 'map': {
      const entries: [string, Type][] = t.kind === 'record' ? Object.entries(t.fields).map(([k, f]) => [keyName(k), f]) : t.domain.map((k) => [keyName(k), t.value]);
      const parts = entries.map(([k, ft]) => ({ k, ...genDecode(g, ft, fields) }));
      const lit = parts.map((p) => `${p.k === '"__proto__"' ? `[${p.k}]` : p.k}: ${p.expr}`).join(', ');
      return { stmts: parts.map((p) => p.stmts).join('\n'), expr: `{ ${lit} }` };
    }
    case 'array':
    case 'tuple': {
      const types = t.kind === 'array' ? Array.from({ length: t.length }, () => t.elem) : t.elems;
      const parts = types.map((et) => genDecode(g, et, fields));
      return { stmts: parts.map((p) => p.stmts).join('\n'), expr: `[${parts.map((p) => p.expr).join(', ')}]` };
    }
    case 'set': {
      const c = `S${g.n++}`;
      const out = [`const ${c} = new Set();`];
      for (const k of t.domain) out.push(`if (${read(take(1))} === 1) ${c}.add(${JSON.stringify(k)});`);
      return { stmts: out.join('\n'), expr: c };
    }
    case 'seq': {
      const c = `Q${g.n++}`;
      const out = [`const ${c} = []; const ${c}n = ${read(take(bitsFor(t.maxLength + 1)))};`];
      for (let i = 0; i < t.maxLength; i++) {
        const p = genDecode(g, t.elem, fields);
        out.push(`if (${c}n > ${i}) { ${p.stmts} ${c}.push(${p.expr}); }`);
      }
      return { stmts: out.join('\n'), expr: c };
    }
    case 'optional': {
      const c = `O${g.n++}`;
      const present = read(take(1));
      const p = genDecode(g, t.inner, fields);
      return { stmts: `let ${c} = null; if (${present} === 1) { ${p.stmts} ${c} = ${p.expr}; }`, expr: c };
    }
    case 'setOf':
    case 'bag': {
      // Whole words, consecutive (checker/state/collection.ts decodes and fills them).
      const layout = new CollectionLayout(t);
      const first = take(32)!.word;
      for (let i = 1; i < layout.words; i++) take(32);
      return { stmts: '', expr: `${constRef(g, layout)}.decode(W, ${first})` };
    }
    default:
      throw new Unsupported((t as Type).kind);
  }
}

/**
 * Encoder of a materialised value held in `v`, into the fields `fields` (the decoder's, consumed
 * in the same order). Validates as the codec's encoder does, and more strictly where that is
 * cheap (a record or map with a key beyond its type's): anything it rejects bails out.
 */
function genEncode(g: Gen, t: Type, v: string, fields: Field[], diff: boolean): string {
  const next = () => fields.shift();
  const fresh = (p: string) => `${p}${g.n++}`;
  switch (t.kind) {
    case 'bool':
    case 'int':
    case 'enum': {
      const f = leafBits(t) === 0 ? undefined : next();
      // A leaf equal to the value its bits hold is valid and needs no write.
      if (diff) return f ? `if (${v} !== ${leafGet(g, t, f)}) { ${leafCheck(g, t, v, 'x')} ${clear(f, 'X')} ${orIn(f, 'x', 'X')} }` : leafCheck(g, t, v, 'x');
      return `${leafCheck(g, t, v, 'x')} ${orIn(f, 'x', 'X')}`;
    }
    case 'record':
    case 'map': {
      const entries: [Key, Type][] = t.kind === 'record' ? Object.entries(t.fields) : t.domain.map((k) => [k, t.value]);
      const out = [`if (${v} === null || typeof ${v} !== 'object' || ${v} instanceof Set) B();`];
      // Keys beyond the type's: counted as the codec's key check counts them (not over index keys).
      if (!entries.some(([k]) => isIndexKey(k))) {
        const k = fresh('k');
        out.push(`let ${k} = 0; for (const _ in ${v}) ${k}++; if (${k} !== ${entries.length}) B();`);
      }
      for (const [key, ft] of entries) {
        const c = fresh('r');
        const lit = JSON.stringify(String(key));
        const get = String(key) === '__proto__' ? `(Object.prototype.hasOwnProperty.call(${v}, ${lit}) ? ${v}[${lit}] : undefined)` : `${v}[${lit}]`;
        out.push(`{ const ${c} = ${get}; ${genEncode(g, ft, c, fields, diff)} }`);
      }
      return out.join('\n');
    }
    case 'array':
    case 'tuple': {
      const types = t.kind === 'array' ? Array.from({ length: t.length }, () => t.elem) : t.elems;
      const out = [`if (!Array.isArray(${v}) || ${v}.length !== ${types.length}) B();`];
      types.forEach((et, i) => {
        const c = fresh('e');
        out.push(`{ const ${c} = ${v}[${i}]; ${genEncode(g, et, c, fields, diff)} }`);
      });
      return out.join('\n');
    }
    case 'set': {
      const c = fresh('c');
      const out = [`if (!(${v} instanceof Set)) B();`, `let ${c} = 0;`];
      for (const k of t.domain) out.push(`if (${v}.has(${JSON.stringify(k)})) { ${c}++; ${orIn(next(), '1', 'X')} }`);
      out.push(`if (${c} !== ${v}.size) B();`);
      return out.join('\n');
    }
    case 'seq': {
      const lenBits = bitsFor(t.maxLength + 1);
      const out = [`if (!Array.isArray(${v}) || ${v}.length > ${t.maxLength}) B();`, orIn(lenBits ? next() : undefined, `${v}.length`, 'X')];
      for (let i = 0; i < t.maxLength; i++) {
        // Each slot's fields are consumed whether or not the slot is used.
        const slotFields = takeFields(t.elem, fields);
        const c = fresh('q');
        out.push(`if (${v}.length > ${i}) { const ${c} = ${v}[${i}]; ${genEncode(g, t.elem, c, slotFields, false)} }`);
      }
      return out.join('\n');
    }
    case 'optional': {
      const presence = next();
      const inner = takeFields(t.inner, fields);
      return `if (${v} !== null) { ${orIn(presence, '1', 'X')} ${genEncode(g, t.inner, v, inner, false)} }`;
    }
    case 'setOf':
    case 'bag': {
      const layout = new CollectionLayout(t);
      const col = constRef(g, layout);
      const words = layout.words;
      const stores = Array.from({ length: words }, (_, i) => orIn(next(), `${col}.buf[${i}]`, 'X'));
      return `try { ${col}.fill(${v}, ''); } catch { B(); }\n${stores.join(' ')}`;
    }
    default:
      throw new Unsupported((t as Type).kind);
  }
}

/** Removes and returns the fields a value of type `t` takes from the front of `fields`. */
function takeFields(t: Type, fields: Field[]): Field[] {
  return fields.splice(0, fieldCount(t));
}

/** Number of non-empty bit fields a value of type `t` takes. */
function fieldCount(t: Type): number {
  switch (t.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return leafBits(t) === 0 ? 0 : 1;
    case 'record': return Object.values(t.fields).reduce((n, f) => n + fieldCount(f), 0);
    case 'map': return t.domain.length * fieldCount(t.value);
    case 'array': return t.length * fieldCount(t.elem);
    case 'tuple': return t.elems.reduce((n, e) => n + fieldCount(e), 0);
    case 'set': return t.domain.length;
    case 'seq': return (bitsFor(t.maxLength + 1) ? 1 : 0) + t.maxLength * fieldCount(t.elem);
    case 'optional': return 1 + fieldCount(t.inner);
    case 'setOf':
    case 'bag': return new CollectionLayout(t).words;
    default: throw new Unsupported((t as Type).kind);
  }
}

/** What a draft calls to bail out (the generated code's `B`). */
function bail(): never {
  throw BAIL;
}

/** The draft factories made so far, by generated code and constants (see compilePackedDraft). */
const draftFactories = new Map<string, (w: Uint32Array) => PackedDraft>();

/**
 * The draft factory for a state schema of `words` packed words, or undefined when the schema has
 * a kind this file does not know, is not a record or map at its root, or lays out differently.
 */
export function compilePackedDraft(type: Type, words: number): PackedDraftFactory | undefined {
  if (!isNode(type)) return undefined;
  const g: Gen = { alloc: new BitAllocator(), consts: [], shapes: new Map(), shared: [], decls: [], slots: [], arrays: [], fns: 0, n: 0 };
  let root: string;
  try {
    root = genNode(g, type);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  if (g.alloc.words !== words) return undefined;
  // Nothing read or written in place (every field materialised, e.g. all maps over numbers):
  // the drafts would only add their bookkeeping to the object path's decode and encode.
  if (!inPlace(type)) return undefined;
  const writeBack = g.slots.map(({ node, k, encoder }) => `if (${node}.$h${k} === 1) ${encoder}(${node}.$m${k});`).join('\n');
  const forget = g.slots.map(({ node, k }) => `${node}.$h${k} = 0; ${node}.$m${k} = undefined;`).join('\n');
  const arrayChecks = g.arrays
    .map((a, i) => {
      const bit = i < 31 ? 2 ** i : 0;
      const same = [`${a.name}.length !== ${a.elems.length}`, ...a.elems.map((e, k) => `${a.name}[${k}] !== ${e}`)].join(' || ');
      const restore = `${a.name}.length = ${a.elems.length}; ${a.elems.map((e, k) => `${a.name}[${k}] = ${e};`).join(' ')}`;
      return `if (${bit ? `(S.t & ${bit}) !== 0` : 'S.t < 0'} && (${same})) { ${restore} bad = true; }`;
    })
    .join('\n');
  // Word by word, unrolled for short states: TypedArray.prototype.set costs ~10 ns a call, more
  // than a short state's copy.
  const copy = (to: string, from: string, off = '0') =>
    words <= 16
      ? Array.from({ length: words }, (_, i) => `${to}[${i}] = ${from}[${off} + ${i}];`).join(' ')
      : `for (let i = 0; i < ${words}; i++) ${to}[i] = ${from}[${off} + i];`;
  // S.u: whether a field holds a materialised value; S.t: which element arrays a run has read.
  const source = `
${g.shared.join('\n')}
return function make(W) {
const S = { ro: false, t: 0, u: 0 };
const X = new Uint32Array(W.length);
/** A draft object: its own data (not enumerable) first, always in the same order, then the shared accessors. */
function node(shape, F, own) {
  const o = {};
  Object.defineProperty(o, '$W', { value: W });
  Object.defineProperty(o, '$S', { value: S });
  Object.defineProperty(o, '$F', { value: F });
  for (const k in own) Object.defineProperty(o, k, { value: own[k], writable: true });
  return Object.seal(Object.defineProperties(o, shape));
}
${g.decls.join('\n')}
/** Checks (and restores) the element arrays; true if one was changed. */
function arraysChanged() { let bad = false; ${arrayChecks} S.t = 0; return bad; }
function forget() { ${forget} S.u = 0; }
return {
  words: W,
  root: ${root},
  load(src, off) { ${copy('W', 'src', 'off')} },
  begin(readOnly) { if (S.u !== 0) forget(); if (S.t !== 0) arraysChanged(); S.ro = readOnly; },
  end() {
    S.ro = true;
    if (S.t !== 0 && arraysChanged()) { forget(); B(); }
    // Encoders read the run's final words and objects and write a copy, so that no encode sees
    // another's output (a field assigned from another encodes the other's value before the run ended).
    // What was materialised stays, read-only: it is what the encoder just read, as the object path's successor.
    if (S.u !== 0) { ${copy('X', 'W')} try { ${writeBack} } catch (e) { forget(); throw e; } ${copy('W', 'X')} }
  },
};
};`;
  // One factory per distinct generated code and constants, made (not only compiled) once: a
  // schema compiled again (another variant, another run in the same process) gets the same shared
  // accessors, so the models' guards and effects keep seeing the same hidden classes. New ones
  // made a second search of the same schema 2-3x slower (BEEM peterson.4 twice in one process:
  // 2.8 s, then 7.9 s; now 2.7 and 3.0 s). Made again from the same compiled code: 8-14 s.
  const key = `${source}\n${JSON.stringify(g.consts)}`;
  let make = draftFactories.get(key);
  if (make === undefined) draftFactories.set(key, (make = new Function('C', 'B', source)(g.consts, bail) as (w: Uint32Array) => PackedDraft));
  return (w) => {
    if (w.length !== words) throw new Error(`a packed draft needs ${words} words, got ${w.length}`);
    return make(w);
  };
}
