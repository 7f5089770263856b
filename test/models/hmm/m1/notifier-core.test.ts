import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { m1NotifierCore } from '../../../../models/hmm/m1/notifier-core';
import { labels, mutate, withInvariants } from '../support';

const spec = (consts: Record<string, string> = {}) => instantiate(m1NotifierCore, 'fixed', consts).spec;

describe('hmm/m1-notifier-core fixed (calibration)', () => {
  it('reports INV-REL1 violated: ->release runs from exit and from unregister (6 steps)', () => {
    const { result, trace } = checkSpec(spec(), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-REL1' });
    // U1 reads the node LINKED before E3 unlinks it, so both E2r and U3 call ->release.
    expect(labels(trace)).toEqual(['E.E1', 'E.E2', 'E.E2r', 'U.U1', 'U.U2', 'U.U3']);
    expect(trace!.steps.at(-1)!.state.relCount).toBe(2);
  });

  it('DFS reports the same calibration violation', () => {
    const { result, trace } = checkSpec(spec(), { strategy: 'dfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-REL1' });
    expect(labels(trace).filter((l) => l === 'E.E2r' || l === 'U.U3')).toHaveLength(2);
  });

  it('every other invariant holds over the whole state space: 698 distinct / 1700 generated in BFS and DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec({ checkRel1: 'false' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(698);
      expect(result.stats.generated).toBe(1700);
    }
  });

  it('INV-NOSTALE can fail: if exit unlinks without calling ->release, reclaim frees a page the secondary MMU still maps', () => {
    const broken = mutate(spec({ checkRel1: 'false' }), 'E.E2', { effect: (d) => void (d.E[0].pc = 'E3') });
    const { result, trace } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    // Nothing dropped the secondary MMU's mapping, and exit_mmap frees the page after its grace period.
    expect(labels(trace)).toEqual(['E.E1', 'E.E2', 'E.E3', 'E.E4', 'E.E5a', 'E.E5b', 'E.E6']);
  });

  it('INV-QUIESCE can fail: an unregister that does not unlink the node returns with callbacks to come', () => {
    const broken = mutate(spec({ checkRel1: 'false' }), 'U.U5', { guard: (s) => s.U[0].pc === 'U5', effect: (d) => void (d.U[0].pc = 'U6a') });
    const { result } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-QUIESCE' });
  });

  it('the invalidate dispatch is an SRCU read section: a V2 that read the node LINKED holds off the synchronize_srcu of exit and unregister', () => {
    const sp = spec({ checkRel1: 'false' });
    // Reclaim reads LINKED, exit releases, unlinks and reaches E5b only after reclaim's V3.
    const r = checkSpec(withInvariants(sp, { ExitFreesDuringCallback: (s) => !(s.R[0].pc === 'V2cb' && s.E[0].pc === 'E6') }));
    expect(r.result.verdict.kind).toBe('holds');
    // Without the read section (V1/V3 skip the lock), U6's synchronize_srcu does not wait for
    // reclaim: unregister returns while reclaim, having read the node LINKED, is about to call back.
    const noSection = mutate(mutate(sp, 'R.V1', { effect: (d) => void (d.R[0].pc = 'V2') }), 'R.V3', { effect: (d) => void (d.R[0].pc = 'R3') });
    const nr = checkSpec(noSection);
    expect(nr.result.verdict).toMatchObject({ kind: 'violation', property: 'INV-QUIESCE' });
    expect(labels(nr.trace)).toEqual(['U.U1', 'U.U2', 'U.U3', 'U.U4', 'R.R1', 'R.V1', 'R.V2', 'U.U5', 'U.U6a', 'U.U6b']);
  });

  it('all three threads finish, and reclaim can free the page before exit', () => {
    const sp = spec({ checkRel1: 'false' });
    const reclaimFirst = checkSpec(withInvariants(sp, { NotFreedByReclaim: (s) => !(s.R[0].pc === 'done' && s.E[0].pc !== 'done') }));
    expect(labels(reclaimFirst.trace)).toEqual(['R.R1', 'R.V1', 'R.V2', 'R.V2cb', 'R.V3', 'R.R3']);
    const allDone = checkSpec(withInvariants(sp, { NeverAllDone: (s) => !['E', 'U', 'R'].every((k) => s[k][0].pc === 'done') }));
    expect(allDone.result.verdict.kind).toBe('violation');
  });
});
