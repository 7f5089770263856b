/**
 * Symmetry reduction (Murphi scalarsets, TLC SYMMETRY): a state is stored under the fingerprint
 * of a canonical representative of its permutation class, so states that differ only by a
 * permutation of interchangeable values are explored once. The explorer keeps the concrete state
 * in its frontier, so traces stay concrete and replay as usual.
 *
 * The representative is exact, not a heuristic: each value of a symmetric domain gets a
 * signature (its entries in every map and set keyed by the domain, with symmetric values masked),
 * the values are ordered by signature, and the smallest packed form over the orderings that
 * differ only among equal signatures is taken. Those orderings move with any permutation of the
 * state, so the minimum is the same for every member of the class. Only ties cost extra
 * encodings (a class of k tied values costs k!, e.g. a symmetric initial state).
 */
import type { Key, SymDomain, Type } from '../../spec/types';
import type { Codec } from './codec';

/** All permutations of 0..n-1. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

/** Where a domain's values have per-value entries: a map keyed by it, or a set over it. */
type Site = { readonly path: readonly (string | number)[]; readonly type: Type; readonly set: boolean };

function sitesOf(type: Type, d: SymDomain, path: (string | number)[], out: Site[]): Site[] {
  switch (type.kind) {
    case 'record':
      for (const [k, f] of Object.entries(type.fields)) sitesOf(f, d, [...path, k], out);
      break;
    case 'array':
      for (let i = 0; i < type.length; i++) sitesOf(type.elem, d, [...path, i], out);
      break;
    case 'tuple':
      type.elems.forEach((e, i) => sitesOf(e, d, [...path, i], out));
      break;
    case 'map':
      if (type.sym?.name === d.name) out.push({ path, type: type.value, set: false });
      else if (!type.sym) for (const k of type.domain) sitesOf(type.value, d, [...path, k], out);
      break;
    case 'set':
      if (type.sym?.name === d.name) out.push({ path, type, set: true });
      break;
    default:
      break;
  }
  return out;
}

/** Appends a value's leaves to `sig`, masking symmetric values (they move with the permutation). */
function leaves(type: Type, v: any, sig: number[]): void {
  switch (type.kind) {
    case 'bool': sig.push(v ? 1 : 0); return;
    case 'int': sig.push(type.sym ? 0 : v - type.min); return;
    case 'enum': sig.push(type.sym ? 0 : type.values.indexOf(v)); return;
    case 'record': for (const [k, f] of Object.entries(type.fields)) leaves(f, v[k], sig); return;
    case 'array': (v as any[]).forEach((x) => leaves(type.elem, x, sig)); return;
    case 'tuple': type.elems.forEach((e, i) => leaves(e, v[i], sig)); return;
    case 'map': for (const k of type.domain) if (!type.sym) leaves(type.value, v[k], sig); return;
    case 'set': if (!type.sym) for (const k of type.domain) sig.push((v as Set<Key>).has(k) ? 1 : 0); return;
    case 'seq':
      sig.push(v.length);
      for (const x of v) leaves(type.elem, x, sig);
      return;
    case 'optional':
      sig.push(v === null ? 0 : 1);
      if (v !== null) leaves(type.inner, v, sig);
      return;
  }
}

function compareSig(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export class Canonicalizer {
  private readonly sites: Site[][];
  private readonly tmp: Uint32Array;
  /** Permutations of 0..k-1 for each tie-group size k seen so far. */
  private readonly permsOf = new Map<number, number[][]>();

  constructor(
    private readonly codec: Codec,
    readonly domains: readonly SymDomain[] = codec.symDomains,
    schema?: Type,
  ) {
    if (!codec.encodePerm || domains.length === 0) throw new Error('symmetry needs a schema with a symmetric domain');
    this.sites = domains.map((d) => (schema ? sitesOf(schema, d, [], []) : []));
    this.tmp = new Uint32Array(codec.words);
  }

  /** Orders the values of domain `di` by signature; returns the ordering and its tie groups. */
  private order(s: any, di: number): { order: number[]; groups: number[][] } {
    const d = this.domains[di]!;
    const sigs = d.values.map((key) => {
      const sig: number[] = [];
      for (const site of this.sites[di]!) {
        let x = s;
        for (const p of site.path) x = x[p];
        if (site.set) sig.push((x as Set<Key>).has(key) ? 1 : 0);
        else leaves(site.type, x[key as never], sig);
      }
      return sig;
    });
    const order = d.values.map((_, i) => i).sort((a, b) => compareSig(sigs[a]!, sigs[b]!) || a - b);
    const groups: number[][] = [];
    for (const i of order) {
      const g = groups[groups.length - 1];
      if (g && compareSig(sigs[g[0]!]!, sigs[i]!) === 0) g.push(i);
      else groups.push([i]);
    }
    return { order, groups };
  }

  private perms(k: number): number[][] {
    let p = this.permsOf.get(k);
    if (!p) this.permsOf.set(k, (p = permutations(k)));
    return p;
  }

  /** Packs the canonical representative of `s` into out[0..words). */
  canonical(s: unknown, out: Uint32Array): void {
    // Per domain, the candidate orderings: sorted by signature, ties in every order.
    const candidates = this.domains.map((_, di) => {
      const { groups } = this.order(s, di);
      let orders: number[][] = [[]];
      for (const g of groups) {
        if (g.length === 1) orders = orders.map((o) => [...o, g[0]!]);
        else orders = orders.flatMap((o) => this.perms(g.length).map((p) => [...o, ...p.map((j) => g[j]!)]));
      }
      // ordering[rank] = value index; the permutation maps index -> rank (fwd) and back (inv).
      return orders.map((ordering) => {
        const inv = Int32Array.from(ordering);
        const fwd = new Int32Array(ordering.length);
        ordering.forEach((v, rank) => (fwd[v] = rank));
        return [fwd, inv];
      });
    });
    const { codec, tmp } = this;
    const words = codec.words;
    let first = true;
    const visit = (di: number, perm: Int32Array[]) => {
      if (di === candidates.length) {
        if (first) {
          codec.encodePerm!(s, out, 0, perm);
          first = false;
          return;
        }
        codec.encodePerm!(s, tmp, 0, perm);
        for (let i = 0; i < words; i++) {
          const a = tmp[i]!;
          const b = out[i]!;
          if (a === b) continue;
          if (a < b) out.set(tmp);
          break;
        }
        return;
      }
      for (const c of candidates[di]!) visit(di + 1, [...perm, ...c]);
    };
    visit(0, []);
  }

  /** The state under a permutation given as one [fwd, inv] pair per domain (a fresh object). */
  permuted(s: unknown, perm: readonly Int32Array[]): unknown {
    this.codec.encodePerm!(s, this.tmp, 0, perm);
    return this.codec.decode(this.tmp, 0);
  }

  /** A non-identity permutation (rotation by one of every domain), for the soundness check. */
  rotation(k: number): Int32Array[] {
    return this.domains.flatMap((d) => {
      const n = d.values.length;
      const r = n > 1 ? 1 + (k % (n - 1)) : 0;
      const fwd = Int32Array.from({ length: n }, (_, i) => (i + r) % n);
      const inv = Int32Array.from({ length: n }, (_, i) => (i - r + n) % n);
      return [fwd, inv];
    });
  }
}
