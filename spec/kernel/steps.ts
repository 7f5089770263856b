/**
 * Step combinators for thread step lists: extend a step made by a primitive's factory with the
 * model's own guard or effect, so models reuse the factories instead of re-writing their steps.
 *
 * @example
 * // up_write, then branch on a local:
 * andThen(R.upWrite('X3', (s) => s.hrw), (d, th) => { if (!th.local.took) th.goto('E4'); })
 */
import type { StepDef, ThreadCtx, ThreadView } from '../builder';

/** `step`, then `after` in the same atomic step (after may `goto`, overriding the step's own). */
export function andThen<S, L, Label extends string, L2 = L>(
  step: StepDef<S, L, Label>,
  after: (d: S, th: ThreadCtx<L2, string>) => void,
  doc?: string,
): StepDef<S, L2 & L, Label> {
  const effect = step.effect;
  return {
    ...step,
    doc: doc ?? step.doc,
    effect: (d, th) => {
      effect?.(d, th);
      after(d, th as unknown as ThreadCtx<L2, string>);
    },
  };
}

/** `step`, enabled only when `extra` also holds. */
export function when<S, L, Label extends string, L2 = L>(
  step: StepDef<S, L, Label>,
  extra: (s: S, th: ThreadView<L2>) => boolean,
): StepDef<S, L2 & L, Label> {
  const guard = step.guard;
  return {
    ...step,
    guard: (s, th) => (guard ? guard(s, th) : true) && extra(s, th),
  };
}
