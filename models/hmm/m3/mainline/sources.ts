/**
 * Citations of hmm/m3-migrate-device's steps that are not in mm/migrate_device.c (their `doc:`
 * names the function; these give it machine-readable, with the lines of the statements a step
 * models at the commit each file was read at, ../../mainlineSources.ts): the user thread's faults
 * and MADV_DONTNEED (mm/memory.c, mm/mmu_gather.c, mm/pt_reclaim.c), the drain (mm/swap.c: its
 * stored copy is v4.3-era, where today's __lru_add_drain_all is lru_add_drain_all), the kworkers
 * (kernel/workqueue.c, v5.0-era, the copy spec/kernel/workqueue.ts was read in), the drivers'
 * allocate-and-copy, migrate_to_ram and eviction (lib/test_hmm.c: nouveau's do the same, but its
 * stored copy predates them); mm/huge_memory.c's lines are cited in collect.ts; GUP-fast (mm/gup.c)
 * and migration_entry_wait (mm/migrate.c) at v6.12.118 (the stored copies are older than the code
 * the steps follow); do_swap_page's v6.1 form at v6.1.192.
 */
import type { SourceCitation, StepSource } from '../../../../spec/citation';
import { atV6_1, mainline } from '../../mainlineSources';
import { MIGRATION_ENTRY_WAIT } from '../sources';

const MEM = 'mm/memory.c';
const GATHER = 'mm/mmu_gather.c';
const TEST_HMM = 'lib/test_hmm.c';
const WQ = 'kernel/workqueue.c';
const GUP = 'mm/gup.c';

/** Lines of do_swap_page's device-private branch (mm/memory.c, current form). */
export const swapFault = (line: number, endLine?: number): SourceCitation => mainline(MEM, 'do_swap_page', line, endLine);

/** The user thread (user.ts), by step label. */
export const USER_SOURCES: Readonly<Record<string, StepSource>> = {
  // the lock-free read of the PTE and the dispatch: do_pte_missing / do_swap_page
  Uop: mainline(MEM, 'handle_pte_fault', 5883, 5896),
  // a migration entry: migration_entry_wait
  Uwait: [swapFault(4323, 4325), MIGRATION_ENTRY_WAIT],
  // the zero page: ⟨PTL; vmf_pte_changed → unlock⟩ … setpte: set_ptes, unlock
  Uzero: [mainline(MEM, 'do_anonymous_page', 4868, 4888), mainline(MEM, 'do_anonymous_page', 4944, 4953)],
  // alloc_anon_folio; ⟨PTL; vmf_pte_changed → release; folio_add_new_anon_rmap, folio_add_lru_vma, set_ptes; unlock⟩
  Uanon: mainline(MEM, 'do_anonymous_page', 4896, 4957),
  Zlock: mainline(MEM, 'zap_pte_range', 1727, 1731),
  // a present entry: clear_full_ptes + tlb_remove_tlb_entries; a migration entry: clear_not_present_full_ptes
  Zclear: [mainline(MEM, 'do_zap_pte_range', 1678, 1702), mainline(MEM, 'zap_present_ptes', 1595, 1596), mainline(MEM, 'zap_present_folio_ptes', 1521, 1528), mainline(MEM, 'zap_nonpresent_ptes', 1636, 1641), mainline(MEM, 'zap_nonpresent_ptes', 1665)],
  Zrmap: [mainline(MEM, 'zap_present_folio_ptes', 1533, 1535), mainline(MEM, 'zap_nonpresent_ptes', 1625, 1626)],
  Zreclaim: [mainline(MEM, 'zap_pte_range', 1760, 1761), mainline('mm/pt_reclaim.c', 'try_get_and_clear_pmd', 18, 23)],
  Zunlock: mainline(MEM, 'zap_pte_range', 1771),
  Zfl1: [mainline(GATHER, 'tlb_finish_mmu', 392), mainline(GATHER, 'tlb_flush_mmu', 299)],
  Zfl2: [mainline(GATHER, 'tlb_finish_mmu', 392), mainline(GATHER, 'tlb_flush_mmu', 299)],
  // the gathered pages freed after the flush; a device-private page's reference is put in zap_nonpresent_ptes
  Zfree: [mainline(GATHER, 'tlb_flush_mmu', 300), mainline(GATHER, 'tlb_batch_pages_flush', 89, 104), mainline(MEM, 'zap_nonpresent_ptes', 1627)],
};

/** The per-CPU kworkers running lru_add_drain_all's items (build.ts), by step label. */
export const KWORKER_SOURCES: Readonly<Record<string, StepSource>> = {
  // the first item of the pool's worklist; claimed and dequeued, PENDING cleared, pool->lock dropped
  K0: [mainline(WQ, 'worker_thread', 2287, 2296), mainline(WQ, 'process_one_work', 2083, 2126)],
  // the function returned: pool->lock again, the worker no longer runs the item
  K9: mainline(WQ, 'process_one_work', 2181, 2192),
};

/** The drain work function (build.ts drainWork): lru_add_drain_per_cpu → lru_add_drain. */
export const DRAIN_SOURCE = mainline('mm/swap.c', 'lru_add_drain_per_cpu', 818, 821);
/** lru_add_drain_all (today's __lru_add_drain_all): queue the work on each CPU with batched pages; flush each. */
export const DRAIN_ALL = {
  queue: mainline('mm/swap.c', 'lru_add_drain_all', 835, 846),
  flush: mainline('mm/swap.c', 'lru_add_drain_all', 848, 849),
} as const;

/**
 * try_to_migrate_one (mm/rmap.c, the v5.15-era copy): the walk (PTL), the entry cleared, the
 * migration entry set, the rmap removed; then the mapping's reference put. Its device-page entry is
 * always readable there (today it keeps a writable device-private entry's write bit): that line is
 * not cited.
 */
export const TRY_TO_MIGRATE_ONE = {
  unmap: [mainline('mm/rmap.c', 'try_to_migrate_one', 1744), mainline('mm/rmap.c', 'try_to_migrate_one', 1797, 1798), mainline('mm/rmap.c', 'try_to_migrate_one', 1828), mainline('mm/rmap.c', 'try_to_migrate_one', 1910)],
  put: mainline('mm/rmap.c', 'try_to_migrate_one', 1911),
} as const;

/** The driver's alloc_and_copy to device memory (pages.ts Palloc): test_hmm's loop over src[]. */
export const ALLOC_SOURCE = mainline(TEST_HMM, 'dmirror_migrate_alloc_and_copy', 654, 690);
/**
 * The drivers' allocate-and-copy back to RAM: migrate_to_ram's and the eviction's — the test driver's
 * (nouveau_dmem_evict_chunk does the same, but the stored nouveau_dmem.c is the v5.1-era one, before
 * migrate_device_range).
 */
export const RAM_ALLOC_SOURCES = [
  mainline(TEST_HMM, 'dmirror_devmem_fault_alloc_and_copy', 837, 856),
  mainline(TEST_HMM, 'dmirror_device_evict_chunk', 1208, 1225),
] as const;

/** The driver's migrate_to_ram: test_hmm's migrate_vma_setup(fault_page) … migrate_vma_finalize (nouveau_dmem_migrate_to_ram alike). */
export const MIGRATE_TO_RAM = [mainline(TEST_HMM, 'dmirror_devmem_fault', 1415, 1436)] as const;
/**
 * Lines of do_swap_page's device-private branch in its v6.1 form (16ce101db85d "mm/memory.c: fix
 * race when faulting a device private page": ⟨PTL; pte_same; get_page; unlock⟩, migrate_to_ram,
 * put_page), in v6.1.192, where the branch is the commit's (Debian's linux-source-6.1, lines
 * 3801–3817). It has no page lock: the current form's trylock_page / unlock_page steps (Udt, Udp4),
 * which a v6.1 configuration never reaches, cite the current lines (user.ts swapFaultSteps).
 */
export const swapFaultV61 = (line: number, endLine?: number): SourceCitation => atV6_1(MEM, 'do_swap_page', line, endLine);

/** GUP-fast (mm/gup.c, current names, at v6.12.118), by the part of pin_user_pages_fast a step models. */
export const GUP_FAST = {
  // local_irq_save; gup_fast_pmd_range: pmdp_get_lockless, !pmd_present → bail
  irqOff: [mainline(GUP, 'gup_fast', 3418), mainline(GUP, 'gup_fast_pmd_range', 3278, 3282)],
  // ptep_get_lockless; protnone or !pte_access_permitted (not present, or FOLL_WRITE on a read-only PTE) → bail
  pteRead: mainline(GUP, 'gup_fast_pte_range', 2947, 2962),
  // try_grab_folio_fast (FOLL_PIN): try_get_folio, then the GUP_PIN_COUNTING_BIAS on the same refcount
  grab: [mainline(GUP, 'gup_fast_pte_range', 2979), mainline(GUP, 'try_grab_folio_fast', 557, 559), mainline(GUP, 'try_grab_folio_fast', 583, 585)],
  // the PTE re-read (changed → gup_put_folio, bail); else the page is the caller's
  recheck: [mainline(GUP, 'gup_fast_pte_range', 2983, 2987), mainline(GUP, 'gup_fast_pte_range', 3013, 3014)],
  putBack: mainline(GUP, 'gup_fast_pte_range', 2985),
  irqOn: mainline(GUP, 'gup_fast', 3420),
  user: mainline(GUP, 'pin_user_pages_fast', 3582),
  unpin: mainline(GUP, 'unpin_user_page', 194),
} as const;

/** The eviction's call of migrate_device_range: the test driver's (as nouveau_dmem_evict_chunk's). */
export const EVICT_SOURCE = mainline(TEST_HMM, 'dmirror_device_evict_chunk', 1207);
