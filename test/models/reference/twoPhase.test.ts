import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { twoPhase } from '../../../models/reference/twoPhase';

describe('reference/twophase (tlaplus/Examples TwoPhase.tla, RM = 3)', () => {
  // TLC (manifest.json): 288 distinct, 1146 generated, depth 11.
  it.each(['bfs', 'dfs'] as const)('%s: holds with 288 distinct / 1146 generated states', (strategy) => {
    const { result } = checkSpec(instantiate(twoPhase).spec, { strategy });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(288);
    expect(result.stats.generated).toBe(1146);
    if (strategy === 'bfs') expect(result.stats.depth).toBe(11);
  });

  // TwoPhase.tla's closing comment: checked with TLC for six RMs, 50816 reachable states.
  it('RM=6 has the 50816 reachable states the module reports', () => {
    const { result } = checkSpec(instantiate(twoPhase, 'fixed', { RM: '6' }).spec);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(50816);
  });

  it('TCConsistent catches a TM that commits without every Prepared message', () => {
    const spec = instantiate(twoPhase).spec;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) => (a.name === 'TMCommit' ? { ...a, guard: (s: any) => s.tmState === 'init' } : a)),
    };
    expect(checkSpec(broken).result.verdict).toMatchObject({ kind: 'violation', property: 'TCConsistent' });
  });
});
