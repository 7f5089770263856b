/**
 * Exit codes. TLC's where TLC has one, so scripts written for TLC keep working.
 *
 * | code | meaning |
 * |---|---|
 * | 0   | every property holds; suite: every verdict as expected |
 * | 1   | suite, regress, nightly: a verdict or count differs from its expectation or from the previous run; lint: findings |
 * | 11  | deadlock (TLC) |
 * | 12  | safety violation: an invariant or action property (TLC); replay: the violation is reproduced |
 * | 13  | liveness violation (TLC) |
 * | 20  | incomplete: stopped by --max-states, --max-depth or an interrupt before a verdict (also a search stuck in model code, terminated after the signal) |
 * | 21  | replay: the trace is well-formed but is not a behaviour of the model, or no longer violates its property |
 * | 75  | model evaluation error: an effect, guard or property threw or did not return within --step-timeout, an effect returned a value, or a state left its schema (a value outside its type, an undeclared field or map key) (TLC) |
 * | 150 | usage or configuration error: unknown model, variant or constant, a spec that cannot be built as declared, malformed trace file, a file refused at the trust boundary, bad flag value or unwritable output path, checked before the run (TLC) |
 * | 255 | internal error in hmmcheck |
 */
export const EXIT = {
  OK: 0,
  SUITE_MISMATCH: 1,
  /** `hmmcheck lint` found a step breaking the granularity rule (or a bad declaration). */
  LINT_FINDINGS: 1,
  DEADLOCK: 11,
  SAFETY: 12,
  LIVENESS: 13,
  INCOMPLETE: 20,
  TRACE_DIVERGED: 21,
  MODEL_ERROR: 75,
  USAGE: 150,
  INTERNAL: 255,
} as const;
