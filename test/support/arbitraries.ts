/**
 * fast-check arbitraries over state schemas, shared by the checker tests:
 * - `schemaArb`: random schema `Type`s (all twelve kinds, nested, bounded size);
 * - `valueArb(type)`: random values of a schema;
 * - `nearValueArb(type, v)`: values that differ from `v` in at most one place (a leaf, a set
 *   member, a seq length, an optional's presence), often not at all;
 * - `pairArb(type)`: pairs biased towards equal and near-equal values;
 * - `invalidValueArb(type)`: a value with exactly one violation and the path it must be reported at;
 * - `cloneValue` (a structural copy with different object identities and Set insertion order) and
 *   `structEqual` (deep equality that treats Sets as sets).
 */
import { Bag } from '../../spec/bag';
import { ValueSet } from '../../spec/valueSet';
import fc from 'fast-check';
import type { Key, Type } from '../../spec/types';
import { t } from '../../spec/types';

// ---------------------------------------------------------------------------------------------
// Schemas

/**
 * Names used for record fields, enum members and map/set domains. Includes names that need quoting
 * in generated code, names of Object.prototype members and '__proto__' (values must then be built
 * with own properties: see `setOwn`).
 */
const NAMES = ['a', 'b', 'pc', 'x y', 'q"uote', "it's", 'back\\slash', 'constructor', 'toString', 'hasOwnProperty', '__proto__', '0', '7', 'ü', ''] as const;
const nameArb = fc.constantFrom(...NAMES);
const enumValueArb = fc.constantFrom(...NAMES, 'valueOf', 'done', 'idle');
/** Domain keys: names, and numbers including negative ones and non-integers. */
const keyArb: fc.Arbitrary<Key> = fc.oneof(nameArb, fc.integer({ min: -3, max: 40 }), fc.constantFrom(0.5, -1.5, 1e21));

/**
 * Sets an own enumerable property. Plain assignment `o[k] = v` would set the prototype for
 * k = '__proto__' instead of creating a property (object literals with computed keys, spread and
 * Object.fromEntries create own properties).
 */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function uniqueKeys(min: number, max: number): fc.Arbitrary<Key[]> {
  return fc.uniqueArray(keyArb, { minLength: min, maxLength: max, size: 'max', selector: (k) => String(k) });
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Bounds beyond int32 (t.int only limits the width of a range, not where it lies). */
const WIDE = 2 ** 45;

/**
 * Int ranges: small ones, 0-bit ones (min = max), and ranges at every power-of-two width up to 31
 * bits, placed within int32 or anywhere in ±2^45.
 */
const intTypeArb: fc.Arbitrary<Type> = fc.oneof(
  { arbitrary: fc.tuple(fc.integer({ min: -8, max: 8 }), fc.integer({ min: 0, max: 12 })).map(([min, w]) => t.int(min, min + w)), weight: 4 },
  { arbitrary: fc.integer({ min: -100, max: 100 }).map((v) => t.int(v, v)), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: -1, max: 0 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean())
      .map(([bits, adj, at, wide]) => {
        const range = Math.min(Math.max(2 ** bits - 1 + adj, 0), 0x7fffffff); // width - 1
        const lo = wide ? -WIDE : INT32_MIN;
        const hi = (wide ? WIDE : INT32_MAX) - range;
        const min = Math.floor(lo + (hi - lo) * at);
        return t.int(min, min + range);
      }),
    weight: 3,
  },
);

const leafTypeArb: fc.Arbitrary<Type> = fc.oneof(
  { arbitrary: fc.constant(t.bool()), weight: 3 },
  { arbitrary: intTypeArb, weight: 5 },
  { arbitrary: fc.uniqueArray(enumValueArb, { minLength: 1, maxLength: 6 }).map((vs) => t.enum(...vs)), weight: 3 },
  { arbitrary: uniqueKeys(1, 6).map((d) => t.set(d)), weight: 2 },
);

/** Small element types for sets of composite values and bags (records and tuples of small scalars). */
const smallScalarArb: fc.Arbitrary<Type> = fc.oneof(
  fc.constant(t.bool()),
  fc.integer({ min: -3, max: 2 }).map((lo) => t.int(lo, lo + 2)),
  fc.uniqueArray(enumValueArb, { minLength: 1, maxLength: 3 }).map((vs) => t.enum(...vs)),
);
const collectionElemArb: fc.Arbitrary<Type> = fc.oneof(
  fc.uniqueArray(fc.tuple(nameArb, smallScalarArb), { minLength: 1, maxLength: 2, selector: ([n]) => n }).map((fs) => t.record(Object.fromEntries(fs))),
  fc.array(smallScalarArb, { minLength: 1, maxLength: 2 }).map((es) => t.tuple(...es)),
);
const collectionTypeArb: fc.Arbitrary<Type> = fc.oneof(
  collectionElemArb.map((e) => t.set(e)),
  fc.tuple(collectionElemArb, fc.integer({ min: 1, max: 3 })).map(([e, n]) => t.bag(e, n)),
);

export interface SchemaArbOptions {
  /** Maximum nesting depth of composite types (default 3). */
  maxDepth?: number;
  /** Maximum fields / elements / domain size of a composite (default 4). */
  maxWidth?: number;
}

/**
 * Random schema types: all twelve kinds, nested up to `maxDepth`, at most `maxWidth` wide. The root is
 * usually a composite (models have record roots), leaves get likelier with depth.
 */
export function schemaArb(opts: SchemaArbOptions = {}): fc.Arbitrary<Type> {
  const maxDepth = opts.maxDepth ?? 3;
  const maxWidth = opts.maxWidth ?? 4;
  // Widths 1..maxWidth, and sometimes 0 (empty records, tuples, arrays, seqs must work too).
  const count = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: maxWidth }), weight: 12 });
  const width = count.map((n) => ({ minLength: n, maxLength: n }));
  const at = (depth: number): fc.Arbitrary<Type> => {
    if (depth >= maxDepth) return leafTypeArb;
    const sub = fc.constant(null).chain(() => at(depth + 1)); // lazy, so deep levels are built on demand
    return fc.oneof(
      { arbitrary: leafTypeArb, weight: depth === 0 ? 1 : 2 * depth + 2 },
      {
        arbitrary: width
          .chain((w) => fc.uniqueArray(fc.tuple(nameArb, sub), { ...w, selector: ([n]) => n }))
          .map((fs) => t.record(Object.fromEntries(fs))),
        weight: depth === 0 ? 6 : 3,
      },
      { arbitrary: fc.tuple(sub, count).map(([e, n]) => t.array(e, n)), weight: 2 },
      { arbitrary: width.chain((w) => fc.array(sub, w)).map((es) => t.tuple(...es)), weight: 1 },
      { arbitrary: fc.tuple(uniqueKeys(1, maxWidth), sub).map(([d, v]) => t.map(d, v)), weight: 2 },
      { arbitrary: fc.tuple(sub, count).map(([e, n]) => t.seq(e, n)), weight: 2 },
      { arbitrary: sub.map((i) => t.optional(i)), weight: 2 },
      { arbitrary: collectionTypeArb, weight: 1 },
    );
  };
  return at(0);
}

// ---------------------------------------------------------------------------------------------
// Values

function buildObject(keys: readonly Key[], vals: readonly unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  keys.forEach((k, i) => setOwn(o, String(k), vals[i]));
  return o;
}

function elemTypes(type: Type & { kind: 'array' | 'tuple' }): readonly Type[] {
  return type.kind === 'array' ? Array.from({ length: type.length }, () => type.elem) : type.elems;
}

/** Random values of `type` in the runtime representation documented in spec/types.ts. */
export function valueArb(type: Type): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'bool':
      return fc.boolean();
    case 'int':
      return fc.integer({ min: type.min, max: type.max });
    case 'enum':
      return fc.constantFrom(...type.values);
    case 'record': {
      const names = Object.keys(type.fields);
      return fc.tuple(...names.map((n) => valueArb(type.fields[n]!))).map((vs) => buildObject(names, vs));
    }
    case 'array':
    case 'tuple':
      return fc.tuple(...elemTypes(type).map(valueArb)).map((vs) => [...vs]);
    case 'map':
      return fc.tuple(...type.domain.map(() => valueArb(type.value))).map((vs) => buildObject(type.domain, vs));
    case 'set':
      // Random insertion order: the encoding must not depend on it.
      return fc.shuffledSubarray([...type.domain]).map((ks) => new Set(ks));
    case 'seq':
      return fc.array(valueArb(type.elem), { maxLength: type.maxLength });
    case 'optional':
      return fc.option(valueArb(type.inner), { nil: null, freq: 3 });
    case 'setOf':
      // Random elements in random order (duplicates included): the encoding must not depend on either.
      return fc.array(valueArb(type.elem), { maxLength: 6 }).map((xs) => new ValueSet(xs));
    case 'bag':
      return fc.array(fc.tuple(valueArb(type.elem), fc.integer({ min: 1, max: type.maxCount })), { maxLength: 6 }).map((xs) => {
        const b = new Bag<unknown>();
        for (const [x, n] of xs) if (!b.has(x)) b.add(x, n);
        return b;
      });
  }
}

/** A structural copy of `v` sharing no objects with it; records are rebuilt in reverse key order and Sets in reverse insertion order. */
export function cloneValue(type: Type, v: any): any {
  switch (type.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return v;
    case 'record': {
      const o: Record<string, unknown> = {};
      for (const n of Object.keys(type.fields).reverse()) setOwn(o, n, cloneValue(type.fields[n]!, v[n]));
      return o;
    }
    case 'array':
    case 'tuple':
      return elemTypes(type).map((et, i) => cloneValue(et, v[i]));
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const k of [...type.domain].reverse()) setOwn(o, String(k), cloneValue(type.value, v[String(k)]));
      return o;
    }
    case 'set':
      return new Set([...(v as Set<Key>)].reverse());
    case 'seq':
      return (v as unknown[]).map((e) => cloneValue(type.elem, e));
    case 'optional':
      return v === null ? null : cloneValue(type.inner, v);
    case 'setOf':
      return new ValueSet([...(v as ValueSet<unknown>)].reverse().map((x) => cloneValue(type.elem, x)));
    case 'bag': {
      const b = new Bag<unknown>();
      for (const [x, n] of [...(v as Bag<unknown>).entries()].reverse()) b.add(cloneValue(type.elem, x), n);
      return b;
    }
  }
}

/** Replaces element i of an array-like position through `arb`. */
function nearAt<T>(n: number, f: (i: number) => fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.integer({ min: 0, max: n - 1 }).chain(f);
}

/**
 * Values that differ from `v` in at most one place: one leaf redrawn (possibly to the same value),
 * one set member toggled, one seq element appended or removed, or an optional made absent/present.
 */
export function nearValueArb(type: Type, v: any): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return valueArb(type);
    case 'record': {
      const names = Object.keys(type.fields);
      if (names.length === 0) return fc.constant(v);
      return nearAt(names.length, (i) => nearValueArb(type.fields[names[i]!]!, v[names[i]!]).map((x) => ({ ...v, [names[i]!]: x })));
    }
    case 'array':
    case 'tuple': {
      const ets = elemTypes(type);
      if (ets.length === 0) return fc.constant(v);
      return nearAt(ets.length, (i) =>
        nearValueArb(ets[i]!, v[i]).map((x) => {
          const c = [...v];
          c[i] = x;
          return c;
        }),
      );
    }
    case 'map':
      return nearAt(type.domain.length, (i) => {
        const k = String(type.domain[i]!);
        return nearValueArb(type.value, v[k]).map((x) => ({ ...v, [k]: x }));
      });
    case 'set':
      return nearAt(type.domain.length, (i) => {
        const k = type.domain[i]!;
        const c = new Set(v as Set<Key>);
        if (c.has(k)) c.delete(k);
        else c.add(k);
        return fc.constant(c);
      });
    case 'seq': {
      const arr = v as unknown[];
      const options: fc.Arbitrary<unknown>[] = [];
      if (arr.length > 0) {
        options.push(
          nearAt(arr.length, (i) =>
            nearValueArb(type.elem, arr[i]).map((x) => {
              const c = [...arr];
              c[i] = x;
              return c;
            }),
          ),
          fc.constant(arr.slice(0, -1)),
        );
      }
      if (arr.length < type.maxLength) options.push(valueArb(type.elem).map((x) => [...arr, x]));
      return options.length ? fc.oneof(...options) : fc.constant(v);
    }
    case 'optional':
      if (v === null) return valueArb(type.inner);
      return fc.oneof(fc.constant(null), nearValueArb(type.inner, v));
    case 'setOf':
      return valueArb(type.elem).map((x) => {
        const c = cloneValue(type, v) as ValueSet<unknown>;
        if (!c.delete(x)) c.add(x);
        return c;
      });
    case 'bag':
      return valueArb(type.elem).map((x) => {
        const c = cloneValue(type, v) as Bag<unknown>;
        if (c.count(x) < type.maxCount) c.add(x);
        else c.remove(x);
        return c;
      });
  }
}

/** Pairs (a, b) of values of `type`, biased so that equal and near-equal pairs are common. */
export function pairArb(type: Type): fc.Arbitrary<[unknown, unknown]> {
  return valueArb(type).chain((a) =>
    fc.oneof(
      fc.constant<[unknown, unknown]>([a, a]),
      fc.constant<[unknown, unknown]>([a, cloneValue(type, a)]),
      { arbitrary: nearValueArb(type, a).map((b): [unknown, unknown] => [a, b]), weight: 3 },
      valueArb(type).map((b): [unknown, unknown] => [a, b]),
    ),
  );
}

/** A value violating its schema at exactly one place, and the path SchemaViolation must report. */
export interface Invalid {
  value: unknown;
  path: string;
}

/** A string that is never a generated enum member, set member or map key. */
export const FOREIGN = '\u2603not-a-member';

function invalidLeaf(type: Type): unknown[] {
  switch (type.kind) {
    case 'bool':
      return [0, 1, 'true', null, undefined];
    case 'int':
      return [type.min - 1, type.max + 1, type.min + 0.5, String(type.min), NaN, null, undefined, true];
    case 'enum':
      return [FOREIGN, 0, null, undefined];
    default:
      return [];
  }
}

/**
 * Values of `type` with one violation (a bad leaf, a set with a foreign member, a wrong array
 * length, a too-long seq, a missing record field or map key, `undefined` for an optional, a value
 * of the wrong shape), with the path of the violation under `root`.
 */
export function invalidValueArb(type: Type, root = 'state'): fc.Arbitrary<Invalid> {
  const here = (value: unknown): Invalid => ({ value, path: root });
  switch (type.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return fc.constantFrom(...invalidLeaf(type)).map(here);
    case 'record': {
      const names = Object.keys(type.fields);
      const opts: fc.Arbitrary<Invalid>[] = [fc.constantFrom(null, 'x', 3, undefined).map(here)];
      if (names.length > 0) {
        opts.push(
          nearAt(names.length, (i) => {
            const n = names[i]!;
            const ft = type.fields[n]!;
            return fc.tuple(valueArb(type), fc.boolean(), invalidValueArb(ft, `${root}.${n}`)).map(([v, missing, bad]) => {
              const o = { ...(v as object) } as Record<string, unknown>;
              if (missing) {
                delete o[n];
                return { value: o, path: `${root}.${n}` };
              }
              setOwn(o, n, bad.value);
              return { value: o, path: bad.path };
            });
          }),
        );
      }
      return fc.oneof(...opts);
    }
    case 'array':
    case 'tuple': {
      const ets = elemTypes(type);
      const opts: fc.Arbitrary<Invalid>[] = [
        fc.constantFrom(null, {}, new Set()).map(here),
        valueArb(type).map((v) => here([...(v as unknown[]), 0])),
      ];
      if (ets.length > 0) {
        opts.push(valueArb(type).map((v) => here((v as unknown[]).slice(1))));
        opts.push(
          nearAt(ets.length, (i) =>
            fc.tuple(valueArb(type), invalidValueArb(ets[i]!, `${root}[${i}]`)).map(([v, bad]) => {
              const c = [...(v as unknown[])];
              c[i] = bad.value;
              return { value: c, path: bad.path };
            }),
          ),
        );
      }
      return fc.oneof(...opts);
    }
    case 'map':
      return fc.oneof(
        fc.constantFrom(null, 7, new Set()).map(here),
        nearAt(type.domain.length, (i) => {
          const k = type.domain[i]!;
          const p = `${root}[${JSON.stringify(k)}]`;
          return fc.tuple(valueArb(type), fc.boolean(), invalidValueArb(type.value, p)).map(([v, missing, bad]) => {
            const o = { ...(v as object) } as Record<string, unknown>;
            if (missing) {
              delete o[String(k)];
              return { value: o, path: p };
            }
            setOwn(o, String(k), bad.value);
            return { value: o, path: bad.path };
          });
        }),
      );
    case 'set': {
      // A member outside the domain: a foreign string, or a numeric member given as a string (or vice versa).
      const foreign: unknown[] = [FOREIGN, ...type.domain.map((k) => (typeof k === 'number' ? String(k) : Number.isNaN(Number(k)) || k === '' ? FOREIGN : Number(k)))];
      const outside = foreign.filter((x) => !(type.domain as readonly unknown[]).includes(x));
      return fc.oneof(
        fc.constantFrom(null, [...type.domain], {}).map(here),
        fc.tuple(valueArb(type), fc.constantFrom(...outside)).map(([s, x]) => here(new Set([...(s as Set<unknown>), x]))),
      );
    }
    case 'seq': {
      const opts: fc.Arbitrary<Invalid>[] = [
        fc.constantFrom(null, {}, new Set()).map(here),
        fc.array(valueArb(type.elem), { minLength: type.maxLength + 1, maxLength: type.maxLength + 2 }).map(here),
      ];
      if (type.maxLength > 0) {
        opts.push(
          fc
            .integer({ min: 1, max: type.maxLength })
            .chain((len) =>
              fc.tuple(
                fc.array(valueArb(type.elem), { minLength: len, maxLength: len }),
                fc.integer({ min: 0, max: len - 1 }).chain((i) => invalidValueArb(type.elem, `${root}[${i}]`).map((bad) => ({ i, bad }))),
              ),
            )
            .map(([arr, { i, bad }]) => {
              const c = [...arr];
              c[i] = bad.value;
              return { value: c, path: bad.path };
            }),
        );
      }
      return fc.oneof(...opts);
    }
    case 'optional':
      // Absence is `null`; `undefined` and any invalid inner value are errors at the same path.
      // (`null` is valid here, so an inner violation that is `null` does not count.)
      return fc.oneof(
        fc.constant(here(undefined)),
        invalidValueArb(type.inner, root).filter((bad) => bad.value !== null),
      );
    case 'setOf':
    case 'bag': {
      // Not the collection class, or one element outside the element type (reported under `<path> element`).
      const make = (x: unknown) => (type.kind === 'bag' ? Bag.of(x) : ValueSet.of(x));
      const opts: fc.Arbitrary<Invalid>[] = [
        fc.constantFrom(null, [], {}, new Set(), type.kind === 'bag' ? new ValueSet() : new Bag()).map(here),
        invalidValueArb(type.elem, `${root} element`).map((bad) => ({ value: make(bad.value), path: bad.path })),
      ];
      if (type.kind === 'bag') opts.push(valueArb(type.elem).map((x) => here(new Bag([x]).add(x, type.maxCount))));
      return fc.oneof(...opts);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Equality

/** Deep structural equality of runtime values: Sets compare as sets, objects by own keys, numbers with Object.is. */
export function structEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set) || a.size !== b.size) return false;
    for (const x of a) if (!b.has(x)) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map) {
    // A ValueSet's or Bag's elements by canonical key.
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, x] of a) if (!b.has(k) || !structEqual(x, b.get(k))) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => structEqual(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && structEqual((a as any)[k], (b as any)[k]));
  }
  return Object.is(a, b);
}
