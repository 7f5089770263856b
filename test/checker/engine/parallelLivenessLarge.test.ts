import { describe, it } from 'vitest';
import { expectSameAsOneWorker, LARGE, parallelPool } from './parallelSummary';

describe('parallel BFS with temporal properties on the larger HMM models: the graph and verdict of one worker', () => {
  const pool = parallelPool(2);

  it.each(LARGE.map((m) => [m] as const))('%s fixed', async (name) => {
    await expectSameAsOneWorker(pool(), name);
  });
});
