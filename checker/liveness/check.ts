/**
 * Checks the temporal properties of a spec over the graph recorded by a complete BFS. Each form
 * reduces to "a fair cycle (or fair stuttering) in a set of bad states, reachable as the form
 * requires":
 * - `<>P`:   from an initial state, through ¬P states only, to a fair cycle in ¬P;
 * - `[]<>P`: a reachable fair cycle entirely in ¬P;
 * - `<>[]P`: a reachable fair cycle visiting a ¬P state;
 * - `P ~> Q`: from a reachable P∧¬Q state, through ¬Q states, to a fair cycle in ¬Q.
 */
import type { LiveFormula, StatePred } from '../../spec/temporal';
import type { CompiledSpec } from '../engine/compiled';
import { NO_PARENT, type StateLog } from '../store/stateLog';
import { findFairCycle, minNode } from './fairCycle';
import { compileFairness, fairnessPredicates, type FairUnit } from './fairness';
import type { LiveGraph } from './graph';
import { fairWalk, shortestPath, type Lasso } from './lasso';

function compileUnits(cs: CompiledSpec): FairUnit[] {
  return compileFairness(cs.spec.fairness, cs.instances, cs.spec.threads.map((t) => t.kind));
}

/**
 * The distinct state predicates of a spec's temporal properties and of its per-CPU fairness (the
 * states where each such unit is observed), in a fixed order.
 */
export function livenessPredicates(cs: CompiledSpec): StatePred[] {
  const preds: StatePred[] = [];
  for (const prop of cs.spec.liveness) {
    const f = prop.check;
    for (const p of f.kind === 'leadsTo' ? [f.p, f.q] : [f.p]) if (!preds.includes(p)) preds.push(p);
  }
  for (const p of fairnessPredicates(compileUnits(cs))) if (!preds.includes(p)) preds.push(p);
  return preds;
}

/**
 * Whether a BFS records the state graph to check temporal properties: when the spec has any and
 * they are wanted (`liveness`, default yes), and not under partial-order reduction (ample sets
 * preserve invariants and deadlocks, not temporal properties).
 */
export function recordsGraph(cs: CompiledSpec, liveness?: boolean): boolean {
  return (liveness ?? true) && cs.spec.liveness.length > 0 && !cs.por;
}

/** Warnings for a temporal check over a reduced or constrained graph, which can be unsound. */
export function livenessCaveats(cs: CompiledSpec): string[] {
  const out: string[] = [];
  if (cs.canon) out.push('liveness under symmetry reduction can be unsound: a fair cycle of the quotient graph need not be one of the model (as in TLC)');
  if (cs.view) out.push('liveness under a VIEW can be unsound: states merged by the view merge their futures');
  if (cs.spec.constraints.length > 0) out.push('liveness under state constraints can be unsound: cycles through states cut by a constraint are not seen (as in TLC)');
  return out;
}

export interface LivenessViolation {
  readonly property: string;
  readonly lasso: Lasso;
}

export function checkLiveness(cs: CompiledSpec, graph: LiveGraph, log: StateLog): LivenessViolation | undefined {
  const bit = (p: StatePred) => graph.preds.indexOf(p);
  // A unit observed only in some states reads them from the graph's labels.
  const units = compileUnits(cs).map((u): FairUnit => {
    if (!u.only) return u;
    const b = bit(u.only);
    return { ...u, counts: (s) => graph.holds(s, b) };
  });
  const n = graph.states;
  graph.edges.close(n);
  const inits: number[] = [];
  for (let s = 0; s < n && log.parent(s) === NO_PARENT; s++) inits.push(s);
  for (const prop of cs.spec.liveness) {
    const lasso = findLasso(prop.check, graph, log, units, inits, bit);
    if (lasso) return { property: prop.name, lasso };
  }
  return undefined;
}

function maskOf(n: number, f: (s: number) => boolean): Uint8Array {
  const m = new Uint8Array(n);
  for (let s = 0; s < n; s++) if (f(s)) m[s] = 1;
  return m;
}

/** States reachable from `from` through `allowed` states. */
function reachable(graph: LiveGraph, allowed: Uint8Array, from: readonly number[]): Uint8Array {
  const seen = new Uint8Array(allowed.length);
  const stack: number[] = [];
  for (const s of from) if (allowed[s] && !seen[s]) (seen[s] = 1), stack.push(s);
  const { edges } = graph;
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (let e = edges.first(s); e < edges.end(s); e++) {
      const t = edges.target(e);
      if (t < allowed.length && allowed[t] && !seen[t]) (seen[t] = 1), stack.push(t);
    }
  }
  return seen;
}

function findLasso(
  f: LiveFormula,
  graph: LiveGraph,
  log: StateLog,
  units: readonly FairUnit[],
  inits: readonly number[],
  bit: (p: StatePred) => number,
): Lasso | undefined {
  const n = graph.states;
  const { edges } = graph;
  const all = () => true;
  let region: Uint8Array; // where the cycle may live
  let accept: (s: number) => boolean = all;
  let starts: readonly number[] | undefined; // prefix must run inside `bad` from these
  let bad: Uint8Array;
  switch (f.kind) {
    case 'eventually': {
      const p = bit(f.p);
      bad = maskOf(n, (s) => !graph.holds(s, p));
      starts = inits.filter((s) => bad[s]);
      region = reachable(graph, bad, starts);
      break;
    }
    case 'alwaysEventually': {
      const p = bit(f.p);
      bad = region = maskOf(n, (s) => !graph.holds(s, p));
      break;
    }
    case 'eventuallyAlways': {
      const p = bit(f.p);
      bad = region = maskOf(n, all);
      accept = (s) => !graph.holds(s, p);
      break;
    }
    case 'leadsTo': {
      const p = bit(f.p);
      const q = bit(f.q);
      bad = maskOf(n, (s) => !graph.holds(s, q));
      starts = [...Array(n).keys()].filter((s) => graph.holds(s, p) && bad[s]);
      region = reachable(graph, bad, starts);
      break;
    }
  }
  const cycle = findFairCycle(edges, region, accept, units);
  if (!cycle) return undefined;
  const inCycle = new Set(cycle.nodes);
  let prefix: number[];
  if (starts) {
    // Through bad states from a start; then from an initial state to that start (any states).
    const tail = shortestPath(edges, bad, starts, (s) => inCycle.has(s))!;
    prefix = [...log.pathTo(tail[0]!).slice(0, -1), ...tail];
  } else {
    prefix = log.pathTo(minNode(cycle.nodes));
  }
  const entry = prefix[prefix.length - 1]!;
  const walk = fairWalk(edges, cycle, entry, accept, units, n);
  return { path: [...prefix, ...walk.slice(1)], loop: prefix.length - 1, stutter: cycle.stutter };
}
