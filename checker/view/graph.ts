/**
 * The whole state graph of a small model, for export as DOT or JSON (graphFormat.ts): every
 * distinct reachable state once, every transition between them once per action instance, the
 * properties each state or transition breaks, and the counterexample BFS finds.
 *
 * A plain breadth-first search over CompiledSpec, separate from the checker's engine: the graph
 * needs every state kept as an object and every edge, which the engine is built never to hold.
 * States are deduplicated in a JS Map keyed by their packed words as a string. That costs ~100+
 * bytes per state and V8 Maps stop near 16.7M entries, which is acceptable only because a graph is
 * refused beyond a small limit (default 10,000 states): nobody can read a bigger picture anyway.
 *
 * Semantics follow the checker so that counts match `check`: states failing a constraint are
 * neither stored nor expanded, and the counterexample is the first violation in the checker's BFS
 * order (per expanded state: action properties on each step, invariants on each new state, then
 * deadlock), hence the same shortest trace `check` prints.
 */
import type { CompiledSpec } from '../engine/compiled';
import { UsageError } from '../engine/errors';

export const DEFAULT_GRAPH_LIMIT = 10_000;

/** The state space is larger than the export limit. */
export class GraphTooLargeError extends UsageError {
  constructor(readonly limit: number) {
    super(
      `the state space has more than ${limit.toLocaleString('en-US')} states, the graph export limit; `
        + 'a graph that size is unreadable — shrink the model with --const, or raise the limit with --max-states N',
    );
  }
}

export interface GraphNode {
  readonly id: number;
  readonly state: any;
  readonly init: boolean;
  /** BFS level; initial states are at depth 1 (as the checker counts). */
  readonly depth: number;
  /** Invariants false in this state. */
  readonly violates: readonly string[];
  /** No successor and not every thread done, with deadlock checking on. */
  readonly deadlock: boolean;
}

export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  /** Action instance label, e.g. `TMRcvPrepared(r1)` or `Unreg.K2`. */
  readonly action: string;
  /** Action properties false on this step. */
  readonly violates: readonly string[];
}

export interface GraphCounterexample {
  readonly property: string;
  readonly propertyKind: 'invariant' | 'action' | 'deadlock';
  /** Node ids from an initial state to the state the violation is about. */
  readonly path: readonly number[];
  /** Action labels of the steps along `path` (one fewer than nodes). */
  readonly actions: readonly string[];
}

export interface StateGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** The first violation in BFS order, as `check` would report it; undefined if every property holds. */
  readonly counterexample?: GraphCounterexample;
}

export interface GraphOptions {
  /** Refuse (GraphTooLargeError) beyond this many distinct states. */
  readonly maxStates?: number;
  /** Override the spec's deadlock setting. */
  readonly checkDeadlock?: boolean;
}

export function exploreGraph(cs: CompiledSpec, opts: GraphOptions = {}): StateGraph {
  const limit = opts.maxStates ?? DEFAULT_GRAPH_LIMIT;
  const checkDeadlock = opts.checkDeadlock ?? cs.spec.checkDeadlock;
  const { invariants, actionProperties, constraints } = cs.spec;
  const words = new Uint32Array(cs.codec.words);
  const ids = new Map<string, number>();
  const nodes: GraphNode[] = [];
  /** Discovery parent (node id, action) of each node, for the counterexample path. */
  const parent: { from: number; action: string }[] = [];
  const edges: GraphEdge[] = [];
  const edgeSeen = new Set<string>();
  /** The first violation: a state (invariant, deadlock) or a step from `node` (action property). */
  let first: { property: string; propertyKind: GraphCounterexample['propertyKind']; node: number; step?: { action: string; to?: number } } | undefined;

  let full = false;
  const keyOf = (s: any) => {
    cs.codec.encode(s, words, 0);
    return words.join(',');
  };
  /** The node of `s`, added (and checked) if new; undefined if a constraint cuts it or the graph is full. */
  const visit = (s: any, depth: number, from?: { from: number; action: string }): number | undefined => {
    if (full) return undefined;
    const key = keyOf(s);
    const known = ids.get(key);
    if (known !== undefined) return known;
    if (!constraints.every((c) => c.check(s))) {
      // Counted and checked by the checker but not stored: not a node of the graph either.
      // (An invariant it breaks is shown on the path to its parent: the state itself has no node.)
      const bad = invariants.find((inv) => !inv.check(s));
      if (bad && !first && from) first = { property: bad.name, propertyKind: 'invariant', node: from.from };
      return undefined;
    }
    if (nodes.length >= limit) {
      // Not thrown here: CompiledSpec reports anything thrown inside its callbacks as a model error.
      full = true;
      return undefined;
    }
    const id = nodes.length;
    const violates = invariants.filter((inv) => !inv.check(s)).map((inv) => inv.name);
    nodes.push({ id, state: s, init: from === undefined, depth, violates, deadlock: false });
    parent.push(from ?? { from: -1, action: 'Init' });
    ids.set(key, id);
    if (violates.length && !first) first = { property: violates[0]!, propertyKind: 'invariant', node: id };
    return id;
  };

  cs.forEachInit((s) => void visit(s, 1));
  for (let i = 0; i < nodes.length && !full; i++) {
    const node = nodes[i]!;
    let successors = 0;
    for (const inst of cs.enabledIn(node.state)) {
      cs.forEachSuccessor(inst, node.state, (t) => {
        successors++;
        const broken = actionProperties.filter((p) => !p.check(node.state, t)).map((p) => p.name);
        const via = { from: i, action: inst.label };
        const step: { action: string; to?: number } = { action: inst.label };
        if (broken.length && !first) first = { property: broken[0]!, propertyKind: 'action', node: i, step };
        const to = visit(t, node.depth + 1, via);
        if (to === undefined) return;
        step.to = to;
        const key = `${i}>${to}>${inst.id}`;
        if (edgeSeen.has(key)) return;
        edgeSeen.add(key);
        edges.push({ from: i, to, action: inst.label, violates: broken });
      });
    }
    if (full) break;
    if (successors === 0 && checkDeadlock && !cs.allThreadsDone(node.state)) {
      nodes[i] = { ...node, deadlock: true };
      if (!first) first = { property: 'deadlock', propertyKind: 'deadlock', node: i };
    }
  }

  if (full) throw new GraphTooLargeError(limit);

  let counterexample: GraphCounterexample | undefined;
  if (first) {
    // Walk discovery parents back from the violating state (for a step: from its source).
    const path: number[] = [];
    const actions: string[] = [];
    for (let n = first.node; n >= 0; n = parent[n]!.from) {
      path.unshift(n);
      if (parent[n]!.from >= 0) actions.unshift(parent[n]!.action);
    }
    if (first.step?.to !== undefined) {
      path.push(first.step.to);
      actions.push(first.step.action);
    }
    counterexample = { property: first.property, propertyKind: first.propertyKind, path, actions };
  }
  return { nodes, edges, ...(counterexample ? { counterexample } : {}) };
}
