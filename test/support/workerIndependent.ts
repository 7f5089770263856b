/** For the parallel*.test.ts files: pools of workers, and what must not depend on their number. */
import { afterAll, beforeAll } from 'vitest';
import type { CheckOutcome } from '../../checker/check';
import { ParallelPool } from '../../checker/engine/parallel';

/** Pools of `sizes` workers, opened before the enclosing describe block's tests and closed after. */
export function parallelPools(sizes: readonly number[]): Map<number, ParallelPool> {
  const pools = new Map<number, ParallelPool>();
  beforeAll(() => {
    for (const n of sizes) pools.set(n, new ParallelPool(n));
  });
  afterAll(async () => {
    for (const p of pools.values()) await p.close();
  });
  return pools;
}

/** Verdict, violated property and trace length; the counts only of a complete search. */
export function workerIndependent(out: CheckOutcome) {
  const v = out.result.verdict;
  const base = { verdict: v.kind, property: 'property' in v ? v.property : undefined, steps: out.trace ? out.trace.steps.length - 1 : undefined };
  // A search that stops at a violation stops at the first violating successor (one worker), or
  // each worker at its own first one (several): only complete searches have comparable counts.
  return v.kind === 'holds' ? { ...base, distinct: out.result.stats.distinct, generated: out.result.stats.generated, depth: out.result.stats.depth } : base;
}
