/**
 * Search for a fair cycle (TLA+ semantics) inside a node set: the Emerson–Lei refinement over
 * SCCs. A cycle C is fair for WF(A) if A is taken in C or disabled in some state of C, and for
 * SF(A) if A is taken in C or disabled in every state of C. Every state may also stutter for ever;
 * that "cycle" is fair when every fairness unit is disabled there. A unit observed only in some
 * states (fairness.ts, `only`) applies these rules to the cycle's observed states alone.
 */
import { OUTSIDE, type EdgeStore } from '../store/edgeStore';
import { unitCounts, type FairUnit } from './fairness';
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

/** Unit `u` demands to be taken in state `s`: it is observed and enabled there. */
export function unitDemanded(edges: EdgeStore, u: FairUnit, s: number): boolean {
  return unitCounts(u, s) && unitEnabled(edges, u, s);
}

export function stutterFair(edges: EdgeStore, units: readonly FairUnit[], s: number): boolean {
  return units.every((u) => !unitDemanded(edges, u, s));
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

/** A component's states in the order Tarjan pops them off its stack (the order lassos were built on). */
function popped(stack: readonly number[], from: number, to: number): number[] {
  return stack.slice(from, to).reverse();
}

/** In `byMin` below: no component has its smallest state here / a component of this state alone. */
const NONE = -1;
const SINGLE = -2;

/**
 * Finds a fair cycle within `mask` that visits an accepting state, trying the components that
 * contain the earliest (shallowest) states first, so counterexamples stay short.
 */
export function findFairCycle(edges: EdgeStore, mask: Uint8Array, accept: (s: number) => boolean, units: readonly FairUnit[]): FairCycle | undefined {
  const n = mask.length;
  const roots: number[] = [];
  for (let s = 0; s < n; s++) if (mask[s]) roots.push(s);
  // Each state is in one component, so a component is keyed by its smallest state and scanning
  // the states in index order takes the components in that order, with no sort. Most components
  // of a state graph are single states: those get no array.
  const byMin = new Int32Array(n).fill(NONE);
  const larger: number[][] = [];
  forEachScc(edges, mask, roots, (stack, from, to) => {
    if (to - from === 1) {
      byMin[stack[from]!] = SINGLE;
      return;
    }
    const comp = popped(stack, from, to);
    byMin[minNode(comp)] = larger.length;
    larger.push(comp);
  });
  const inC = new Uint8Array(n);
  // A component's refinements (examine) are tried before the next component, latest first.
  const work: number[][] = [];
  for (let s = 0; s < n; s++) {
    const k = byMin[s]!;
    if (k === NONE) continue;
    if (k === SINGLE) {
      // examine() of a single state: only stuttering there can be a fair cycle.
      if (accept(s) && stutterFair(edges, units, s)) return { nodes: [s], stutter: true };
      continue;
    }
    work.push(larger[k]!);
    while (work.length > 0) {
      const comp = work.pop()!;
      for (const t of comp) inC[t] = 1;
      const found = examine(edges, comp, inC, accept, units, work);
      for (const t of comp) inC[t] = 0;
      if (found) return found;
    }
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
  // States a fair sub-cycle must avoid, one test per untaken unit that forbids this component.
  const avoid: ((s: number) => boolean)[] = [];
  for (const u of units) {
    if (unitTaken(edges, u, comp, inC)) continue;
    if (u.kind === 'strong') {
      // SF: a fair sub-cycle must avoid every state where the untaken unit is demanded.
      if (comp.some((s) => unitDemanded(edges, u, s))) avoid.push((s) => unitDemanded(edges, u, s));
      continue;
    }
    // WF: disabled in an observed state (or never observed) is fair for the whole component.
    let observed = 0;
    let disabled = false;
    for (const s of comp) {
      if (!unitCounts(u, s)) continue;
      observed++;
      if (!unitEnabled(edges, u, s)) {
        disabled = true;
        break;
      }
    }
    if (disabled || observed === 0) continue;
    // Enabled in every state and never taken: no sub-cycle can be fair either.
    if (observed === comp.length) return undefined;
    // Observed only in some states, enabled in all of them: a fair sub-cycle must stay out of them.
    avoid.push((s) => unitCounts(u, s));
  }
  if (avoid.length === 0) return { nodes: comp, stutter: false };
  const sub = new Uint8Array(inC.length);
  const kept: number[] = [];
  for (const s of comp) {
    if (!avoid.some((a) => a(s))) {
      sub[s] = 1;
      kept.push(s);
    }
  }
  forEachScc(edges, sub, kept, (stack, from, to) => void work.push(popped(stack, from, to)));
  return undefined;
}
