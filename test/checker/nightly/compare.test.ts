import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../checker/nightly/compare';
import type { JobResult } from '../../../checker/nightly/run';

const job = (over: Partial<JobResult> = {}): JobResult => ({
  name: 'j',
  model: 'm',
  variant: 'fixed',
  constants: {},
  verdict: 'holds',
  distinct: 100,
  generated: 300,
  depth: 5,
  seconds: 10,
  statesPerSec: 10,
  peakRssMiB: 100,
  ...over,
});

describe('compareRuns', () => {
  it('finds nothing between identical runs, or small timing noise', () => {
    expect(compareRuns([job()], [job({ seconds: 12 })])).toEqual([]);
  });

  it('reports a new violation, a changed count, a budget stop and a slowdown', () => {
    expect(compareRuns([job()], [job({ verdict: 'violates INV-X', steps: 7 })])).toEqual(['j: verdict changed: holds -> violates INV-X']);
    expect(compareRuns([job()], [job({ distinct: 101 })])).toEqual(['j: state count changed: 100/300 -> 101/300 (distinct/generated)']);
    expect(compareRuns([job()], [job({ verdict: 'incomplete', stopped: 'time budget' })])).toEqual(['j: verdict changed: holds -> incomplete', 'j: now stops at its time budget']);
    expect(compareRuns([job()], [job({ seconds: 20 })])).toEqual(['j: slower: 10.0 s -> 20.0 s']);
  });

  it('ignores jobs the previous run did not have', () => {
    expect(compareRuns([job({ name: 'old' })], [job({ name: 'new' })])).toEqual([]);
  });
});
