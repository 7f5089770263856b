/**
 * Citations of the M1 models' steps (and of M4-2019's, which runs the same 2019 steps), by step
 * label: the functions the step docs and model headers name. No line numbers were read for these
 * eras: each cites its function in the tree of the era's release tag (or the 2015 series' mail).
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';

const MMN = 'mm/mmu_notifier.c';
const HMM = 'mm/hmm.c';

/** hmm/m1-notifier-core: mm/mmu_notifier.c of the v5.8–v5.17 era. */
const v58 = kernelSource('v5.8');
export const NOTIFIER_CORE_SOURCES: Readonly<Record<string, StepSource>> = {
  E1: v58(MMN, '__mmu_notifier_release'),
  E2: v58(MMN, 'mn_hlist_release'),
  E2r: v58(MMN, 'mn_hlist_release'),
  E3: v58(MMN, 'mn_hlist_release'),
  E4: v58(MMN, 'mn_hlist_release'),
  E5a: v58(MMN, 'mn_hlist_release'),
  E5b: v58(MMN, 'mn_hlist_release'),
  E6: v58('mm/mmap.c', 'exit_mmap'),
  // reclaim: shrink_page_list → try_to_unmap → try_to_unmap_one clears the PTE (ptep_clear_flush,
  // inside the notifier's invalidate_range_start/end), then the page is freed (free_unref_page_list)
  R1: v58('mm/rmap.c', 'try_to_unmap_one'),
  R3: v58('mm/vmscan.c', 'shrink_page_list'),
  U1: v58(MMN, 'mmu_notifier_unregister'),
  U2: v58(MMN, 'mmu_notifier_unregister'),
  U3: v58(MMN, 'mmu_notifier_unregister'),
  U4: v58(MMN, 'mmu_notifier_unregister'),
  U5: v58(MMN, 'mmu_notifier_unregister'),
  U6a: v58(MMN, 'mmu_notifier_unregister'),
  U6b: v58(MMN, 'mmu_notifier_unregister'),
  V1: v58(MMN, '__mmu_notifier_invalidate_range_start'),
  V2: v58(MMN, 'mn_hlist_invalidate_range_start'),
  V2cb: v58(MMN, 'mn_hlist_invalidate_range_start'),
  V3: v58(MMN, '__mmu_notifier_invalidate_range_start'),
};

/** hmm/m1-mirror-2015: the HMM v8 series (mail) and mm/mmu_notifier.c of its time (v4.1). */
const v8 = mailSource('1432236705-4209-1-git-send-email-j.glisse@gmail.com');
const v41 = kernelSource('v4.1');
export const MIRROR_2015_SOURCES: Readonly<Record<string, StepSource>> = {
  K1: v8('hmm_mirror_unregister'),
  K2: v8('hmm_mirror_unregister'),
  K3: v8('hmm_mirror_unregister'),
  KS1: v8('hmm_mirror_unregister'),
  KS2: v8('hmm_mirror_unregister'),
  K4: v8('hmm_mirror_unref'),
  K5: v8('hmm_mirror_unref'),
  DV1: v8('hmm_device_unregister'),
  DV2: v8('hmm_device_unregister'),
  DV3: v8('hmm_device_unregister'),
  X5: v8('hmm_mirror_destroy'),
  X6: v8('hmm_mirror_destroy'),
  X7a: v8('hmm_mirror_destroy'),
  X7b: v8('hmm_mirror_destroy'),
  E1: v41(MMN, '__mmu_notifier_release'),
  X1: v8('hmm_notifier_release'),
  X2: v8('hmm_notifier_release'),
  X3: v8('hmm_notifier_release'),
  X4: [v8('hmm_notifier_release'), v8('hmm_mirror_unref')],
  E4: v41(MMN, '__mmu_notifier_release'),
  // the driver frees its hmm_device once hmm_device_unregister has returned
  DVfree: v8('hmm_device_unregister'),
};

/** The 2019 steps (hmm2019.ts): mm/hmm.c and mm/mmu_notifier.c of v5.2; mmu_notifier_put of v5.4 (14331726a3c4's era). */
const v52 = kernelSource('v5.2');
const v54 = kernelSource('v5.4');
const v53rc1 = kernelSource('v5.3-rc1');
export const HMM_2019_SOURCES: Readonly<Record<string, StepSource>> = {
  E1: v52(MMN, '__mmu_notifier_release'),
  E2: v52(MMN, '__mmu_notifier_release'),
  E3: v52(MMN, '__mmu_notifier_release'),
  E4: v52(MMN, '__mmu_notifier_release'),
  RL1a: v52(HMM, 'hmm_release'),
  RL1b: v52(HMM, 'mm_get_hmm'),
  RL4: v52(HMM, 'hmm_release'),
  RL5: v52(HMM, 'hmm_release'),
  RL6: v52(HMM, 'hmm_release'),
  RL7: v52(HMM, 'hmm_release'),
  RL8a: v52(HMM, 'hmm_release'),
  RL8b: [v52(HMM, 'hmm_release'), v52(HMM, 'hmm_put')],
  MU1: v52(HMM, 'hmm_mirror_unregister'),
  MU2: v52(HMM, 'hmm_mirror_unregister'),
  MU3: v54(MMN, 'mmu_notifier_put'),
  V1: v52(MMN, '__mmu_notifier_invalidate_range_start'),
  V2: [v52(MMN, '__mmu_notifier_invalidate_range_start'), v52(HMM, 'hmm_invalidate_range_start')],
  V3: v52(MMN, '__mmu_notifier_invalidate_range_start'),
  IS1a: v52(HMM, 'hmm_invalidate_range_start'),
  IS1b: v52(HMM, 'mm_get_hmm'),
  IS5: v52(HMM, 'hmm_invalidate_range_start'),
  IS6: v52(HMM, 'hmm_invalidate_range_start'),
  IS7: v52(HMM, 'hmm_invalidate_range_start'),
  FR1: v52(HMM, 'hmm_free'),
  FR2: v52(HMM, 'hmm_free'),
  FR3: v52(HMM, 'hmm_free'),
  // nouveau_svmm_fini of v5.3-rc1: hmm_mirror_unregister(&svmm->mirror); kfree(*psvmm)
  MF: v53rc1('drivers/gpu/drm/nouveau/nouveau_svm.c', 'nouveau_svmm_fini'),
};
