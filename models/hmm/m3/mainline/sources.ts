/**
 * Citations of hmm/m3-migrate-device's steps that are not in mm/migrate_device.c (their `doc:`
 * names the function; these give it machine-readable): the user thread's faults and MADV_DONTNEED
 * in mm/memory.c (not pinned: current mainline names), the kworkers (kernel/workqueue.c and
 * mm/swap.c at the commits spec/kernel/workqueue.ts was read at), the driver's allocation.
 */
import { kernelSource, type StepSource } from '../../../../spec/citation';

const memory = kernelSource();
const MEM = 'mm/memory.c';
const workqueue = kernelSource('1b83d5756a89');
const swap = kernelSource('eb39d618f9e8');

/** The user thread (user.ts), by step label. */
export const USER_SOURCES: Readonly<Record<string, StepSource>> = {
  Uop: memory(MEM, 'handle_pte_fault'),
  Uwait: [memory(MEM, 'do_swap_page'), kernelSource()('mm/migrate.c', 'migration_entry_wait')],
  Uzero: memory(MEM, 'do_anonymous_page'),
  Uanon: memory(MEM, 'do_anonymous_page'),
  Zlock: memory(MEM, 'zap_pte_range'),
  Zclear: [memory(MEM, 'do_zap_pte_range'), memory(MEM, 'zap_present_ptes'), memory(MEM, 'zap_nonpresent_ptes')],
  Zrmap: [memory(MEM, 'zap_present_ptes'), memory(MEM, 'zap_nonpresent_ptes')],
  Zreclaim: [memory(MEM, 'zap_pte_range'), kernelSource()('mm/pt_reclaim.c', 'try_get_and_clear_pmd')],
  Zunlock: memory(MEM, 'zap_pte_range'),
  Zfl1: kernelSource()('mm/mmu_gather.c', 'tlb_flush_mmu'),
  Zfl2: kernelSource()('mm/mmu_gather.c', 'tlb_flush_mmu'),
  Zfree: kernelSource()('mm/mmu_gather.c', 'tlb_batch_pages_flush'),
};

/** The per-CPU kworkers running lru_add_drain_all's items (build.ts), by step label. */
export const KWORKER_SOURCES: Readonly<Record<string, StepSource>> = {
  K0: workqueue('kernel/workqueue.c', 'worker_thread'),
  K9: workqueue('kernel/workqueue.c', 'process_one_work'),
};

/** The drain work function (build.ts drainWork). */
export const DRAIN_SOURCE = swap('mm/swap.c', 'lru_add_drain_per_cpu');

/** The driver's alloc_and_copy (pages.ts Palloc): the test driver's, by name. */
export const ALLOC_SOURCE = kernelSource()('lib/test_hmm.c', 'dmirror_migrate_alloc_and_copy');
/** The drivers' allocate-and-copy back to RAM: migrate_to_ram's and the eviction's, by name. */
export const RAM_ALLOC_SOURCES = [
  kernelSource()('lib/test_hmm.c', 'dmirror_devmem_fault_alloc_and_copy'),
  kernelSource()('drivers/gpu/drm/nouveau/nouveau_dmem.c', 'nouveau_dmem_evict_chunk'),
] as const;

/** do_swap_page's device-private branch (mm/memory.c, by name: the stored tree has no copy at COMMIT) and the drivers' migrate_to_ram. */
export const SWAP_FAULT = memory(MEM, 'do_swap_page');
export const MIGRATE_TO_RAM = [kernelSource()('lib/test_hmm.c', 'dmirror_devmem_fault'), kernelSource()('drivers/gpu/drm/nouveau/nouveau_dmem.c', 'nouveau_dmem_migrate_to_ram')] as const;
/** The v6.1 form: 16ce101db85d "mm/memory.c: fix race when faulting a device private page". */
export const SWAP_FAULT_V61 = kernelSource('16ce101db85d')(MEM, 'do_swap_page');

/** GUP-fast (mm/gup.c, by name, current mainline). */
export const GUP_FAST = {
  irq: kernelSource()('mm/gup.c', 'gup_fast'),
  pte: kernelSource()('mm/gup.c', 'gup_fast_pte_range'),
  grab: kernelSource()('mm/gup.c', 'try_grab_folio_fast'),
  unpin: kernelSource()('mm/gup.c', 'unpin_user_page'),
  user: kernelSource()('mm/gup.c', 'pin_user_pages_fast'),
} as const;

/** The eviction driver (nouveau's, by name). */
export const EVICT_SOURCE = kernelSource()('drivers/gpu/drm/nouveau/nouveau_dmem.c', 'nouveau_dmem_evict_chunk');
