/**
 * Citations of hmm/m3-migration's steps, by step label, one table per build: the pipeline
 * (pipeline/build.ts: mm/migrate_device.c and mm/memory.c by their current mainline names, not
 * pinned: no line numbers were read for this model), the restore loop (restore.ts: HMM v13's mail,
 * or mm/migrate.c of v4.14) and the ABBA micro-model (abba.ts: mm/migrate.c of v4.14).
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';

const now = kernelSource();
const MD = 'mm/migrate_device.c';
const MEM = 'mm/memory.c';
const VMSCAN = 'mm/vmscan.c';
const v414 = kernelSource('v4.14');
const MMN = 'mm/mmu_notifier.c';
const TEST_HMM = 'lib/test_hmm.c';
/** lib/test_hmm.c as read at 08a7c7772b4d (the v5.8-era driver: its fault path invalidates the device PTE after migrate_vma_pages). */
const testHmm58 = kernelSource('08a7c7772b4db0be06e3b27239147c0a36e2a507');
const v13 = mailSource('1479493107-982-17-git-send-email-jglisse@redhat.com');

/** pipeline/build.ts: the migration, the CPU threads, MADV_DONTNEED, reclaim, a pin, the eviction. */
export const PIPELINE_SOURCES: Readonly<Record<string, StepSource>> = {
  CO2: [now(MD, 'migrate_vma_collect'), now(MD, 'migrate_vma_collect_pmd')],
  MG5: now(MD, 'migrate_device_unmap'),
  MGrestore: now(MD, 'migrate_device_unmap'),
  MGunlock: now(MD, 'migrate_device_unmap'),
  MG6: now('lib/test_hmm.c', 'dmirror_migrate_alloc_and_copy'),
  MG7: now(MD, '__migrate_device_pages'),
  MG8: now(MD, '__migrate_device_finalize'),
  MG9: now(MD, '__migrate_device_finalize'),
  MG9d: now(MD, '__migrate_device_finalize'),
  CO1: now(MMN, 'mmu_interval_read_begin'),
  COmig: now(MD, 'migrate_vma_collect_pmd'),
  CF: now(MEM, 'handle_pte_fault'),
  C0: now(MEM, 'handle_pte_fault'),
  Cmwait: now('mm/migrate.c', 'migration_entry_wait'),
  Cptl: now(MEM, 'do_swap_page'),
  Cwait: now(MEM, 'do_swap_page'),
  Cmig: now(MEM, 'do_swap_page'),
  Cunl: now(MEM, 'do_swap_page'),
  Cret: now(MEM, 'do_swap_page'),
  Z1: [now('mm/madvise.c', 'madvise_dontneed_single_vma'), now(MMN, 'mn_itree_invalidate')],
  Z2: now(MEM, 'zap_pte_range'),
  Z3: now(MEM, 'zap_pte_range'),
  Z4: now('mm/swap_state.c', 'free_pages_and_swap_cache'),
  Z5: now('mm/swap_state.c', 'free_pages_and_swap_cache'),
  Zend: now(MMN, 'mn_itree_inv_end'),
  isolate: now(VMSCAN, 'shrink_folio_list'),
  unmap: now('mm/rmap.c', 'try_to_unmap_one'),
  pageout: now(VMSCAN, 'pageout'),
  drop: now(VMSCAN, '__remove_mapping'),
  get: now('include/linux/mm.h', 'get_page_unless_zero'),
  put: now('include/linux/mm.h', 'put_page'),
  lock: now(MD, 'migrate_device_range'),
  inv: now('mm/rmap.c', 'try_to_migrate'),
  restore: now(MD, 'migrate_device_finalize'),
  rput: now(MD, 'migrate_device_finalize'),
  copy: now(TEST_HMM, 'dmirror_device_evict_chunk'),
  unlockd: now(MD, 'migrate_device_finalize'),
  pages: now(MD, 'migrate_device_pages'),
  final: now(MD, 'migrate_device_finalize'),
  unlock: now(MD, 'migrate_device_finalize'),
  memunmap: now('mm/memremap.c', 'memunmap_pages'),
};

/**
 * MGdev, the driver's device page-table update after migrate_vma_pages (a step's own `src`: the
 * label is shared by both directions): to device memory, test_hmm's finalize_and_map (current
 * name); back to RAM in the fault path, the v5.8 driver's dmirror_devmem_fault_finalize_and_map
 * (read at 08a7c7772b4d: ⟨dmirror->mutex; dmirror_do_update; unlock⟩ after migrate_vma_pages).
 */
export const MGDEV_SOURCES = {
  toDevice: now(TEST_HMM, 'dmirror_migrate_finalize_and_map'),
  toRam: testHmm58(TEST_HMM, 'dmirror_devmem_fault_finalize_and_map'),
} as const;

/** restore.ts: `v13` the posted hmm_migrate_* loop (mail), else the merged v4.14 migrate_vma_prepare. */
export function restoreSources(loop: 'v13' | 'v4.14'): Readonly<Record<string, StepSource>> {
  return {
    RS0: v13('hmm_migrate_lock_and_isolate'),
    RS1: v13('hmm_migrate_lock_and_isolate'),
    RS2: v13('hmm_migrate_lock_and_isolate'),
    RS: v414('mm/migrate.c', 'migrate_vma_prepare'),
    CO2: loop === 'v13' ? v13('hmm_collect_walk_pmd') : v414('mm/migrate.c', 'migrate_vma_collect_pmd'),
    LI: loop === 'v13' ? v13('hmm_migrate_lock_and_isolate') : v414('mm/migrate.c', 'migrate_vma_prepare'),
    UM: loop === 'v13' ? v13('hmm_migrate_unmap') : v414('mm/migrate.c', 'migrate_vma_unmap'),
    CP: v414('mm/migrate.c', 'migrate_vma'),
    FIN: loop === 'v13' ? v13('hmm_migrate_remove_migration_pte') : v414('mm/migrate.c', 'migrate_vma_finalize'),
  };
}

/** abba.ts: collect, the prepare phase's page locks, the rest (mm/migrate.c of v4.14). */
export const ABBA_SOURCES: Readonly<Record<string, StepSource>> = {
  CO2: v414('mm/migrate.c', 'migrate_vma_collect'),
  CO2b: v414('mm/migrate.c', 'migrate_vma_collect'),
  LK1: v414('mm/migrate.c', 'migrate_vma_prepare'),
  LK2: v414('mm/migrate.c', 'migrate_vma_prepare'),
  MG: [v414('mm/migrate.c', 'migrate_vma'), v414('mm/migrate.c', 'migrate_vma_finalize')],
  MGb: v414('mm/migrate.c', 'migrate_vma_finalize'),
};
