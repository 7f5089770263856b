/**
 * Composing thread step lists, so that a model can reuse another model's threads instead of
 * copying them (hmm-domain.md §3 M4 "sharing threads … with M1–M3"): a step list written as a
 * whole thread (it ends by reaching `done`) is inlined into a bigger thread as a subroutine, and a
 * step made elsewhere gets an extra effect in front of its own.
 *
 * @example
 * // mmget_not_zero; a whole fault thread's steps (faultSteps) as a subroutine; mmput
 * steps: [mmgetNotZero('F0', 'done'), ...inline(faultSteps, { exit: 'F10' }), mmput('F10')]
 * // the same subroutine twice in one thread: rename the second copy's labels
 * steps: [...inline(hmmFree, { exit: 'X' }), ...inline(hmmFree, { exit: 'Y', rename: (l) => `E${l}` })]
 */
import type { MutableThreadCtx, StepDef, ThreadCtx } from '../builder';
import { DONE } from '../spec';

/** Options of `inline`: where the subroutine returns to, and how its labels are renamed. */
export interface InlineOpts {
  /** Where the subroutine returns to: its `goto('done')`, and falling off its last step, go here. */
  readonly exit: string;
  /**
   * Renames the subroutine's labels and the targets of its gotos (not `done`), e.g. to inline the
   * same subroutine twice in one thread. Default: the labels are kept.
   */
  readonly rename?: (label: string) => string;
}

/**
 * The steps of a subroutine, to spread contiguously into a thread's step list: labels renamed,
 * `done` redirected to `opts.exit`. Steps that fall through in program order still do (to the next
 * step of the subroutine, which must follow it in the thread); the last one falls through to
 * `opts.exit`. Guards are unchanged.
 */
export function inline<S, L>(steps: readonly StepDef<S, L, string>[], opts: InlineOpts): StepDef<S, L, string>[] {
  const rename = opts.rename ?? ((l: string) => l);
  const target = (l: string): string => (l === DONE ? opts.exit : rename(l));
  return steps.map((step, i): StepDef<S, L, string> => {
    const last = i === steps.length - 1;
    const effect = step.effect && redirectGotos(step.effect, target);
    if (!effect && !last) return { ...step, label: rename(step.label) };
    return {
      ...step,
      label: rename(step.label),
      effect: (d, th) => {
        const moved = effect ? effect(d, th) : false;
        if (last && !moved) th.goto(opts.exit);
      },
    };
  });
}

/**
 * `effect` run with a thread context whose gotos go to `to(label, locals)` instead of `label`; the
 * result says whether it called goto. The context is made once per wrapped step and reused by every
 * call (effects run one at a time, and the hot path allocates nothing).
 *
 * @example
 * // a step whose gotos are deferred to where its locals say
 * const run = redirectGotos(step.effect!, (label, local) => (local.retry ? 'R1' : label));
 * const wrapped = { ...step, effect: (d, th) => void run(d, th) };
 */
export function redirectGotos<S, L>(effect: (d: S, th: ThreadCtx<L, string>) => void, to: (label: string, local: L) => string): (d: S, th: ThreadCtx<L, string>) => boolean {
  let outer: ThreadCtx<L, string> | undefined;
  let moved = false;
  const sub: MutableThreadCtx<L> = {
    self: 0,
    id: '',
    local: undefined as L,
    choose: (o) => outer!.choose(o),
    goto: (l) => {
      moved = true;
      outer!.goto(to(l, outer!.local));
    },
  };
  return (d, th) => {
    outer = th;
    moved = false;
    sub.self = th.self;
    sub.id = th.id;
    sub.local = th.local;
    effect(d, sub);
    return moved;
  };
}

/** `step` with `pre` run first, in the same atomic step (pre must not goto). */
export function before<S, L, Label extends string>(step: StepDef<S, L, Label>, pre: (d: S, th: ThreadCtx<L, string>) => void, doc?: string): StepDef<S, L, Label> {
  const effect = step.effect;
  return {
    ...step,
    doc: doc ?? step.doc,
    effect: (d, th) => {
      pre(d, th as ThreadCtx<L, string>);
      effect?.(d, th);
    },
  };
}
