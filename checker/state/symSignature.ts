/**
 * Signatures for symmetry reduction (./symmetry.ts): a permutation-invariant description of each
 * value of a symmetric domain in a state, used to order the values before the canonical encoding.
 * Invariance is what makes the canonical form exact; how much a signature tells values apart only
 * decides how many tied orderings are tried.
 *
 * A value's signature is read at the domain's sites, places found once per schema whose paths
 * never pass through an entry that a permutation moves: its entry in every map, set and thread
 * array over the domain (with symmetric values masked, as they move too), and whether each
 * symmetric scalar (a lock owner, `t.symValue`) holds it. When that is everything the state says
 * about the domain's values (`exact`), equal signatures mean interchangeable values.
 */
import type { Key, SymDomain, Type } from '../../spec/types';
import { symDomainsOf } from './codec';
import { holdsCollection } from '../../spec/types';

/** Appends a value's leaves to a signature. */
type Leaves = (v: any, sig: number[]) => void;

type Site =
  | { readonly path: readonly Key[]; readonly at: 'map' | 'array'; readonly leaves: Leaves }
  | { readonly path: readonly Key[]; readonly at: 'set' | 'value' };

/** Whether key `k` of a map or set is moved by its (possibly partial) symmetric domain. */
function moved(d: SymDomain | undefined, k: Key): boolean {
  return d !== undefined && d.values.includes(k);
}

/**
 * A type's leaves as a function built once per schema, masking symmetric values and skipping
 * entries keyed by a symmetric domain (both move with the permutation); values outside a partial
 * domain are kept.
 */
function leavesOf(type: Type): Leaves {
  switch (type.kind) {
    case 'bool':
      return (v, sig) => void sig.push(v ? 1 : 0);
    case 'int': {
      const { min, sym } = type;
      return sym ? (_v, sig) => void sig.push(0) : (v, sig) => void sig.push(v - min);
    }
    case 'enum': {
      const code = new Map(type.values.map((x, i) => [x, type.sym ? (moved(type.sym, x) ? 0 : 1 + i) : i]));
      return (v, sig) => void sig.push(code.get(v)!);
    }
    case 'record': {
      const fs = Object.entries(type.fields).map(([k, f]) => [k, leavesOf(f)] as const);
      return (v, sig) => {
        for (const [k, f] of fs) f(v[k], sig);
      };
    }
    case 'array':
    case 'tuple': {
      if (type.kind === 'array' && type.sym) return () => {};
      const es = type.kind === 'array' ? Array.from({ length: type.length }, () => leavesOf(type.elem)) : type.elems.map(leavesOf);
      return (v, sig) => {
        for (let i = 0; i < es.length; i++) es[i]!(v[i], sig);
      };
    }
    case 'map': {
      const keys = type.domain.filter((k) => !moved(type.sym, k));
      const f = leavesOf(type.value);
      return (v, sig) => {
        for (const k of keys) f(v[k], sig);
      };
    }
    case 'set': {
      const keys = type.domain.filter((k) => !moved(type.sym, k));
      return (v, sig) => {
        for (const k of keys) sig.push((v as Set<Key>).has(k) ? 1 : 0);
      };
    }
    case 'setOf':
    case 'bag':
      // Its size is invariant under any permutation; what its elements say is not read (inexact).
      return (v, sig) => void sig.push(v.size);
    case 'seq': {
      const f = leavesOf(type.elem);
      return (v, sig) => {
        sig.push(v.length);
        for (const x of v) f(x, sig);
      };
    }
    case 'optional': {
      const f = leavesOf(type.inner);
      return (v, sig) => {
        sig.push(v === null ? 0 : 1);
        if (v !== null) f(v, sig);
      };
    }
  }
}

/** Whether `type` holds anything of domain `d` (or, without `d`, of any symmetric domain). */
function mentions(type: Type, d?: SymDomain): boolean {
  return symDomainsOf(type).some((x) => !d || x.name === d.name);
}

/**
 * Collects the sites of domain `d` in `type` at `path`. Under an optional only scalar sites are
 * taken (a path may end at null there, which holds no value). `acc.exact` is cleared when the
 * signatures cannot tell every difference: a value of `d` somewhere no site reads, or a site entry
 * with masked or skipped parts.
 */
function sitesOf(type: Type, d: SymDomain, path: Key[], acc: { sites: Site[]; exact: boolean }, optional = false): void {
  // A site entry with a set of composite values or a bag is summarised by its size: lossy.
  const entry = (t: Type) => {
    if (mentions(t) || holdsCollection(t)) acc.exact = false;
  };
  const elsewhere = (t: Type) => {
    if (mentions(t, d)) acc.exact = false;
  };
  switch (type.kind) {
    case 'int':
    case 'enum':
      if (type.sym?.name === d.name) acc.sites.push({ path, at: 'value' });
      break;
    case 'record':
      for (const [k, f] of Object.entries(type.fields)) sitesOf(f, d, [...path, k], acc, optional);
      break;
    case 'tuple':
      type.elems.forEach((e, i) => sitesOf(e, d, [...path, i], acc, optional));
      break;
    case 'optional':
      sitesOf(type.inner, d, path, acc, true);
      break;
    case 'array':
      if (optional) elsewhere(type);
      else if (type.sym?.name === d.name) {
        acc.sites.push({ path, at: 'array', leaves: leavesOf(type.elem) });
        entry(type.elem);
      } else if (!type.sym) for (let i = 0; i < type.length; i++) sitesOf(type.elem, d, [...path, i], acc);
      else elsewhere(type.elem);
      break;
    case 'map':
      if (optional) elsewhere(type);
      else {
        if (type.sym?.name === d.name) {
          acc.sites.push({ path, at: 'map', leaves: leavesOf(type.value) });
          entry(type.value);
        } else if (type.sym) elsewhere(type.value);
        for (const k of type.domain) if (!moved(type.sym, k)) sitesOf(type.value, d, [...path, k], acc);
      }
      break;
    case 'set':
      if (type.sym?.name !== d.name) break;
      if (optional) acc.exact = false;
      else acc.sites.push({ path, at: 'set' });
      break;
    case 'seq':
    case 'setOf':
    case 'bag':
      elsewhere(type);
      break;
    default:
      break;
  }
}

function compareSig(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Orders the values of one symmetric domain of a schema by their signatures in a state. */
export class DomainOrder {
  private readonly sites: readonly Site[];
  /**
   * The signature captures every place the domain's values occur, so two values with the same
   * signature are interchangeable in the state: swapping them changes nothing, and a tie needs no
   * enumeration.
   */
  readonly exact: boolean;

  constructor(
    readonly domain: SymDomain,
    schema: Type | undefined,
  ) {
    const acc = { sites: [] as Site[], exact: schema !== undefined };
    if (schema) sitesOf(schema, domain, [], acc);
    this.sites = acc.sites;
    this.exact = acc.exact;
  }

  /** Fills `sig` with the signature of value index `i` in `s`. */
  private signature(s: any, i: number, sig: number[]): void {
    const key = this.domain.values[i]!;
    sig.length = 0;
    for (const site of this.sites) {
      let x = s;
      for (let j = 0; j < site.path.length && x !== null; j++) x = x[site.path[j]!];
      switch (site.at) {
        case 'value': sig.push(x === key ? 1 : 0); break;
        case 'set': sig.push((x as Set<Key>).has(key) ? 1 : 0); break;
        case 'array': site.leaves(x[i], sig); break;
        case 'map': site.leaves(x[key], sig); break;
      }
    }
  }

  /** Signature buffers, one per value, reused across states (HOT: one call per stored successor). */
  private readonly sigs: number[][] = [];

  /**
   * Fills `order` with the value indices sorted by signature (`order[rank]` = value index) and
   * `tied[rank]` with 1 where rank's signature equals the previous rank's. Returns whether a tie
   * needs enumerating (never for an exact signature).
   */
  sort(s: any, order: Int32Array, tied: Uint8Array): boolean {
    const n = this.domain.values.length;
    const sigs = this.sigs;
    while (sigs.length < n) sigs.push([]);
    // Insertion sort: domains are small, and this allocates nothing.
    for (let i = 0; i < n; i++) {
      this.signature(s, i, sigs[i]!);
      let r = i;
      while (r > 0 && compareSig(sigs[order[r - 1]!]!, sigs[i]!) > 0) {
        order[r] = order[r - 1]!;
        r--;
      }
      order[r] = i;
    }
    let any = false;
    for (let r = 0; r < n; r++) {
      tied[r] = r > 0 && compareSig(sigs[order[r - 1]!]!, sigs[order[r]!]!) === 0 ? 1 : 0;
      any ||= tied[r] === 1;
    }
    return any && !this.exact;
  }
}
