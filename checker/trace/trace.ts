/**
 * A concrete counterexample: the states from an initial state to the state a verdict is about,
 * each with the action instance that produced it. Rebuilt by re-executing the recorded
 * transitions (action instance + successor ordinal) from the initial state.
 */
import type { CompiledSpec } from '../engine/compiled';
import { unpackTransition } from '../engine/explorer';
import type { TraceRef } from '../engine/result';
import type { EdgeStore } from '../store/edgeStore';
import type { SeenSet } from '../store/seenSet';
import type { StateLog } from '../store/stateLog';
import { NO_PARENT } from '../store/stateLog';

export interface TraceStep {
  /** Instance label (`Unreg0.K2`, `TMRcvPrepared(r1)`), or `Init` for the first state. */
  readonly label: string;
  /** Action name (`Unreg.K2`), or `Init`. */
  readonly action: string;
  /** Action parameters (thread steps: `self`). */
  readonly params: Readonly<Record<string, string | number>>;
  readonly state: any;
}

export interface Trace {
  readonly steps: readonly TraceStep[];
  /**
   * For lassos (liveness): the index of the step the cycle starts at. The last step's state
   * equals that step's state (the cycle is closed explicitly), unless the lasso ends by stuttering
   * for ever in its last state, in which case `loop` is the last index.
   */
  readonly loop?: number;
}

function nth<T>(each: (emit: (x: T, i: number) => void) => void, n: number, what: string): T {
  let found: T | undefined;
  let hit = false;
  each((x, i) => {
    if (i === n) {
      found = x;
      hit = true;
    }
  });
  if (!hit) throw new Error(`trace rebuild diverged: ${what} has no successor #${n} (is the model deterministic?)`);
  return found as T;
}

/** Rebuilds the trace to `ref` from the stored parent/transition records. */
export function rebuildTrace(cs: CompiledSpec, log: StateLog, ref: TraceRef): Trace {
  const transitions: number[] = [];
  let initOrdinal: number;
  const tail = ref.last === NO_PARENT ? [] : log.pathTo(ref.last);
  if (tail.length === 0) {
    initOrdinal = ref.then!;
  } else {
    initOrdinal = log.transition(tail[0]!);
    for (const i of tail.slice(1)) transitions.push(log.transition(i));
    if (ref.then !== undefined) transitions.push(ref.then);
  }
  let state = nth<any>((emit) => cs.forEachInit(emit), initOrdinal, 'Init');
  const steps: TraceStep[] = [{ label: 'Init', action: 'Init', params: {}, state }];
  const n = Math.max(1, cs.instances.length);
  for (const t of transitions) {
    const { instance, ordinal } = unpackTransition(t, n);
    const inst = cs.instances[instance]!;
    state = nth<any>((emit) => cs.forEachSuccessor(inst, state, emit), ordinal, inst.label);
    steps.push({ label: inst.label, action: inst.action.name, params: inst.params, state });
  }
  return { steps };
}

/**
 * Rebuilds the trace along a path of state indices (a lasso from the liveness checker): each step
 * u -> v is re-executed with an action instance that has an edge u -> v, picking the successor
 * whose fingerprint maps back to v.
 */
export function rebuildIndexPath(cs: CompiledSpec, log: StateLog, seen: Pick<SeenSet, 'lookup'>, edges: EdgeStore, path: readonly number[], loop?: number): Trace {
  let state = nth<any>((emit) => cs.forEachInit(emit), log.transition(path[0]!), 'Init');
  const steps: TraceStep[] = [{ label: 'Init', action: 'Init', params: {}, state }];
  const fp = new Uint32Array(2);
  for (let k = 1; k < path.length; k++) {
    const u = path[k - 1]!;
    const v = path[k]!;
    let next: { inst: (typeof cs.instances)[number]; t: any } | undefined;
    for (let e = edges.first(u); e < edges.end(u) && !next; e++) {
      if (edges.target(e) !== v) continue;
      const inst = cs.instances[edges.action(e)]!;
      cs.forEachSuccessor(inst, state, (t) => {
        if (next) return;
        cs.stateFingerprint(t, fp);
        if (seen.lookup(fp[0]!, fp[1]!) === v) next = { inst, t };
      });
    }
    if (!next) throw new Error(`trace rebuild diverged: no step from state ${u} to state ${v} (is the model deterministic?)`);
    state = next.t;
    steps.push({ label: next.inst.label, action: next.inst.action.name, params: next.inst.params, state });
  }
  return { steps, loop };
}
