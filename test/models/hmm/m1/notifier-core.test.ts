import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { m1NotifierCore } from '../../../../models/hmm/m1/notifier-core';
import { labels, mutate, withInvariants } from '../support';

const spec = (consts: Record<string, string> = {}) => instantiate(m1NotifierCore, 'fixed', consts).spec;

describe('hmm/m1-notifier-core fixed (calibration)', () => {
  it('reports INV-REL1 violated: ->release runs from exit and from unregister (5 steps)', () => {
    const { result, trace } = checkSpec(spec(), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-REL1' });
    // U1 reads the node LINKED before E3 unlinks it, so both E2 and U3 call ->release.
    expect(labels(trace)).toEqual(['E.E1', 'E.E2', 'U.U1', 'U.U2', 'U.U3']);
    expect(trace!.steps.at(-1)!.state.relCount).toBe(2);
  });

  it('DFS reports the same calibration violation', () => {
    const { result, trace } = checkSpec(spec(), { strategy: 'dfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-REL1' });
    expect(labels(trace).filter((l) => l === 'E.E2' || l === 'U.U3')).toHaveLength(2);
  });

  it('every other invariant holds over the whole state space: 348 distinct / 838 generated in BFS and DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec({ checkRel1: 'false' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(348);
      expect(result.stats.generated).toBe(838);
    }
  });

  it('INV-NOSTALE can fail: if exit unlinks without calling ->release, reclaim frees a page the secondary MMU still maps', () => {
    const broken = mutate(spec({ checkRel1: 'false' }), 'E.E2', { effect: (d) => void (d.E[0].pc = 'E3') });
    const { result, trace } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    // The unlink hides the notifier from reclaim's invalidate dispatch (R2 skips it).
    expect(labels(trace)).toEqual(['E.E1', 'E.E2', 'E.E3', 'R.R1', 'R.R2', 'R.R3']);
  });

  it('INV-QUIESCE can fail: an unregister that does not unlink the node returns with callbacks to come', () => {
    const broken = mutate(spec({ checkRel1: 'false' }), 'U.U5', { guard: (s) => s.U[0].pc === 'U5', effect: (d) => void (d.U[0].pc = 'U6a') });
    const { result } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-QUIESCE' });
  });

  it('all three threads finish, and reclaim can free the page before exit', () => {
    const sp = spec({ checkRel1: 'false' });
    const reclaimFirst = checkSpec(withInvariants(sp, { NotFreedByReclaim: (s) => !(s.R[0].pc === 'done' && s.E[0].pc !== 'done') }));
    expect(labels(reclaimFirst.trace)).toEqual(['R.R1', 'R.R2', 'R.R3']);
    const allDone = checkSpec(withInvariants(sp, { NeverAllDone: (s) => !['E', 'U', 'R'].every((k) => s[k][0].pc === 'done') }));
    expect(allDone.result.verdict.kind).toBe('violation');
  });
});
