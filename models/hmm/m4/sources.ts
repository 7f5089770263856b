/**
 * Citations of the M4 models' steps, by step label: the tables of the models they combine (M1's
 * 2019 steps, M2's faults and notifiers, M3's pipeline) and the steps of their own (the mm's
 * lifetime, the 2019 invalidate_range_end, the current collect and zap as pinned in their docs).
 */
import { kernelSource, type StepSource } from '../../../spec/citation';
import { HMM_2019_SOURCES, HMM_V52, MMN_V58 } from '../m1/sources';
import { M2_SOURCES } from '../m2/sources';
import { PIPELINE_SOURCES } from '../m3/sources';

const MMN = 'mm/mmu_notifier.c';
const HMM = 'mm/hmm.c';
const now = kernelSource();
const pinned = kernelSource('022a12deda53c983755c08e073a3c028a6850a23');
const v52 = kernelSource('v5.2');
const v414 = kernelSource('v4.14');
const NOUVEAU = 'drivers/gpu/drm/nouveau/nouveau_svm.c';

/** The mm's lifetime, by current names (kernel/fork.c, include/linux/sched/mm.h). */
const lifetime: Readonly<Record<string, StepSource>> = {
  CX: now('kernel/fork.c', 'mmput'),
  // the driver's close in today's order: nouveau_svmm_fini ⟨svmm->mutex; svmm->vmm = NULL⟩ before the notifier goes
  DZ: now(NOUVEAU, 'nouveau_svmm_fini'),
  F0: now('include/linux/sched/mm.h', 'mmget_not_zero'),
  M0: now('include/linux/sched/mm.h', 'mmget_not_zero'),
  F10: now('kernel/fork.c', 'mmput'),
  M10: now('kernel/fork.c', 'mmput'),
};

/** hmm/m4-2019: v5.2's HMM and notifiers, nouveau's fault, v4.14's migrate_vma_collect. */
export const M4_2019_SOURCES: Readonly<Record<string, StepSource>> = {
  ...PIPELINE_SOURCES,
  ...M2_SOURCES,
  ...HMM_2019_SOURCES,
  ...lifetime,
  Z2: [v52('mm/mmap.c', 'exit_mmap'), v52('mm/memory.c', 'zap_pte_range')],
  Z3: v52('mm/memory.c', 'zap_pte_range'),
  Z4: v52('mm/swap_state.c', 'free_pages_and_swap_cache'),
  Z5: v52('mm/swap_state.c', 'free_pages_and_swap_cache'),
  COmig: v414('mm/migrate.c', 'migrate_vma_collect_pmd'),
  L3w: v52('mm/migrate.c', 'migration_entry_wait'),
  CO2: v414('mm/migrate.c', 'migrate_vma_collect'),
  VE1: v52(MMN, '__mmu_notifier_invalidate_range_end'),
  VE2: [v52(MMN, '__mmu_notifier_invalidate_range_end'), HMM_V52(HMM, 'hmm_invalidate_range_end', 237)],
  VE3: v52(MMN, '__mmu_notifier_invalidate_range_end'),
  IE1a: HMM_V52(HMM, 'hmm_invalidate_range_end', 240),
  IE3: [HMM_V52(HMM, 'hmm_invalidate_range_end', 258), HMM_V52(HMM, 'hmm_put', 122)],
  EFR1: HMM_V52(HMM, 'hmm_free', 110),
  EFR2: HMM_V52(HMM, 'hmm_free', 112, 115),
  EFR3: HMM_V52(HMM, 'hmm_free', 117),
};

/** hmm/m4-now: the interval notifier, today's fault and migration, exit_mmap's invalidations. */
export const M4_NOW_SOURCES: Readonly<Record<string, StepSource>> = {
  ...PIPELINE_SOURCES,
  ...M2_SOURCES,
  ...lifetime,
  X0: now('kernel/fork.c', '__mmput'),
  'Exit.I1': [MMN_V58(MMN, 'mn_itree_release', 275, 276), MMN_V58(MMN, 'mn_itree_inv_start_range', 101, 112)],
  Z2: [now('mm/mmap.c', 'exit_mmap'), pinned('mm/memory.c', 'zap_pte_range')],
  Z3: pinned('mm/memory.c', 'zap_pte_range'),
  XI1: MMN_V58(MMN, 'mn_itree_inv_start_range', 101, 112),
  XI2a: M2_SOURCES.I2a!,
  XI2b: M2_SOURCES.I2b!,
  XI2c: M2_SOURCES.I2c!,
  XI4a: M2_SOURCES.I4a!,
  XI4b: M2_SOURCES.I4b!,
  XI4c: M2_SOURCES.I4c!,
  XI4d: M2_SOURCES.I4d!,
  CO2: pinned('mm/migrate_device.c', 'migrate_vma_collect'),
  CO5: now('mm/migrate_device.c', 'migrate_vma_setup'),
  HFw: now('mm/migrate.c', 'migration_entry_wait'),
};
