/**
 * Finite state types. A model's state schema is built from these; the schema is the single
 * source of truth for encoding, fingerprinting, validation, ITF (de)serialisation and printing.
 *
 * Runtime representation of each type (what effects read and mutate):
 * - bool → boolean; int → number; enum → one of its string literals
 * - record → plain object; array/tuple → JS array of fixed length
 * - map (a TLA+ function over a finite domain) → plain object keyed by the domain values
 * - set over a finite domain → JS Set; seq → JS array of length ≤ max; optional → value or null
 */

export type Key = string | number;

export type Type =
  | BoolType
  | IntType
  | EnumType<string>
  | RecordType<Record<string, Type>>
  | ArrayType<Type>
  | TupleType<readonly Type[]>
  | MapType<Key, Type>
  | SetType<Key>
  | SeqType<Type>
  | OptionalType<Type>;

export interface BoolType { readonly kind: 'bool' }
export interface IntType { readonly kind: 'int'; readonly min: number; readonly max: number }
export interface EnumType<V extends string> { readonly kind: 'enum'; readonly values: readonly V[] }
export interface RecordType<F extends Record<string, Type>> { readonly kind: 'record'; readonly fields: F }
export interface ArrayType<E extends Type> { readonly kind: 'array'; readonly elem: E; readonly length: number }
export interface TupleType<E extends readonly Type[]> { readonly kind: 'tuple'; readonly elems: E }
export interface MapType<K extends Key, V extends Type> {
  readonly kind: 'map';
  readonly domain: readonly K[];
  readonly value: V;
}
export interface SetType<K extends Key> { readonly kind: 'set'; readonly domain: readonly K[] }
export interface SeqType<E extends Type> { readonly kind: 'seq'; readonly elem: E; readonly maxLength: number }
export interface OptionalType<T extends Type> { readonly kind: 'optional'; readonly inner: T }

/** The TypeScript type of values of a schema type. */
export type Infer<T> = T extends BoolType
  ? boolean
  : T extends IntType
    ? number
    : T extends EnumType<infer V>
      ? V
      : T extends RecordType<infer F>
        ? { -readonly [K in keyof F]: Infer<F[K]> }
        : T extends ArrayType<infer E>
          ? Infer<E>[]
          : T extends TupleType<infer E>
            ? { -readonly [I in keyof E]: Infer<E[I]> }
            : T extends MapType<infer K, infer V>
              ? Record<K, Infer<V>>
              : T extends SetType<infer K>
                ? Set<K>
                : T extends SeqType<infer E>
                  ? Infer<E>[]
                  : T extends OptionalType<infer I>
                    ? Infer<I> | null
                    : never;

function checkDomain(what: string, domain: readonly Key[]): void {
  if (domain.length === 0) throw new Error(`${what}: domain must not be empty`);
  if (new Set(domain.map(String)).size !== domain.length) throw new Error(`${what}: domain has duplicate values`);
}

/** Constructors for schema types, e.g. `t.record({ pc: t.enum('a', 'b'), n: t.int(0, 3) })`. */
export const t = {
  bool(): BoolType {
    return { kind: 'bool' };
  },
  /** Integers min..max inclusive. */
  int(min: number, max: number): IntType {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) throw new Error(`t.int(${min}, ${max}): bad range`);
    if (max - min > 0x7fffffff) throw new Error(`t.int(${min}, ${max}): range too large`);
    return { kind: 'int', min, max };
  },
  enum<const V extends string>(...values: V[]): EnumType<V> {
    checkDomain('t.enum', values);
    return { kind: 'enum', values };
  },
  record<const F extends Record<string, Type>>(fields: F): RecordType<F> {
    return { kind: 'record', fields };
  },
  /** Fixed-length array. */
  array<E extends Type>(elem: E, length: number): ArrayType<E> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`t.array: bad length ${length}`);
    return { kind: 'array', elem, length };
  },
  tuple<const E extends readonly Type[]>(...elems: E): TupleType<E> {
    return { kind: 'tuple', elems };
  },
  /** A TLA+ function from a finite domain: a plain object with exactly the domain's keys. */
  map<const K extends Key, V extends Type>(domain: readonly K[], value: V): MapType<K, V> {
    checkDomain('t.map', domain);
    return { kind: 'map', domain, value };
  },
  /** A subset of a finite domain, represented as a JS Set. */
  set<const K extends Key>(domain: readonly K[]): SetType<K> {
    checkDomain('t.set', domain);
    return { kind: 'set', domain };
  },
  /** A sequence of at most maxLength elements. */
  seq<E extends Type>(elem: E, maxLength: number): SeqType<E> {
    if (!Number.isInteger(maxLength) || maxLength < 0) throw new Error(`t.seq: bad max length ${maxLength}`);
    return { kind: 'seq', elem, maxLength };
  },
  /** The value or null. */
  optional<T extends Type>(inner: T): OptionalType<T> {
    return { kind: 'optional', inner };
  },
};

/** Number of distinct values of a type (Infinity-safe: returns a float for large types). */
export function cardinality(type: Type): number {
  switch (type.kind) {
    case 'bool': return 2;
    case 'int': return type.max - type.min + 1;
    case 'enum': return type.values.length;
    case 'record': return Object.values(type.fields).reduce((n, f) => n * cardinality(f), 1);
    case 'array': return cardinality(type.elem) ** type.length;
    case 'tuple': return type.elems.reduce((n, e) => n * cardinality(e), 1);
    case 'map': return cardinality(type.value) ** type.domain.length;
    case 'set': return 2 ** type.domain.length;
    case 'seq': {
      const c = cardinality(type.elem);
      let n = 0;
      for (let l = 0; l <= type.maxLength; l++) n += c ** l;
      return n;
    }
    case 'optional': return cardinality(type.inner) + 1;
  }
}

/** A short human-readable description of a type, used in error messages. */
export function describeType(type: Type): string {
  switch (type.kind) {
    case 'bool': return 'bool';
    case 'int': return `int ${type.min}..${type.max}`;
    case 'enum': return `one of ${type.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'record': return `record {${Object.keys(type.fields).join(', ')}}`;
    case 'array': return `array[${type.length}] of ${describeType(type.elem)}`;
    case 'tuple': return `tuple of ${type.elems.length}`;
    case 'map': return `map over {${type.domain.join(', ')}}`;
    case 'set': return `set over {${type.domain.join(', ')}}`;
    case 'seq': return `seq (max ${type.maxLength}) of ${describeType(type.elem)}`;
    case 'optional': return `optional ${describeType(type.inner)}`;
  }
}
