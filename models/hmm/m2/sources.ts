/**
 * Citations of hmm/m2-device-fault's steps, by step label: the functions the step docs name, in
 * the tree of each era's release tag (with lines where the era's text could be read or counted:
 * the legacy mm/hmm.c at 0092908d16c6, `HMM_V52`; the interval notifier's core in the v5.8-era
 * mm/mmu_notifier.c at c2818c9a0876, `MMN_V58`; the others as said below): the interval
 * notifier and lib/test_hmm.c of v5.8 (the copy-on-write PTE change by v5.10.251's lines, of the same
 * statements), mmu_interval_notifier_remove at its fix 319561669a59,
 * hmm_range_fault of v5.14, the legacy mm/hmm.c of v5.2 with nouveau_svm.c of v5.3-rc1, amdgpu's
 * userptr lock and command submission in their classic notifier form (amdgpu_mn.c at 00f5764dbb04,
 * amdgpu_cs.c at 860dbce3d8dd: `AMN_CLASSIC`, `CS_CLASSIC` below).
 *
 * Where the lines of the v5.14, v5.10.251, v5.8, v5.3, v5.3-rc1 and v5.2 tags come from (no tree of
 * those tags is stored):
 * - mm/hmm.c v5.14 (HF1, HF2): read in torvalds/linux at 4dd845b5a3e5, a commit of the v5.14 merge
 *   window (mm/hmm.c blob 11df3ca30b82: pfn_swap_entry_to_page, not yet the device-exclusive check),
 *   then counted down by the only later change to the file before v5.14, "mm: device exclusive
 *   memory access" (11df3ca30b82..fad6be2bf072: `@@ -26,6 +26,8 @@` the internal.h include,
 *   `@@ -271,6 +273,9 @@` in hmm_vma_handle_pte), so hmm_range_fault is at 572 (was 567). That
 *   blob's hash, recomputed from the result, is fad6be2bf072: the mm/hmm.c Li Zhijian's "mm/hmm:
 *   bypass devmap pte when all pfn requested flags are fulfilled" is against on 28 Aug 2021 (the day
 *   before v5.14), its hunk `@@ -295,10` unchanged as akpm sent it for v5.15-rc1 on 8 Sep 2021; that
 *   hunk and those of other patches on fad6be2bf072 (`@@ -239,7`, `@@ -380,6`, `@@ -515,7`) fall on
 *   the same lines of the count.
 * - mm/hmm.c v5.3 (ISu, and IS5/IS6 of `M2_FIXED_UNWIND`): read in a stored copy the index names
 *   file 9734602, not its repository, whose hash, recomputed, is blob e1eedef129cf: v5.3-rc1's
 *   mm/hmm.c, the file Hellwig's "mm: always return EBUSY for invalid ranges in
 *   hmm_range_{fault,snapshot}" (<20190722094426.18563-2-hch@lst.de>, the day after rc1) is against;
 *   that patch, the only mm/hmm.c change of the "HMM patches for 5.3-rc" pull (changes since
 *   v5.3-rc1), makes it 16b6731a34db with hunks from line 946 on only. Lines 1–216 of 16b6731a34db
 *   are the copy's, as the hunks of patches on that blob in July–August 2019 show
 *   (`@@ -165,7 +165,6 @@` and `@@ -173,15 +172,10 @@ hmm_invalidate_range_start` of Hellwig's
 *   hmm_update removal, `@@ -205,6 +205,9 @@` of Daniel Vetter's WARN on a failed callback); no
 *   other change to mm/hmm.c before v5.3 was found (the 5.4 changes came with the 5.4 merge window).
 * - lib/test_hmm.c v5.8 (F3–F9, I2a–I2c): read in nviennot/linux-trace-error at 1969eebb089a, a
 *   v5.8-era tree (mmap_read_lock, `args.src_owner`, before 5143192cd410's migrate flags) whose only
 *   change to this file is in-line (`-EBUSY` → `-ERR(EBUSY)`, same lines); line 214 (the `{` of
 *   dmirror_interval_invalidate) is confirmed by the hunk header of Ralph Campbell's "mm/hmm/test:
 *   use the new migration invalidation" (blob 74c6ee66ef15, v5.9 merge window).
 * - nouveau_svm.c v5.3-rc1 (NV1, NV4–NV8, IS6): read in jason77-wang/eoan-rpi4 at 8e7a1dfbcc8c
 *   (Ubuntu 5.3), then counted back to the v5.3-rc1 blob 8c92374afcf2: eoan carries the 5-line
 *   `if (!cli->svm.svmm)` check in nouveau_svmm_bind (a later fix), and nouveau_svm_fault sits 41
 *   more lines down in v5.3 because Hellwig's 5.3-rc series (<20190724065258.16603-3-hch@lst.de>
 *   and -4-, -5-) moved nouveau_range_fault / nouveau_range_done in above it. Anchors: that
 *   series' hunk headers on 8c92374afcf2 (475 = the end of nouveau_svm_fault_cache, 649–658 =
 *   `again: ret = hmm_vma_fault(...)`) and 5.4's (294 in nouveau_svmm_fini).
 * - At v5.3-rc1 nouveau_range_fault / nouveau_range_done did not exist yet: the code NV2, NV2w,
 *   NV3 and NV5 follow was include/linux/hmm.h's hmm_vma_fault / hmm_vma_range_done (the same
 *   statements; the series above moved them to nouveau under the new names), so those steps cite
 *   hmm.h by its v5.3-rc1 names, counted in the same series' hunk on hmm.h (blob b8a08b2a10ca,
 *   lines 487–540).
 * - include/linux/hmm.h v5.2 (NV2w): read in a stored copy of the v5.2 form (the index names file
 *   18826863, not its repository): hmm_range_wait_until_valid with the `range->hmm->dead` check,
 *   struct hmm's `mmu_notifier` at line 93 as in the base of the 5.2.y stable backport of
 *   6d7c3cde93c1 (hmm.h blob 044a36d7c3f8).
 * - mm/memory.c v5.2 (I3 of the legacy era, `M2_PTE_CHANGE.legacy`): read in
 *   WindRiver-Labs/linux-yocto-5.2 at 12f787d91be7, v5.2's blob ddf20bd0c317 up to line 1547 (see
 *   ../m4/sources.ts) with 16 lines more between do_page_mkwrite and do_wp_page: that tree carries
 *   Johannes Weiner's "mm: drop mmap_sem before calling balance_dirty_pages() in write fault"
 *   (89b15332af7c, v5.5; its fault_dirty_shared_page and wp_page_shared are the copy's), whose hunks
 *   (as backported to 5.4.y, <20200107205336.471219797@linuxfoundation.org>: `@@ -2227,10 +2227,11`
 *   and `@@ -2245,16 +2246,30` in fault_dirty_shared_page, `@@ -2497,6 +2512,7` in wp_page_shared)
 *   add 15 lines above wp_page_copy and 1 below it. So wp_page_copy, whose text is v5.2's in the copy
 *   (cow_user_page(…, vmf->address, vma), mem_cgroup_try_charge_delay / _commit_charge), is 15 lines
 *   up in v5.2: ptep_clear_flush_notify at 2396 (copy: 2411), set_pte_at_notify at 2405 (2420). The
 *   same 15 show against a Sept. 2019 blob of the old fault_dirty_shared_page: Jia He's "mm: fix double
 *   page fault on arm64 if PTE_AF is cleared" v2 (<20190906135747.211836-1-justin.he@arm.com>, blob
 *   e2bb51b6242e) has cow_user_page's definition 178 lines above its call in wp_page_copy
 *   (`@@ -2140,7` and `@@ -2318,7`); the copy, 193.
 * - mm/memory.c of the interval-notifier era (I3, `M2_PTE_CHANGE.sequence`): lines of the stable tag
 *   v5.10.251 as read in Debian's linux-source-5.10 (`atV5_10`, ../mainlineSources.ts, which says
 *   what its one patch to the file shifts): ptep_clear_flush_notify … set_pte_at_notify at 2965–2973. The v5.8-era
 *   mm/memory.c of nviennot/linux-trace-error at 1969eebb089a has the same wp_page_copy statements
 *   between them (v5.8's pte_sw_mkyoung and update_mmu_tlb too); the one difference in those lines is
 *   v5.9's rename of lru_cache_add_active_or_unevictable to lru_cache_add_inactive_or_unevictable.
 * - mm/mmap.c v5.2 (Mu.MU1, Mu.MU2; no v5.2 copy stored; counted): vm_munmap at 2862, as
 *   ../m4/sources.ts derives from v5.2's blob 41eb48d9b527 (`EXPORT_SYMBOL(vm_munmap);` at 2866: the
 *   untagged_addr patch's `@@ -2867,6 +2871,7 @@ EXPORT_SYMBOL(vm_munmap);` opens on the blank line
 *   after it). __vm_munmap, just above, spans 24 lines plus a blank, in the v5.8-era copy of
 *   nviennot/linux-trace-error at 1969eebb089a as in its v4.20 form (Yang Shi's "mm: mmap: zap
 *   pages with read mmap_sem in munmap", dd2283f2605e, as posted: hunk `@@ -2797,17 +2819,32 @@`,
 *   down_write_killable; __do_munmap(…, downgrade); the comment; `if (ret == 1) { up_read(…); ret =
 *   0; } else up_write(…);`), the copy differing only in-line (the v5.8 mmap lock API,
 *   `-ERR(EINTR)`). So __vm_munmap at 2837: down_write_killable at 2843–2844, and
 *   `ret = __do_munmap(…)` through `up_write(&mm->mmap_sem)` at 2846–2856.
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';
import { HMM_V52, MMN_V58 } from '../m1/sources';
import { atV5_10 } from '../mainlineSources';

const MMN = 'mm/mmu_notifier.c';
const HMM = 'mm/hmm.c';
const TEST_HMM = 'lib/test_hmm.c';
const NOUVEAU = 'drivers/gpu/drm/nouveau/nouveau_svm.c';
/** At v5.3-rc1 nouveau's range helpers were still hmm_vma_fault / hmm_vma_range_done in this header (see the header comment). */
const HMM_H = 'include/linux/hmm.h';
const v58 = kernelSource('v5.8');
const v514 = kernelSource('v5.14');
/**
 * mm/mmu_notifier.c at the fix 319561669a59 (no copy of that tree is stored): its lines counted in
 * the hunks of the patch as merged (akpm's mm-commits mail <20220422182458.683BAC385A0@smtp.kernel.org>:
 * `@@ -1036,6 +1036,18 @@` adds mmu_interval_seq_released, `@@ -1083,7 +1095,7 @@` the wait_event),
 * whose old side is the stored c2818c9a0876 copy shifted by 16 lines over insert_locked … remove;
 * so remove's lock/unlock (c2818c9a0876: 1042–1060) is 1070–1088 at the fix.
 */
const removeFix = kernelSource('319561669a59');
const v52 = kernelSource('v5.2');
const v53rc1 = kernelSource('v5.3-rc1');
const v53 = kernelSource('v5.3');
/** "[PATCH v3 hmm 12/12] mm/hmm: Fix error flows in hmm_invalidate_range_start" (merged for v5.3). */
const errorFlowsFix = mailSource('20190614004450.20252-13-jgg@ziepe.ca');
const AMDGPU = 'drivers/gpu/drm/amd/amdgpu';
/**
 * amdgpu_mn.c as read at torvalds/linux 00f5764dbb04: the classic mmu_notifier subscriber the
 * sequence era's `subscriber` models (invalidate_range_start takes the read side and
 * invalidate_range_end drops it; mmu_notifier_range callbacks), before amdgpu_mn.c moved to an
 * hmm_mirror whose callback drops the read side itself. amdgpu_mn_lock / amdgpu_mn_unlock read the
 * same in both forms; the lines are of this copy (its header up to line 54 as in the hunk
 * `@@ -45,48` of the July 2019 amdgpu_mn.c blob e0bb47ce570b, amdgpu_mn_read_lock at 181 as in
 * the hunks `@@ -180,11 +180,15 @@ void amdgpu_mn_unlock` of later patches).
 */
const AMN_CLASSIC = kernelSource('00f5764dbb040188e5dce2cd9e648360886b045c');
/**
 * amdgpu_cs.c as read at torvalds/linux 860dbce3d8dd, of the same classic form: amdgpu_cs_submit
 * takes amdgpu_mn_lock and fails with -ERESTARTSYS if a userptr BO was invalidated since
 * amdgpu_cs_parser_bos got its pages (its call of amdgpu_ttm_tt_get_user_pages, line 681, is what
 * C2 cites). The callee itself is not cited: amdgpu_ttm.c is not stored at this commit (a merge of
 * the sh tree that linux-next carried in June 2019; its amdgpu_cs.c has the 5.2 timeline syncobj
 * chunks and the classic userptr path), and the classic-form copies the index holds are of the
 * v4.15 era (current->mm, no usertask / get_user_pages_remote), of unnamed repositories. Patches on v5.1's
 * blob 73e71e61dc99 (`@@ -751,10` the ANONONLY check, `@@ -1248,7` amdgpu_ttm_tt_set_userptr)
 * place the function but not its get_user_pages lines.
 */
const CS_CLASSIC = kernelSource('860dbce3d8dd90cb9e909c58fa79808766243651');

/**
 * I3, the PTE change an invalidation announces, per era: a copy-on-write fault's new page version
 * (wp_page_copy: invalidate_range_start; ptep_clear_flush_notify; set_pte_at_notify; range_end). I3
 * cites the change itself, ptep_clear_flush_notify through set_pte_at_notify; the start and end are
 * the invalidation's own steps. v5.2's lines counted and v5.10.251's read as the header says.
 */
export const M2_PTE_CHANGE = {
  legacy: v52('mm/memory.c', 'wp_page_copy', 2396, 2405),
  sequence: atV5_10('mm/memory.c', 'wp_page_copy', 2965, 2973),
} as const;

export const M2_SOURCES: Readonly<Record<string, StepSource>> = {
  // The interval notifier (v5.8–v5.17) and its test driver.
  IN2: MMN_V58(MMN, '__mmu_interval_notifier_insert', 935, 959),
  RD1: MMN_V58(MMN, 'mmu_interval_read_begin', 232, 236),
  RD2: MMN_V58(MMN, 'mmu_interval_read_begin', 247, 249),
  F3: v58(TEST_HMM, 'dmirror_range_fault', 248),
  // the interval check at the loop head, then the walk and its `while (ret == -EBUSY)` (see the header for v5.14's lines)
  HF1: v514(HMM, 'hmm_range_fault', 585, 587),
  HF2: v514(HMM, 'hmm_range_fault', 588, 596),
  F5: v58(TEST_HMM, 'dmirror_range_fault', 250, 255),
  F6: v58(TEST_HMM, 'dmirror_range_fault', 257),
  F7: v58(TEST_HMM, 'dmirror_range_fault', 258, 262),
  F8: v58(TEST_HMM, 'dmirror_range_fault', 266),
  F9: v58(TEST_HMM, 'dmirror_range_fault', 268, 270),
  I1: MMN_V58(MMN, 'mn_itree_inv_start_range', 101, 112),
  I2a: v58(TEST_HMM, 'dmirror_interval_invalidate', 217, 220),
  I2b: v58(TEST_HMM, 'dmirror_interval_invalidate', 222, 223),
  I2c: v58(TEST_HMM, 'dmirror_interval_invalidate', 225, 226),
  I2: MMN_V58(MMN, 'mn_itree_invalidate', 456, 457),
  I4a: MMN_V58(MMN, 'mn_itree_inv_end', 134, 139),
  I4b: MMN_V58(MMN, 'mn_itree_inv_end', 142),
  I4c: MMN_V58(MMN, 'mn_itree_inv_end', 150, 160),
  I4d: MMN_V58(MMN, 'mn_itree_inv_end', 161, 163),
  Y1: removeFix(MMN, 'mmu_interval_notifier_remove', 1070, 1088),
  Y2: [removeFix(MMN, 'mmu_interval_notifier_remove', 1096, 1098), removeFix(MMN, 'mmu_interval_seq_released', 1045, 1047)],
  Y3: removeFix(MMN, 'mmu_interval_notifier_remove', 1101),
  // Another subscriber: amdgpu's userptr lock and command submission in their classic notifier form (`AMN_CLASSIC`, `CS_CLASSIC`).
  C1: [CS_CLASSIC(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit', 1342), AMN_CLASSIC(`${AMDGPU}/amdgpu_mn.c`, 'amdgpu_mn_lock', 161, 162)],
  C4: [CS_CLASSIC(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit', 1380), AMN_CLASSIC(`${AMDGPU}/amdgpu_mn.c`, 'amdgpu_mn_unlock', 172, 173)],
  // between amdgpu_mn_lock and _unlock in amdgpu_cs_submit: the userptr pages (looked up in amdgpu_cs_parser_bos, re-checked
  // under the lock: invalidated since → -ERESTARTSYS) (C2), the job pushed and the BOs fenced (C3)
  C2: [
    CS_CLASSIC(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit', 1343, 1349),
    CS_CLASSIC(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_parser_bos', 681),
  ],
  C3: [CS_CLASSIC(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit', 1372), CS_CLASSIC(`${AMDGPU}/amdgpu_cs.c`, 'amdgpu_cs_submit', 1379)],
  // The legacy HMM of v5.2 with nouveau's fault handler.
  NV1: v53rc1(NOUVEAU, 'nouveau_svm_fault', 573, 574),
  NV2: [v53rc1(NOUVEAU, 'nouveau_svm_fault', 651, 652), v53rc1(HMM_H, 'hmm_vma_fault', 508, 515), HMM_V52(HMM, 'hmm_range_register', 940, 950)],
  NV2w: [v52(HMM_H, 'hmm_range_wait_until_valid', 210, 219), v53rc1(HMM_H, 'hmm_vma_fault', 517, 525)],
  L2: HMM_V52(HMM, 'hmm_range_fault', 1107, 1110),
  L3: HMM_V52(HMM, 'hmm_range_fault', 1157, 1158),
  L4: HMM_V52(HMM, 'hmm_range_fault', 1161),
  NV3: [v53rc1(HMM_H, 'hmm_vma_fault', 528, 536), HMM_V52(HMM, 'hmm_range_unregister', 969, 976)],
  NV4: v53rc1(NOUVEAU, 'nouveau_svm_fault', 653, 654),
  NV5: [v53rc1(NOUVEAU, 'nouveau_svm_fault', 655, 658), v53rc1(HMM_H, 'hmm_vma_range_done', 488, 494), HMM_V52(HMM, 'hmm_range_unregister', 969, 976)],
  NV6: v53rc1(NOUVEAU, 'nouveau_svm_fault', 660, 667),
  NV7: v53rc1(NOUVEAU, 'nouveau_svm_fault', 668),
  NV8: v53rc1(NOUVEAU, 'nouveau_svm_fault', 670),
  IS2: HMM_V52(HMM, 'hmm_invalidate_range_start', 199, 212),
  IS5: HMM_V52(HMM, 'hmm_invalidate_range_start', 214, 219),
  IS6: [HMM_V52(HMM, 'hmm_invalidate_range_start', 220, 229), v53rc1(NOUVEAU, 'nouveau_svmm_sync_cpu_device_pagetables', 261, 276)],
  IS7: HMM_V52(HMM, 'hmm_invalidate_range_start', 230, 233),
  IE2: HMM_V52(HMM, 'hmm_invalidate_range_end', 244, 256),
  // the fix's error unwind: `out: if (ret) notifiers_decrement(hmm)` … `return ret`, and notifiers_decrement's locked section (v5.3)
  ISu: [
    errorFlowsFix('notifiers_decrement', HMM),
    v53(HMM, 'hmm_invalidate_range_start', 211, 215),
    v53(HMM, 'notifiers_decrement', 148, 160),
  ],
  // A concurrent munmap (its thread kind named: MU1 is another step in the 2019 tables).
  // v5.2's __vm_munmap, lines counted as the header says
  'Mu.MU1': v52('mm/mmap.c', '__vm_munmap', 2843, 2844),
  'Mu.MU2': v52('mm/mmap.c', '__vm_munmap', 2846, 2856),
};

/**
 * The fixed OOM path's IS5/IS6 (a step's own `src`: the table cites the v5.2 form of these labels):
 * the error unwind of Gunthorpe's fix as merged for v5.3, where a failed trylock or a -EAGAIN from
 * the callback breaks to `out: if (ret) notifiers_decrement(hmm)` (ISu). v5.3's lines as the header
 * says: IS5 the blockable down_read / else down_read_trylock → -EAGAIN, goto out; IS6 the mirrors'
 * loop (a callback's -EAGAIN breaks it) through up_read(&hmm->mirrors_sem).
 */
export const M2_FIXED_UNWIND = {
  IS5: [errorFlowsFix('hmm_invalidate_range_start', HMM), v53(HMM, 'hmm_invalidate_range_start', 191, 196)],
  IS6: [
    errorFlowsFix('hmm_invalidate_range_start', HMM),
    v53(HMM, 'hmm_invalidate_range_start', 198, 209),
    v53rc1(NOUVEAU, 'nouveau_svmm_sync_cpu_device_pagetables', 261, 262),
  ],
} as const satisfies Readonly<Record<string, StepSource>>;
