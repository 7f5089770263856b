import { afterAll, beforeAll, describe, it } from 'vitest';
import { ParallelPool } from '../../../checker/engine/parallel';
import { expectSameAsOneWorker, LARGE } from './parallelSummary';

describe('parallel BFS with temporal properties on the larger HMM models: the graph and verdict of one worker', () => {
  let pool: ParallelPool;
  beforeAll(() => {
    pool = new ParallelPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it.each(LARGE.map((m) => [m] as const))('%s fixed', async (name) => {
    await expectSameAsOneWorker(pool, name);
  });
});
