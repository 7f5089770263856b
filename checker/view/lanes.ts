/**
 * Lanes of a trace view and which lane each step belongs to: one lane per thread instance, in the
 * order the spec declares them, then one environment lane for actions outside any thread
 * (parameterised actions such as `TMRcvPrepared(r1)` included).
 */
import type { Citation } from '../../spec/citation';
import type { Spec, ThreadSpec } from '../../spec/spec';
import type { ViewLane } from './types';

/** Where a trace action (an ITF `#meta.action`) goes. */
export interface LaneStep {
  readonly lane: string;
  /** The box's text: the thread step label, or the whole action with its parameters. */
  readonly label: string;
  readonly doc?: string;
  /** The model's citations of the step (never read from a trace). */
  readonly src?: readonly Citation[];
  /** The thread the step belongs to, with its step labels in program order. */
  readonly thread?: { readonly spec: ThreadSpec; readonly index: number };
}

export interface LaneIndex {
  readonly lanes: readonly ViewLane[];
  readonly environment: string;
  /** The lane of an action label; unknown actions go to the environment lane. */
  resolve(action: string): LaneStep;
}

export function laneIndex(spec: Spec): LaneIndex {
  const threadLanes: ViewLane[] = spec.threads.flatMap((th) => th.ids.map((id) => ({ id, kind: th.kind, environment: false })));
  const taken = new Set(threadLanes.map((l) => l.id));
  let environment = 'environment';
  while (taken.has(environment)) environment += '*';

  const byLabel = new Map<string, LaneStep>();
  for (const th of spec.threads) {
    th.ids.forEach((id, index) => {
      for (const label of th.labels) {
        const action = spec.actions.find((a) => a.thread?.kind === th.kind && a.thread.label === label);
        byLabel.set(`${id}.${label}`, { lane: id, label, doc: action?.doc, ...(action?.src ? { src: action.src } : {}), thread: { spec: th, index } });
      }
    });
  }
  const envActions = new Map(spec.actions.filter((a) => !a.thread).map((a) => [a.name, a]));
  const hasEnvironment = spec.actions.some((a) => !a.thread);
  const lanes = hasEnvironment ? [...threadLanes, { id: environment, kind: '', environment: true }] : threadLanes;

  return {
    lanes,
    environment,
    resolve(action) {
      const step = byLabel.get(action);
      if (step) return step;
      const name = /^([^(]*)/.exec(action)![1]!;
      const a = envActions.get(name);
      return { lane: environment, label: action, doc: a?.doc, ...(a?.src ? { src: a.src } : {}) };
    },
  };
}

/** Lanes plus the environment lane if some step needed it although the spec declares no such action. */
export function lanesUsed(index: LaneIndex, used: Iterable<string | null>): ViewLane[] {
  const lanes = [...index.lanes];
  for (const lane of used) {
    if (lane === index.environment && !lanes.some((l) => l.id === lane)) {
      lanes.push({ id: lane, kind: '', environment: true });
    }
  }
  return lanes;
}
