/**
 * Ranks of the values of a finite type: a bijection between the type's values and 0..n-1 (mixed
 * radix over the leaves), the index a set or bag of composite values (./collection.ts) packs
 * membership at. Ranking validates, and can rank the image of a value under a symmetry
 * permutation without building it; unranking builds frozen values, cached, shared between states.
 */
import type { Key, SymDomain, Type } from '../../spec/types';
import { cardinality, describeType } from '../../spec/types';
import { SchemaViolation } from './schemaViolation';

/** Permutation pairs [fwd, inv] per symmetric domain, as the codec's encodePerm takes them. */
export type Perm = readonly Int32Array[];

/** Ranks `v`; `path` is the element's path, which a violation reports with the part's suffix. */
type Rank = (v: any, path: string, P: Perm | undefined) => number;
type Unrank = (i: number) => unknown;

interface Part {
  readonly card: number;
  readonly rank: Rank;
  readonly unrank: Unrank;
  /**
   * The digits of the rank that a permutation maps in place (symmetric ints and enums over their
   * whole domain: the digit is the value's domain index), with their weights in this part's rank;
   * undefined when a permutation also moves entries (a map, set or array over a symmetric domain,
   * a partial domain), which then needs ranking the value itself.
   */
  readonly symDigits: readonly SymDigit[] | undefined;
}

interface SymDigit {
  readonly weight: number;
  readonly radix: number;
  /** Index of the forward permutation in a Perm. */
  readonly fwd: number;
}

/** Digits of composite parts: each part's digits scaled by the weight of its position. */
function scaledDigits(parts: readonly Part[]): SymDigit[] | undefined {
  const out: SymDigit[] = [];
  let weight = 1;
  for (let j = parts.length - 1; j >= 0; j--) {
    const ds = parts[j]!.symDigits;
    if (!ds) return undefined;
    for (const dg of ds) out.push({ ...dg, weight: dg.weight * weight });
    weight *= parts[j]!.card;
  }
  return out;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !(v instanceof Set)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Builds the ranking of `type`; `domIndex` gives a symmetric domain's position in a Perm. */
function partOf(type: Type, domIndex: (d: SymDomain) => number, suffix = ''): Part {
  // Paths are built only when a violation is reported (ranking is hot).
  const bad = (path: string, v: unknown): never => {
    throw new SchemaViolation(path + suffix, v, describeType(type));
  };
  switch (type.kind) {
    case 'bool':
      return { card: 2, rank: (v, p) => (v === true ? 1 : v === false ? 0 : bad(p, v)), unrank: (i) => i === 1, symDigits: [] };
    case 'int': {
      const { min, max, sym } = type;
      const d = sym ? 2 * domIndex(sym) : -1;
      return {
        card: max - min + 1,
        rank: (v, p, P) => {
          if (!Number.isInteger(v) || v < min || v > max) bad(p, v);
          return P && d >= 0 ? P[d]![v - min]! : v - min;
        },
        unrank: (i) => min + i,
        symDigits: d >= 0 ? [{ weight: 1, radix: max - min + 1, fwd: d }] : [],
      };
    }
    case 'enum': {
      const values = type.values;
      const index = new Map<unknown, number>(values.map((x, i) => [x, i]));
      const sym = type.sym;
      const d = sym ? 2 * domIndex(sym) : -1;
      // ki[x]: the domain index of enum value x (-1 outside a partial domain); back[k]: enum index of domain value k.
      const ki = values.map((x) => (sym ? sym.values.indexOf(x) : -1));
      const back = sym ? sym.values.map((x) => values.indexOf(x as string)) : [];
      return {
        card: values.length,
        rank: (v, p, P) => {
          const x = index.get(v);
          if (x === undefined) return bad(p, v);
          if (!P || d < 0) return x;
          const k = ki[x]!;
          return k < 0 ? x : back[P[d]![k]!]!;
        },
        unrank: (i) => values[i],
        symDigits: !sym ? [] : sym.values.length === values.length && sym.values.every((x, i) => x === values[i]) ? [{ weight: 1, radix: values.length, fwd: d }] : undefined,
      };
    }
    case 'record':
    case 'tuple':
    case 'array':
    case 'map': {
      // Positions in order, each with its part; a permuted map or array reads position j at the preimage.
      const positions: Key[] =
        type.kind === 'record' ? Object.keys(type.fields) : type.kind === 'tuple' ? type.elems.map((_, i) => i) : type.kind === 'array' ? Array.from({ length: type.length }, (_, i) => i) : [...type.domain];
      const sub = (k: Key) => (type.kind === 'record' ? `${suffix}.${k}` : `${suffix}[${JSON.stringify(k)}]`);
      const parts = positions.map((k, i) => partOf(type.kind === 'record' ? type.fields[k as string]! : type.kind === 'tuple' ? type.elems[i]! : type.kind === 'array' ? type.elem : type.value, domIndex, sub(k)));
      // A moved entry (permuted map or array) reads the value at another key: its part reports that key.
      const indexOf = new Map<Key, number>(positions.map((k, j) => [k, j]));
      const sym = type.kind === 'map' || type.kind === 'array' ? type.sym : undefined;
      const d = sym ? 2 * domIndex(sym) + 1 : -1;
      // For a map over a (partial) symmetric domain: the domain index of each position's key, or -1.
      const symIdx = positions.map((k, i) => (!sym ? -1 : type.kind === 'array' ? i : sym.values.indexOf(k)));
      const isArr = type.kind !== 'record' && type.kind !== 'map';
      const card = parts.reduce((n, p) => n * p.card, 1);
      const check = (v: any, p: string) => {
        if (v === null || typeof v !== 'object' || v instanceof Set || Array.isArray(v) !== isArr || (isArr && v.length !== positions.length)) bad(p, v);
      };
      return {
        card,
        rank: (v, p, P) => {
          check(v, p);
          let r = 0;
          for (let j = 0; j < positions.length; j++) {
            let k = positions[j]!;
            let part = parts[j]!;
            if (P && d >= 0 && symIdx[j]! >= 0) {
              const pre = P[d]![symIdx[j]!]!;
              k = type.kind === 'array' ? pre : sym!.values[pre]!;
              part = parts[indexOf.get(k)!]!;
            }
            const own = Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
            r = r * part.card + part.rank(own, p, P);
          }
          return r;
        },
        symDigits: sym ? undefined : scaledDigits(parts),
        unrank: (i) => {
          const out: any = isArr ? new Array(positions.length) : {};
          for (let j = positions.length - 1; j >= 0; j--) {
            const c = parts[j]!.card;
            Object.defineProperty(out, positions[j]!, { value: parts[j]!.unrank(i % c), enumerable: true, writable: true, configurable: true });
            i = Math.floor(i / c);
          }
          return out;
        },
      };
    }
    case 'set': {
      const domain = type.domain;
      const sym = type.sym;
      const d = sym ? 2 * domIndex(sym) + 1 : -1;
      const symIdx = domain.map((k) => (sym ? sym.values.indexOf(k) : -1));
      return {
        card: 2 ** domain.length,
        rank: (v, p, P) => {
          if (!(v instanceof Set)) return bad(p, v);
          let r = 0;
          let n = 0;
          for (let j = 0; j < domain.length; j++) {
            const k = P && d >= 0 && symIdx[j]! >= 0 ? sym!.values[P[d]![symIdx[j]!]!]! : domain[j]!;
            if (v.has(k)) {
              r += 2 ** j;
              n++;
            }
          }
          if (n !== v.size) bad(p, v);
          return r;
        },
        unrank: (i) => new Set(domain.filter((_, j) => Math.floor(i / 2 ** j) % 2 === 1)),
        symDigits: sym ? undefined : [],
      };
    }
    case 'seq': {
      const elems = Array.from({ length: Math.max(1, type.maxLength) }, (_, j) => partOf(type.elem, domIndex, `${suffix}[${j}]`));
      const elem = elems[0]!;
      // offsets[l] = number of sequences shorter than l.
      const offsets = [0];
      for (let l = 1; l <= type.maxLength + 1; l++) offsets.push(offsets[l - 1]! + elem.card ** (l - 1));
      return {
        card: offsets[type.maxLength + 1]!,
        // A seq's digits sit at weights that depend on its length.
        symDigits: elem.symDigits?.length === 0 ? [] : undefined,
        rank: (v, p, P) => {
          if (!Array.isArray(v) || v.length > type.maxLength) bad(p, v);
          let r = 0;
          for (let j = 0; j < v.length; j++) r = r * elem.card + elems[j]!.rank(v[j], p, P);
          return offsets[v.length]! + r;
        },
        unrank: (i) => {
          let l = 0;
          while (offsets[l + 1]! <= i) l++;
          let r = i - offsets[l]!;
          const out = new Array(l);
          for (let j = l - 1; j >= 0; j--) {
            out[j] = elem.unrank(r % elem.card);
            r = Math.floor(r / elem.card);
          }
          return out;
        },
      };
    }
    case 'optional': {
      const inner = partOf(type.inner, domIndex, suffix);
      return {
        card: inner.card + 1,
        // Absent is rank 0, so the inner digits are offset by one: only a permutation-free inner is in place.
        symDigits: inner.symDigits?.length === 0 ? [] : undefined,
        rank: (v, p, P) => (v === null ? 0 : 1 + inner.rank(v, p, P)),
        unrank: (i) => (i === 0 ? null : inner.unrank(i - 1)),
      };
    }
    case 'setOf':
    case 'bag':
      throw new Error(`${describeType(type)}: a set or bag element may not hold a set of composite values or a bag`);
  }
}

/** The decoded values of one element type and their ranks by identity. */
interface ValueCache {
  readonly byRank: unknown[];
  readonly rankOf: Map<unknown, number>;
}

/**
 * One cache per element type object, shared by every codec and draft of the process (a codec,
 * its view and the packed drafts decode the same frozen objects, so each one's encoder knows the
 * others' values). Bounded by the type's cardinality.
 */
const caches = new WeakMap<Type, ValueCache>();

/**
 * The ranking of one element type. Its unranked values are frozen and shared by every state that
 * holds them, so their ranks are remembered by identity: a set decoded from a state re-encodes
 * without ranking its elements again (HOT: every successor re-encodes the sets it did not touch).
 */
export class ElemRank {
  readonly card: number;
  private readonly part: Part;
  private readonly cache: ValueCache;
  private readonly digits: readonly SymDigit[] | undefined;

  /** `domIndex`: a symmetric domain's position in the Perm this ranking is given (encodePerm's order). */
  constructor(
    readonly type: Type,
    domIndex: (d: SymDomain) => number = () => -1,
  ) {
    this.card = cardinality(type);
    this.part = partOf(type, domIndex);
    this.digits = this.part.symDigits;
    let c = caches.get(type);
    if (!c) caches.set(type, (c = { byRank: [], rankOf: new Map() }));
    this.cache = c;
  }

  /** The rank of `v` (of its image under `P` when given); throws SchemaViolation outside the type. */
  rank(v: unknown, path: string, P?: Perm): number {
    const r = this.cache.rankOf.get(v);
    if (r === undefined) return this.part.rank(v, path, P);
    return P ? this.permuted(r, v, path, P) : r;
  }

  /** Whether `v` is one of the shared decoded values (valid, and unchanged since: they are frozen). */
  isKnown(v: unknown): boolean {
    return this.cache.rankOf.has(v);
  }

  /** The rank of the image under `P` of the value of rank `r`: its symmetric digits mapped in place. */
  private permuted(r: number, v: unknown, path: string, P: Perm): number {
    const ds = this.digits;
    if (!ds) return this.part.rank(v, path, P);
    let out = r;
    for (let i = 0; i < ds.length; i++) {
      const { weight, radix, fwd } = ds[i]!;
      const digit = Math.floor(r / weight) % radix;
      out += (P[fwd]![digit]! - digit) * weight;
    }
    return out;
  }

  /** The value of rank `i`, frozen and shared. */
  value(i: number): unknown {
    const { byRank, rankOf } = this.cache;
    let v = byRank[i];
    if (v === undefined) {
      byRank[i] = v = deepFreeze(this.part.unrank(i));
      // Primitive values need no identity: ranking them is cheap.
      if (typeof v === 'object' && v !== null) rankOf.set(v, i);
    }
    return v;
  }
}
