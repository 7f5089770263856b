import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { m1Mirror2019 } from '../../../../models/hmm/m1/mirror-2019';
import { isSubsequence, labels, mutate, withInvariants } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m1Mirror2019, variant, consts).spec;

/** hmm-domain.md §2 H2, with Exit's entry into hmm_release (E1, E2, RL1a = container_of + kref_get_unless_zero) and MU1 in front. */
const H2 = [
  'Exit.E1', 'Exit.E2', 'Exit.RL1a',
  'Exit.RL4', 'Exit.RL5',
  'Unreg0.MU1', 'Unreg0.MU2', 'Unreg0.MU3', 'Unreg0.MF',
  'Exit.RL6',
];

describe('hmm/m1-mirror-2019 release-drops-mirrors-sem (H2)', () => {
  it.each([[{}], [{ mirrors: '1', inv: 'false' }]])('BFS finds the mirror use-after-free in ->release in 10 steps %o', (consts) => {
    const { result, trace } = checkSpec(spec('release-drops-mirrors-sem', consts), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-M' });
    expect(labels(trace)).toEqual(H2);
    const last = trace!.steps.at(-1)!.state;
    expect(last.err).toBe('UAF_MIRROR');
    expect(last.mirror[0].freed).toBe(true);
    // Exit still holds its hmm reference: the hmm itself is alive.
    expect(last.hmm.freed).toBe(false);
  });

  it('DFS finds the same violation; the unregister completes between RL5 and RL6', () => {
    const { result, trace } = checkSpec(spec('release-drops-mirrors-sem'), { strategy: 'dfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-M' });
    expect(labels(trace).at(-1)).toBe('Exit.RL6');
    const l = labels(trace);
    const who = l.filter((x) => x.endsWith('.MF')).at(-1)!.split('.')[0]!;
    expect(isSubsequence(['Exit.RL5', `${who}.MU2`, `${who}.MF`, 'Exit.RL6'], l)).toBe(true);
  });

  it('with INV-QUIESCE on, unregister returning during the callback is reported first (8 steps)', () => {
    const { result, trace } = checkSpec(spec('release-drops-mirrors-sem', { checkQuiesce: 'true' }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-QUIESCE' });
    expect(labels(trace)).toEqual(H2.slice(0, 8));
  });
});

describe('hmm/m1-mirror-2019 mm-get-hmm-use-after-free (6d7c3cde93c1)', () => {
  /** The race of 6d7c3cde93c1's commit message: mm_get_hmm's two lock-free reads straddle hmm_free. */
  const UAF = ['Unreg0.MU1', 'Unreg0.MU2', 'Unreg0.MU3', 'Inv.V1', 'Inv.V2', 'Unreg0.FR1', 'Inv.IS1a', 'Unreg0.FR2', 'Unreg0.FR3', 'Inv.IS1b'];

  it('BFS finds kref_get_unless_zero on the freed hmm: READ_ONCE(mm->hmm) before hmm_free, the kref after its kfree (10 steps, one mirror)', () => {
    const { result, trace } = checkSpec(spec('mm-get-hmm-use-after-free', { mirrors: '1' }), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-H' });
    expect(labels(trace)).toEqual(UAF);
    expect(trace!.steps.at(-1)!.state.hmm.freed).toBe(true);
  });

  it('at the default constants the last of two unregisters frees the hmm (13 steps)', () => {
    const { result, trace } = checkSpec(spec('mm-get-hmm-use-after-free'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-H' });
    expect(labels(trace)).toHaveLength(13);
    expect(labels(trace).slice(-4)).toEqual(['Inv.IS1a', 'Unreg1.FR2', 'Unreg1.FR3', 'Inv.IS1b']);
  });

  it('merging mm_get_hmm into one step (as the model did before the lint audit) hides it: the same code then holds', () => {
    const merged = mutate(spec('mm-get-hmm-use-after-free', { mirrors: '1' }), 'Inv.IS1a', {
      effect: (d: any) => {
        // READ_ONCE(mm->hmm) and kref_get_unless_zero in one atomic step
        if (!d.mmHmm || d.hmm.count === 0) d.Inv[0].pc = 'V3';
        else {
          d.hmm.count++;
          d.Inv[0].pc = 'IS5';
        }
      },
    });
    expect(checkSpec(merged).result.verdict.kind).toBe('holds');
  });
});

describe('hmm/m1-mirror-2019 fixed (MSEM held across the release loop; get/put lifetime)', () => {
  it.each([
    [{}, 3965, 12231],
    [{ checkQuiesce: 'true' }, 3965, 12231],
    [{ mirrors: '1', inv: 'false' }, 72, 122],
  ])('holds; BFS and DFS agree %o: %i distinct / %i generated', (consts, distinct, generated) => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', consts), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(distinct);
      expect(result.stats.generated).toBe(generated);
    }
  });

  it('the grace period matters: freeing the notifier without waiting for SRCU readers is an hmm use-after-free', () => {
    const broken = mutate(spec('fixed'), 'free_notifier', {
      guard: (s) => s.srcu.pending.free_notifier !== null,
      effect: (d) => {
        d.srcu.pending.free_notifier = null;
        d.hmm.freed = true;
      },
    });
    const { result, trace } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-H' });
    expect(labels(trace)).toContain('free_notifier');
  });

  it('is not vacuous: every mirror is released by exit in some run, and the hmm is freed after the last put', () => {
    const sp = spec('fixed');
    const released = checkSpec(withInvariants(sp, { NoMirrorReleased: (s) => s.mirror.every((m: any) => m.rel === 0) }));
    expect(labels(released.trace).at(-1)).toBe('Exit.RL6');
    const freed = checkSpec(withInvariants(sp, { HmmNeverFreed: (s) => !s.hmm.freed }));
    expect(labels(freed.trace).at(-1)).toBe('free_notifier');
    expect(isSubsequence(['Unreg0.MU3', 'Unreg1.MU3', 'free_notifier'], labels(freed.trace)) || isSubsequence(['Unreg1.MU3', 'Unreg0.MU3', 'free_notifier'], labels(freed.trace))).toBe(true);
  });
});
