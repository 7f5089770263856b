/**
 * Citations of hmm/m3-migration's steps, by step label, one table per build: the pipeline
 * (pipeline/build.ts: current mainline functions, with lines at the commit or tag each file was
 * read at, ../mainlineSources.ts), the restore loop (restore.ts: HMM v13's mail,
 * or mm/migrate.c of v4.14) and the ABBA micro-model (abba.ts: mm/migrate.c of v4.14).
 *
 * mm/migrate.c v4.14 (no tree of the tag is stored): the blob is e00814ca390e, 4.14-rc3's 6954c1435833
 * plus the indexing fix <1506973525-16491-1-git-send-email-jglisse@redhat.com> (6954c14..e00814c),
 * and October 2017 patches are based on it. The text of migrate_vma_collect … migrate_vma is read
 * in a 4.14.y tree (36115/android_kernel_samsung_exynos9820 at fc9cac6885f7, index file 6445858656)
 * and numbered from three hunk anchors on that blob: migrate_vma_collect_hole's `unsigned long addr;`
 * at 2146 (the fix, `@@ -2146,8 +2146,9 @@`), migrate_vma_pages' `if (notified)` at 2807
 * (<20171017031003.7481-3-jglisse@redhat.com>, `@@ -2804,9 +2808,14 @@` on e00814ca390e) and
 * migrate_vma's "Sanity check the arguments" comment at 2928 (2927 in
 * <150655619012.700.15161500295945223238.stgit@dwillia2-desk3.amr.corp.intel.com>'s `@@ -2927,7` on
 * 6954c1435833, + the fix's line). The 4.14.y copy matches all three but for one line: its
 * migrate_vma_collect_pmd carries the 2022 stable reorder "flush TLB while holding PTL", which
 * puts a blank line after the PTE loop; v4.14 has `arch_leave_lazy_mmu_mode(); pte_unmap_unlock()`
 * right after the loop (2329–2330), then the TLB flush (2332–2334), as in HMM-v25's
 * <20170817000548.32038-16-jglisse@redhat.com>.
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';
import { mainline } from '../mainlineSources';

const MD = 'mm/migrate_device.c';
const MEM = 'mm/memory.c';
const VMSCAN = 'mm/vmscan.c';
const v414 = kernelSource('v4.14');
const MIGRATE = 'mm/migrate.c';
/** mm/migrate.c v4.14's migrate_vma code, lines as counted in the header; shared with hmm/m4-2019. */
export const V414_MIGRATE = {
  collectWalk: v414(MIGRATE, 'migrate_vma_collect', 2360, 2366),
  collectLock: v414(MIGRATE, 'migrate_vma_collect_pmd', 2228),
  collectGet: v414(MIGRATE, 'migrate_vma_collect_pmd', 2292, 2293),
  collectTrylock: v414(MIGRATE, 'migrate_vma_collect_pmd', 2300),
  // ptep_get_and_clear, the migration entry, set_pte_at, page_remove_rmap, put_page
  collectUnmap: v414(MIGRATE, 'migrate_vma_collect_pmd', 2304, 2319),
  // arch_leave_lazy_mmu_mode, pte_unmap_unlock, then flush_tlb_range if any PTE was cleared
  collectUnlockFlush: v414(MIGRATE, 'migrate_vma_collect_pmd', 2329, 2334),
  prepareLock: v414(MIGRATE, 'migrate_vma_prepare', 2458, 2475),
  finalizePage: v414(MIGRATE, 'migrate_vma_finalize', 2848, 2855),
} as const;
/** A migration entry met: under the PTL, migration_entry_wait_on_locked (the PTL dropped, the folio lock waited for); M3's CPU, M4's fault. */
export const MIGRATION_ENTRY_WAIT = mainline(MIGRATE, 'migration_entry_wait', 441, 448);
const MMN = 'mm/mmu_notifier.c';
const TEST_HMM = 'lib/test_hmm.c';
/** lib/test_hmm.c as read at 08a7c7772b4d (the v5.8-era driver: its fault path invalidates the device PTE after migrate_vma_pages). */
const testHmm58 = kernelSource('08a7c7772b4db0be06e3b27239147c0a36e2a507');
const v13 = mailSource('1479493107-982-17-git-send-email-jglisse@redhat.com');

/** pipeline/build.ts: the migration, the CPU threads, MADV_DONTNEED, reclaim, a pin, the eviction. */
export const PIPELINE_SOURCES: Readonly<Record<string, StepSource>> = {
  // range_start and the walk; under the PTL: folio_get, the trylock (else folio_put, skip)
  CO2: [mainline(MD, 'migrate_vma_collect', 387, 393), mainline(MD, 'migrate_vma_collect_pmd', 159), mainline(MD, 'migrate_vma_collect_pmd', 261, 262), mainline(MD, 'migrate_vma_collect_pmd', 276), mainline(MD, 'migrate_vma_collect_pmd', 344, 346)],
  MG5: mainline(MD, 'migrate_device_unmap', 468, 500),
  MGrestore: mainline(MD, 'migrate_device_unmap', 510, 511),
  MGunlock: mainline(MD, 'migrate_device_unmap', 513, 517),
  // to device memory dmirror_migrate_alloc_and_copy; back to RAM (the fault's C1/C2 share the label) dmirror_devmem_fault_alloc_and_copy
  MG6: [mainline(TEST_HMM, 'dmirror_migrate_alloc_and_copy', 667, 690), mainline(TEST_HMM, 'dmirror_devmem_fault_alloc_and_copy', 845, 856)],
  MG7: mainline(MD, '__migrate_device_pages', 817, 852),
  MG8: mainline(MD, '__migrate_device_finalize', 917, 928),
  MG9: mainline(MD, '__migrate_device_finalize', 929, 931),
  MG9d: mainline(MD, '__migrate_device_finalize', 933, 936),
  CO1: mainline(MMN, 'mmu_interval_read_begin', 232, 257),
  COmig: [mainline(MD, 'migrate_vma_collect_pmd', 280, 343), mainline(MD, 'migrate_vma_collect_pmd', 354, 359)],
  // the fault: the entry again under the PTL, do_pte_missing / do_swap_page / do_wp_page
  CF: [mainline(MEM, 'handle_pte_fault', 5892, 5896), mainline(MEM, 'handle_pte_fault', 5901, 5913)],
  // the access itself is the MMU's; the fault path reads the same entry lock-free and dispatches
  C0: mainline(MEM, 'handle_pte_fault', 5883, 5896),
  // a migration entry: migration_entry_wait_on_locked sleeps until the folio is unlocked (no reference taken)
  Cmwait: MIGRATION_ENTRY_WAIT,
  Cptl: mainline(MEM, 'do_swap_page', 4340, 4354),
  Cwait: mainline(MEM, 'do_swap_page', 4358, 4359),
  Cmig: mainline(MEM, 'do_swap_page', 4355),
  Cunl: mainline(MEM, 'do_swap_page', 4356, 4357),
  Cret: mainline(MEM, 'do_swap_page', 4355),
  Z1: [mainline('mm/madvise.c', 'madvise_dontneed_single_vma', 864), mainline(MMN, 'mn_itree_invalidate', 450, 457)],
  // PTL, then per entry: present → get_and_clear / clear_full_ptes + tlb_remove_tlb_entries; non-present → clear_not_present_full_ptes
  Z2: [mainline(MEM, 'zap_pte_range', 1727, 1741), mainline(MEM, 'zap_present_folio_ptes', 1509, 1528), mainline(MEM, 'zap_nonpresent_ptes', 1665)],
  // the rmap of a present / device-private entry, a swap entry's slot; the PTL dropped
  Z3: [mainline(MEM, 'zap_present_folio_ptes', 1533, 1535), mainline(MEM, 'zap_nonpresent_ptes', 1610, 1635), mainline(MEM, 'zap_pte_range', 1771)],
  Z4: [mainline('mm/swap_state.c', 'free_pages_and_swap_cache', 247, 248), mainline('mm/swap_state.c', 'free_swap_cache', 218, 221)],
  Z5: mainline('mm/swap_state.c', 'free_pages_and_swap_cache', 249),
  Zend: mainline(MMN, 'mn_itree_inv_end', 134, 142),
  // the loop's head: lru_to_folio, list_del; folio_trylock fails → keep (put back)
  isolate: mainline(VMSCAN, 'shrink_folio_list', 1109, 1113),
  // page_vma_mapped_walk (PTL); ptep_clear_flush; the dirty bit to the page; the swap entry; the rmap and the reference
  unmap: [mainline('mm/rmap.c', 'try_to_unmap_one', 1440), mainline('mm/rmap.c', 'try_to_unmap_one', 1515, 1520), mainline('mm/rmap.c', 'try_to_unmap_one', 1615), mainline('mm/rmap.c', 'try_to_unmap_one', 1640, 1641)],
  // folio_clear_dirty_for_io → ->writepage (swap_writepage for a swap-cache folio)
  pageout: mainline(VMSCAN, 'pageout', 676, 711),
  // freeze at 1 + nr_pages (isolation + swap cache), a dirty folio unfreezes; __delete_from_swap_cache, put_swap_folio; else cannot_free
  drop: [mainline(VMSCAN, '__remove_mapping', 757, 775), mainline(VMSCAN, '__remove_mapping', 810, 814)],
  get: mainline('include/linux/mm.h', 'get_page_unless_zero', 1157),
  put: mainline('include/linux/mm.h', 'put_page', 1548, 1550),
  lock: [mainline(MD, 'migrate_device_range', 1016, 1017), mainline(MD, 'migrate_device_pfn_lock', 980, 989)],
  // try_to_migrate's rmap walk → try_to_migrate_one: the MMU_NOTIFY_CLEAR range, invalidate_range_start
  inv: mainline('mm/rmap.c', 'try_to_migrate_one', 1732, 1742),
  // the eviction's restore of a page it could not unmap: migrate_device_range → migrate_device_unmap's restore loop
  restore: [mainline(MD, 'migrate_device_range', 1019), mainline(MD, 'migrate_device_unmap', 510, 511)],
  rput: [mainline(MD, 'migrate_device_range', 1019), mainline(MD, 'migrate_device_unmap', 513, 517)],
  copy: mainline(TEST_HMM, 'dmirror_device_evict_chunk', 1218, 1224),
  unlockd: [mainline(MD, 'migrate_device_finalize', 954), mainline(MD, '__migrate_device_finalize', 926, 927), mainline(MD, '__migrate_device_finalize', 933, 936)],
  pages: [mainline(MD, 'migrate_device_pages', 871), mainline(MD, '__migrate_device_pages', 846, 852)],
  final: [mainline(MD, 'migrate_device_finalize', 954), mainline(MD, '__migrate_device_finalize', 917, 928)],
  unlock: [mainline(MD, 'migrate_device_finalize', 954), mainline(MD, '__migrate_device_finalize', 929, 931)],
  memunmap: mainline('mm/memremap.c', 'memunmap_pages', 140, 147),
};

/**
 * MGdev, the driver's device page-table update after migrate_vma_pages (a step's own `src`: the
 * label is shared by both directions): to device memory, test_hmm's finalize_and_map (current
 * name); back to RAM in the fault path, the v5.8 driver's dmirror_devmem_fault_finalize_and_map
 * (read at 08a7c7772b4d: ⟨dmirror->mutex; dmirror_do_update; unlock⟩ after migrate_vma_pages).
 */
export const MGDEV_SOURCES = {
  toDevice: mainline(TEST_HMM, 'dmirror_migrate_finalize_and_map', 739, 763),
  toRam: testHmm58(TEST_HMM, 'dmirror_devmem_fault_finalize_and_map', 1025, 1027),
} as const;

/** restore.ts: `v13` the posted hmm_migrate_* loop (mail), else the merged v4.14 migrate_vma_prepare. */
export function restoreSources(loop: 'v13' | 'v4.14'): Readonly<Record<string, StepSource>> {
  return {
    RS0: v13('hmm_migrate_lock_and_isolate'),
    RS1: v13('hmm_migrate_lock_and_isolate'),
    RS2: v13('hmm_migrate_lock_and_isolate'),
    RS: v414(MIGRATE, 'migrate_vma_prepare'),
    CO2: loop === 'v13' ? v13('hmm_collect_walk_pmd') : v414(MIGRATE, 'migrate_vma_collect_pmd'),
    LI: loop === 'v13' ? v13('hmm_migrate_lock_and_isolate') : v414(MIGRATE, 'migrate_vma_prepare'),
    UM: loop === 'v13' ? v13('hmm_migrate_unmap') : v414(MIGRATE, 'migrate_vma_unmap'),
    // migrate_vma: ops->alloc_and_copy, migrate_vma_pages, ops->finalize_and_map
    CP: v414(MIGRATE, 'migrate_vma', 2972, 2977),
    FIN: loop === 'v13' ? v13('hmm_migrate_remove_migration_pte') : v414(MIGRATE, 'migrate_vma_finalize'),
  };
}

/** abba.ts: collect, the prepare phase's page locks, the rest (mm/migrate.c of v4.14). */
export const ABBA_SOURCES: Readonly<Record<string, StepSource>> = {
  // the walk between invalidate_range_start and _end; per present page: get_page, cpages++
  CO2: [V414_MIGRATE.collectWalk, V414_MIGRATE.collectGet],
  CO2b: [V414_MIGRATE.collectWalk, V414_MIGRATE.collectGet],
  // not yet locked by collect: trylock_page, else src[i] = 0, cpages--, put_page (the comment on the ABBA deadlock above it)
  LK1: V414_MIGRATE.prepareLock,
  LK2: V414_MIGRATE.prepareLock,
  // migrate_vma: unmap, alloc_and_copy, pages, finalize_and_map, finalize; finalize: remove_migration_ptes, unlock_page, putback_lru_page
  MG: [v414(MIGRATE, 'migrate_vma', 2959, 2980), V414_MIGRATE.finalizePage],
  MGb: V414_MIGRATE.finalizePage,
};
