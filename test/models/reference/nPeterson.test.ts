import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { nPeterson } from '../../../models/reference/nPeterson';

// Murphi's "rules fired" excludes the start state; our generated count (TLC's) includes it.
// n_peterson.m has exactly one start state.
const INITIAL_STATES = 1;

describe('reference/n-peterson (CMurphi ex/mux/n_peterson.m, symmetry off)', () => {
  // n_peterson.m's notes (BFS -nosym) and rumur: 882 states, 2646 rules fired.
  it.each(['bfs', 'dfs'] as const)('N=3 %s: holds with 882 distinct / 2646 + 1 generated states', (strategy) => {
    const { result } = checkSpec(instantiate(nPeterson, 'fixed', { N: 3 }).spec, { strategy });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(882);
    expect(result.stats.generated).toBe(2646 + INITIAL_STATES);
  });

  // rumur --symmetry-reduction off: 22281 states, 89124 rules fired.
  it('N=4 bfs: holds with 22281 distinct / 89124 + 1 generated states', () => {
    const { result } = checkSpec(instantiate(nPeterson, 'fixed', { N: 4 }).spec);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(22281);
    expect(result.stats.generated).toBe(89124 + INITIAL_STATES);
  });

  // n_peterson.m's notes (BFS -nosym) and rumur: 628868 states, 3144340 rules fired.
  it('N=5 bfs: holds with 628868 distinct / 3144340 + 1 generated states', () => {
    const { result } = checkSpec(instantiate(nPeterson, 'fixed', { N: 5 }).spec, { strategy: 'bfs' });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(628868);
    expect(result.stats.generated).toBe(3144340 + INITIAL_STATES);
  }, 600_000);

  it('MutualExclusion catches a wait that lets a process through unconditionally', () => {
    const spec = instantiate(nPeterson, 'fixed', { N: 3 }).spec;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) =>
        a.name === 'executeWaitUntil'
          ? {
              ...a,
              effect: (d: any, p: any) => {
                const j = d.localj[p.i];
                d.localj[p.i] = j + 1;
                d.P[p.i] = j + 1 < 3 ? 'L1' : 'L4';
              },
            }
          : a,
      ),
    };
    expect(checkSpec(broken).result.verdict).toMatchObject({ kind: 'violation', property: 'MutualExclusion' });
  });
});
