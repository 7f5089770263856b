import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../checker/check';
import { CompiledSpec } from '../../checker/engine/compiled';
import { instantiate } from '../../checker/model/instantiate';
import { registry } from '../../models';

const cases = registry.flatMap((model) => Object.entries(model.variants).map(([variant, def]) => ({ model, variant, def })));

describe('every model in the registry, every variant, at default constants', () => {
  it('has unique names and a fixed variant', () => {
    expect(new Set(registry.map((m) => m.name)).size).toBe(registry.length);
    for (const m of registry) expect(Object.keys(m.variants)).toContain('fixed');
  });

  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))('%s gives its expected verdict', (_name, { model, variant, def }) => {
    const cs = new CompiledSpec(instantiate(model, variant).spec);
    const bfs = checkSpec(cs, { strategy: 'bfs' }).result;
    const v = bfs.verdict;
    const got = v.kind === 'violation' || v.kind === 'liveness' ? { verdict: v.kind, property: v.property } : { verdict: v.kind };
    const { at: _bound, ...want } = def.expect; // instantiate ran the variant at its bound
    expect(got).toEqual(want);
    if (def.expect.verdict === 'holds') {
      // No violation: DFS must visit exactly the same state space.
      const dfs = checkSpec(cs, { strategy: 'dfs' }).result;
      expect(dfs.verdict.kind).toBe('holds');
      expect(dfs.stats.distinct).toBe(bfs.stats.distinct);
      expect(dfs.stats.generated).toBe(bfs.stats.generated);
    }
  });
});
