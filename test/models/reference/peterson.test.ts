import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { peterson } from '../../../models/reference/peterson';

describe('reference/peterson (tlaplus/Examples locks_auxiliary_vars/Peterson.tla)', () => {
  // TLC (manifest.json): 42 distinct, 77 generated, depth 11.
  it.each(['bfs', 'dfs'] as const)('%s: holds with 42 distinct / 77 generated states', (strategy) => {
    const { result } = checkSpec(instantiate(peterson).spec, { strategy });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(42);
    expect(result.stats.generated).toBe(77);
    if (strategy === 'bfs') expect(result.stats.depth).toBe(11);
  });

  it('Inv fails once a process enters cs without waiting at a3', () => {
    const spec = instantiate(peterson).spec;
    const a3 = spec.actions.find((a) => a.name === 'proc.a3')!;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) => (a === a3 ? { ...a, guard: (s: any, p: any) => s.proc[p.self].pc === 'a3' } : a)),
    };
    const { result, trace } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'Inv' });
    // Inv's second clause fails first: a process in cs while the other has turn and is past a2.
    expect(trace!.steps.at(-1)!.state.proc.map((r: any) => r.pc)).toContain('cs');
  });
});
