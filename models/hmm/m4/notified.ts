/**
 * A page-table change of M3's, run inside M2's interval invalidation at step granularity, as the
 * kernel does (hmm-domain.md §4): invalidate_range_start (I1, the driver's callback I2a–I2c), the
 * change under its own label, invalidate_range_end (I4a–I4d) — instead of one step doing all three.
 */
import type { StepDef } from '../../../spec/builder';
import { redirectGotos } from '../../../spec/kernel/compose';
import { DONE } from '../../../spec/spec';
import { invalidationSteps, type IntervalState, type InvLocals } from '../m2/interval';

/** `step` with every goto its effect makes sent to `to(label, locals)` instead. */
export function retarget<S, L>(step: StepDef<S, L, string>, to: (label: string, local: L) => string): StepDef<S, L, string> {
  if (!step.effect) return step;
  const effect = redirectGotos(step.effect, to);
  return { ...step, effect: (d, th) => void effect(d, th) };
}

export interface NotifiedOpts<G, L> {
  /**
   * The PTE change: a chain of M3's steps (under their own labels, in order, e.g. collect's CO2 and
   * COmig); where it would continue past the chain is decided by `resume` instead.
   */
  readonly change: readonly StepDef<G, L, string>[];
  /** Where the thread continues once invalidate_range_end returned, from the locals the change left. */
  readonly resume: (local: L) => string;
  /** The driver's subscription, whose callback takes DLOCK (I2a–I2c). */
  readonly dlockSub: string;
  /** What the driver's callback does besides mmu_interval_set_seq (zap its device PTE). */
  readonly zap: (d: G) => void;
}

/**
 * M2's invalidation (`invalidationSteps`) announcing `change`: I1, I2a–I2c, the change, I4a–I4d,
 * then on at `resume(locals)`. The change's own gotos are deferred past range_end.
 *
 * @example
 * // the eviction's try_to_migrate: range_start, ⟨PTL; device-private entry → migration entry⟩, range_end
 * ...replaceStep(evictSteps(false), 'unmap', (st) => notified({ change: [st], resume: (l) => (l.mig ? 'copy' : 'restore'), dlockSub: 'F', zap }))
 */
export function notified<G extends IntervalState, L extends InvLocals>(o: NotifiedOpts<G, L>): StepDef<G, L, string>[] {
  const chain = o.change;
  const inChain = new Set(chain.map((st) => st.label));
  // a goto inside the chain stays; every other goto goes to range_end, as does the last step's fall-through (I4a follows it)
  const announce = chain.map((st) => retarget(st, (l) => (inChain.has(l) ? l : 'I4a')));
  const steps = invalidationSteps<G>({ dlockSub: o.dlockSub, zap: (d) => o.zap(d), announce }) as StepDef<G, L, string>[];
  return steps.map((st) => retarget(st, (l, local) => (l === DONE ? o.resume(local) : l)));
}

/** `steps` with the step `label` replaced by the steps `by` makes of it. */
export function replaceStep<S, L>(steps: readonly StepDef<S, L, string>[], label: string, by: (st: StepDef<S, L, string>) => StepDef<S, L, string>[]): StepDef<S, L, string>[] {
  return steps.flatMap((st) => (st.label === label ? by(st) : [st]));
}

/** `steps` with the consecutive steps named `labels` replaced, where the first stood, by the steps `by` makes of them. */
export function replaceChain<S, L>(steps: readonly StepDef<S, L, string>[], labels: readonly string[], by: (chain: StepDef<S, L, string>[]) => StepDef<S, L, string>[]): StepDef<S, L, string>[] {
  const chain = steps.filter((st) => labels.includes(st.label));
  if (chain.length === 0) return [...steps];
  return steps.flatMap((st) => (st === chain[0] ? by(chain) : labels.includes(st.label) ? [] : [st]));
}
