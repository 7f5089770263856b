import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { violatedInvariants } from '../../../../checker/testing';
import { m3Models } from '../../../../models/hmm/m3';
import { INV } from '../../../../models/hmm/m3/common';
import { DEFAULT_CONFIG, m3Migration } from '../../../../models/hmm/m3/migration';
import { buildRestore, PAGE_SIZE } from '../../../../models/hmm/m3/restore';
import type { Spec } from '../../../../spec/spec';
import { labels, replayLabels, withInvariants } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m3Migration, variant, consts).spec;
/** Only the invariant `name` (and no deadlock check): does the variant violate it, and how soon? */
const only = (sp: Spec, name: string): Spec => ({ ...sp, invariants: sp.invariants.filter((i) => i.name === name), checkDeadlock: false });

describe('hmm/m3-migration registration', () => {
  it('exports the model with the variant names of hmm-domain.md and a default configuration per variant (beside the mainline model, migrateDevice.test.ts)', () => {
    expect(m3Models.map((m) => m.name)).toEqual(['hmm/m3-migration', 'hmm/m3-migrate-device']);
    expect(Object.keys(m3Migration.variants)).toEqual(['fixed', 'restore-page-shift', 'unmap-restore-skipped', 'collect-drops-dirty-bit', 'swap-fault-no-page-ref', 'migrate-lock-abba', 'mutant-device-map-unchecked']);
    expect(DEFAULT_CONFIG).toEqual({
      fixed: 'full',
      'restore-page-shift': 'restore',
      'unmap-restore-skipped': 'unmap',
      'collect-drops-dirty-bit': 'dirty',
      'swap-fault-no-page-ref': 'swapfault',
      'migrate-lock-abba': 'abba',
    });
    for (const v of Object.values(m3Migration.variants)) expect(v.ref).toBeTruthy();
  });

  it('rejects a variant in a configuration its step switch does not exist in', () => {
    expect(() => spec('restore-page-shift', { config: 'full' })).toThrow(/exists only in config restore/);
    expect(() => spec('migrate-lock-abba', { config: 'dirty' })).toThrow(/exists only in config abba/);
  });

  it('labels the steps as the doc does', () => {
    const names = spec('fixed').actions.map((a) => a.name);
    expect(names).toEqual(
      expect.arrayContaining([
        ...['Mig.CO1', 'Mig.CO2', 'Mig.COmig', 'Mig.MG5', 'Mig.MGrestore', 'Mig.MG6', 'Mig.MG7', 'Mig.MGdev', 'Mig.MG8', 'Mig.MG9', 'Mig.MG9d'],
        ...['C1.C0', 'C1.CF', 'C1.Cptl', 'C1.Cwait', 'C1.Cmig', 'C1.CO2', 'C1.COmig', 'C1.Cunl'],
        ...['Z.Z1', 'Z.Z2', 'Z.Z3', 'Z.Z4', 'Z.Z5', 'Z.Zend', 'Rc.isolate', 'Rc.unmap', 'Rc.pageout', 'Rc.drop', 'Pin.get', 'Pin.put'],
      ]),
    );
  });
});

describe('restore-page-shift (H6): the v13 restore micro-model', () => {
  it('BFS: the unlock loop of PMD 0 unlocks page 2 behind its migration entry — INV-MIG1 in 13 steps', () => {
    const { result, trace } = checkSpec(spec('restore-page-shift'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: INV.MIG1 });
    expect(labels(trace)).toEqual([
      ...Array(4).fill('Mig.CO2'),
      ...Array(4).fill('Mig.LI'),
      'Mig.RS0' /* entry 0 lost MIGRATE: skipped */,
      'Mig.RS0' /* entry 1: restart = 4, next = 8 */,
      'Mig.RS1' /* re-walk [4, 8): nothing to put back */,
      'Mig.RS2' /* addr 4, i 1: skip; addr += PAGE_SHIFT */,
      'Mig.RS2' /* addr 6, i 2: unlock page 2 */,
    ]);
    const last = trace!.steps.at(-1)!.state;
    expect(last.pte[2]).toMatchObject({ kind: 'migration', pfn: 'P2' });
    expect(last.page.P2.lock).toBeNull();
    expect(last.Mig[0]).toMatchObject({ addr: 8, i: 3, restore: 1 });
  });

  it('run on, it reads past pfns[] (16 steps) and the final phase unlocks and puts back page 2 again (INV-REF, 26 steps)', () => {
    const sp = spec('restore-page-shift');
    const oob = checkSpec(only(sp, INV.NOERR));
    expect(labels(oob.trace)).toHaveLength(16);
    expect(oob.trace!.steps.at(-1)!.state.err).toBe('PFN_OOB');
    const ref = checkSpec(only(sp, INV.REF));
    expect(labels(ref.trace)).toHaveLength(26);
    expect(labels(ref.trace).at(-1)).toBe('Mig.FIN');
    expect(ref.trace!.steps.at(-1)!.state.page.P2).toMatchObject({ lock: null, map: 1, ref: 1 }); // mapped and pinned: 2 expected
  });

  it('the PAGE_SHIFT step is the culprit: the same v13 loops stepping by PAGE_SIZE keep every invariant', () => {
    const { result } = checkSpec(buildRestore({ loop: 'v13', unlockStep: PAGE_SIZE }));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(24);
  });

  it('fixed counterpart: the merged v4.14 per-index restore loop holds (18 states, BFS = DFS)', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', { config: 'restore' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(18);
    }
  });
});

describe('unmap-restore-skipped (H7): Mig + Pin + C1, one page', () => {
  it('BFS: the page fails the unmap-phase check, the restore loop never runs — INV-MIG2 at quiescence in 7 steps', () => {
    const { result, trace } = checkSpec(spec('unmap-restore-skipped'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: INV.MIG2 });
    // C1 reads a through the MMU while collect holds the PTL (between CO2 and COmig), then is done
    expect(labels(trace)).toEqual(['Mig.CO1', 'Mig.CO2', 'C1.C0', 'Mig.COmig', 'Pin.get', 'Mig.MG5', 'Pin.put']);
    const last = trace!.steps.at(-1)!.state;
    expect(last.pte).toMatchObject({ kind: 'migration', pfn: 'S0' });
    expect(last.page.S0.lock).toBe('Mig');
    expect(last.Mig[0].pc).toBe('done');
    expect(last.C1[0].pc).toBe('done');
  });

  it('without INV-MIG2 the same end state is a deadlock: the CPU access never completes', () => {
    const sp = spec('unmap-restore-skipped');
    const { result, trace } = checkSpec({ ...sp, invariants: sp.invariants.filter((i) => i.name !== INV.MIG2) });
    expect(result.verdict.kind).toBe('deadlock');
    expect(labels(trace)).toEqual(['Mig.CO1', 'Mig.CO2', 'Mig.COmig', 'C1.C0', 'C1.CF', 'Pin.get', 'Mig.MG5', 'Pin.put']);
    expect(trace!.steps.at(-1)!.state.C1[0].pc).toBe('Cmwait'); // blocked in migration_entry_wait for ever (the liveness side)
  });

  it('fixed counterpart (restore loop from index 0) holds in the same configuration: 257 states, BFS = DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', { config: 'unmap' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(257);
    }
  });
});

// C1 writes through the MMU while collect holds the PTL (CO2 … COmig): ptep_get_and_clear then sees the dirty bit
const H8 = ['Mig.CO1', 'Mig.CO2', 'C1.C0', 'Mig.COmig', 'C1.C0', 'Pin.get', 'Mig.MG5', 'Mig.MGrestore', 'Mig.MGunlock', 'Rc.isolate', 'Rc.unmap', 'Pin.put', 'Rc.drop', 'C1.CF', 'C1.C0'];

describe('collect-drops-dirty-bit (H8): C1 (write, read), Mig, Pin, Rc', () => {
  it('BFS: write v1, collect drops the dirty bit, the pinned page is restored clean, reclaim drops it, swap-in reads v0 — INV-DATA in 15 steps', () => {
    const { result, trace } = checkSpec(spec('collect-drops-dirty-bit'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: INV.DATA });
    expect(labels(trace)).toEqual(H8);
    const st = trace!.steps.map((s) => s.state);
    expect(st[3].pte).toMatchObject({ kind: 'present', dirty: true }); // C1 wrote v1 through a dirty PTE
    expect(st[4].page.S0.dirty).toBe(false); // collect cleared the PTE without folio_mark_dirty
    expect(st[8].pte).toMatchObject({ kind: 'present', dirty: false }); // restored clean
    expect(st[13].page.S0).toMatchObject({ freed: true, swap: 1 }); // dropped without writeback; the slot holds v0
    expect(st.at(-1).err).toBe('STALE_READ');
    expect(st.at(-1).lastWrite).toBe(2);
  });

  it('fixed: the same interleaving marks the folio dirty, so reclaim writes v1 back before dropping it', () => {
    const states = replayLabels(spec('fixed', { config: 'dirty' }), [...H8.slice(0, 11), 'Rc.pageout', ...H8.slice(11)]);
    expect(states[4].page.S0.dirty).toBe(true);
    expect(states[14].page.S0).toMatchObject({ freed: true, swap: 2 });
    expect(states.at(-1).err).toBeNull();
    expect(states.at(-1).C1[0].pc).toBe('done');
  });

  it('fixed counterpart holds in the same configuration: 1885 states, BFS = DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', { config: 'dirty' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(1885);
    }
  });
});

const H9 = ['C1.C0', 'C1.CF', 'Ev.lock', 'Ev.inv', 'Ev.unmap', 'Ev.copy', 'Ev.pages', 'Ev.final', 'Ev.unlock', 'C1.Cmig'];

describe('swap-fault-no-page-ref (H9): C1 + Ev, a mapped device-private', () => {
  it('BFS: the fault reads the entry without a reference, the eviction frees D0, migrate_to_ram runs on it — INV-PGMAP in 10 steps', () => {
    const { result, trace } = checkSpec(spec('swap-fault-no-page-ref'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: INV.PGMAP });
    expect(labels(trace)).toEqual(H9);
    const st = trace!.steps.map((s) => s.state);
    expect(st[2].C1[0]).toMatchObject({ pc: 'Cmig', fp: 'D0', hold: { D0: 0 } }); // no reference taken
    expect(st[9].page.D0.freed).toBe(true); // page_free
    expect(st.at(-1).err).toBe('UAF_PGMAP');
  });

  it('the pgmap itself dies once D0 is free: with memunmap first the same use-after-free follows (12 steps)', () => {
    const states = replayLabels(spec('swap-fault-no-page-ref'), [...H9.slice(0, -1), 'Ev.unlockd', 'Ev.memunmap', 'C1.Cmig']);
    expect(states[11].pgmapDead).toBe(true);
    expect(states.at(-1).err).toBe('UAF_PGMAP');
  });

  it('fixed: the current fault path re-checks the entry under the PTL after the eviction and refaults', () => {
    const states = replayLabels(spec('fixed', { config: 'swapfault' }), [...H9.slice(0, -1), 'C1.Cptl', 'Ev.unlockd', 'Ev.memunmap', 'C1.C0']);
    expect(states[10].C1[0].pc).toBe('C0'); // pte_same failed
    expect(states.at(-1).err).toBeNull();
    expect(states.at(-1).C1[0].pc).toBe('done');
  });

  it('fixed: a reference and the page lock taken under the PTL make the eviction skip D0 and memunmap wait', () => {
    const states = replayLabels(spec('fixed', { config: 'swapfault' }), ['C1.C0', 'C1.CF', 'C1.Cptl', 'Ev.lock']);
    expect(states[3].page.D0).toMatchObject({ lock: 'C1', ref: 2 });
    expect(states[4].Ev[0].pc).toBe('memunmap'); // trylock failed: skipped
    expect(states[4].page.D0.ref).toBe(2);
  });

  it('fixed counterpart holds in the same configuration: 103 states, BFS = DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', { config: 'swapfault' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(103);
    }
  });
});

describe('migrate-lock-abba (H10): two migrations, blocking lock_page', () => {
  it('BFS: each holds the page the other waits for — deadlock in 6 steps', () => {
    const { result, trace } = checkSpec(spec('migrate-lock-abba'));
    expect(result.verdict.kind).toBe('deadlock');
    // collect takes one reference per page (CO2, CO2b): two get_page calls, two steps
    expect(labels(trace)).toEqual(['Mig1.CO2', 'Mig1.CO2b', 'Mig1.LK1', 'Mig2.CO2', 'Mig2.CO2b', 'Mig2.LK1']);
    const last = trace!.steps.at(-1)!.state;
    expect(last.page.A.lock).toBe('Mig1');
    expect(last.page.B.lock).toBe('Mig2');
    expect([last.Mig1[0].pc, last.Mig2[0].pc]).toEqual(['LK2', 'LK2']);
  });

  it('fixed counterpart (trylock, best effort) terminates: 74 states, BFS = DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed', { config: 'abba' }), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(74);
    }
  });
});

describe('fixed (full configuration: C1, C2, Mig, Z, Rc, Pin; one address)', () => {
  // 163,647 distinct / 574,832 generated in BFS and DFS alike (DFS is left to `hmmcheck check
  // --strategy dfs`: each full run takes 15–20 s here); the BFS count is asserted with LIVE-TERMINATION below.

  it('is not vacuous: migration to the device, the device fault path with a waiter, the migrate-back, reclaim and swap-in all happen', () => {
    const sp = spec('fixed');
    const reach = (name: string, pred: (s: any) => boolean) => {
      const { result, trace } = checkSpec(withInvariants(sp, { [name]: (s) => !pred(s) }));
      expect(result.verdict, name).toMatchObject({ kind: 'violation' });
      return labels(trace);
    };
    const toDevice = ['Mig.CO1', 'Mig.CO2', 'Mig.COmig', 'Mig.MG5', 'Mig.MG6', 'Mig.MG7', 'Mig.MGdev', 'Mig.MG8'];
    expect(reach('device mapped', (s) => s.pte.kind === 'devpriv' && s.devPte === 'D0')).toEqual(toDevice);
    // The fault's trylock fails while finalize still holds D0 (between MG8 and MG9) …
    expect(reach('fault waits for finalize', (s) => s.C2[0].pc === 'Cwait')).toEqual([...toDevice, 'C2.C0', 'C2.CF', 'C2.Cptl']);
    // … or while the other CPU's fault holds it; then C1 migrates it back and reads v1.
    expect(reach('fault waits for the other fault', (s) => s.C2[0].pc === 'Cwait' && s.page.D0.lock === 'C1').slice(-4)).toEqual(['C1.Cptl', 'C2.C0', 'C2.CF', 'C2.Cptl']);
    reach('back in RAM with v1', (s) => s.pte.kind === 'present' && s.pte.pfn !== 'S0' && s.page[s.pte.pfn].val === 2 && s.page.D0.freed && s.C1[0].pc === 'done');
    reach('restored after a pin', (s) => s.Mig[0].pc === 'MGunlock');
    reach('device map skipped after MADV_DONTNEED', (s) => s.Mig[0].pc === 'MG8' && s.Mig[0].mig && s.devPte === null);
    reach('swapped in after reclaim', (s) => s.page.S0.freed && s.pte.kind === 'swap' && s.C1[0].op === 1);
    reach('MADV_DONTNEED zaps the migrate-back\'s migration entry', (s) => s.C1[0].pc === 'MG8' && s.C1[0].mig && s.pte.kind === 'none');
    // That the migrate-back never fails is checked with the full search below.
  });

  it('deviceMapCheck=false: a driver mapping its page without a sequence check keeps a freed page after MADV_DONTNEED (INV-DEVMAP, 11 steps)', () => {
    const { result, trace } = checkSpec(spec('fixed', { deviceMapCheck: 'false' }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: INV.DEVMAP });
    // Z's invalidate_range_start (Z1) zaps the device PTE before MGdev maps it unchecked; Z2 then
    // clears the migration entry, so finalize restores nothing and frees D0 (MG9d)
    expect(labels(trace)).toEqual(['Mig.CO2', 'Mig.COmig', 'Mig.MG5', 'Mig.MG6', 'Mig.MG7', 'Z.Z1', 'Mig.MGdev', 'Z.Z2', 'Mig.MG8', 'Mig.MG9', 'Mig.MG9d']);
    expect(trace!.steps.at(-1)!.state).toMatchObject({ devPte: 'D0', page: { D0: { freed: true } } });
  });

  it.each([
    ['unmap-restore-skipped', INV.MIG2, 13],
    ['collect-drops-dirty-bit', INV.DATA, 15],
    ['swap-fault-no-page-ref', INV.PGMAP, 17],
  ])('the bug variant %s is found in the full configuration too (%s, %i steps)', (variant, property, steps) => {
    const { result, trace } = checkSpec(spec(variant, { config: 'full' }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property });
    expect(labels(trace)).toHaveLength(steps);
  });
});

describe('no vacuous invariant: each is violated by a variant (checked alone, BFS steps)', () => {
  it.each([
    [INV.MIG1, 'restore-page-shift', {}, 13],
    [INV.MIG2, 'unmap-restore-skipped', {}, 7],
    [INV.REF, 'restore-page-shift', {}, 26],
    [INV.DATA, 'collect-drops-dirty-bit', {}, 15],
    [INV.PGMAP, 'swap-fault-no-page-ref', {}, 10],
    // No historical variant reaches INV-DEVMAP; the driver-side switch does.
    [INV.DEVMAP, 'fixed', { deviceMapCheck: 'false' }, 11],
    [INV.NOERR, 'restore-page-shift', {}, 16],
  ] as const)('%s: %s %o in %i steps', (inv, variant, consts, steps) => {
    const { result, trace } = checkSpec(only(spec(variant, consts), inv));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: inv });
    expect(labels(trace)).toHaveLength(steps);
  });

  it('and each bug variant violates only what the doc says it does', () => {
    const violated = (variant: string) => violatedInvariants(spec(variant));
    expect(violated('restore-page-shift')).toEqual([INV.MIG1, INV.REF, INV.NOERR]);
    expect(violated('unmap-restore-skipped')).toEqual([INV.MIG2]);
    expect(violated('collect-drops-dirty-bit')).toEqual([INV.DATA, INV.NOERR]);
    expect(violated('swap-fault-no-page-ref')).toEqual([INV.PGMAP, INV.NOERR]);
    expect(violated('migrate-lock-abba')).toEqual([]);
  });
});

describe('liveness (issue 5): H7 as a lasso, fixed terminates', () => {
  it('unmap-restore-skipped: C1 waits in migration_entry_wait for ever (a stuttering lasso)', () => {
    const sp = instantiate(m3Migration, 'unmap-restore-skipped').spec;
    // The safety side (INV-MIG2) and the deadlock report come first by default; without them the
    // same behaviour is reported as the temporal violation it also is.
    const liveOnly = { ...sp, invariants: sp.invariants.filter((i) => i.name !== 'INV-MIG2'), checkDeadlock: false };
    const { result, trace } = checkSpec(liveOnly);
    expect(result.verdict).toMatchObject({ kind: 'liveness', property: 'LIVE-TERMINATION' });
    expect(trace!.steps.map((s) => s.label)).toEqual(['Init', 'Mig.CO1', 'Mig.CO2', 'Mig.COmig', 'C1.C0', 'C1.CF', 'Pin.get', 'Mig.MG5', 'Pin.put']);
    expect(trace!.loop).toBe(8); // stutters there: Mig is done, S0 stays locked behind its migration entry
    expect(trace!.steps.at(-1)!.state.C1[0]).toMatchObject({ pc: 'Cmwait', wait: 'S0' });
  });

  it('fixed holds, LIVE-TERMINATION included under weak fairness per thread: 163,647 distinct / 574,832 generated states; the migrate-back never fails', () => {
    // Nothing but Pin takes transient references, and only to S0: the migrate-back (C1, C2) never
    // restores. An invariant adds no state, so the one full search checks it too.
    const neverRestored = (s: any) => s.C1[0].pc !== 'MGrestore' && s.C2[0].pc !== 'MGrestore';
    const { result } = checkSpec(withInvariants(instantiate(m3Migration, 'fixed').spec, { neverRestored }));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(163_647);
    expect(result.stats.generated).toBe(574_832);
    expect(result.stats.edges).toBe(574_831);
  });
});
