/**
 * Builds a lasso (prefix + cycle, as state indices) through a fair component: the cycle starts
 * and ends at the entry state and visits an accepting state and, for every fairness unit, an edge
 * where it is taken or a state where it is disabled, so the cycle is fair by construction.
 */
import { OUTSIDE, type EdgeStore } from '../store/edgeStore';
import type { FairCycle } from './fairCycle';
import { unitEnabled, unitTaken } from './fairCycle';
import { unitCounts, type FairUnit } from './fairness';

export interface Lasso {
  /** State indices from an initial state; the last equals path[loop] unless `stutter`. */
  readonly path: readonly number[];
  readonly loop: number;
  readonly stutter: boolean;
}

/** Shortest path within `allowed` from any of `from` to the first state satisfying `to` (BFS). */
export function shortestPath(edges: EdgeStore, allowed: Uint8Array, from: readonly number[], to: (s: number) => boolean): number[] | undefined {
  const parent = new Int32Array(allowed.length).fill(-2);
  const queue: number[] = [];
  for (const s of from) {
    if (!allowed[s] || parent[s] !== -2) continue;
    parent[s] = -1;
    queue.push(s);
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    if (to(s)) {
      const path: number[] = [];
      for (let x = s; x !== -1; x = parent[x]!) path.push(x);
      return path.reverse();
    }
    for (let e = edges.first(s); e < edges.end(s); e++) {
      const t = edges.target(e);
      if (t === OUTSIDE || !allowed[t] || parent[t] !== -2) continue;
      parent[t] = s;
      queue.push(t);
    }
  }
  return undefined;
}

/**
 * A closed walk from `entry` through the component that makes the cycle fair: it visits an
 * accepting state and, for every fairness unit, takes it or passes a state where it is disabled.
 * Each requirement the walk does not meet yet is met by going to the nearest state that meets it.
 */
export function fairWalk(edges: EdgeStore, cycle: FairCycle, entry: number, accept: (s: number) => boolean, units: readonly FairUnit[], size: number): number[] {
  if (cycle.stutter) return [entry];
  const inC = new Uint8Array(size);
  for (const s of cycle.nodes) inC[s] = 1;
  const walk = [entry];
  const extend = (to: (s: number) => boolean) => {
    const p = shortestPath(edges, inC, [walk[walk.length - 1]!], to)!;
    for (let k = 1; k < p.length; k++) walk.push(p[k]!);
  };
  /** A state of the cycle with an edge of unit u to another state of the cycle. */
  const takenFrom = (u: FairUnit, s: number) => {
    for (let e = edges.first(s); e < edges.end(s); e++) {
      const t = edges.target(e);
      if (t !== OUTSIDE && t !== s && inC[t] && u.member[edges.action(e)]) return t;
    }
    return -1;
  };
  const stepTaken = (u: FairUnit, a: number, b: number) => {
    for (let e = edges.first(a); e < edges.end(a); e++) if (edges.target(e) === b && a !== b && u.member[edges.action(e)]) return true;
    return false;
  };
  if (!walk.some(accept)) extend(accept);
  const takenOnWalk = (u: FairUnit) => walk.some((a, k) => k + 1 < walk.length && stepTaken(u, a, walk[k + 1]!));
  /** A state where u is observed and disabled (what WF accepts instead of taking u). */
  const excuses = (u: FairUnit, s: number) => unitCounts(u, s) && !unitEnabled(edges, u, s);
  const disabledOnWalk = (u: FairUnit) => walk.some((s) => excuses(u, s));
  const takeOne = (u: FairUnit) => {
    extend((s) => takenFrom(u, s) >= 0);
    walk.push(takenFrom(u, walk[walk.length - 1]!));
  };
  for (const u of units) {
    const taken = unitTaken(edges, u, cycle.nodes, inC);
    if (u.kind === 'strong') {
      // The component passed the SF test: either u is taken in it (so the walk must take it, as it
      // may pass states where u is enabled) or u is disabled in every state of it.
      if (taken && !takenOnWalk(u)) takeOne(u);
      continue;
    }
    // WF: a state where u is (observed and) disabled, or a step taking it, is enough; a unit never
    // observed in the component asks for nothing.
    if (takenOnWalk(u) || disabledOnWalk(u)) continue;
    if (cycle.nodes.some((s) => excuses(u, s))) extend((s) => excuses(u, s));
    else if (taken) takeOne(u);
  }
  // Close the cycle with at least one step, back to the entry.
  const here = walk[walk.length - 1]!;
  const back = shortestPath(edges, inC, walk.length === 1 ? successorsIn(edges, here, inC) : [here], (s) => s === entry)!;
  for (let k = walk.length === 1 ? 0 : 1; k < back.length; k++) walk.push(back[k]!);
  return walk;
}
function successorsIn(edges: EdgeStore, s: number, inC: Uint8Array): number[] {
  const out: number[] = [];
  for (let e = edges.first(s); e < edges.end(s); e++) {
    const t = edges.target(e);
    if (t !== OUTSIDE && t !== s && inC[t]) out.push(t);
  }
  return out;
}
