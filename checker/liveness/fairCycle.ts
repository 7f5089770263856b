/**
 * Search for a fair cycle (TLA+ semantics) inside a node set: the Emerson–Lei refinement over
 * SCCs. A cycle C is fair for WF(A) if A is taken in C or disabled in some state of C, and for
 * SF(A) if A is taken in C or disabled in every state of C. Every state may also stutter for ever;
 * that "cycle" is fair when every fairness unit is disabled there.
 */
import { OUTSIDE, type EdgeStore } from '../store/edgeStore';
import type { FairUnit } from './fairness';
import { forEachScc } from './scc';

export interface FairCycle {
  /** States of the component the cycle lives in. */
  readonly nodes: readonly number[];
  /** A single state stuttering for ever. */
  readonly stutter: boolean;
}

/** Whether unit `u` is enabled in state `s` (some instance has a successor other than s). */
export function unitEnabled(edges: EdgeStore, u: FairUnit, s: number): boolean {
  for (let e = edges.first(s); e < edges.end(s); e++) {
    if (u.member[edges.action(e)] && edges.target(e) !== s) return true;
  }
  return false;
}

export function stutterFair(edges: EdgeStore, units: readonly FairUnit[], s: number): boolean {
  return units.every((u) => !unitEnabled(edges, u, s));
}

/** Whether unit `u` is taken on an edge between two distinct states of the member set. */
export function unitTaken(edges: EdgeStore, u: FairUnit, nodes: readonly number[], inC: Uint8Array): boolean {
  for (const s of nodes) {
    for (let e = edges.first(s); e < edges.end(s); e++) {
      const t = edges.target(e);
      if (t !== OUTSIDE && t !== s && inC[t] && u.member[edges.action(e)]) return true;
    }
  }
  return false;
}

/** The smallest state index of a component (a loop: components can be too large to spread). */
export function minNode(nodes: readonly number[]): number {
  let m = Infinity;
  for (const s of nodes) if (s < m) m = s;
  return m;
}

/**
 * Finds a fair cycle within `mask` that visits an accepting state, trying the components that
 * contain the earliest (shallowest) states first, so counterexamples stay short.
 */
export function findFairCycle(edges: EdgeStore, mask: Uint8Array, accept: (s: number) => boolean, units: readonly FairUnit[]): FairCycle | undefined {
  const roots: number[] = [];
  for (let s = 0; s < mask.length; s++) if (mask[s]) roots.push(s);
  const work: number[][] = [];
  forEachScc(edges, mask, roots, (c) => void work.push(c));
  // Popped from the end: sorted so that the component with the smallest state comes last.
  work.sort((a, b) => minNode(b) - minNode(a));
  const inC = new Uint8Array(mask.length);
  while (work.length > 0) {
    const comp = work.pop()!;
    for (const s of comp) inC[s] = 1;
    const found = examine(edges, comp, inC, accept, units, work);
    for (const s of comp) inC[s] = 0;
    if (found) return found;
  }
  return undefined;
}

function examine(
  edges: EdgeStore,
  comp: number[],
  inC: Uint8Array,
  accept: (s: number) => boolean,
  units: readonly FairUnit[],
  work: number[][],
): FairCycle | undefined {
  // Stuttering for ever in one state is the simplest explanation: prefer it.
  let stutterAt = -1;
  for (const s of comp) if (accept(s) && stutterFair(edges, units, s) && (stutterAt < 0 || s < stutterAt)) stutterAt = s;
  if (stutterAt >= 0) return { nodes: [stutterAt], stutter: true };
  if (comp.length < 2 || !comp.some(accept)) return undefined;
  const sfAvoid: FairUnit[] = [];
  for (const u of units) {
    if (unitTaken(edges, u, comp, inC)) continue;
    const enabledIn = comp.filter((s) => unitEnabled(edges, u, s)).length;
    // WF: continuously enabled and never taken here, so no sub-cycle can be fair either.
    if (u.kind === 'weak' && enabledIn === comp.length) return undefined;
    if (u.kind === 'strong' && enabledIn > 0) sfAvoid.push(u);
  }
  if (sfAvoid.length === 0) return { nodes: comp, stutter: false };
  // SF: a fair sub-cycle must avoid every state where an untaken unit is enabled.
  const sub = new Uint8Array(inC.length);
  const kept: number[] = [];
  for (const s of comp) {
    if (!sfAvoid.some((u) => unitEnabled(edges, u, s))) {
      sub[s] = 1;
      kept.push(s);
    }
  }
  forEachScc(edges, sub, kept, (c) => void work.push(c));
  return undefined;
}
