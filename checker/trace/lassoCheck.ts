/**
 * Independent validation of a lasso (used by replay): the cycle closes (or the lasso ends by
 * stuttering), the cycle is fair under every fairness unit (per-CPU units judged on the states
 * where they are observed), and the temporal property fails on the infinite behaviour
 * prefix · cycle^ω. Enabledness is recomputed by executing the model, not taken from the checker's
 * graph.
 */
import type { LiveFormula } from '../../spec/temporal';
import type { CompiledSpec } from '../engine/compiled';
import { compileFairness, type FairUnit } from '../liveness/fairness';

function packed(cs: CompiledSpec, s: unknown): string {
  const w = new Uint32Array(cs.codec.words);
  cs.codec.encode(s, w, 0);
  return w.join(',');
}

/** Whether `unit` has an instance with a successor different from `s` (ENABLED <<A>>_vars). */
function enabled(cs: CompiledSpec, unit: FairUnit, s: unknown): boolean {
  const here = packed(cs, s);
  for (const inst of cs.instances) {
    if (!unit.member[inst.id] || !cs.enabled(inst, s)) continue;
    let moves = false;
    cs.forEachSuccessor(inst, s, (t) => {
      if (!moves && packed(cs, t) !== here) moves = true;
    });
    if (moves) return true;
  }
  return false;
}

/** Why the lasso is not a valid counterexample of `formula`, or undefined if it is. */
export function lassoProblem(cs: CompiledSpec, states: readonly unknown[], actions: readonly string[], loop: number, formula: LiveFormula): string | undefined {
  const last = states.length - 1;
  const stutter = loop === last;
  if (!stutter && packed(cs, states[last]) !== packed(cs, states[loop])) return `the last state is not state ${loop}: the cycle does not close`;
  const units = compileFairness(cs.spec.fairness, cs.instances, cs.spec.threads.map((t) => t.kind));
  const cycle = stutter ? [loop] : Array.from({ length: last - loop }, (_, k) => loop + k);
  const byLabel = new Map(cs.instances.map((i) => [i.label, i.id]));
  for (const u of units) {
    const taken = !stutter && cycle.some((k) => {
      const id = byLabel.get(actions[k + 1]!);
      return id !== undefined && u.member[id] === 1 && packed(cs, states[k]) !== packed(cs, states[k + 1]);
    });
    if (taken) continue;
    // A per-CPU unit is observed only where its `only` predicate holds (fairness.ts).
    const observed = cycle.filter((k) => !u.only || u.only(states[k]));
    const on = observed.map((k) => enabled(cs, u, states[k]));
    if (u.kind === 'weak' && on.length > 0 && on.every(Boolean)) return `the cycle is not fair: ${u.name} is enabled throughout and never taken`;
    if (u.kind === 'strong' && on.some(Boolean)) return `the cycle is not fair: ${u.name} is enabled infinitely often and never taken`;
  }
  const holdsAt = (p: (s: any) => boolean) => states.map((s) => p(s));
  const inCycle = (k: number) => k >= loop && (stutter || k < last);
  const idx = [...states.keys()];
  switch (formula.kind) {
    case 'eventually':
      return holdsAt(formula.p).some(Boolean) ? 'the property holds on this lasso: P is reached' : undefined;
    case 'alwaysEventually':
      return idx.some((k) => inCycle(k) && formula.p(states[k])) ? 'the property holds on this lasso: P holds on the cycle' : undefined;
    case 'eventuallyAlways':
      return idx.some((k) => inCycle(k) && !formula.p(states[k])) ? undefined : 'the property holds on this lasso: P holds all along the cycle';
    case 'leadsTo': {
      const q = holdsAt(formula.q);
      const cycleHasQ = idx.some((k) => inCycle(k) && q[k]);
      const bad = idx.some((k) => formula.p(states[k]) && !q[k] && !cycleHasQ && !q.slice(k).some(Boolean));
      return bad ? undefined : 'the property holds on this lasso: every P state is followed by a Q state';
    }
  }
}
