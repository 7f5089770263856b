/**
 * Citations of the M1 models' steps (and of M4-2019's, which runs the same 2019 steps), by step
 * label: the functions the step docs and model headers name. Where a stored tree of the era's form
 * was read, by line at that commit: mm/hmm.c of the 2019 steps at 0092908d16c6 (`HMM_V52`) and
 * mm/mmu_notifier.c of the v5.8 era at c2818c9a0876 (`MMN_V58`); exit_mmap of v5.8 (E6) by lines
 * counted as `EXIT_MMAP_V58` says; reclaim's R1 and R3 by lines of v5.10.251 (`atV5_10`, whose
 * statements are v5.8's); the other places by lines of the era's release tag, counted as said where
 * they are cited (or the 2015 series' mail).
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';
import { atV5_10 } from '../mainlineSources';

const MMN = 'mm/mmu_notifier.c';
const HMM = 'mm/hmm.c';

/**
 * mm/mmu_notifier.c as read at c2818c9a0876, a file of the v5.8 era's form (the interval tree and
 * the SRCU-walked hlist, mn_hlist_release / mn_itree_inv_start_range / mn_itree_inv_end /
 * mmu_interval_read_begin as in v5.8): the v5.8 tag is not in the stored tree; lines counted here.
 */
export const MMN_V58 = kernelSource('c2818c9a08760578e57acf5640371d75f2cd2819');

/** hmm/m1-notifier-core: mm/mmu_notifier.c of the v5.8–v5.17 era (`MMN_V58` where a line was read). */
const v58 = kernelSource('v5.8');
const n58 = MMN_V58;

/**
 * mm/mmap.c v5.8's exit_mmap: unmap_vmas(&tlb, vma, 0, -1); free_pgtables(…); tlb_finish_mmu(&tlb,
 * 0, -1) at 3162–3164, counted (no v5.8 copy of the whole file read): the text from vm_munmap to
 * exit_mmap read in nviennot/linux-trace-error at 1969eebb089a (v5.8's mmap locking API, do_mmap_pgoff
 * not yet removed as in v5.9) puts exit_mmap 225 lines after vm_munmap and unmap_vmas 53 lines into
 * it; vm_munmap at 2884 as in Ubuntu's 5.8 build (DepSurf's per-release function table), whose
 * exit_mmap at 3126 is these 225 lines plus the 17 that aufs adds to remap_file_pages (its 5.3 build's
 * vm_munmap, above the aufs block, is v5.3's vanilla line, 2869).
 */
const EXIT_MMAP_V58 = v58('mm/mmap.c', 'exit_mmap', 3162, 3164);
export const NOTIFIER_CORE_SOURCES: Readonly<Record<string, StepSource>> = {
  E1: [n58(MMN, '__mmu_notifier_release', 356, 357), n58(MMN, 'mn_hlist_release', 309)],
  E2: n58(MMN, 'mn_hlist_release', 310, 311),
  E2r: n58(MMN, 'mn_hlist_release', 318, 319),
  E3: n58(MMN, 'mn_hlist_release', 321, 333),
  E4: n58(MMN, 'mn_hlist_release', 334),
  E5a: n58(MMN, 'mn_hlist_release', 345),
  E5b: n58(MMN, 'mn_hlist_release', 345),
  E6: EXIT_MMAP_V58,
  // reclaim: shrink_page_list → try_to_unmap → try_to_unmap_one clears the PTE (ptep_get_and_clear with a
  // batched flush, or ptep_clear_flush, inside the notifier's invalidate_range_start/end), then the page is
  // freed (free_unref_page_list). Lines of v5.10.251 (`atV5_10`, ../mainlineSources.ts): no v5.8 copy
  // of mm/rmap.c or mm/vmscan.c is stored, and the statements these steps follow are v5.8's.
  // - R1, try_to_unmap_one's PTE clear: `if (should_defer_flush(mm, flags)) { … pteval =
  //   ptep_get_and_clear(…); set_tlb_ubc_flush_pending(…); } else { pteval = ptep_clear_flush(…); }`
  //   (1548–1562), the form since v4.5's batched unmap flush. The same statements stand in a stored
  //   copy older than v5.8 (index file 9400258368, a preprocessed extract: page_size() of v5.3, the
  //   device-private branch without the uffd-wp bits v5.9's "mm/rmap: fixup copying of soft dirty and
  //   uffd ptes" added) and in the v5.15-era torvalds/linux copy at 8cdf3792526a, so v5.8 has them.
  // - R3, shrink_page_list's free: `free_unref_page_list(&free_pages)` (1498), after
  //   `mem_cgroup_uncharge_list` and the batched `try_to_unmap_flush()`; the v5.8-era mm/vmscan.c of
  //   nviennot/linux-trace-error at 1969eebb089a ends shrink_page_list with the same statements.
  R1: atV5_10('mm/rmap.c', 'try_to_unmap_one', 1548, 1562),
  R3: atV5_10('mm/vmscan.c', 'shrink_page_list', 1498),
  U1: n58(MMN, 'mmu_notifier_unregister', 809),
  U2: n58(MMN, 'mmu_notifier_unregister', 816),
  U3: n58(MMN, 'mmu_notifier_unregister', 821, 822),
  U4: n58(MMN, 'mmu_notifier_unregister', 823),
  U5: n58(MMN, 'mmu_notifier_unregister', 825, 831),
  U6a: n58(MMN, 'mmu_notifier_unregister', 838),
  U6b: n58(MMN, 'mmu_notifier_unregister', 838),
  V1: [n58(MMN, '__mmu_notifier_invalidate_range_start', 524, 525), n58(MMN, 'mn_hlist_invalidate_range_start', 483)],
  V2: n58(MMN, 'mn_hlist_invalidate_range_start', 484, 485),
  V2cb: n58(MMN, 'mn_hlist_invalidate_range_start', 493),
  V3: n58(MMN, 'mn_hlist_invalidate_range_start', 508),
};

/**
 * hmm/m1-mirror-2015: the HMM v8 series (mail) and mm/mmu_notifier.c of its time (v4.1). No v4.1
 * tree is stored; __mmu_notifier_release's lines are those of a stored copy of the 4.3–4.10 file
 * (index file 15389870: `static struct srcu_struct srcu`, mmu_notifier_synchronize, clear_young,
 * invalidate_page; its __mmu_notifier_invalidate_range_end at 205, the line a stored per-release
 * function table, index file 3384710756, gives for 4.4, 4.8 and 4.10). Lines 1–125 are the same in
 * the ~3.19 file that Glisse's "mmu_notifier: add event information to address invalidation v6"
 * patches (blob 3b9b3d0: change_pte at 145, invalidate_page's srcu_read_lock at 165, the copy's
 * numbering without v4.3's clear_young, which comes after __mmu_notifier_release), so v4.1, in
 * between, has them too.
 */
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
  E1: v41(MMN, '__mmu_notifier_release', 65),
  X1: v8('hmm_notifier_release'),
  X2: v8('hmm_notifier_release'),
  X3: v8('hmm_notifier_release'),
  X4: [v8('hmm_notifier_release'), v8('hmm_mirror_unref')],
  E4: v41(MMN, '__mmu_notifier_release', 90),
  // the driver frees its hmm_device once hmm_device_unregister has returned
  DVfree: v8('hmm_device_unregister'),
};

/**
 * mm/hmm.c as read at 0092908d16c6, the v5.2-era file (mm_get_hmm's READ_ONCE, the hmm->lock mutex,
 * hmm_free's plain kfree, the double-unregister guard): the v5.2 tag itself is not in the stored
 * tree; the functions cited here have v5.2's form in it, and the lines are counted in it.
 */
export const HMM_V52 = kernelSource('0092908d16c604b8207c2141ec64b0fa4473bb03');

/**
 * The 2019 steps (hmm2019.ts): mm/hmm.c of v5.2 (`HMM_V52`) and mm/mmu_notifier.c of v5.2;
 * mmu_notifier_put of 14331726a3c4's era (v5.4), by lines of the v5.8-era file (`MMN_V58`).
 *
 * mm/mmu_notifier.c v5.2 (no tree of it is stored; the lines are counted, not read in one copy):
 * the file is the 5.2-rc1 blob ee36068077b6 with the SPDX header (8 lines instead of 10). Its
 * text: the SPDX header and includes as in a stored 5.4-era copy (index file 94673294, less the
 * 5.4 lockdep map), mmu_notifier_call_srcu as in the 4.3–4.10 copy (index file 15389870; no
 * mmu_notifier_synchronize, which 2c7933f53f6b re-added in v5.4), __mmu_notifier_release …
 * __mmu_notifier_change_pte as in both copies (the same text), and the v5.2 bodies of
 * __mmu_notifier_invalidate_range_start/_end. Anchors: the hunk headers on ee36068077b6 (pr_info
 * in _range_start at 181, do_mmu_notifier_register at 244, 407 lines: Vetter's "mm, notifier:
 * … pr_warn", Bueso's range-lock RFC, Glisse's update_to_read_only) are these lines + 2; the
 * 5.2.y stable backport of 543bdb2d825f (<20190719035643.14300-162-sashal@kernel.org>, blob
 * 513b9607409d) has hlist_add_head at 277 = 279 − 2; the Aug 2019 blob 16f1cbc775d0 (SPDX, plus
 * a 2-line WARN_ON in _range_start) has DEFINE_STATIC_SRCU at 22 and _range_end's
 * invalidate_range_end call at 220 = 218 + 2.
 */
const v52 = kernelSource('v5.2');
const h = HMM_V52;
const v53rc1 = kernelSource('v5.3-rc1');
export const HMM_2019_SOURCES: Readonly<Record<string, StepSource>> = {
  E1: v52(MMN, '__mmu_notifier_release', 57),
  E2: v52(MMN, '__mmu_notifier_release', 58, 66),
  E3: v52(MMN, '__mmu_notifier_release', 68, 81),
  E4: v52(MMN, '__mmu_notifier_release', 82),
  RL1a: h(HMM, 'hmm_release', 145),
  RL1b: h(HMM, 'mm_get_hmm', 35),
  RL4: h(HMM, 'hmm_release', 160, 164),
  RL5: h(HMM, 'hmm_release', 171),
  RL6: h(HMM, 'hmm_release', 172),
  RL7: [h(HMM, 'hmm_release', 173, 176), h(HMM, 'hmm_release', 163, 164)],
  RL8a: h(HMM, 'hmm_release', 178),
  RL8b: [h(HMM, 'hmm_release', 180), h(HMM, 'hmm_put', 122)],
  MU1: h(HMM, 'hmm_mirror_unregister', 305, 308),
  MU2: h(HMM, 'hmm_mirror_unregister', 310, 314),
  // mmu_notifier_put as 14331726a3c4 (v5.4) added it; unchanged but for names in the v5.8-era file read
  MU3: MMN_V58(MMN, 'mmu_notifier_put', 883, 889),
  V1: v52(MMN, '__mmu_notifier_invalidate_range_start', 174),
  V2: [v52(MMN, '__mmu_notifier_invalidate_range_start', 175, 177), h(HMM, 'hmm_invalidate_range_start', 183)],
  V3: v52(MMN, '__mmu_notifier_invalidate_range_start', 186),
  IS1a: h(HMM, 'hmm_invalidate_range_start', 186),
  IS1b: h(HMM, 'mm_get_hmm', 35),
  IS5: h(HMM, 'hmm_invalidate_range_start', 214, 215),
  IS6: h(HMM, 'hmm_invalidate_range_start', 220, 223),
  IS7: h(HMM, 'hmm_invalidate_range_start', 230, 233),
  FR1: h(HMM, 'hmm_free', 110),
  FR2: h(HMM, 'hmm_free', 112, 115),
  FR3: h(HMM, 'hmm_free', 117),
  // nouveau_svmm_fini of v5.3-rc1: hmm_mirror_unregister(&svmm->mirror); kfree(*psvmm) (lines counted
  // back from Ubuntu's 5.3 copy, see ../m2/sources.ts; 294 = `svmm = *psvmm` in 5.4's hunk header too)
  MF: v53rc1('drivers/gpu/drm/nouveau/nouveau_svm.c', 'nouveau_svmm_fini', 296, 297),
};
