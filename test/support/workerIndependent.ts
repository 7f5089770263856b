/** What must not depend on the number of parallel BFS workers, for the parallel*.test.ts files. */
import type { CheckOutcome } from '../../checker/check';

/** Verdict, violated property and trace length; the counts only of a complete search. */
export function workerIndependent(out: CheckOutcome) {
  const v = out.result.verdict;
  const base = { verdict: v.kind, property: 'property' in v ? v.property : undefined, steps: out.trace ? out.trace.steps.length - 1 : undefined };
  // A search that stops at a violation stops at the first violating successor (one worker), or
  // each worker at its own first one (several): only complete searches have comparable counts.
  return v.kind === 'holds' ? { ...base, distinct: out.result.stats.distinct, generated: out.result.stats.generated, depth: out.result.stats.depth } : base;
}
