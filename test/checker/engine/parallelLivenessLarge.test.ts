import { describe, it } from 'vitest';
import type { ParallelPool } from '../../../checker/engine/parallel';
import { expectSameAsOneWorker, LARGE, parallelPools } from './parallelSummary';

describe('parallel BFS with temporal properties on the larger HMM models: the graph and verdict of one worker', () => {
  const pools = parallelPools([2]);
  const pool = (): ParallelPool => pools.get(2)!;

  it.each(LARGE.map((m) => [m] as const))('%s fixed', async (name) => {
    await expectSameAsOneWorker(pool(), name);
  });
});
