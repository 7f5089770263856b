import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { dieHard } from '../../../models/reference/dieHard';

const build = () => instantiate(dieHard).spec;

describe('reference/diehard (tlaplus/Examples DieHard.tla)', () => {
  it('BFS finds the shortest solution: NotSolved fails after 6 steps (7 states), ending with big = 4', () => {
    const { result, trace } = checkSpec(build(), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'NotSolved', propertyKind: 'invariant' });
    const states = trace!.steps.map((s) => s.state);
    expect(states).toHaveLength(7);
    expect(states[0]).toEqual({ big: 0, small: 0 });
    expect(states.at(-1)!.big).toBe(4);
    expect(states.slice(0, -1).every((s) => s.big !== 4)).toBe(true);
  });

  it('DFS also reports NotSolved with a trace ending in big = 4', () => {
    const { result, trace } = checkSpec(build(), { strategy: 'dfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'NotSolved' });
    expect(trace!.steps[0]!.state).toEqual({ big: 0, small: 0 });
    expect(trace!.steps.at(-1)!.state.big).toBe(4);
  });

  // TLC stops at the violation, so the published run has no full-space counts. Without NotSolved
  // the whole space is 16 states; all six actions are always enabled, so generated = 1 + 16 * 6.
  it.each(['bfs', 'dfs'] as const)('without NotSolved, %s explores 16 distinct / 97 generated states', (strategy) => {
    const spec = build();
    const { result } = checkSpec({ ...spec, invariants: spec.invariants.filter((i) => i.name !== 'NotSolved') }, { strategy });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(16);
    expect(result.stats.generated).toBe(97);
  });
});
