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
/**
 * A symmetric domain (Murphi's scalarset): its values are interchangeable, so states that differ
 * only by a permutation of them are explored once (`--symmetry`). Maps and sets over it, and
 * values drawn from it (`t.symValue`), are permuted together.
 *
 * A type's `sym` may also be partial (thread-instance symmetry, spec/threadSymmetry.ts): an enum,
 * map or set that holds every value of the domain and others besides permutes just the domain's
 * values and keeps the others fixed (e.g. a lock owner `none | F | Inv1 | Inv2` over `{Inv1, Inv2}`).
 */
export interface SymDomain<K extends Key = Key> {
  readonly name: string;
  readonly values: readonly K[];
}

export interface IntType { readonly kind: 'int'; readonly min: number; readonly max: number; readonly sym?: SymDomain<number> }
export interface EnumType<V extends string> { readonly kind: 'enum'; readonly values: readonly V[]; readonly sym?: SymDomain<V> }
export interface RecordType<F extends Record<string, Type>> { readonly kind: 'record'; readonly fields: F }
/** `sym` (its values as many as the elements): element i belongs to `sym.values[i]` and moves with it. */
export interface ArrayType<E extends Type> { readonly kind: 'array'; readonly elem: E; readonly length: number; readonly sym?: SymDomain }
export interface TupleType<E extends readonly Type[]> { readonly kind: 'tuple'; readonly elems: E }
export interface MapType<K extends Key, V extends Type> {
  readonly kind: 'map';
  readonly domain: readonly K[];
  readonly value: V;
  readonly sym?: SymDomain<K>;
}
export interface SetType<K extends Key> { readonly kind: 'set'; readonly domain: readonly K[]; readonly sym?: SymDomain<K> }
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

function isSym<K extends Key>(d: readonly K[] | SymDomain<K>): d is SymDomain<K> {
  return !Array.isArray(d);
}

/** Declares a symmetric domain (a scalarset) over `values`. */
export function symmetric<const K extends Key>(name: string, values: readonly K[]): SymDomain<K> {
  checkDomain(`symmetric(${name})`, values);
  return { name, values };
}

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
  /** A TLA+ function from a finite domain (or a symmetric domain): a plain object with exactly the domain's keys. */
  map<const K extends Key, V extends Type>(domain: readonly K[] | SymDomain<K>, value: V): MapType<K, V> {
    const sym = isSym(domain) ? domain : undefined;
    const keys = sym ? sym.values : (domain as readonly K[]);
    checkDomain('t.map', keys);
    return { kind: 'map', domain: keys, value, ...(sym ? { sym } : {}) };
  },
  /** A subset of a finite domain (or a symmetric domain), represented as a JS Set. */
  set<const K extends Key>(domain: readonly K[] | SymDomain<K>): SetType<K> {
    const sym = isSym(domain) ? domain : undefined;
    const keys = sym ? sym.values : (domain as readonly K[]);
    checkDomain('t.set', keys);
    return { kind: 'set', domain: keys, ...(sym ? { sym } : {}) };
  },
  /** A value of a symmetric domain: an int type for a contiguous integer domain, else an enum. */
  symValue<const K extends Key>(sym: SymDomain<K>): K extends number ? IntType : EnumType<K & string> {
    const vs = sym.values;
    if (vs.every((v) => typeof v === 'number')) {
      const nums = vs as readonly number[];
      const min = Math.min(...nums);
      if (!nums.every((v, i) => v === min + i)) throw new Error(`t.symValue(${sym.name}): an integer domain must be contiguous and ascending`);
      return { kind: 'int', min, max: min + nums.length - 1, sym: sym as unknown as SymDomain<number> } as never;
    }
    if (!vs.every((v) => typeof v === 'string')) throw new Error(`t.symValue(${sym.name}): values must be all numbers or all strings`);
    return { kind: 'enum', values: vs as readonly string[], sym: sym as unknown as SymDomain<string> } as never;
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
