/**
 * Symmetry reduction (Murphi scalarsets, TLC SYMMETRY): a state is stored under the fingerprint
 * of a canonical representative of its permutation class, so states that differ only by a
 * permutation of interchangeable values are explored once. The explorer keeps the concrete state
 * in its frontier, so traces stay concrete and replay as usual.
 *
 * The representative is exact, not a heuristic: each value of a symmetric domain gets a
 * permutation-invariant signature (./symSignature.ts), the values are ordered by signature, and
 * the smallest packed form over the orderings that differ only among equal signatures is taken.
 * Those orderings move with any permutation of the state, so the minimum is the same for every
 * member of the class. Only ties cost extra encodings (a class of k tied values costs k!, e.g. a
 * symmetric initial state); without ties a state costs one permuted encoding.
 */
import type { SymDomain, Type } from '../../spec/types';
import type { Codec } from './codec';
import { DomainOrder } from './symSignature';

/** All permutations of 0..n-1. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

export class Canonicalizer {
  private readonly orders: readonly DomainOrder[];
  private readonly tmp: Uint32Array;
  /** Per domain: the sorted value indices, tie marks, and the permutation [fwd, inv] of the untied case. */
  private readonly sorted: Int32Array[];
  private readonly tied: Uint8Array[];
  private readonly perm: Int32Array[];
  /** Permutations of 0..k-1 for each tie-group size k seen so far. */
  private readonly permsOf = new Map<number, number[][]>();

  constructor(
    private readonly codec: Codec,
    readonly domains: readonly SymDomain[] = codec.symDomains,
    schema?: Type,
  ) {
    if (!codec.encodePerm || domains.length === 0) throw new Error('symmetry needs a schema with a symmetric domain');
    this.orders = domains.map((d) => new DomainOrder(d, schema));
    this.tmp = new Uint32Array(codec.words);
    this.sorted = domains.map((d) => new Int32Array(d.values.length));
    this.tied = domains.map((d) => new Uint8Array(d.values.length));
    this.perm = domains.flatMap((d) => [new Int32Array(d.values.length), new Int32Array(d.values.length)]);
  }

  private perms(k: number): number[][] {
    let p = this.permsOf.get(k);
    if (!p) this.permsOf.set(k, (p = permutations(k)));
    return p;
  }

  /** Packs the canonical representative of `s` into out[0..words). */
  canonical(s: unknown, out: Uint32Array): void {
    let tied = false;
    for (let di = 0; di < this.orders.length; di++) tied = this.orders[di]!.sort(s, this.sorted[di]!, this.tied[di]!) || tied;
    if (!tied) {
      // The common case: one ordering, one encoding. sorted[rank] = value index; the permutation
      // maps index -> rank (fwd) and back (inv).
      for (let di = 0; di < this.sorted.length; di++) {
        const sorted = this.sorted[di]!;
        const fwd = this.perm[2 * di]!;
        const inv = this.perm[2 * di + 1]!;
        for (let r = 0; r < sorted.length; r++) {
          inv[r] = sorted[r]!;
          fwd[sorted[r]!] = r;
        }
      }
      this.codec.encodePerm!(s, out, 0, this.perm);
      return;
    }
    this.smallestOfTies(s, out);
  }

  /** With ties: the smallest encoding over every ordering of each tie group. */
  private smallestOfTies(s: unknown, out: Uint32Array): void {
    const candidates = this.sorted.map((sorted, di) => {
      const groups: number[][] = [];
      sorted.forEach((v, r) => (this.tied[di]![r] ? groups[groups.length - 1]!.push(v) : groups.push([v])));
      let orders: number[][] = [[]];
      for (const g of groups) {
        if (g.length === 1) orders = orders.map((o) => [...o, g[0]!]);
        else orders = orders.flatMap((o) => this.perms(g.length).map((p) => [...o, ...p.map((j) => g[j]!)]));
      }
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
