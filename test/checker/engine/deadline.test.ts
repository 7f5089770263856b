/**
 * --step-timeout in the engine (checker/engine/deadline.ts, run.ts): a guard that never returns is
 * a model error naming its action at the state being expanded; phases that run no model code
 * (checkpoint writes) are not timed; a run that never overruns gives the same result as without.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec, checkSpecAsync } from '../../../checker/check';
import { DeadlineExceeded, runWithin } from '../../../checker/engine/deadline';
import { instantiate } from '../../../checker/model/instantiate';
import { findModel } from '../../../models';
import hangs from '../../fixtures/hangs';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('runWithin', () => {
  it('returns what the slice returns, and interrupts an infinite loop', () => {
    expect(runWithin(1000, () => 42)).toBe(42);
    const start = performance.now();
    expect(() => runWithin(100, () => busy(10_000))).toThrow(DeadlineExceeded);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('a step timeout', () => {
  it('reports a guard that never returns as a model error naming the action, with the trace to its state', async () => {
    const { result, trace } = await checkSpecAsync(instantiate(hangs, 'fixed').spec, { stepTimeoutMs: 200 });
    expect(result.verdict).toEqual({ kind: 'error', message: 'action Spin did not return within 0.2 s (--step-timeout)', at: { last: 3 } });
    expect(trace!.steps.map((s) => s.state.a)).toEqual([0, 1, 2, 3]);
  });

  it('does not time a checkpoint write, and changes nothing when no step overruns', async () => {
    const spec = instantiate(findModel('reference/twophase')!, 'fixed', { RM: 3 }).spec;
    let writes = 0;
    const timed = await checkSpecAsync(spec, {
      stepTimeoutMs: 100,
      checkpointEveryMs: 0,
      onCheckpoint: () => {
        if (writes++ < 2) busy(300); // slower than the step timeout, but not model code
      },
    });
    expect(writes).toBeGreaterThan(2);
    expect(timed.result.verdict).toEqual({ kind: 'holds' });
    expect(timed.result.stats).toMatchObject({ distinct: 288, generated: 1146 });
    expect(checkSpec(spec).result.stats).toMatchObject({ distinct: 288, generated: 1146 });
  });
});
