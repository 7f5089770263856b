import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { m1Mirror2015 } from '../../../../models/hmm/m1/mirror-2015';
import { isSubsequence, labels, mutate, replayLabels, withInvariants } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m1Mirror2015, variant, consts).spec;

describe('hmm/m1-mirror-2015 v8-unregister-race (H1)', () => {
  it('BFS finds the device use-after-free in the mutex-unlock slow path in 17 steps, following the review mail', () => {
    const { result, trace } = checkSpec(spec('v8-unregister-race'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-D' });
    // hmm-domain.md §2 H1's 16 steps (minus the blocked K1 attempt, which BFS does not need),
    // plus E1: Exit's release runs inside __mmu_notifier_release's SRCU read section.
    expect(labels(trace)).toEqual([
      'Exit.E1',
      'Exit.X1', 'Exit.X2', 'Exit.X3',
      'Unreg.K1', 'Unreg.K2', 'Unreg.K3', 'Unreg.K5',
      'Exit.X4', 'Exit.X5', 'Exit.X6', 'Exit.X7a',
      'Unreg.DV1', 'Unreg.DV2', 'Unreg.DV3', 'Unreg.DVfree',
      'Exit.X7b',
    ]);
    const last = trace!.steps.at(-1)!.state;
    expect(last.err).toBe('UAF_DEV');
    expect(last.dev.freed).toBe(true);
    // Unregister returned (K5) before Exit's final unref (X4) ran hmm_mirror_destroy.
    expect(trace!.steps[8]!.state.mirror.count).toBe(1);
  });

  it('DFS finds the same violation, with the key steps in the same thread order', () => {
    const { result, trace } = checkSpec(spec('v8-unregister-race'), { strategy: 'dfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-D' });
    expect(isSubsequence(['Unreg.K5', 'Exit.X4', 'Exit.X7a', 'Unreg.DV1', 'Unreg.DVfree', 'Exit.X7b'], labels(trace))).toBe(true);
    expect(labels(trace).at(-1)).toBe('Exit.X7b');
  });

  it("the review's exact interleaving (A's K1 blocks on B's HRW first) replays to the same use-after-free", () => {
    const states = replayLabels(spec('v8-unregister-race'), [
      'Exit.E1', 'Exit.X1', 'Unreg.K1' /* blocks: registers as a waiting writer */, 'Exit.X2', 'Exit.X3',
      'Unreg.K1' /* acquires */, 'Unreg.K2', 'Unreg.K3', 'Unreg.K5', 'Exit.X4', 'Exit.X5', 'Exit.X6', 'Exit.X7a',
      'Unreg.DV1', 'Unreg.DV2', 'Unreg.DV3', 'Unreg.DVfree', 'Exit.X7b',
    ]);
    expect(states[3].hrw.waiting).toEqual(new Set(['Unreg']));
    expect(states[6].hrw.writer).toBe('Unreg');
    expect(states.at(-1).err).toBe('UAF_DEV');
  });

  it('with INV-QUIESCE on, the first symptom is reported: unregister returns while Exit holds the mirror (8 steps)', () => {
    const { result, trace } = checkSpec(spec('v8-unregister-race', { checkQuiesce: 'true' }), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-QUIESCE' });
    expect(labels(trace)).toEqual(['Exit.E1', 'Exit.X1', 'Exit.X2', 'Exit.X3', 'Unreg.K1', 'Unreg.K2', 'Unreg.K3', 'Unreg.K5']);
  });
});

describe('hmm/m1-mirror-2015 fixed (unregister waits for an SRCU grace period)', () => {
  it.each([[{}], [{ checkQuiesce: 'true' }]])('holds with 142 distinct / 230 generated states in BFS and DFS %o', (consts) => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', consts), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(142);
      expect(result.stats.generated).toBe(230);
    }
  });

  it('the grace period is what saves it: a KS2 that does not wait brings the use-after-free back', () => {
    const broken = mutate(spec('fixed'), 'Unreg.KS2', {
      guard: (s) => s.Unreg[0].pc === 'KS2',
      effect: (d) => {
        d.srcu.target.Unreg = null;
        d.Unreg[0].pc = d.Unreg[0].unlinked ? 'K4' : 'K5';
      },
    });
    const { result, trace } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-D' });
    expect(labels(trace).at(-1)).toBe('Exit.X7b');
  });

  it('is not vacuous: the device is freed, and the mirror is always destroyed by unregister itself', () => {
    const sp = spec('fixed');
    const freed = checkSpec(withInvariants(sp, { DeviceNeverFreed: (s) => !s.dev.freed }));
    expect(labels(freed.trace).at(-1)).toBe('Unreg.DVfree');
    // With the grace period Exit can never drop the last mirror reference: unregister's final
    // unref (K5) always runs hmm_mirror_destroy, so it returns only once the mirror is gone …
    const exitDestroys = (s: any) => s.Exit[0].pc === 'X5';
    expect(checkSpec(withInvariants(sp, { ExitNeverDestroys: (s) => !exitDestroys(s) })).result.verdict.kind).toBe('holds');
    const byUnreg = checkSpec(withInvariants(sp, { UnregNeverDestroys: (s) => s.Unreg[0].pc !== 'X5' }));
    expect(byUnreg.result.verdict.kind).toBe('violation');
    // … whereas in v8 Exit does reach hmm_mirror_destroy.
    const v8 = checkSpec(withInvariants(spec('v8-unregister-race'), { ExitNeverDestroys: (s) => !exitDestroys(s) }));
    expect(labels(v8.trace).at(-1)).toBe('Exit.X4');
  });
});
