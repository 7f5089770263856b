/**
 * Finite state types. A model's state schema is built from these; the schema is the single
 * source of truth for encoding, fingerprinting, validation, ITF (de)serialisation and printing.
 *
 * Runtime representation of each type (what effects read and mutate):
 * - bool → boolean; int → number; enum → one of its string literals
 * - record → plain object; array/tuple → JS array of fixed length
 * - map (a TLA+ function over a finite domain) → plain object keyed by the domain values
 * - set over a finite domain (strings, numbers) → JS Set; seq → JS array of length ≤ max; optional → value or null
 * - set of composite values (records, tuples, ...) → ValueSet; bag → Bag (both compare by value)
 */
import type { Bag } from './bag';
import type { ValueSet } from './valueSet';


/** A value that can key a map or populate a set of a finite domain: a string or a number. */
export type Key = string | number;

/** A schema type: any of the finite types `t` makes. */
export type Type =
  | BoolType
  | IntType
  | EnumType<string>
  | RecordType<Record<string, Type>>
  | ArrayType<Type>
  | TupleType<readonly Type[]>
  | MapType<Key, Type>
  | SetType<Key>
  | SetOfType<Type>
  | BagType<Type>
  | SeqType<Type>
  | OptionalType<Type>;

/** `t.bool()`. */
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

/** `t.int(min, max)`: the integers min..max, or a symmetric domain of numbers. */
export interface IntType { readonly kind: 'int'; readonly min: number; readonly max: number; readonly sym?: SymDomain<number> }
/** `t.enum(...values)`: one of the given strings. */
export interface EnumType<V extends string> { readonly kind: 'enum'; readonly values: readonly V[]; readonly sym?: SymDomain<V> }
/** `t.record(fields)`: an object with exactly these fields. */
export interface RecordType<F extends Record<string, Type>> { readonly kind: 'record'; readonly fields: F }
/** `sym` (its values as many as the elements): element i belongs to `sym.values[i]` and moves with it. */
export interface ArrayType<E extends Type> { readonly kind: 'array'; readonly elem: E; readonly length: number; readonly sym?: SymDomain }
/** `t.tuple(...elems)`: a fixed-length array with one type per position. */
export interface TupleType<E extends readonly Type[]> { readonly kind: 'tuple'; readonly elems: E }
/** `t.map(domain, value)`: a TLA+ function, an object with exactly the domain's keys. */
export interface MapType<K extends Key, V extends Type> {
  readonly kind: 'map';
  readonly domain: readonly K[];
  readonly value: V;
  readonly sym?: SymDomain<K>;
}
/** `t.set(domain)`: a subset of a finite domain of keys, a JS Set. */
export interface SetType<K extends Key> { readonly kind: 'set'; readonly domain: readonly K[]; readonly sym?: SymDomain<K> }
/** A set of values of a finite composite type (a ValueSet), e.g. a network of message records. */
export interface SetOfType<E extends Type> { readonly kind: 'setOf'; readonly elem: E }
/** A multiset of values of a finite type (a Bag), each with at most `maxCount` copies. */
export interface BagType<E extends Type> { readonly kind: 'bag'; readonly elem: E; readonly maxCount: number }
/** `t.seq(elem, maxLength)`: a sequence (an array) of at most `maxLength` elements. */
export interface SeqType<E extends Type> { readonly kind: 'seq'; readonly elem: E; readonly maxLength: number }
/** `t.optional(inner)`: a value of `inner`, or null. */
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
                : T extends SetOfType<infer E>
                  ? ValueSet<Infer<E>>
                : T extends BagType<infer E>
                  ? Bag<Infer<E>>
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

/** Most bits a packed set or bag may take (one bit per element value, or a count field for a bag). */
export const MAX_COLLECTION_BITS = 8192;

function checkElement(what: string, elem: Type, maxCount: number): void {
  if (holdsCollection(elem)) throw new Error(`${what}: an element type may not contain a set of composite values or a bag`);
  const n = cardinality(elem);
  const bits = n * Math.max(1, 32 - Math.clz32(maxCount));
  if (!(bits <= MAX_COLLECTION_BITS)) {
    throw new Error(`${what}: ${describeType(elem)} has ${n} values, too many to pack (at most ${MAX_COLLECTION_BITS} bits); split it, e.g. one set per message kind`);
  }
}

/**
 * Whether `type` holds, anywhere inside, a set of composite values or a bag (packed as whole words
 * of membership bits or counts, which no per-leaf view of the state reads).
 *
 * @example
 * holdsCollection(t.record({ net: t.bag(t.enum('a', 'b'), 2) })); // true
 */
export function holdsCollection(type: Type): boolean {
  switch (type.kind) {
    case 'setOf':
    case 'bag':
      return true;
    case 'record': return Object.values(type.fields).some(holdsCollection);
    case 'tuple': return type.elems.some(holdsCollection);
    case 'array':
    case 'seq': return holdsCollection(type.elem);
    case 'map': return holdsCollection(type.value);
    case 'optional': return holdsCollection(type.inner);
    default: return false;
  }
}

function setType<const K extends Key>(domain: readonly K[] | SymDomain<K>): SetType<K>;
function setType<const V extends string>(elem: EnumType<V>): SetType<V>;
function setType(elem: IntType): SetType<number>;
function setType<E extends Type>(elem: E): SetOfType<E>;
function setType(arg: readonly Key[] | SymDomain | Type): SetType<Key> | SetOfType<Type> {
  if (!Array.isArray(arg) && 'kind' in (arg as object)) {
    const elem = arg as Type;
    if (elem.kind === 'enum') return { kind: 'set', domain: elem.values, ...(elem.sym ? { sym: elem.sym } : {}) };
    if (elem.kind === 'int') {
      const domain = Array.from({ length: elem.max - elem.min + 1 }, (_, i) => elem.min + i);
      checkDomain('t.set', domain);
      return { kind: 'set', domain, ...(elem.sym ? { sym: elem.sym } : {}) };
    }
    checkElement('t.set', elem, 1);
    return { kind: 'setOf', elem };
  }
  const domain = arg as readonly Key[] | SymDomain;
  const sym = isSym(domain) ? domain : undefined;
  const keys = sym ? sym.values : (domain as readonly Key[]);
  checkDomain('t.set', keys);
  return { kind: 'set', domain: keys, ...(sym ? { sym } : {}) };
}

/** Constructors for schema types, e.g. `t.record({ pc: t.enum('a', 'b'), n: t.int(0, 3) })`. */
export const t = {
  /** A boolean. */
  bool(): BoolType {
    return { kind: 'bool' };
  },
  /** Integers min..max inclusive. */
  int(min: number, max: number): IntType {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) throw new Error(`t.int(${min}, ${max}): bad range`);
    if (max - min > 0x7fffffff) throw new Error(`t.int(${min}, ${max}): range too large`);
    return { kind: 'int', min, max };
  },
  /** One of `values` (strings), e.g. `t.enum('idle', 'busy')`. */
  enum<const V extends string>(...values: V[]): EnumType<V> {
    checkDomain('t.enum', values);
    return { kind: 'enum', values };
  },
  /** An object with exactly these fields, each of its own type. */
  record<const F extends Record<string, Type>>(fields: F): RecordType<F> {
    return { kind: 'record', fields };
  },
  /** Fixed-length array. */
  array<E extends Type>(elem: E, length: number): ArrayType<E> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`t.array: bad length ${length}`);
    return { kind: 'array', elem, length };
  },
  /** A fixed-length array with one type per position, e.g. `t.tuple(t.enum('a', 'b'), t.int(0, 2))`. */
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
  /**
   * A subset of a finite domain (or a symmetric domain), represented as a JS Set; or, given an
   * element type, a set of its values: a JS Set for an enum or int type, a ValueSet (compared by
   * value, TLA+'s `SUBSET [type: ..., bal: ...]`) for records, tuples and other composite types.
   *
   * @example
   * const Msg = t.record({ type: t.enum('Prepare', 'Accept'), bal: t.int(1, 2), src: t.symValue(Replicas) });
   * spec({ msgs: t.set(Msg), acked: t.set(Replicas) })
   */
  set: setType,
  /**
   * A multiset (TLA+ bag) of values of a finite type, each with at most `maxCount` copies (a copy
   * more is a model error, as for any value outside its type).
   *
   * @example spec({ net: t.bag(t.record({ to: t.enum('p1', 'p2'), ack: t.bool() }), 2) })
   */
  bag<E extends Type>(elem: E, maxCount: number): BagType<E> {
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new Error(`t.bag: bad max count ${maxCount}`);
    checkElement('t.bag', elem, maxCount);
    return { kind: 'bag', elem, maxCount };
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
    case 'setOf': return 2 ** cardinality(type.elem);
    case 'bag': return (type.maxCount + 1) ** cardinality(type.elem);
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
    case 'setOf': return `set of ${describeType(type.elem)}`;
    case 'bag': return `bag (max ${type.maxCount} copies) of ${describeType(type.elem)}`;
    case 'seq': return `seq (max ${type.maxLength}) of ${describeType(type.elem)}`;
    case 'optional': return `optional ${describeType(type.inner)}`;
  }
}
