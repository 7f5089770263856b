/**
 * Parallel BFS on the HMM models: on every fixed variant and every variant that shows a bug, the
 * verdict, the shortest-trace length and (for a complete search) the counts of one worker, with 2
 * workers; with 4 on the fixed variants (4 threads on this 2-core machine interleave the most, and
 * the bug variants add nothing to that). The other variants that hold (alternative configurations
 * such as M3's fault-v6.1: complete searches like their fixed variant's, a third of this file's
 * time) are left out. The fixed variants of the LARGE models are left to
 * parallelLivenessLarge.test.ts, which compares their whole graph on 2 workers, temporal properties
 * included.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { registry } from '../../../models';
import { LARGE, parallelPools, workerIndependent } from './parallelSummary';

const cases = registry
  .filter((m) => m.name.startsWith('hmm/'))
  .flatMap((m) => Object.keys(m.variants).map((v) => ({ model: m, variant: v })))
  .filter((c) => (c.variant === 'fixed' ? !LARGE.includes(c.model.name) : c.model.variants[c.variant]!.expect.verdict !== 'holds'));

describe('parallel BFS (--workers) on the HMM models: the verdicts, shortest-trace lengths and counts of one worker', () => {
  const pools = parallelPools([2, 4]);

  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))('%s', async (_name, { model, variant }) => {
    const one = workerIndependent(checkSpec(instantiate(model, variant).spec, { liveness: false }));
    for (const [n, pool] of pools) {
      if (n > 2 && variant !== 'fixed') continue;
      const many = workerIndependent(await pool.run({ model: model.name, variant, constants: {}, liveness: false }, { localBelow: 0, splitBelow: 0 }));
      expect(many, `${n} workers`).toEqual(one);
    }
  });
});
