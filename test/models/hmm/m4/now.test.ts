import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { lintSpec } from '../../../../checker/lint/audit';
import { violatedInvariants } from '../../../../checker/testing';
import { instantiate } from '../../../../checker/model/instantiate';
import { m4Models } from '../../../../models/hmm/m4';
import { m4Now } from '../../../../models/hmm/m4/now';
import type { Spec } from '../../../../spec/spec';
import { isSubsequence, labels, mutate, replayLabels, withInvariants } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m4Now, variant, consts).spec;
/** Only the invariant `name` (and no deadlock check): does the variant violate it, and how soon? */
const only = (sp: Spec, name: string): Spec => ({ ...sp, invariants: sp.invariants.filter((i) => i.name === name), checkDeadlock: false });

/** Mig's migration of a to D0 (M0, M2's invalidation around M3's collect CO1–COmig, M3's unmap … finalize). */
const MIGRATE_TO_D0 = ['Mig.M0', 'Mig.I1', 'Mig.I2a', 'Mig.I2b', 'Mig.I2c', 'Mig.CO1', 'Mig.CO2', 'Mig.COmig', 'Mig.I4a', 'Mig.I4b', 'Mig.I4c', 'Mig.I4d', 'Mig.CO5', 'Mig.MG5', 'Mig.MG6', 'Mig.MG7', 'Mig.MGdev', 'Mig.MG8'];

describe('hmm/m4-now registration', () => {
  it('exports both M4 models; m4-now has the variants of hmm-domain.md for its era, each with its kernel reference', () => {
    expect(m4Models.map((m) => m.name)).toEqual(['hmm/m4-2019', 'hmm/m4-now']);
    expect(Object.keys(m4Now.variants)).toEqual([
      'fixed',
      'swap-fault-no-page-ref',
      'interval-remove-lockless-wait',
      'mutant-collect-skips-folio-lock',
      'mutant-unmap-relocks-collected-page',
      'mutant-restore-pte-without-ref',
      'mutant-driver-skips-copy',
      'mutant-fault-skips-read-retry',
      'mutant-retry-unlocks-mmap-twice',
      'mutant-release-walk-skips-first',
      'mutant-unbind-frees-mapped-device-page',
    ]);
    for (const v of Object.values(m4Now.variants)) expect(v.ref).toBeTruthy();
    expect(m4Now.source).toMatch(/hmm-domain\.md/);
  });

  it('runs the threads of M1–M3 under their own step labels', () => {
    const names = spec('fixed').actions.map((a) => a.name);
    expect(names).toEqual(
      expect.arrayContaining([
        // M2's interval-notifier protocol: F's loop, Exit's release invalidation, Mig's collect invalidation, Unreg's removal
        'F.RD1', 'F.RD2', 'F.F3', 'F.HF1', 'F.HF2', 'F.F5', 'F.F6', 'F.F7', 'F.F8', 'F.F9',
        'Exit.I1', 'Exit.I2a', 'Exit.I2b', 'Exit.I2c', 'Exit.I4a', 'Exit.I4b', 'Exit.I4c', 'Exit.I4d',
        'Mig.I1', 'Mig.I4d', 'Unreg.Y1', 'Unreg.Y2', 'Unreg.Y3',
        // M3's pipeline, CPU fault and eviction
        'Mig.CO1', 'Mig.CO2', 'Mig.COmig', 'Mig.MG5', 'Mig.MG6', 'Mig.MG7', 'Mig.MGdev', 'Mig.MG8', 'Mig.MG9', 'Mig.MG9d',
        'C.C0', 'C.CF', 'C.Cptl', 'C.Cwait', 'C.Cmig', 'C.CO2', 'C.COmig', 'C.Cunl',
        'Ev.lock', 'Ev.unmap', 'Ev.rput', 'Ev.copy', 'Ev.pages', 'Ev.final', 'Ev.unlock', 'Ev.unlockd', 'Ev.memunmap',
        // the harness; exit's zap of a (M3's Z2–Z5)
        'C.CX', 'F.F0', 'F.F10', 'Mig.M0', 'Mig.M10', 'Exit.X0', 'Exit.Z2', 'Exit.Z3', 'Exit.Z4', 'Exit.Z5', 'Unreg.DZ',
        // M2's invalidation around every PTE change: C's migrate-to-RAM collect, Ev's try_to_migrate, exit's unmap_vmas
        'C.I1', 'C.I2a', 'C.I2b', 'C.I2c', 'C.I4a', 'C.I4b', 'C.I4c', 'C.I4d',
        'Ev.I1', 'Ev.I2a', 'Ev.I2b', 'Ev.I2c', 'Ev.I4a', 'Ev.I4b', 'Ev.I4c', 'Ev.I4d',
        'Exit.XI1', 'Exit.XI2a', 'Exit.XI2b', 'Exit.XI2c', 'Exit.XI4a', 'Exit.XI4b', 'Exit.XI4c', 'Exit.XI4d',
      ]),
    );
    // Exit's release invalidation changes no PTE: M2's I3 is left out.
    expect(names).not.toContain('Exit.I3');
  });
});

describe('hmm/m4-now swap-fault-no-page-ref (H9)', () => {
  /** Ev's try_to_migrate inside its invalidation (range_start, the driver's callback, the PTE change, range_end). */
  const EVICT_UNMAP = ['Ev.I1', 'Ev.I2a', 'Ev.I2b', 'Ev.I2c', 'Ev.unmap', 'Ev.I4a', 'Ev.I4b', 'Ev.I4c', 'Ev.I4d'];
  // C's MMU access meets the cleared PTE while collect holds the PTL (C.C0 → CF), and faults once finalize is done
  const H9 = [...MIGRATE_TO_D0.slice(0, 8), 'C.C0', ...MIGRATE_TO_D0.slice(8), 'C.CF', 'Mig.MG9', 'Mig.MG9d', 'Ev.lock', ...EVICT_UNMAP, 'Ev.copy', 'Ev.pages', 'Ev.final', 'Ev.unlock', 'C.Cmig'];

  it('BFS: the migration maps a to D0, C reads the entry without a reference, the unbind frees D0, migrate_to_ram runs on it — INV-PGMAP in 37 steps', () => {
    const { result, trace } = checkSpec(spec('swap-fault-no-page-ref'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-PGMAP' });
    expect(labels(trace)).toEqual(H9);
    // the doc's order (§2 H9): C reads orig_pte; E locks, unmaps, copies, finalizes, frees D0; C calls migrate_to_ram
    expect(isSubsequence(['C.CF', 'Ev.lock', 'Ev.unmap', 'Ev.copy', 'Ev.final', 'Ev.unlock', 'C.Cmig'], labels(trace))).toBe(true);
    const st = trace!.steps.map((s) => s.state);
    expect(st[20].C[0]).toMatchObject({ pc: 'Cmig', fp: 'D0', hold: { D0: 0 } }); // no reference taken
    expect(st.at(-2).page.D0.freed).toBe(true); // page_free
    expect(st.at(-1).err).toBe('UAF_PGMAP');
  });

  it('fixed: the same interleaving refaults (pte_same fails under the PTL) and the run ends cleanly', () => {
    const states = replayLabels(spec('fixed'), [...H9.slice(0, 36), 'C.Cptl', 'C.C0', 'C.CX', 'Mig.M10']);
    expect(states[37].C[0].pc).toBe('C0'); // Cptl: the entry changed → refault
    expect(states.at(-1).err).toBeNull();
    expect(states.at(-1).mmUsers).toBe(0);
  });
});

describe('hmm/m4-now interval-remove-lockless-wait (H11)', () => {
  const H11 = ['C.C0', 'C.CX', 'Exit.X0', 'Exit.I1', 'Exit.I2a', 'Exit.I2b', 'Exit.I2c', 'F.F0', 'Mig.M0', 'Unreg.DZ', 'Unreg.Y1', 'Exit.I4a', 'Exit.I4b', 'Unreg.Y2', 'Unreg.Y3'];

  it("BFS: the driver's close removes sF while exit's RELEASE invalidation is in flight, Y2 sees the seq++ of I4 and the caller frees sF still in the tree — INV-SUBFREE in 15 steps", () => {
    const { result, trace } = checkSpec(spec('interval-remove-lockless-wait'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-SUBFREE' });
    expect(labels(trace)).toEqual(H11);
    // the doc's order (§2 H11): I1 makes seq odd; Y1 defers; I4 active 0, seq++; Y2 passes; the free
    expect(isSubsequence(['Exit.I1', 'Unreg.Y1', 'Exit.I4a', 'Exit.I4b', 'Unreg.Y2', 'Unreg.Y3'], labels(trace))).toBe(true);
    const last = trace!.steps.at(-1)!.state;
    expect(last.sub.F).toMatchObject({ freed: true, inTree: true, deferred: true });
    expect(last.subs.lock.owner).toBe('Exit');
    expect(last.rel).toBe(1); // the RELEASE callback ran before the removal
  });

  it("I4's deferred processing then touches the freed subscription; with the fix Y2 waits until I4 unlocks", () => {
    expect(replayLabels(spec('interval-remove-lockless-wait'), [...H11, 'Exit.I4c']).at(-1).err).toBe('UAF_SUB');
    expect(() => replayLabels(spec('fixed'), H11)).toThrow('Unreg.Y2 is not enabled after 13 steps');
    // unmap_vmas then finds no subscription: range_start leaves seq even and goes straight to the zap
    const fixed = replayLabels(spec('fixed'), [...H11.slice(0, 13), 'Exit.I4c', 'Exit.I4d', 'Unreg.Y2', 'Unreg.Y3', 'Exit.XI1', 'Exit.Z2', 'Exit.Z3', 'Exit.Z4', 'Exit.Z5', 'Exit.XI4a']);
    expect(fixed.at(-1).sub.F).toMatchObject({ freed: true, inTree: false, deferred: false });
    expect(fixed.at(-1).err).toBeNull();
  });

  it("the unbind's try_to_migrate invalidation opens the same window (at step granularity): Y2 passes at Ev's I4b, Ev's I4c touches the freed sF", () => {
    const viaEv = ['C.C0', 'Mig.M0', 'C.CX', ...MIGRATE_TO_D0.slice(1), 'Mig.MG9', 'Mig.MG9d', 'Mig.M10', 'F.F0', 'Unreg.DZ', 'Ev.lock', 'Ev.I1', 'Unreg.Y1', 'Ev.I2a', 'Ev.I2b', 'Ev.I2c', 'Ev.unmap', 'Ev.I4a', 'Ev.I4b', 'Unreg.Y2', 'Unreg.Y3', 'Ev.I4c'];
    const states = replayLabels(spec('interval-remove-lockless-wait'), viaEv);
    expect(states.at(-2).sub.F).toMatchObject({ freed: true, inTree: true, deferred: true });
    expect(states.at(-1).err).toBe('UAF_SUB');
    expect(() => replayLabels(spec('fixed'), viaEv)).toThrow('Unreg.Y2 is not enabled after 34 steps');
  });
});

describe('hmm/m4-now fixed', () => {
  // DFS visits the same states: test/models/registry.test.ts checks that for every holding variant.
  it('holds with 32,251 distinct / 89,879 generated states, and every thread terminates under weak fairness per thread (LIVE-TERMINATION)', () => {
    const sp = spec('fixed');
    expect(sp.liveness.map((l) => l.name)).toEqual(['LIVE-TERMINATION']);
    const { result } = checkSpec(sp);
    expect(result.verdict.kind).toBe('holds');
    expect([result.stats.distinct, result.stats.generated, result.stats.edges]).toEqual([32_251, 89_879, 89_878]);
  });

  it('is not vacuous: faults map pages and retry, invalidations overlap faults and removals, teardown releases, unbind evicts', () => {
    const sp = spec('fixed');
    const reach = (name: string, p: (s: any) => boolean) => {
      const { result, trace } = checkSpec(withInvariants(sp, { [name]: (s) => !p(s) }), { liveness: false });
      expect(result.verdict, name).toMatchObject({ kind: 'violation', property: name });
      return labels(trace);
    };
    expect(reach('F programs S0', (s) => s.devPte === 'S0' && s.F[0].pc === 'F9')).toEqual(['F.F0', 'F.RD1', 'F.F3', 'F.HF1', 'F.HF2', 'F.F5', 'F.F6', 'F.F7', 'F.F8']);
    reach('F programs D0 (the owner’s device-private page)', (s) => s.devPte === 'D0' && s.F[0].pc === 'F9' && s.pte.kind === 'devpriv');
    // the sequence protocol at work against Mig's collect invalidation
    expect(reach('RD2 waits', (s) => s.F[0].pc === 'RD2' && s.subs.seq === s.F[0].r)).toEqual(['F.F0', 'Mig.M0', 'Mig.I1', 'Mig.I2a', 'Mig.I2b', 'F.RD1']);
    reach('F7 read_retry fails', (s) => s.F[0].pc === 'F7' && s.sub.F.seq !== s.F[0].r);
    reach('HF2 meets a migration entry', (s) => s.F[0].pc === 'HFw');
    // teardown and removal
    expect(reach('RELEASE callback', (s) => s.rel === 1)).toEqual(['C.C0', 'C.CX', 'Exit.X0', 'Exit.I1', 'Exit.I2a', 'Exit.I2b']);
    reach('removal deferred by the release', (s) => s.sub.F.deferred && s.Unreg[0].pc === 'Y2');
    reach('F gives up: mm_users already 0', (s) => s.F[0].pc === 'done' && s.Exit[0].pc !== 'X0');
    reach('exit frees D0 (page_free through the zap)', (s) => s.Exit[0].pc === 'done' && s.page.D0.freed && s.Mig[0].pc === 'done' && !s.pgmapDead);
    // M3's device-private fault, migrate-back and unbind
    reach('C waits for the page lock', (s) => s.C[0].pc === 'Cwait');
    reach('C migrates D0 back', (s) => s.C[0].pc === 'Cunl');
    reach('unbind evicts D0', (s) => s.Ev[0].pc === 'unlock' && s.Ev[0].mig);
    reach('unbind before the migration: no device memory', (s) => s.Mig[0].pc === 'MG7' && s.Mig[0].dst === null);
    // every PTE change inside its invalidation: changed after the callbacks, while the range is still active
    reach("C's collect: the migration entry stands before range_end", (s) => s.C[0].pc === 'I4a' && s.pte.kind === 'migration' && s.subs.active > 0 && s.devPte === null);
    reach("Ev's try_to_migrate: the migration entry stands before range_end", (s) => s.Ev[0].pc === 'I4a' && s.pte.kind === 'migration' && s.subs.active > 0 && s.devPte === null);
    reach("exit's zap: the PTE is clear before range_end", (s) => s.Exit[0].pc === 'XI4a' && s.pte.kind === 'none' && s.subs.active === 1);
    // the read side sees them half-done: F's read_begin waits on C's invalidation, F's read_retry fails on Ev's
    reach("RD2 waits on C's migrate-to-RAM invalidation", (s) => s.F[0].pc === 'RD2' && s.subs.seq === s.F[0].r && ['I2a', 'I2b', 'I2c', 'CO2', 'COmig', 'I4a'].includes(s.C[0].pc));
    reach("F7 read_retry fails after Ev's callback", (s) => s.F[0].pc === 'F7' && s.sub.F.seq !== s.F[0].r && ['I2c', 'unmap', 'I4a'].includes(s.Ev[0].pc));
  });

  it("the driver's MIGRATE callback must move the seq: a callback that skips its own migration (test_hmm's early return) lets F program the page under migration", () => {
    const skipping = mutate(spec('fixed'), 'Mig.I2b', { effect: (d, p) => void (d.Mig[p.self].pc = 'I2c') });
    const { result, trace } = checkSpec(skipping, { liveness: false });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    expect(labels(trace)).toEqual(['F.F0', 'F.RD1', 'F.F3', 'F.HF1', 'F.HF2', 'F.F5', 'Mig.M0', 'Mig.I1', 'Mig.I2a', 'Mig.I2b', 'Mig.I2c', 'F.F6', 'F.F7', 'F.F8', 'Mig.CO1', 'Mig.CO2', 'Mig.COmig']);
  });

  it("the driver's close must tear the device page table down: without DZ, exit zaps and frees a page the device still maps", () => {
    const noDz = mutate(spec('fixed'), 'Unreg.DZ', { effect: (d, p) => void (d.Unreg[p.self].pc = 'Y1') });
    const { result, trace } = checkSpec(noDz, { liveness: false });
    // sF is gone, so exit's unmap_vmas no longer reaches the driver: the device keeps S0 as its PTE is
    // cleared (Z2), and then as it is freed (INV-TEARDOWN)
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    expect(labels(trace).at(-1)).toBe('Exit.Z2');
    expect(trace!.steps.at(-1)!.state).toMatchObject({ devPte: 'S0', pte: { kind: 'none' } });
    expect(checkSpec(only(noDz, 'INV-TEARDOWN'), { liveness: false }).result.verdict.kind).toBe('violation');
  });

  it.each([
    [{ cpu: 'none' }, 9_727],
    [{ cpu: 'w' }, 34_352],
    [{ unbind: 'false' }, 4_946],
  ])('holds at other constants %o (%i distinct)', (consts, distinct) => {
    const { result } = checkSpec(spec('fixed', consts));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(distinct);
  });
});

describe('hmm/m4-now: each bug variant violates only what the doc says', () => {
  it.each([
    ['swap-fault-no-page-ref', ['INV-PGMAP', 'INV-NOERR']],
    // INV-RELEASE-ONCE only after the use-after-free: Ev's try_to_migrate invalidation, now at step
    // granularity, opens H11's window too (Y2 passes at its I4b, Y3 frees sF still in the tree), and
    // exit's RELEASE callback on the freed sF is a UAF, not a callback
    ['interval-remove-lockless-wait', ['INV-SUBFREE', 'INV-RELEASE-ONCE', 'INV-NOERR']],
    ['fixed', []],
  ] as const)('%s: %o', (variant, invs) => {
    expect(violatedInvariants(spec(variant))).toEqual(invs);
  });
});

describe('hmm/m4-now lint', () => {
  it('has no finding in fixed or H11 (`hmmcheck lint hmm/m4-now` covers every variant): every invalidation runs at step granularity; the justified steps are mn_itree_inv_end’s I4b (seq++ and the renumbering) and I4c, the MMU access, DZ and M3’s page steps under the folio lock, on a private page or with a freeing put', () => {
    for (const v of ['fixed', 'interval-remove-lockless-wait']) {
      const { items, complete } = lintSpec(spec(v));
      expect(complete, v).toBe(true);
      expect(items.filter((i) => i.severity === 'finding').map((i) => `${i.step}: ${i.message}`), v).toEqual([]);
      // no step touches the notifier's SUBS-guarded fields without SUBS (the collapsed invalidations did)
      expect(items.filter((i) => i.code === 'unguarded-access').map((i) => i.step), v).toEqual([]);
      const justified = items.filter((i) => i.severity === 'justified').map((i) => i.step!.replace(/^[A-Za-z]+\.X?/, ''));
      expect(new Set(justified), v).toEqual(
        new Set(['I4b', 'I4c', 'C0', 'CF', 'COmig', 'Cunl', 'DZ', 'MG5', 'MG6', 'MG7', 'MG8', 'MG9', 'MG9d', 'Z3', 'Z4', 'Z5', 'copy', 'final', 'unlock', 'unlockd', 'unmap']),
      );
    }
  });
});
