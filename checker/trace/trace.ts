/**
 * A concrete counterexample: the states from an initial state to the state a verdict is about,
 * each with the action instance that produced it. Rebuilt by re-executing the recorded
 * transitions (action instance + successor ordinal) from the initial state.
 */
import type { CompiledSpec } from '../engine/compiled';
import { unpackTransition } from '../engine/explorer';
import type { TraceRef } from '../engine/result';
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
  /** For lassos (liveness): index of the step the cycle returns to. */
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
