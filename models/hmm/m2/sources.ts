/**
 * Citations of hmm/m2-device-fault's steps, by step label: the functions the step docs name, in
 * the tree of each era's release tag (no line numbers were read for these eras, except the legacy
 * mm/hmm.c: lines of the v5.2-era file read at 0092908d16c6, `HMM_V52`; the interval notifier's
 * core: lines of the v5.8-era mm/mmu_notifier.c read at c2818c9a0876, `MMN_V58`): the interval
 * notifier and lib/test_hmm.c of v5.8, mmu_interval_notifier_remove at its fix 319561669a59,
 * hmm_range_fault of v5.14, the legacy mm/hmm.c of v5.2 with nouveau_svm.c of v5.3-rc1, amdgpu_mn.c
 * of v5.2.
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';
import { HMM_V52, MMN_V58 } from '../m1/sources';

const MMN = 'mm/mmu_notifier.c';
const HMM = 'mm/hmm.c';
const TEST_HMM = 'lib/test_hmm.c';
const NOUVEAU = 'drivers/gpu/drm/nouveau/nouveau_svm.c';
const v58 = kernelSource('v5.8');
const v514 = kernelSource('v5.14');
const removeFix = kernelSource('319561669a59');
const v52 = kernelSource('v5.2');
const v53rc1 = kernelSource('v5.3-rc1');
const v53 = kernelSource('v5.3');
/** "[PATCH v3 hmm 12/12] mm/hmm: Fix error flows in hmm_invalidate_range_start" (merged for v5.3). */
const errorFlowsFix = mailSource('20190614004450.20252-13-jgg@ziepe.ca');
const AMDGPU = 'drivers/gpu/drm/amd/amdgpu';

/**
 * I3, the PTE change an invalidation announces, per era: a copy-on-write fault's new page version
 * (wp_page_copy: invalidate_range_start; ptep_clear_flush_notify; set_pte_at_notify; range_end).
 */
export const M2_PTE_CHANGE = {
  legacy: v52('mm/memory.c', 'wp_page_copy'),
  sequence: v58('mm/memory.c', 'wp_page_copy'),
} as const;

export const M2_SOURCES: Readonly<Record<string, StepSource>> = {
  // The interval notifier (v5.8–v5.17) and its test driver.
  IN2: MMN_V58(MMN, '__mmu_interval_notifier_insert', 935, 959),
  RD1: MMN_V58(MMN, 'mmu_interval_read_begin', 232, 236),
  RD2: MMN_V58(MMN, 'mmu_interval_read_begin', 247, 249),
  F3: v58(TEST_HMM, 'dmirror_range_fault'),
  HF1: v514(HMM, 'hmm_range_fault'),
  HF2: v514(HMM, 'hmm_range_fault'),
  F5: v58(TEST_HMM, 'dmirror_range_fault'),
  F6: v58(TEST_HMM, 'dmirror_range_fault'),
  F7: v58(TEST_HMM, 'dmirror_range_fault'),
  F8: v58(TEST_HMM, 'dmirror_range_fault'),
  F9: v58(TEST_HMM, 'dmirror_range_fault'),
  I1: MMN_V58(MMN, 'mn_itree_inv_start_range', 101, 112),
  I2a: v58(TEST_HMM, 'dmirror_interval_invalidate'),
  I2b: v58(TEST_HMM, 'dmirror_interval_invalidate'),
  I2c: v58(TEST_HMM, 'dmirror_interval_invalidate'),
  I2: MMN_V58(MMN, 'mn_itree_invalidate', 456, 457),
  I4a: MMN_V58(MMN, 'mn_itree_inv_end', 134, 139),
  I4b: MMN_V58(MMN, 'mn_itree_inv_end', 142),
  I4c: MMN_V58(MMN, 'mn_itree_inv_end', 150, 160),
  I4d: MMN_V58(MMN, 'mn_itree_inv_end', 161, 163),
  Y1: removeFix(MMN, 'mmu_interval_notifier_remove'),
  Y2: removeFix(MMN, 'mmu_interval_notifier_remove'),
  Y3: removeFix(MMN, 'mmu_interval_notifier_remove'),
  // Another subscriber: amdgpu's userptr lock.
  C1: v52('drivers/gpu/drm/amd/amdgpu/amdgpu_mn.c', 'amdgpu_mn_lock'),
  C4: v52('drivers/gpu/drm/amd/amdgpu/amdgpu_mn.c', 'amdgpu_mn_unlock'),
  // between amdgpu_mn_lock and _unlock in amdgpu_cs_submit: the userptr pages looked up (C2), the job pushed (C3)
  C2: [v52(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit'), v52(`${AMDGPU}/amdgpu_ttm.c`, 'amdgpu_ttm_tt_get_user_pages')],
  C3: v52(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit'),
  // The legacy HMM of v5.2 with nouveau's fault handler.
  NV1: v53rc1(NOUVEAU, 'nouveau_svm_fault'),
  NV2: [v53rc1(NOUVEAU, 'nouveau_range_fault'), HMM_V52(HMM, 'hmm_range_register', 940, 950)],
  NV2w: v52('include/linux/hmm.h', 'hmm_range_wait_until_valid'),
  L2: HMM_V52(HMM, 'hmm_range_fault', 1107, 1110),
  L3: HMM_V52(HMM, 'hmm_range_fault', 1157, 1158),
  L4: HMM_V52(HMM, 'hmm_range_fault', 1161),
  NV3: [v53rc1(NOUVEAU, 'nouveau_range_fault'), HMM_V52(HMM, 'hmm_range_unregister', 969, 976)],
  NV4: v53rc1(NOUVEAU, 'nouveau_svm_fault'),
  NV5: [v53rc1(NOUVEAU, 'nouveau_range_done'), HMM_V52(HMM, 'hmm_range_unregister', 969, 976)],
  NV6: v53rc1(NOUVEAU, 'nouveau_svm_fault'),
  NV7: v53rc1(NOUVEAU, 'nouveau_svm_fault'),
  NV8: v53rc1(NOUVEAU, 'nouveau_svm_fault'),
  IS2: HMM_V52(HMM, 'hmm_invalidate_range_start', 199, 212),
  IS5: HMM_V52(HMM, 'hmm_invalidate_range_start', 214, 219),
  IS6: [HMM_V52(HMM, 'hmm_invalidate_range_start', 220, 229), v53rc1(NOUVEAU, 'nouveau_svmm_sync_cpu_device_pagetables')],
  IS7: HMM_V52(HMM, 'hmm_invalidate_range_start', 230, 233),
  IE2: HMM_V52(HMM, 'hmm_invalidate_range_end', 244, 256),
  // the fix's error unwind: `out: if (ret) notifiers_decrement(hmm)`
  ISu: [errorFlowsFix('notifiers_decrement', HMM), v53(HMM, 'hmm_invalidate_range_start')],
  // A concurrent munmap (its thread kind named: MU1 is another step in the 2019 tables).
  'Mu.MU1': v52('mm/mmap.c', '__vm_munmap'),
  'Mu.MU2': v52('mm/mmap.c', '__vm_munmap'),
};

/**
 * The fixed OOM path's IS5/IS6 (a step's own `src`: the table cites the v5.2 form of these labels):
 * the error unwind of Gunthorpe's fix as merged for v5.3, where a failed trylock or a -EAGAIN from
 * the callback breaks to `out: if (ret) notifiers_decrement(hmm)` (ISu). No line: the v5.3 tree is
 * not in the stored sources.
 */
export const M2_FIXED_UNWIND = {
  IS5: [errorFlowsFix('hmm_invalidate_range_start', HMM), v53(HMM, 'hmm_invalidate_range_start')],
  IS6: [errorFlowsFix('hmm_invalidate_range_start', HMM), v53(HMM, 'hmm_invalidate_range_start'), v53rc1(NOUVEAU, 'nouveau_svmm_sync_cpu_device_pagetables')],
} as const satisfies Readonly<Record<string, StepSource>>;
