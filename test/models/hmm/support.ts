/** Helpers shared by the HMM model tests: trace labels, replay of a hand-written interleaving, spec mutations. */
import { CompiledSpec } from '../../../checker/engine/compiled';
import type { Spec } from '../../../spec/spec';

/** The step labels of a trace, without the initial state. */
export function labels(trace: { steps: readonly { label: string }[] } | undefined): string[] {
  if (!trace) throw new Error('no trace');
  return trace.steps.slice(1).map((s) => s.label);
}

/** Asserts that `order` appears in `seq` as a subsequence (the key steps happen in this order). */
export function isSubsequence(order: readonly string[], seq: readonly string[]): boolean {
  let i = 0;
  for (const l of seq) if (l === order[i]) i++;
  return i === order.length;
}

/**
 * Replays an interleaving given by instance labels (`Exit.X1`, …) from the first initial state;
 * each label must name an enabled step with exactly one successor. Returns every state, the
 * initial one first.
 */
export function replayLabels(spec: Spec, steps: readonly string[]): any[] {
  const cs = new CompiledSpec(spec);
  const states: any[] = [];
  cs.forEachInit((s, i) => void (i === 0 && states.push(s)));
  for (const label of steps) {
    const s = states.at(-1);
    const inst = cs.instances.find((x) => x.label === label);
    if (!inst) throw new Error(`no step ${label}`);
    if (!cs.enabled(inst, s)) throw new Error(`${label} is not enabled after ${states.length - 1} steps`);
    const next: any[] = [];
    cs.forEachSuccessor(inst, s, (t) => next.push(t));
    if (next.length !== 1) throw new Error(`${label} has ${next.length} successors`);
    states.push(next[0]);
  }
  return states;
}

/** A copy of `spec` with the named action's guard or effect replaced (a mutation for non-vacuity tests). */
export function mutate(spec: Spec, action: string, change: { guard?: (s: any, p: any) => boolean; effect?: (d: any, p: any, ctx: any) => void }): Spec {
  if (!spec.actions.some((a) => a.name === action)) throw new Error(`no action ${action}`);
  return { ...spec, actions: spec.actions.map((a) => (a.name === action ? { ...a, ...change } : a)) };
}

/** A copy of `spec` whose invariants are only `invariants` (for reachability questions). */
export function withInvariants(spec: Spec, invariants: Record<string, (s: any) => boolean>): Spec {
  return { ...spec, invariants: Object.entries(invariants).map(([name, check]) => ({ name, check })) };
}
