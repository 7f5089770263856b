import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { tcommit } from '../../../models/reference/tcommit';

describe('reference/tcommit (tlaplus/Examples TCommit.tla, RM = 3)', () => {
  // TLC (manifest.json): 34 distinct, 94 generated, depth 7.
  it.each(['bfs', 'dfs'] as const)('%s: holds with 34 distinct / 94 generated states', (strategy) => {
    const { result } = checkSpec(instantiate(tcommit).spec, { strategy });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(34);
    expect(result.stats.generated).toBe(94);
    if (strategy === 'bfs') expect(result.stats.depth).toBe(7);
  });

  // Reachable: no RM committed ({working, prepared, aborted}^n), or some committed and all in
  // {prepared, committed}: 3^n + 2^n - 1 states.
  it('RM=4 gives 3^4 + 2^4 - 1 = 96 distinct states', () => {
    const { result } = checkSpec(instantiate(tcommit, 'fixed', { RM: '4' }).spec);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(96);
  });

  // With RM symmetric a state is a multiset of RM states: at RM = n, C(n + 2, 2) with no RM
  // committed (multisets over {working, prepared, aborted}) plus n with k >= 1 committed and the
  // rest prepared: 10 + 3 = 13 at RM = 3, 15 + 4 = 19 at RM = 4.
  it.each([
    [3, 34, 13],
    [4, 96, 19],
  ])('RM=%i with symmetry: %i states fall into %i permutation classes', (RM, plain, classes) => {
    const spec = instantiate(tcommit, 'fixed', { RM }).spec;
    expect(checkSpec(spec).result.stats.distinct).toBe(plain);
    const { result } = checkSpec(spec, { reductions: { symmetry: true } });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(classes);
  });

  it('TCConsistent catches an abort decided after a commit (notCommitted dropped)', () => {
    const spec = instantiate(tcommit).spec;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) =>
        a.name === 'DecideAbort' ? { ...a, guard: (s: any, p: any) => ['working', 'prepared'].includes(s.rmState[p.rm]) } : a),
    };
    expect(checkSpec(broken).result.verdict).toMatchObject({ kind: 'violation', property: 'TCConsistent' });
  });

  it('has deadlock checking off, as TCommit.cfg (terminal states exist)', () => {
    const { result } = checkSpec(instantiate(tcommit).spec, { checkDeadlock: true });
    expect(result.verdict.kind).toBe('deadlock');
  });
});
