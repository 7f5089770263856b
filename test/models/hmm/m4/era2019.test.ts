import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { violatedInvariants } from '../../../../checker/testing';
import { m4Era2019 } from '../../../../models/hmm/m4/era2019';
import type { Spec } from '../../../../spec/spec';
import { isSubsequence, labels, replayLabels, withInvariants } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m4Era2019, variant, consts).spec;
const only = (sp: Spec, name: string): Spec => ({ ...sp, invariants: sp.invariants.filter((i) => i.name === name), checkDeadlock: false });

/** §2 H3 in M4-2019: F's snapshot, then the migration's invalidate_range_start / collect / _end, then nouveau programs the old page. */
const H3 = [
  'F.F0', 'F.NV1', 'F.NV2', 'F.NV2w', 'F.L2', 'F.L3',
  'Mig.M0', 'Mig.V1', 'Mig.V2', 'Mig.IS2', 'Mig.IS5', 'Mig.IS6',
  'F.NV4',
  'Mig.IS7', 'Mig.V3', 'Mig.CO2', 'Mig.COmig', 'Mig.VE1', 'Mig.VE2', 'Mig.IE2',
  'F.NV5', 'F.NV6',
];

describe('hmm/m4-2019 registration', () => {
  it('has the variants of hmm-domain.md for its era, each with its kernel reference', () => {
    expect(Object.keys(m4Era2019.variants)).toEqual([
      'fixed',
      'release-drops-mirrors-sem',
      'range-valid-not-sticky',
      'mmap-lock-ownership',
      'mutant-put-frees-without-grace-period',
      'mutant-unregister-calls-release',
      'mutant-collect-skips-folio-lock',
      'mutant-unmap-relocks-collected-page',
      'mutant-restore-pte-without-ref',
    ]);
    for (const v of Object.values(m4Era2019.variants)) expect(v.ref).toBeTruthy();
    // the era has no bug-free form for H3: `fixed` is expected to violate INV-NOSTALE
    expect(m4Era2019.variants.fixed!.expect).toEqual({ verdict: 'violation', property: 'INV-NOSTALE' });
  });

  it('runs the threads of M1–M3 under their own step labels', () => {
    const names = spec('fixed').actions.map((a) => a.name);
    expect(names).toEqual(
      expect.arrayContaining([
        // M1's mirror layer: exit's release, unregister, the invalidation dispatch
        'Exit.E1', 'Exit.E2', 'Exit.RL4', 'Exit.RL6', 'Exit.RL8a', 'Exit.E3', 'Exit.E4',
        'Unreg.MU1', 'Unreg.MU2', 'Unreg.MU3', 'Unreg.MF', 'free_notifier',
        'Mig.V1', 'Mig.V2', 'Mig.IS5', 'Mig.IS6', 'Mig.IS7', 'Mig.V3',
        // M2's range protocol: the nouveau fault, IS2 and IE2
        'F.NV1', 'F.NV2', 'F.NV2w', 'F.L2', 'F.L3', 'F.L4', 'F.NV3', 'F.NV4', 'F.NV5', 'F.NV6', 'F.NV7', 'F.NV8', 'Mig.IS2', 'Mig.IE2',
        // M3's pipeline
        'Mig.CO2', 'Mig.COmig', 'Mig.MG5', 'Mig.MG6', 'Mig.MG7', 'Mig.MG8', 'Mig.MG9', 'Mig.MG9d',
        // the harness
        'C.CX', 'F.F0', 'F.F10', 'F.L3w', 'Mig.M0', 'Mig.M10', 'Mig.VE1', 'Mig.VE3', 'Exit.Z2', 'Exit.Z3', 'Exit.Z4', 'Exit.Z5', 'Unreg.DZ',
      ]),
    );
    // v5.3's finalize_and_map leaves the device page table alone: no driver section MGdev in this era
    expect(names).not.toContain('Mig.MGdev');
    expect(spec('release-drops-mirrors-sem').actions.map((a) => a.name)).toEqual(expect.arrayContaining(['Exit.RL1a', 'Exit.RL5', 'Exit.RL7', 'Exit.RL8b', 'Mig.IS1a', 'Mig.IE1a', 'Mig.IE3', 'Mig.EFR1', 'Unreg.FR1']));
  });
});

describe('hmm/m4-2019 release-drops-mirrors-sem (H2)', () => {
  const H2 = ['C.CX', 'Exit.E1', 'Exit.E2', 'Exit.RL1a', 'Exit.RL4', 'Exit.RL5', 'F.F0', 'Mig.M0', 'Unreg.DZ', 'Unreg.MU1', 'Unreg.MU2', 'Unreg.MU3', 'Unreg.MF', 'Exit.RL6'];

  it('BFS: exit takes the mirror off the list and drops mirrors_sem, the close unregisters and frees it, ->release runs on it — INV-UAF-M in 14 steps', () => {
    const { result, trace } = checkSpec(spec('release-drops-mirrors-sem'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-M' });
    expect(labels(trace)).toEqual(H2);
    // the doc's order (§2 H2): RL4, RL5, MU2, MU3, kfree, RL6
    expect(isSubsequence(['Exit.RL4', 'Exit.RL5', 'Unreg.MU2', 'Unreg.MU3', 'Unreg.MF', 'Exit.RL6'], labels(trace))).toBe(true);
    const last = trace!.steps.at(-1)!.state;
    expect(last.err).toBe('UAF_MIRROR');
    expect(last.hmm.freed).toBe(false); // exit still holds its hmm reference
  });

  it('fixed: hmm_release holds mirrors_sem for read across the loop, so the unregister waits for ->release', () => {
    expect(() => replayLabels(spec('fixed'), ['C.CX', 'Exit.E1', 'Exit.E2', 'Exit.RL4', 'F.F0', 'Mig.M0', 'Unreg.DZ', 'Unreg.MU1', 'Unreg.MU2', 'Unreg.MU2'])).toThrow('Unreg.MU2 is not enabled after 9 steps');
    const states = replayLabels(spec('fixed'), ['C.CX', 'Exit.E1', 'Exit.E2', 'Exit.RL4', 'F.F0', 'Mig.M0', 'Unreg.DZ', 'Unreg.MU1', 'Unreg.MU2', 'Exit.RL6', 'Exit.RL8a', 'Unreg.MU2', 'Unreg.MU3', 'Unreg.MF']);
    expect(states.at(-1)).toMatchObject({ err: null, mirror: [{ rel: 1, freed: true }] });
  });
});

describe('hmm/m4-2019 range-valid-not-sticky (H3; the era has no fix)', () => {
  it.each(['range-valid-not-sticky', 'fixed'])('%s: BFS finds nouveau programming the page under migration — INV-NOSTALE in 22 steps', (variant) => {
    const { result, trace } = checkSpec(spec(variant), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    expect(labels(trace)).toEqual(H3);
    // the doc's order (§2 H3): snapshot; IS2 (valid := false); zap; the PTE change; IE2 (valid := true); NV5; NV6
    expect(isSubsequence(['F.L3', 'Mig.IS2', 'Mig.IS6', 'Mig.CO2', 'Mig.IE2', 'F.NV5', 'F.NV6'], labels(trace))).toBe(true);
    const st = trace!.steps.map((s) => s.state);
    expect(st[10].range.valid).toBe(false); // IS2
    expect(st[20].range.valid).toBe(true); // IE2 re-validates
    expect(st.at(-1)).toMatchObject({ pte: { kind: 'migration', pfn: 'S0' }, devPte: 'S0', err: null });
  });

  it('run on, the stale mapping outlives the migration: the device maps the freed S0 (INV-TEARDOWN, 28 steps)', () => {
    const { result, trace } = checkSpec(only(spec('fixed'), 'INV-TEARDOWN'), { liveness: false });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-TEARDOWN' });
    expect(labels(trace)).toHaveLength(28);
    expect(labels(trace).slice(-2)).toEqual(['Mig.MG8', 'Mig.MG9']);
    expect(trace!.steps.at(-1)!.state).toMatchObject({ devPte: 'S0', pte: { kind: 'devpriv', pfn: 'D0' }, page: { S0: { freed: true } } });
  });
});

describe('hmm/m4-2019 mmap-lock-ownership (H4)', () => {
  it('BFS: the migration invalidates the range, hmm_range_fault up_reads MMAP, nouveau passes -EAGAIN on, NV8 up_reads again — INV-MMAPOWN in 11 steps', () => {
    const { result, trace } = checkSpec(spec('mmap-lock-ownership'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-MMAPOWN' });
    expect(labels(trace)).toEqual(['F.F0', 'F.NV1', 'F.NV2', 'F.NV2w', 'Mig.M0', 'Mig.V1', 'Mig.V2', 'Mig.IS2', 'F.L2', 'F.NV3', 'F.NV8']);
    // the doc's order (§2 H4): NV1; register + wait; valid := false; L2 up_read; NV3; NV8
    expect(isSubsequence(['F.NV1', 'F.NV2', 'F.NV2w', 'Mig.IS2', 'F.L2', 'F.NV3', 'F.NV8'], labels(trace))).toBe(true);
    expect(trace!.steps.at(-1)!.state.err).toBe('MMAP_UNLOCK_NOT_HELD');
  });
});

describe('hmm/m4-2019 fixed', () => {
  it('violates only what H3 implies (INV-NOSTALE, then INV-TEARDOWN): the H2 and H4 fixes hold with the fault and the migration running', () => {
    expect(violatedInvariants(spec('fixed'))).toEqual(['INV-NOSTALE', 'INV-TEARDOWN']);
  });

  it('without the device fault (no H3) it holds: 319 distinct / 570 generated states in BFS and DFS, and every thread terminates', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', { fault: 'false' }), { strategy });
      expect(result.verdict.kind, strategy).toBe('holds');
      expect(result.stats.distinct).toBe(319);
      expect(result.stats.generated).toBe(570);
    }
    expect(spec('fixed').liveness.map((l) => l.name)).toEqual(['LIVE-TERMINATION']);
  });

  it('is not vacuous: ->release runs, the notifier is freed after the grace period, the close can come first, F waits on the migration entry', () => {
    const reach = (sp: Spec, name: string, p: (s: any) => boolean) => {
      const { result, trace } = checkSpec(withInvariants(sp, { [name]: (s) => !p(s) }), { liveness: false });
      expect(result.verdict, name).toMatchObject({ kind: 'violation', property: name });
      return labels(trace);
    };
    const noFault = spec('fixed', { fault: 'false' });
    expect(reach(noFault, '->release on the mirror', (s) => s.mirror[0].rel === 1)).toEqual(['C.CX', 'Exit.E1', 'Exit.E2', 'Exit.RL4', 'Exit.RL6']);
    expect(reach(noFault, 'hmm freed', (s) => s.hmm.freed).at(-1)).toBe('free_notifier');
    reach(noFault, 'unregistered before exit: no ->release due', (s) => s.Exit[0].pc === 'done' && !s.relDue && s.mirror[0].rel === 0);
    reach(noFault, 'exit frees D0 through the zap', (s) => s.Exit[0].pc === 'done' && s.page.D0.freed && s.Mig[0].pc === 'done');
    const sp = spec('fixed');
    reach(sp, 'L3 meets a migration entry', (s) => s.F[0].pc === 'L3w');
    reach(sp, 'NV2w waits for a valid range', (s) => s.F[0].pc === 'NV2w' && !s.range.valid);
    reach(sp, 'NV5 sees an invalid range and retries', (s) => s.F[0].pc === 'NV5' && !s.range.valid);
  });
});

describe('hmm/m4-2019: each bug variant violates only what the doc says (and H3, which the era always has)', () => {
  it.each([
    ['release-drops-mirrors-sem', ['INV-UAF-M', 'INV-NOSTALE', 'INV-TEARDOWN', 'INV-RELEASE-ONCE', 'INV-NOERR']],
    ['mmap-lock-ownership', ['INV-MMAPOWN', 'INV-NOSTALE', 'INV-TEARDOWN', 'INV-NOERR']],
  ] as const)('%s: %o', (variant, invs) => {
    expect(violatedInvariants(spec(variant))).toEqual(invs);
  });
});
