/** hmm/m3-migrate-device: current mainline migrate_vma_* at step granularity (two addresses, PTL, TLBs, a large folio). */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { MD_INV, buildMigrateDevice } from '../../../../models/hmm/m3/mainline/build';
import type { Forms } from '../../../../models/hmm/m3/mainline/env';
import { MD_CONFIGS, MD_DEFAULT_CONFIG, MD_SETUPS, m3MigrateDevice } from '../../../../models/hmm/m3/migrateDevice';
import { labels, replayLabels } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m3MigrateDevice, variant, consts).spec;

/** The finding's counterexample: collect clears a0, drops the PTL for the split at a1; MADV_DONTNEED of a0 returns; a0 is read. */
const SPLIT_WINDOW = [
  'Mig.Cpmd',
  'Mig.Cagain',
  'Mig.Cpte',
  'Mig.Cget',
  'Mig.Clock',
  'Mig.Cclear' /* ptep_get_and_clear: S0 is not anon-exclusive, no flush yet */,
  'Mig.Cdirty',
  'Mig.Cset',
  'Mig.Crmap',
  'Mig.Cput',
  'Mig.Cpte' /* a1: a large folio */,
  'Mig.Csplit0' /* pte_unmap_unlock with the flush pending */,
  'U.Uop',
  'U.Zlock',
  'U.Zclear' /* the migration entry cleared: nothing present gathered */,
  'U.Zrmap',
  'U.Zclear',
  'U.Zreclaim' /* the zap covers a0 only: no table reclaim */,
  'U.Zunlock',
  'U.Zfl1' /* no flush */,
  'U.Zfree',
  'U.Uop' /* the load hits c1's stale TLB entry */,
];

describe('hmm/m3-migrate-device registration', () => {
  it('gives every variant (the finding, its fix, the mutants) a default configuration', () => {
    // The variant names themselves are pinned, with every model's, in test/models/hmm/index.test.ts.
    for (const v of Object.keys(m3MigrateDevice.variants)) expect(MD_CONFIGS).toContain(MD_DEFAULT_CONFIG[v]);
  });

  it('cites file:line, function and commit in every step of collect, unmap, pages and finalize', () => {
    const migSteps = spec('fixed', { config: 'huge-zero' }).actions.filter((a) => a.name.startsWith('Mig.') && a.name !== 'Mig.Palloc');
    expect(migSteps.length).toBeGreaterThan(40);
    for (const a of migSteps) {
      expect(a.src?.length, a.name).toBeGreaterThan(0);
      for (const c of a.src!) expect(c, a.name).toMatchObject({ file: expect.stringMatching(/^mm\/(migrate_device|swap|rmap|huge_memory)\.c$/), fn: expect.stringMatching(/^\w+$/) });
      expect(a.src![0], a.name).toMatchObject({ file: 'mm/migrate_device.c', commit: '022a12deda53c983755c08e073a3c028a6850a23', line: expect.any(Number) });
    }
  });

  it('cites do_swap_page (current and v6.1), GUP-fast and the eviction in the new threads', () => {
    const names = (sp: ReturnType<typeof spec>, kind: string) => sp.actions.filter((a) => a.name.startsWith(`${kind}.`));
    const fns = (sp: ReturnType<typeof spec>, name: string) => sp.actions.find((a) => a.name === name)!.src!.map((c) => `${c.file}:${c.fn}${'line' in c ? `:${c.line}` : ''}${'commit' in c ? `@${c.commit}` : ''}`);
    // trylock_page, and its else branch's unlock (the lines of the current form, at the commit read)
    expect(fns(spec('evict-races-fault'), 'U.Udt')).toEqual(['mm/memory.c:do_swap_page:4352@0c86b42439b6c11d758b3392a21117934fef00c1', 'mm/memory.c:do_swap_page:4358@0c86b42439b6c11d758b3392a21117934fef00c1']);
    // the v6.1 form (16ce101db85d) at the lines read in v6.1.192; the page lock it does not have (never reached there) at the current form's lines
    expect(fns(spec('fault-v6.1'), 'U.Udg')).toEqual(['mm/memory.c:do_swap_page:3810@v6.1.192']);
    expect(fns(spec('fault-v6.1'), 'U.Udt')).toEqual(fns(spec('evict-races-fault'), 'U.Udt'));
    expect(fns(spec('evict-races-fault'), 'Ev.E1')).toEqual([
      'mm/migrate_device.c:migrate_device_range:1016@022a12deda53c983755c08e073a3c028a6850a23',
      'mm/migrate_device.c:migrate_device_pfn_lock:984@022a12deda53c983755c08e073a3c028a6850a23',
      'lib/test_hmm.c:dmirror_device_evict_chunk:1207@ead971eec0eb1f83fdf6546052a157ada401823f',
    ]);
    for (const a of [...names(spec('evict-races-fault'), 'Ev'), ...names(spec('gup-pin-races-collect'), 'G')]) expect(a.src?.length, a.name).toBeGreaterThan(0);
  });
});

describe('fixed (current mainline)', () => {
  it('holds at its default configuration (anon-exclusive S0, large folio split at a1, MADV_DONTNEED of a0, a0 faulted back from the device): 5249 states, depth 169', () => {
    const { result } = checkSpec(spec('fixed'));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats).toMatchObject({ distinct: 5249, generated: 9453, depth: 169 });
  });

  it.each([
    ['split', 1070],
    ['small-zap', 4493],
    ['exclusive-pinned', 4968],
    ['shared-pinned', 201],
    ['isolation-fails', 198],
    ['fresh-zap', 5386],
    ['evict-fault', 4819],
    ['gup-pin', 6904],
    ['zero-page', 1581],
    ['huge-zero', 1262],
  ])('holds in config %s: %i states', (config, distinct) => {
    const { result } = checkSpec(spec('fixed', { config }));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(distinct);
  });

  it('the restore paths run: try_share fails for a maybe-pinned exclusive page; isolation fails; migrate_vma_check_page fails', () => {
    const covered = (config: string, action: string) => checkSpec(spec('fixed', { config })).result.coverage.find((c) => c.name === action)!.distinct;
    expect(covered('exclusive-pinned', 'Mig.Crestorepte')).toBeGreaterThan(0);
    expect(covered('isolation-fails', 'Mig.Urm')).toBeGreaterThan(0);
    expect(covered('shared-pinned', 'Mig.Uback3')).toBeGreaterThan(0);
  });
});

describe('split-window-zap: the candidate kernel bug (docs/findings/migrate-vma-split-drops-ptl-before-flush.md)', () => {
  it('BFS: a load after MADV_DONTNEED returned reads the old contents through the stale TLB entry — INV-DATA in 22 steps', () => {
    const { result, trace } = checkSpec(spec('split-window-zap'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.DATA });
    expect(labels(trace)).toEqual(SPLIT_WINDOW);
    const last = trace!.steps.at(-1)!.state;
    expect(last.pte[0]).toMatchObject({ kind: 'none' });
    expect(last.tlb.entry.c1.a0).toEqual({ pfn: 'S0', writable: false, dirty: false });
    expect(last.lastWrite).toBe(0);
    expect(last.Mig[0]).toMatchObject({ pc: 'Csplit1', unmapped: 1 });
  });

  it('is the fixed code in configuration split-zap; a failed split opens the same window', () => {
    expect(checkSpec(spec('fixed', { config: 'split-zap' })).result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.DATA });
    expect(checkSpec(spec('fixed', { config: 'split-fails-zap' })).result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.DATA });
  });

  it('with an anon-exclusive S0 the same interleaving is harmless: ptep_clear_flush flushed a0 before the PTL was dropped', () => {
    const states = replayLabels(spec('fixed'), [...SPLIT_WINDOW.slice(0, 6), 'Mig.Ccf0a', 'Mig.Ccf0b', 'Mig.Cshare', ...SPLIT_WINDOW.slice(6, 12)]);
    expect(states.at(-1).tlb.entry.c1.a0).toBeNull();
    expect(states.at(-1).ptl.owner).toBeNull();
  });

  it('fix-flush-before-split holds in split-zap and split-fails-zap, where the fixed code does not', () => {
    for (const config of ['split-zap', 'split-fails-zap']) {
      const { result } = checkSpec(spec('fix-flush-before-split', { config }));
      expect(result.verdict.kind, config).toBe('holds');
    }
    expect(checkSpec(spec('fix-flush-before-split')).result.stats.distinct).toBe(5175);
  });
});

describe('split-unlocked-folio-zap: the large folio is split without a reference (docs/findings/migrate-vma-split-folio-without-reference.md)', () => {
  it('BFS: MADV_DONTNEED of the range frees the folio between pte_unmap_unlock and folio_get — INV-REF in 28 steps', () => {
    const { result, trace } = checkSpec(spec('split-unlocked-folio-zap'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.REF });
    const ls = labels(trace);
    expect(ls).toHaveLength(28);
    expect(ls.slice(13, 15)).toEqual(['Mig.Cpte', 'Mig.Csplit0']);
    expect(ls.slice(15, 27).every((l) => l.startsWith('U.'))).toBe(true);
    expect(ls.at(-1)).toBe('Mig.Csplit1');
    const states = trace!.steps.map((st) => st.state);
    expect(states[26]!.pages[0]).toMatchObject({ freed: false, order: 1 });
    expect(states[27]!.pages[0]).toMatchObject({ freed: true, ref: 0 }); // freed by the zap's tlb_batch_pages_flush
    expect(states[28]!.err).toBe('UAF_PAGE');
  });

  it('is the fixed code in configuration split-zap-table', () => {
    expect(checkSpec(spec('fixed', { config: 'split-zap-table' })).result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.REF });
  });
});

describe('split-restart-table-freed: the restarted walk records [start, addr) twice (docs/findings/migrate-vma-collect-restart-from-start.md)', () => {
  it('BFS (with the reference taken under the PTL): the emptied table is freed during the split, pmd_none → collect_hole(start, end) — INV-SRC in 29 steps', () => {
    const { result, trace } = checkSpec(spec('split-restart-table-freed'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.SRC });
    const ls = labels(trace);
    expect(ls).toHaveLength(29);
    expect(ls).toContain('Mig.CsplitG');
    expect(ls.slice(-3)).toEqual(['U.Zclear', 'U.Zreclaim', 'Mig.Cpmd']);
    const before = trace!.steps.at(-2)!.state;
    expect(before.pmd).toBe('none');
    expect(before.Mig[0]).toMatchObject({ pc: 'Cpmd', i: 1 });
  });

  it('the unchanged fixed code reaches it too when INV-SRC is checked alone', () => {
    const sp = spec('fixed', { config: 'split-zap-table' });
    const { result } = checkSpec({ ...sp, invariants: sp.invariants.filter((i) => i.name === MD_INV.SRC), checkDeadlock: false });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.SRC });
  });

  it('fix-split-path (flush and folio_get before the unlock, restart from addr) holds: 4731 states; and in split-zap, split-fails-zap', () => {
    expect(checkSpec(spec('fix-split-path')).result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 4731 } });
    for (const config of ['split-zap', 'split-fails-zap']) expect(checkSpec(spec('fix-split-path', { config })).result.verdict.kind, config).toBe('holds');
  });
});

describe('mutants: each new invariant is not vacuous', () => {
  it.each([
    ['mutant-collect-skips-tlb-flush', MD_INV.TLB, 34, 68],
    ['mutant-collect-flushes-after-unlock', MD_INV.DATA, 33, 386],
    ['mutant-restore-loop-skips-remove-migration-ptes', MD_INV.MIG1, 52, 122],
    ['mutant-collect-leaks-mapping-reference', MD_INV.MIG2, 76, 2297],
    ['mutant-remove-migration-pte-without-ref', MD_INV.REF, 56, 1301],
    ['mutant-swap-fault-no-page-ref', MD_INV.REF, 22, 764],
    ['mutant-collect-pinned-restore-skipped', MD_INV.DATA, 34, 772],
    ['mutant-collect-shares-pinned-page', MD_INV.PIN, 14, 203],
    ['mutant-insert-page-skips-zero-flush', MD_INV.TLB, 33, 130],
  ])('%s violates %s in %i steps (%i states)', (variant, property, steps, distinct) => {
    const { result, trace } = checkSpec(spec(variant));
    expect(result.verdict).toMatchObject({ kind: 'violation', property });
    expect(trace!.steps.length - 1).toBe(steps);
    expect(result.stats.distinct).toBe(distinct);
  });

  it('flush after unlock: MADV_DONTNEED slips between pte_unmap_unlock and flush_tlb_range', () => {
    const { trace } = checkSpec(spec('mutant-collect-flushes-after-unlock'));
    const ls = labels(trace);
    const unlock = ls.indexOf('Mig.Cunlock');
    expect(ls.slice(unlock + 1, unlock + 3)).toEqual(['U.Uop', 'U.Zlock']);
    expect(ls.indexOf('Mig.Cflushw')).toBe(-1); // the flush has not returned when the stale load happens
    expect(ls.at(-1)).toBe('U.Uop');
  });
});

describe('lru_add_drain_all: per-CPU batches drained by a kworker on each CPU (spec/kernel/workqueue.ts drainAll)', () => {
  /** The fixed code's forms in configuration fresh-zap, with `noDrainAll` as given. */
  const freshForms = (noDrainAll: boolean): Forms => ({
    ...MD_SETUPS['fresh-zap'],
    faultForm: 'current',
    pinnedRestoreSkipped: false,
    shareIgnoresPin: false,
    insertSkipsZeroFlush: false,
    flushBeforeSplit: false,
    restartFromAddr: false,
    getBeforeUnlock: false,
    flushAfterUnlock: false,
    skipFlush: false,
    restoreSkipsPtes: false,
    collectKeepsRef: false,
    restoreWithoutRef: false,
    noDrainAll,
  });
  const covered = (sp: ReturnType<typeof spec>, action: string) => checkSpec(sp).result.coverage.find((c) => c.name === action)!.distinct;

  it('in fixed, the page U faulted in on c1 after MADV_DONTNEED (Z0) is in c1\'s batch: unmap queues the drain on c1 and kw1 runs it', () => {
    const sp = spec('fixed');
    expect(covered(sp, 'Mig.Udrain.q.c1')).toBeGreaterThan(0);
    expect(covered(sp, 'kw.drain1.D1')).toBeGreaterThan(0);
    expect(covered(sp, 'kw.drain0.D1')).toBe(0); // lru_add_drain() already emptied Mig's own c0 batch
  });

  it('fresh-zap holds with TERMINATION under per-CPU fairness; the drain waits while U holds c1 in zap_pte_range\'s PTL section', () => {
    const sp = spec('drain-waits-for-zap');
    expect(MD_DEFAULT_CONFIG['drain-waits-for-zap']).toBe('fresh-zap');
    expect(sp.liveness.map((l) => l.name)).toEqual([MD_INV.TERMINATION]);
    expect(checkSpec(sp).result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 5386 } });
    const waiting = (s: any) => s.Mig[0].pc === 'Udrain.f.c1' && s.work.drain1.pending && s.cpu.preempt.U > 0 && s.U[0].pc !== 'Zlock';
    const { result, trace } = checkSpec({ ...sp, invariants: [{ name: 'NOT-WAITING', check: (s: any) => !waiting(s) }], liveness: [], fairness: [], checkDeadlock: false });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'NOT-WAITING' });
    const last = trace!.steps.at(-1)!.state;
    expect(last.ptl.owner).toBe('U');
    expect(last.kw[1]).toMatchObject({ pc: 'K0' }); // kw1 cannot run: c1 is not preemptible
  });

  it('without lru_add_drain_all, isolation of the batched S0 fails and the entry is restored; with it, never', () => {
    expect(covered(spec('fixed', { config: 'fresh-zap' }), 'Mig.Urm')).toBe(0);
    const ablated = buildMigrateDevice(freshForms(true));
    expect(covered(ablated, 'Mig.Urm')).toBeGreaterThan(0);
    expect(checkSpec(ablated).result.verdict.kind).toBe('holds');
  });
});


/** A state satisfying `p` is reachable in the spec (found as a violation of its negation, invariants and deadlock ignored). */
function reachable(sp: ReturnType<typeof spec>, p: (s: any) => boolean): boolean {
  const { result } = checkSpec({ ...sp, invariants: [{ name: 'UNREACHED', check: (s: any) => !p(s) }], liveness: [], fairness: [], checkDeadlock: false });
  return result.verdict.kind === 'violation';
}

describe('the CPU fault on a device-private entry races the driver\'s eviction (config evict-fault)', () => {
  /** U has finished its store and load of a0, which maps `pfn`. */
  const endsOn = (pfn: string) => (s: any) => s.U[0].pc === 'done' && s.Ev[0].pc === 'done' && s.pte[0].kind === 'present' && s.pte[0].pfn === pfn;

  it('current mainline holds: 4819 states; either the eviction (a0 → S0) or migrate_to_ram (a0 → R0) wins', () => {
    const sp = spec('evict-races-fault');
    expect(checkSpec(sp).result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 4819, generated: 11358, depth: 115 } });
    expect(reachable(sp, endsOn('S0'))).toBe(true);
    expect(reachable(sp, endsOn('R0'))).toBe(true);
  });

  it('current form: while the fault holds the page lock the eviction\'s folio_trylock fails and it backs off; it loses folio_migrate_mapping only in the unlock_page → put_page window', () => {
    const sp = spec('evict-races-fault');
    expect(reachable(sp, (s) => s.Ev[0].pc === 'E2' && s.pages[4].lock === 'U')).toBe(true);
    const lost = (s: any) => s.Ev[0].src[0].pfn === 'D0' && !s.Ev[0].src[0].migrate;
    expect(reachable(sp, (s) => lost(s) && s.U[0].pc === 'Udp5' && s.pages[4].lock === 'Ev')).toBe(true);
  });

  it('the v6.1 form holds too (8559 states): the eviction locks the page the fault only referenced, fails folio_migrate_mapping on that reference and restores the entry', () => {
    const sp = spec('fault-v6.1');
    expect(checkSpec(sp).result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 8559 } });
    expect(reachable(sp, (s) => s.Ev[0].pc === 'Fent' && s.Ev[0].src[0].pfn === 'D0' && !s.Ev[0].src[0].migrate && s.U[0].hold[4] === 1)).toBe(true);
    expect(reachable(sp, endsOn('S0')) && reachable(sp, endsOn('R0'))).toBe(true);
  });

  it('H9 (≤ v6.0: no PTL re-check, no reference): the eviction frees D0 before page_pgmap(vmf->page) — INV-REF in 22 steps', () => {
    const { result, trace } = checkSpec(spec('mutant-swap-fault-no-page-ref'));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.REF });
    const ls = labels(trace);
    expect(ls[0]).toBe('U.Uop');
    expect(ls.slice(1, -1).every((l) => l.startsWith('Ev.'))).toBe(true);
    expect(ls.at(-1)).toBe('U.Udp3');
    expect(trace!.steps.at(-2)!.state.pages[4]).toMatchObject({ freed: true });
    expect(trace!.steps.at(-1)!.state.err).toBe('UAF_PAGE');
  });
});

describe('a GUP-fast pin races collect\'s anon-exclusive path (config gup-pin)', () => {
  it('holds: 6904 states; collect sees the pin and restores the PTE, or the pinner\'s re-check sees the cleared PTE and backs out', () => {
    const sp = spec('gup-pin-races-collect');
    const { result } = checkSpec(sp);
    expect(result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 6904, generated: 16257, depth: 143 } });
    const fired = (a: string) => result.coverage.find((c) => c.name === a)!.generated;
    expect(fired('Mig.Crestorepte')).toBeGreaterThan(0);
    expect(fired('G.G3u')).toBeGreaterThan(0);
  });

  it('the flush of ptep_clear_flush waits while the pinner walks with IRQs off on c1', () => {
    expect(reachable(spec('gup-pin-races-collect'), (s) => s.Mig[0].pc === 'Ccf0b' && s.cpu.irqs.G > 0 && s.tlb.ipi.Mig?.c1)).toBe(true);
  });

  it('the restore-skipped mutant reads zeros at a0 (INV-DATA); the share-without-pin-test mutant un-excludes a pinned page (INV-PIN)', () => {
    const { trace } = checkSpec(spec('mutant-collect-pinned-restore-skipped'));
    expect(labels(trace)).toContain('Mig.Crestorepte');
    expect(labels(trace).at(-1)).toBe('U.Uzero');
    const shared = checkSpec(spec('mutant-collect-shares-pinned-page'));
    expect(shared.trace!.steps.at(-1)!.state.G[0].kept).toBe('S0');
  });
});

describe('the zero page and the huge zero page in collect (configs zero-page, huge-zero)', () => {
  it('a zero-page PTE is a hole: migrate_vma_insert_page clears and flushes it before the device-private entry (1581 states)', () => {
    const sp = spec('zero-page-hole');
    const { result } = checkSpec(sp);
    expect(result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 1581 } });
    expect(result.coverage.find((c) => c.name === 'Mig.Pzf0b')!.generated).toBeGreaterThan(0);
    expect(reachable(sp, (s) => s.pte[0].kind === 'devpriv' && s.promised[0] === 'ZP')).toBe(true);
  });

  it('the huge zero PMD is split into zero-page PTEs (pmdp_huge_clear_flush) and both become holes (1262 states)', () => {
    const sp = spec('huge-zero-split');
    expect(checkSpec(sp).result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 1262 } });
    expect(reachable(sp, (s) => s.pmd === 'none' && s.Mig[0].pc === 'Chz4b' && s.tlb.entry.c1.a0?.pfn === 'ZP')).toBe(true);
    expect(reachable(sp, (s) => s.pte.every((e: any) => e.kind === 'devpriv'))).toBe(true);
  });

  it('without the flush, c1 keeps a0 → the zero page after migrate_vma_insert_page returned: INV-TLB (also after a huge-zero split)', () => {
    const { trace } = checkSpec(spec('mutant-insert-page-skips-zero-flush'));
    const last = trace!.steps.at(-1)!.state;
    expect(last.pte[0]).toMatchObject({ kind: 'devpriv', pfn: 'D0' });
    expect(last.tlb.entry.c1.a0).toMatchObject({ pfn: 'ZP' });
    const huge = checkSpec(spec('mutant-insert-page-skips-zero-flush', { config: 'huge-zero' }));
    expect(huge.result.verdict).toMatchObject({ kind: 'violation', property: MD_INV.TLB });
    expect(labels(huge.trace)).toContain('Mig.Chz5');
  });
});
