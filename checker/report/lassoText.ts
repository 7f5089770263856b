/**
 * How a lasso is worded everywhere (check's report, replay, view's text and HTML). A lasso's last
 * state is the state after step `loop` again (trace/lassoCheck.ts), so what repeats is the steps
 * after `loop`, back to that state: steps loop+1 to last. With loop = last it stutters there.
 */

/** `the initial state` or `the state after step 11`. */
export function stateAfter(step: number): string {
  return step === 0 ? 'the initial state' : `the state after step ${step}`;
}

/**
 * The cycle of a lasso whose last step is `last`:
 * `steps 12 to 13 lead back to the state after step 11 and repeat forever`.
 *
 * @example
 * lassoCycleText(11, 13)  // 'steps 12 to 13 lead back to the state after step 11 and repeat forever'
 * lassoCycleText(5, 5)    // 'the state after step 5 repeats forever (stuttering)'
 */
export function lassoCycleText(loop: number, last: number): string {
  if (loop >= last) return `${stateAfter(last)} repeats forever (stuttering)`;
  if (last === loop + 1) return `step ${last} leads back to ${stateAfter(loop)} and repeats forever`;
  return `steps ${loop + 1} to ${last} lead back to ${stateAfter(loop)} and repeat forever`;
}
