/**
 * Citations of the M4 models' steps, by step label: the tables of the models they combine (M1's
 * 2019 steps, M2's faults and notifiers, M3's pipeline) and the steps of their own (the mm's
 * lifetime, the 2019 invalidate_range_end, the current collect and zap). Current-mainline lines are
 * cited at the commit or tag each file was read at (../mainlineSources.ts). The lines of v5.2's
 * mm/mmu_notifier.c (VE1–VE3) are counted as ../m1/sources.ts says.
 */
import { citationList, kernelSource, type StepSource } from '../../../spec/citation';
import { HMM_2019_SOURCES, HMM_V52, MMN_V58 } from '../m1/sources';
import { M2_SOURCES } from '../m2/sources';
import { MIGRATION_ENTRY_WAIT, PIPELINE_SOURCES, V414_MIGRATE } from '../m3/sources';
import { mainline } from '../mainlineSources';

const MMN = 'mm/mmu_notifier.c';
const HMM = 'mm/hmm.c';
const v52 = kernelSource('v5.2');
const NOUVEAU = 'drivers/gpu/drm/nouveau/nouveau_svm.c';

/** The mm's lifetime, by current names (kernel/fork.c, include/linux/sched/mm.h, with lines at the commits of ../mainlineSources.ts). */
const lifetime: Readonly<Record<string, StepSource>> = {
  CX: mainline('kernel/fork.c', 'mmput', 1228, 1229),
  // the driver's close in today's order: nouveau_svmm_fini ⟨svmm->mutex; svmm->vmm = NULL⟩ before the notifier goes
  DZ: mainline(NOUVEAU, 'nouveau_svmm_fini', 307, 309),
  F0: mainline('include/linux/sched/mm.h', 'mmget_not_zero', 138),
  M0: mainline('include/linux/sched/mm.h', 'mmget_not_zero', 138),
  F10: mainline('kernel/fork.c', 'mmput', 1228, 1229),
  M10: mainline('kernel/fork.c', 'mmput', 1228, 1229),
};

/** hmm/m4-2019: v5.2's HMM and notifiers, nouveau's fault, v4.14's migrate_vma_collect (../m3/sources.ts V414_MIGRATE). */
export const M4_2019_SOURCES: Readonly<Record<string, StepSource>> = {
  ...PIPELINE_SOURCES,
  ...M2_SOURCES,
  ...HMM_2019_SOURCES,
  ...lifetime,
  Z2: [v52('mm/mmap.c', 'exit_mmap'), v52('mm/memory.c', 'zap_pte_range')],
  Z3: v52('mm/memory.c', 'zap_pte_range'),
  Z4: v52('mm/swap_state.c', 'free_pages_and_swap_cache'),
  Z5: v52('mm/swap_state.c', 'free_pages_and_swap_cache'),
  // v4.14's lines as counted in ../m3/sources.ts (the 4.14.y text on the e00814ca390e hunk anchors)
  COmig: [V414_MIGRATE.collectUnmap, V414_MIGRATE.collectUnlockFlush],
  L3w: v52('mm/migrate.c', 'migration_entry_wait'),
  CO2: [V414_MIGRATE.collectWalk, V414_MIGRATE.collectLock, V414_MIGRATE.collectGet, V414_MIGRATE.collectTrylock],
  VE1: v52(MMN, '__mmu_notifier_invalidate_range_end', 198),
  VE2: [v52(MMN, '__mmu_notifier_invalidate_range_end', 199), v52(MMN, '__mmu_notifier_invalidate_range_end', 217, 218), HMM_V52(HMM, 'hmm_invalidate_range_end', 237)],
  VE3: v52(MMN, '__mmu_notifier_invalidate_range_end', 220),
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
  X0: [mainline('kernel/fork.c', 'mmput', 1228, 1229), mainline('kernel/fork.c', '__mmput', 1207)],
  'Exit.I1': [MMN_V58(MMN, 'mn_itree_release', 275, 276), MMN_V58(MMN, 'mn_itree_inv_start_range', 101, 112)],
  // exit_mmap's unmap_vmas reaches the same zap_pte_range as MADV_DONTNEED (hmm/m3-migration's Z2, Z3)
  Z2: [mainline('mm/mmap.c', 'exit_mmap', 1946), ...citationList(PIPELINE_SOURCES.Z2)],
  Z3: PIPELINE_SOURCES.Z3!,
  XI1: MMN_V58(MMN, 'mn_itree_inv_start_range', 101, 112),
  XI2a: M2_SOURCES.I2a!,
  XI2b: M2_SOURCES.I2b!,
  XI2c: M2_SOURCES.I2c!,
  XI4a: M2_SOURCES.I4a!,
  XI4b: M2_SOURCES.I4b!,
  XI4c: M2_SOURCES.I4c!,
  XI4d: M2_SOURCES.I4d!,
  // range_start and the walk; under the PTL: folio_get, the fault folio or the trylock
  CO2: [mainline('mm/migrate_device.c', 'migrate_vma_collect', 387, 393), mainline('mm/migrate_device.c', 'migrate_vma_collect_pmd', 159), mainline('mm/migrate_device.c', 'migrate_vma_collect_pmd', 261, 262), mainline('mm/migrate_device.c', 'migrate_vma_collect_pmd', 276)],
  CO5: mainline('mm/migrate_device.c', 'migrate_vma_setup', 633, 634),
  HFw: MIGRATION_ENTRY_WAIT,
};
