/**
 * For the parallel*.test.ts files: pools of workers, and what must not depend on their number —
 * for a safety check (workerIndependent) and for a check with temporal properties (summary).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { checkSpec, type CheckOutcome } from '../../../checker/check';
import { ParallelPool } from '../../../checker/engine/parallel';
import { instantiate } from '../../../checker/model/instantiate';
import { registry } from '../../../models';

/**
 * What must not depend on the number of workers in a check with temporal properties: at a safety
 * violation (each worker stops at its own first one, so the counts differ) its kind, property and
 * counterexample; otherwise everything: counts, graph size, coverage, lasso and trace.
 */
export function summary(out: CheckOutcome) {
  const { verdict, stats, coverage, warnings } = out.result;
  if (verdict.kind !== 'holds' && verdict.kind !== 'liveness') {
    return { kind: verdict.kind, property: 'property' in verdict ? verdict.property : undefined, trace: out.trace };
  }
  const { distinct, generated, depth, edges } = stats;
  return { verdict, distinct, generated, depth, edges, coverage, warnings, trace: out.trace };
}

/** The HMM models whose fixed configuration has temporal properties. */
export const temporalHmmModels = registry.filter((m) => m.name.startsWith('hmm/') && instantiate(m, 'fixed').spec.liveness.length > 0);

/**
 * Violating variants whose counterexample on 2 workers differed from one worker's before the
 * parallel search reported one worker's (with and without temporal properties; the violating
 * state's level was split again after a growth of the seen set).
 */
export const SPLIT_VIOLATIONS: readonly (readonly [string, string])[] = [
  ['hmm/m1-mirror-2019', 'mutant-put-frees-without-grace-period'],
  ['hmm/m2-device-fault', 'mutant-fault-recursive-mmap-read'],
  ['hmm/m4-now', 'mutant-unmap-relocks-collected-page'],
];

/** Checked in parallelLivenessLarge.test.ts, the rest in parallelLiveness.test.ts: each file stays short. */
export const LARGE = ['hmm/m3-migration', 'hmm/m4-now'];

/** Checks a model's fixed configuration on one worker (checkSpec) and on `pool`: the same summary. */
export async function expectSameAsOneWorker(pool: ParallelPool, name: string): Promise<CheckOutcome> {
  const model = registry.find((m) => m.name === name)!;
  const one = checkSpec(instantiate(model, 'fixed').spec);
  // Every level on the workers (by default the coordinator expands small levels itself).
  const many = await pool.run({ model: name, variant: 'fixed', constants: {} }, { localBelow: 0, splitBelow: 0 });
  expect(summary(many)).toEqual(summary(one));
  if (one.result.verdict.kind === 'holds') expect(many.result.stats.edges).toBeGreaterThan(0);
  return many;
}

/** A pool of `n` workers for the enclosing describe block's tests (parallelPools with one size). */
export function parallelPool(n: number): () => ParallelPool {
  const pools = parallelPools([n]);
  return () => pools.get(n)!;
}

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

/**
 * Verdict, violated property and counterexample (one worker's: a pass that numbers each level's new
 * states as one worker does finds it again, engine/levelOrder.ts); the counts only of a complete
 * search, and of its coverage the generated counts (which action first reached a state found twice
 * in a level depends on the order the workers found it in).
 */
export function workerIndependent(out: CheckOutcome) {
  const v = out.result.verdict;
  const base = { verdict: v.kind, property: 'property' in v ? v.property : undefined, trace: out.trace };
  // A search that stops at a violation stops at the first violating successor (one worker), or
  // each worker at its own first one (several): only complete searches have comparable counts.
  if (v.kind !== 'holds') return base;
  const { distinct, generated, depth } = out.result.stats;
  return { ...base, distinct, generated, depth, generatedPerAction: out.result.coverage.map((c) => [c.name, c.generated]) };
}
