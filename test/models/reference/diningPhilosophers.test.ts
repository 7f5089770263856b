import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { diningPhilosophers } from '../../../models/reference/diningPhilosophers';

describe('reference/dining (tlaplus/Examples DiningPhilosophers.tla, NP = 5)', () => {
  // TLC (manifest.json): 67 distinct, 336 generated, depth 29.
  it.each(['bfs', 'dfs'] as const)('%s: safety holds with 67 distinct / 336 generated states', (strategy) => {
    const { result } = checkSpec(instantiate(diningPhilosophers).spec, { strategy });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(67);
    expect(result.stats.generated).toBe(336);
    if (strategy === 'bfs') expect(result.stats.depth).toBe(29);
  });

  it('ExclusiveAccess rejects neighbours eating together and allows non-neighbours', () => {
    const spec = instantiate(diningPhilosophers).spec;
    const exclusive = spec.invariants.find((i) => i.name === 'ExclusiveAccess')!.check;
    const state = (eating: number[]) => ({
      forks: Object.fromEntries([1, 2, 3, 4, 5].map((f) => [f, { holder: f, clean: false }])),
      hungry: Object.fromEntries([1, 2, 3, 4, 5].map((p) => [p, true])),
      pc: Object.fromEntries([1, 2, 3, 4, 5].map((p) => [p, eating.includes(p) ? 'Eat' : 'Loop'])),
    });
    expect(exclusive(state([1, 3]))).toBe(true);
    expect(exclusive(state([2, 3]))).toBe(false);
    expect(exclusive(state([5, 1]))).toBe(false); // fork 1 is shared around the table
  });
});
