/**
 * migrate_vma_collect → migrate_vma_collect_pmd (mm/migrate_device.c, current mainline) at step
 * granularity: one PTL hold over the PTEs of a0 and a1, per entry folio_get / folio_trylock / the
 * PTE clear (ptep_clear_flush for an anon-exclusive page, else ptep_get_and_clear and a flush after
 * the loop), folio_mark_dirty, the migration entry, rmap removal and folio_put; the large-folio
 * path that drops the PTL, locks and splits the folio and restarts the walk (migrate_vma_split_folio).
 */
import { joinCited } from '../../../../spec/citation';
import { raise } from '../../../../spec/kernel/errors';
import { preemptEnable } from '../../../../spec/kernel/cpu';
import { pageLock, pageLocked, pageRelease, pageTrylock, pageUnlock } from '../../../../spec/kernel/page';
import { folioSplit } from '../../../../spec/kernel/folio';
import { pteCopy, pteMigration, pteNone, ptePresent } from '../../../../spec/kernel/pte';
import { citeAt } from '../../../../spec/citation';
import { MAINLINE_COMMITS } from '../../mainlineSources';
import { CPU, flushThen, lockedByCaller, type Forms } from './env';
import { ADDRS, IDX, MD, NADDR, RANGE, ZERO, cite, fget, folio, fput, isDevice, setPte, putStep, st, type Ctx, type MigL, type Pfn, type Step, type Sys } from './state';

const hugeCite = citeAt(MAINLINE_COMMITS['mm/huge_memory.c']);
/** Lines of mm/huge_memory.c at the commit it was read at (`fn` one function per range of `lines`, as in `cite`). */
const HUGE = (fn: string, lines: number | string, what: string) => hugeCite('mm/huge_memory.c', lines, fn, `mm/huge_memory.c ${fn}: ${what}`);
/** A step inside split_huge_pmd, called from migrate_vma_collect_pmd line 136. */
const SPLIT = (fn: string, lines: number | string, what: string) => joinCited(cite(MD, 136, 'migrate_vma_collect_pmd', 'split_huge_pmd → '), HUGE(fn, lines, what));

const cur = (l: MigL): Pfn => l.src[l.i]!.pfn!;
/** The walk moves to the next address (`next:` in migrate_vma_collect_pmd). */
function next(l: MigL, th: { goto(label: string): void }): void {
  l.i++;
  th.goto('Cpte');
}
/** This entry is not migrated: src[i] = 0. */
function skipEntry(l: MigL, th: { goto(label: string): void }): void {
  l.src[l.i] = { pfn: null, migrate: false, write: false };
  next(l, th);
}

/**
 * The collect walk of `migrate_vma_setup`, shared by Mig (MIGRATE_VMA_SELECT_SYSTEM over a0 and a1)
 * and by U's migrate_to_ram (MIGRATE_VMA_SELECT_DEVICE_PRIVATE over the faulting address, with the
 * fault page): the range and the selection are the thread's (RANGE, `th.id`).
 */
export function collectSteps(f: Forms): Step<MigL>[] {
  const clearFlush = ADDRS.flatMap((a, i) =>
    flushThen<MigL>(`Ccf${i}a`, `Ccf${i}b`, [a], 'Cshare', cite(MD, 284, 'migrate_vma_collect_pmd', `ptep_clear_flush(${a}): flush_tlb_page`)),
  );
  const mainFlush = flushThen<MigL>(
    'Cflush',
    'Cflushw',
    [...ADDRS],
    f.flushAfterUnlock ? 'Cret' : 'Cunlock',
    cite(MD, '354-356', 'migrate_vma_collect_pmd', 'if (unmapped) flush_tlb_range(start, end)'),
    (_s, l) => l.unmapped > 0 && !f.skipFlush,
  );
  const unlock = {
    ...CPU.spinUnlock('Cunlock', (s) => s.ptl),
    ...cite(MD, '358-359', 'migrate_vma_collect_pmd', 'arch_leave_lazy_mmu_mode; pte_unmap_unlock(ptep - 1, ptl)'),
  } as unknown as Step<MigL>;
  const unlockThenFlush: Step<MigL> = { ...unlock, effect: (d, th) => { unlock.effect!(d, th); th.goto('Cflush'); } };
  const tail: Step<MigL>[] = f.flushAfterUnlock ? [unlockThenFlush, ...mainFlush] : [...mainFlush, unlock];
  const lock = CPU.spinLock('Cagain', (s) => s.ptl) as unknown as Step<MigL>;
  return [
    st<MigL>(
      'Cpmd',
      joinCited(
        cite(MD, '120-122', 'migrate_vma_collect_pmd', 'again: if (pmd_none(*pmdp)) return migrate_vma_collect_hole(start, end, -1, walk) — from `start`, also when the walk restarts at addr after a split'),
        f.restartFromAddr ? ' [proposed fix: from addr]' : '',
      ),
      (d, th) => {
        const l = th.local;
        if (th.id === 'Mig' && f.devFault) return th.goto('done'); // the device-fault configurations: no system-to-device migration
        if (d.pmd === 'hugezero') return th.goto('Chz1');
        if (d.pmd !== 'none') return;
        // the entries of [start, addr) are already in src[]: starting again at `start` appends them twice
        if (l.i > 0 && !f.restartFromAddr) {
          raise(d, 'SRC_OVERFLOW');
          return th.goto('done');
        }
        for (let i = l.i; i < RANGE[th.id]!; i++) l.src[i] = { pfn: null, migrate: true, write: false };
        th.goto('Cret');
      },
    ),
    {
      ...lock,
      effect: (d, th) => {
        lock.effect!(d, th);
        if (d.pmd === 'none') {
          // pte_offset_map_lock returns NULL (the table went away): goto again
          d.ptl.owner = null;
          preemptEnable(d, d.cpu, th.id);
          th.goto('Cpmd');
        }
      },
      ...joinCited(
        cite(MD, '159-163', 'migrate_vma_collect_pmd', 'the pmd is a PTE table (not none, not trans-huge): pte_offset_map_lock (NULL → goto again); ptep += (addr - start) / PAGE_SIZE'),
        '; before the first walk: ',
        cite(MD, '387-390', 'migrate_vma_collect', 'invalidate_range_start(MIGRATE, owner): no subscriber but the driver, which skips its own MIGRATE events'),
      ),
    },
    st<MigL>('Cpte', cite(MD, '165-243', 'migrate_vma_collect_pmd', 'pte = ptep_get(ptep); pte_none (anonymous) → MIGRATE hole; non-present: a device-private entry of pgmap_owner with SELECT_DEVICE_PRIVATE → candidate, else next; present: SELECT_SYSTEM or next, vm_normal_page, folio_test_large → split path'), (d, th) => {
      const l = th.local;
      if (l.i >= RANGE[th.id]!) return th.goto(f.flushAfterUnlock ? 'Cunlock' : 'Cflush');
      const e = d.pte[l.i]!;
      if (e.kind === 'none') {
        l.src[l.i] = { pfn: null, migrate: true, write: false }; // a hole of an anonymous VMA: MIGRATE, cpages++
        return next(l, th);
      }
      // Mig selects system memory; migrate_to_ram (U) selects the driver's device-private entries
      const selected = th.id === 'Mig' ? e.kind === 'present' : e.kind === 'devpriv';
      if (!selected || e.pfn === null) return skipEntry(l, th); // swap / migration entries, or not selected
      if (e.pfn === ZERO) {
        l.src[l.i] = { pfn: null, migrate: true, write: false }; // is_zero_pfn && SELECT_SYSTEM: a hole (MIGRATE, cpages++), the PTE left in place
        return next(l, th);
      }
      l.src[l.i] = { pfn: e.pfn, migrate: false, write: e.writable };
      if (folio(d, e.pfn).order > 0) return th.goto(f.flushBeforeSplit ? 'CsplitP1' : f.getBeforeUnlock ? 'CsplitG' : 'Csplit0');
      th.goto('Cget');
    }),
    st<MigL>('Cget', cite(MD, '261-262', 'migrate_vma_collect_pmd', 'folio_get: pins the folio (and "freezes" the pte)'), (d, th) => fget(d, th, cur(th.local))),
    st<MigL>('Clock', cite(MD, 276, 'migrate_vma_collect_pmd', 'fault_folio == folio || folio_trylock(folio); else folio_put, mpfn = 0'), (d, th) => {
      const p = cur(th.local);
      if (!lockedByCaller(f, th.local, p) && !pageTrylock(folio(d, p), th.id)) th.goto('Cputfail');
      else th.goto('Cclear');
    }),
    putStep<MigL>('Cputfail', cite(MD, '290-292 / 345-346', 'migrate_vma_collect_pmd', 'folio_put; mpfn = 0; goto next'), (d, th) => {
      fput(d, th, cur(th.local));
      skipEntry(th.local, th);
    }),
    st<MigL>('Cclear', cite(MD, '280-296', 'migrate_vma_collect_pmd', 'anon_exclusive = PageAnonExclusive(page): pte = ptep_clear_flush (clear, then flush_tlb_page if pte_accessible: not for a device-private entry); else pte = ptep_get_and_clear (flushed after the loop)'), (d, th) => {
      const l = th.local;
      l.old = pteCopy(d.pte[l.i]!);
      setPte(d, l.i, pteNone());
      if (!d.excl[IDX[cur(l)]]) th.goto('Cdirty');
      else th.goto(l.old.kind === 'present' ? `Ccf${l.i}a` : 'Cshare');
    }),
    ...clearFlush,
    st<MigL>('Cshare', joinCited(f.shareIgnoresPin ? 'mutant: no folio_maybe_dma_pinned test; ' : '', cite(MD, '286-293', 'migrate_vma_collect_pmd', 'folio_try_share_anon_rmap_pte: fails if the folio may be DMA-pinned → set_pte_at(orig), unlock, put, mpfn = 0')), (d, th) => {
      const x = IDX[cur(th.local)];
      if (d.pin[x]! > 0 && !f.shareIgnoresPin) return th.goto('Crestorepte'); // folio_maybe_dma_pinned
      d.excl[x] = false;
      th.goto('Cdirty');
    }),
    st<MigL>('Crestorepte', joinCited(f.pinnedRestoreSkipped ? 'mutant: no set_pte_at; ' : '', cite(MD, 287, 'migrate_vma_collect_pmd', 'set_pte_at(mm, addr, ptep, pte): the cleared PTE is put back')), (d, th) => {
      if (!f.pinnedRestoreSkipped) setPte(d, th.local.i, pteCopy(th.local.old));
    }),
    st<MigL>('Cunlockfail', cite(MD, '288-289', 'migrate_vma_collect_pmd', 'folio_unlock (not the fault folio)'), (d, th) => {
      const p = cur(th.local);
      if (!lockedByCaller(f, th.local, p)) pageUnlock(d, folio(d, p));
      th.goto('Cputfail');
    }),
    st<MigL>('Cdirty', cite(MD, '300-302', 'migrate_vma_collect_pmd', 'if (pte_dirty(pte)) folio_mark_dirty(folio) (H8\'s fix, fd35ca3d12cc)'), (d, th) => {
      if (th.local.old.dirty) folio(d, cur(th.local)).dirty = true;
    }),
    st<MigL>('Cset', cite(MD, '304-332', 'migrate_vma_collect_pmd', 'make_{writable,readable[_exclusive]}_migration_entry (+young/dirty bits); set_pte_at(swp_pte)'), (d, th) => {
      const l = th.local;
      setPte(d, l.i, pteMigration(cur(l), l.src[l.i]!.write));
    }),
    st<MigL>('Crmap', cite(MD, 339, 'migrate_vma_collect_pmd', 'folio_remove_rmap_pte (the mapping\'s reference is the one folio_put drops next)'), (d, th) => {
      const p = cur(th.local);
      const pg = d.pages[IDX[p]]!;
      if (pg.freed) return;
      pg.map--;
      th.local.hold[IDX[p]]!++; // ledger: the mapping's reference, dropped by the next step
    }),
    putStep<MigL>('Cput', joinCited(f.collectKeepsRef ? 'mutant: no folio_put; ' : '', cite(MD, '340-343', 'migrate_vma_collect_pmd', 'folio_put; if (pte_present(pte)) unmapped++; next')), (d, th) => {
      const l = th.local;
      if (!f.collectKeepsRef || th.id !== 'Mig') fput(d, th, cur(l)); // the mutant leaks in Mig's pass only (a leak per refault would grow without bound)
      l.src[l.i]!.migrate = true;
      if (l.old.kind === 'present') l.unmapped = Math.min(l.unmapped + 1, NADDR);
      next(l, th);
    }),
    ...tail,
    st<MigL>('Cret', cite(MD, '395', 'migrate_vma_collect', 'walk_page_range returns; invalidate_range_end (no subscriber acts); the flush promised for every cleared PTE has happened'), (d, th) => {
      const l = th.local;
      for (let i = 0; i < NADDR; i++) if (l.src[i]!.migrate && l.src[i]!.pfn && !isDevice(l.src[i]!.pfn!)) d.promised[i] = l.src[i]!.pfn;
      l.i = 0;
      th.goto('Ulru');
    }),
    // ---- the huge zero page (lines 124-136): split_huge_pmd into zero-page PTEs ----
    st<MigL>(
      'Chz1',
      cite(MD, '124-135', 'migrate_vma_collect_pmd', 'pmd_trans_huge: ptl = pmd_lock; !pmd_trans_huge → unlock, goto again; is_huge_zero_folio(pmd_folio) → spin_unlock'),
      (d, th) => {
        if (d.pmd !== 'hugezero') th.goto('Cpmd');
      },
      (s) => s.ptl.owner === null, // pmd_lock: taken and dropped around one read of the PMD
    ),
    { ...(CPU.spinLock('Chz2', (s) => s.ptl) as unknown as Step<MigL>), ...joinCited(cite(MD, 136, 'migrate_vma_collect_pmd', 'split_huge_pmd(vma, pmdp, addr)'), '; ', HUGE('__split_huge_pmd', 3102, 'ptl = pmd_lock(mm, pmd) (the PMD lock: the model\'s PTL stands for it while the PMD is huge)')) },
    st<MigL>('Chz3', SPLIT('split_huge_pmd_locked / __split_huge_pmd_locked / __split_huge_zero_page_pmd', '3087-3089 / 2914-2924 / 2838', 'still pmd_trans_huge → __split_huge_pmd_locked → is_huge_zero_pmd → __split_huge_zero_page_pmd: old_pmd = pmdp_huge_clear_flush (cleared, then the range flushed); not huge any more → unlock'), (d, th) => {
      if (d.pmd !== 'hugezero') return th.goto('Chz6');
      d.pmd = 'none'; // the PTE words keep showing the zero page, but no walk reaches them (walkPte)
    }),
    ...flushThen<MigL>('Chz4a', 'Chz4b', [...ADDRS], 'Chz5', SPLIT('__split_huge_zero_page_pmd', 2838, 'pmdp_huge_clear_flush → flush_pmd_tlb_range (the huge mapping\'s TLB entries)')),
    st<MigL>('Chz5', SPLIT('__split_huge_zero_page_pmd', '2840-2858', 'pgtable_trans_huge_withdraw; a zero-pfn special PTE per address (set_pte_at); pmd_populate'), (d) => {
      d.pte = d.pte.map(() => ptePresent(ZERO, false, false));
      d.pmd = 'table';
    }, undefined, { atomic: 'the deposited PTE table is private until pmd_populate publishes it under the PMD lock: the PTE stores and the PMD store are observed only through the published PMD (smp_wmb before pmd_populate)' }),
    {
      ...(CPU.spinUnlock('Chz6', (s) => s.ptl) as unknown as Step<MigL>),
      ...joinCited(SPLIT('__split_huge_pmd', 3104, 'spin_unlock'), '; then ', cite(MD, '159-160', 'migrate_vma_collect_pmd', 'pte_offset_map_lock')),
      effect: (d: Sys, th: Ctx<MigL>) => {
        (CPU.spinUnlock('Chz6', (s) => s.ptl) as unknown as Step<MigL>).effect!(d, th);
        th.goto('Cagain');
      },
    } as Step<MigL>,
    // ---- the large-folio path (lines 224-241, migrate_vma_split_folio 64-104) ----
    ...(f.flushBeforeSplit
      ? flushThen<MigL>('CsplitP1', 'CsplitP2', [...ADDRS], f.getBeforeUnlock ? 'CsplitG' : 'Csplit0', cite(MD, '225-229', 'migrate_vma_collect_pmd', 'proposed fix: if (unmapped) flush_tlb_range(start, end) before pte_unmap_unlock'), (_s, l) => l.unmapped > 0)
      : []),
    ...(f.getBeforeUnlock ? [st<MigL>('CsplitG', cite(MD, '225-229', 'migrate_vma_collect_pmd', 'proposed fix: folio_get(folio) under the PTL, before pte_unmap_unlock (migrate_vma_split_folio then takes no reference of its own)'), (d, th) => fget(d, th, cur(th.local)))] : []),
    (() => {
      const unlockStep = CPU.spinUnlock('Csplit0', (s) => s.ptl) as unknown as Step<MigL>;
      return {
        ...unlockStep,
        ...cite(MD, '225-229', 'migrate_vma_collect_pmd', 'folio_test_large: arch_leave_lazy_mmu_mode; pte_unmap_unlock — the PTL is dropped with earlier entries cleared and their flush still pending, and no reference held on the large folio'),
        effect: (d, th) => {
          unlockStep.effect!(d, th);
          if (f.getBeforeUnlock) th.goto('Csplit2');
        },
      } as Step<MigL>;
    })(),
    st<MigL>('Csplit1', cite(MD, '71-72', 'migrate_vma_split_folio', 'folio != fault_folio: folio_get'), (d, th) => fget(d, th, cur(th.local))),
    st<MigL>(
      'Csplit2',
      cite(MD, 73, 'migrate_vma_split_folio', 'folio_lock (sleeps while another holds it)'),
      (d, th) => pageLock(folio(d, cur(th.local)), th.id),
      (s, th) => !pageLocked(folio(s, th.local.src[th.local.i]!.pfn!)),
    ),
    st<MigL>(
      'Csplit3',
      cite(MD, 76, 'migrate_vma_split_folio', 'split_folio(folio): -EAGAIN if pinned; on success the head page\'s folio keeps the lock and our reference'),
      (d, th) => {
        const h = IDX[cur(th.local)];
        if (!folioSplit(d, d.pages, h, { lockAt: h })) return th.goto('CsplitF1');
        // __folio_split frees the new folios nobody references (an unmapped tail): their count is 0
        d.pages.forEach((pg, k) => {
          if (!pg.freed && pg.head === k && pg.ref === 0) {
            pageRelease(pg);
            pg.lru = 'none';
          }
        });
      },
      undefined,
      { atomic: 'split_folio works on a locked folio whose refcount it freezes (folio_ref_freeze) after unmapping it: no other thread can take a reference or map it until the split is done (mm/huge_memory.c __folio_split)' },
    ),
    st<MigL>('Csplit4', cite(MD, '91-92', 'migrate_vma_split_folio', '!new_fault_folio: folio_unlock(folio)'), (d, th) => pageUnlock(d, folio(d, cur(th.local)))),
    putStep<MigL>('Csplit5', cite(MD, '93, 240', 'migrate_vma_split_folio / migrate_vma_collect_pmd', 'folio_put; return 0 → goto again (the walk restarts at addr, `unmapped` kept)'), (d, th) => {
      fput(d, th, cur(th.local));
      th.goto('Cpmd');
    }),
    st<MigL>('CsplitF1', cite(MD, '77-79', 'migrate_vma_split_folio', 'split failed: folio_unlock'), (d, th) => pageUnlock(d, folio(d, cur(th.local)))),
    putStep<MigL>('CsplitF2', cite(MD, '80-82', 'migrate_vma_split_folio', 'folio_put; return ret'), (d, th) => fput(d, th, cur(th.local))),
    ...flushThen<MigL>(
      'CsplitF3',
      'CsplitF4',
      [...ADDRS],
      'CsplitF5',
      cite(MD, '233-235', 'migrate_vma_collect_pmd', 'if (unmapped) flush_tlb_range(start, end) — without the PTL'),
      (_s, l) => l.unmapped > 0 && !f.skipFlush,
    ),
    st<MigL>('CsplitF5', cite(MD, 237, 'migrate_vma_collect_pmd', 'return migrate_vma_collect_skip(addr, end): src[i..] = 0'), (_d, th) => {
      const l = th.local;
      for (let i = l.i; i < RANGE[th.id]!; i++) l.src[i] = { pfn: null, migrate: false, write: false };
      th.goto('Cret');
    }),
  ];
}

