/**
 * Citations of hmm/m6-gup-fast-pfnmap's steps, by thread and label, for a backing and the step
 * forms of a variant: the functions the step docs name (threads.ts header says what was read).
 * GUP-fast and the core mm functions are cited by their current mainline names, with lines at the
 * commit or tag they were read at (../mainlineSources.ts): mm/memory.c and mm/huge_memory.c (the
 * anon THP's fault and zap), mm/gup.c and include/linux/mm.h at v6.12.118; insert_pfn_pmd at
 * v6.1.192 (pmd_lock, the pmd_none check, pmd_mkhuge, set_pmd_at: lines 867-901), as the huge PFN
 * insert is modelled in its pre-0d979509539e form, before PMDs had a special bit, which today's copy
 * (and v6.12.118's) sets; gup_pmd_range and gup_pud_range at 0005d20b2ff1, with
 * lines counted in torvalds/linux's stored copy (read whole: 44,607 characters); the pre-5.13
 * devmap path at v5.12 (v512 below); TTM's ttm_bo_vm_insert_huge, ttm_bo_evict and
 * ttm_pool_free_page in the tree just before ttm_bo_vm_insert_huge's removal (0d979509539e^;
 * beforeFix below); the RFC by the mail that quotes its hunk. The lines of
 * ttm_bo_vm_insert_huge at 0d979509539e^ are counted in the hunk that removes it in the merged
 * patch as posted (v3, "base-commit: 519d81956ee2" = v5.15-rc6; ttm_bo_vm.c blob
 * f56be5bc0861 → e5af7f9e94b2, `@@ -171,89 +171,6 @@`).
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';
import { atV6_1, mainline } from '../mainlineSources';
import type { Backing } from './state';
import type { Forms } from './threads';

const MEM = 'mm/memory.c';
const HUGE = 'mm/huge_memory.c';
const gupRead = kernelSource('0005d20b2ff1');
/**
 * v512: mm/gup.c at v5.12, the devmap path before 5.13 (gup_huge_pmd → __gup_device_huge_pmd
 * → __gup_device_huge). Lines counted in hunks of patches posted against v5.12-rc3..rc5, whose
 * mm/gup.c blob is b3e647c8b7ee: Joao Martins' "[PATCH v1 11/11] mm/gup: grab head page refcount
 * once for group of subpages" (2021-03-25), whose `@@ -2159,31 +2159,54 @@` old side is lines
 * 2159–2189 ("}", "#endif" of CONFIG_ARCH_HAS_PTE_SPECIAL, "", "#if defined(...)",
 * __gup_device_huge at 2163 … put_dev_pagemap at 2189) and whose `@@ -2243,17 +2266,6 @@` puts
 * the "}" that closes the !DEVMAP stub of __gup_device_huge_pud at 2243; and Joao Martins' reply
 * of 2021-04-01 to "mm/devmap: Remove pgmap accounting in the get_user_pages_fast() path"
 * (`@@ -2338,7 +2338,7 @@ static int gup_huge_pmd`: 2340 `if (pmd_devmap(orig)) {`). The text
 * between (return 1 … __gup_device_huge_pmd … __gup_device_huge_pud, 17 lines each, and the
 * #else stubs) read in amwtkes/linux-5.11.4-back (4052d4ee4a0e, v5.11.4), where it is the same:
 * it fills 2190–2243 exactly. That blob is taken as v5.12's: no mm/gup.c change between
 * v5.12-rc5 and the release turned up (d3378e86d182, which did change it, came in the v5.13
 * merge window), but no post-release patch naming the blob was found either.
 */
const v512 = kernelSource('v5.12');
/**
 * beforeFix: TTM at 0d979509539e^ (v5.15-rc6 era).
 * drivers/gpu/drm/ttm/ttm_bo.c: ttm_bo_evict starts at 516 and its ttm_bo_handle_move_mem call
 * (`ret = ttm_bo_handle_move_mem(bo, evict_mem, true, ctx, &hop);`, after the `bounce:` label)
 * is at 556, counted in the android13-5.15 side ("upstream/android-13") of a merge-conflict
 * copy of ttm_bo.c (5.15.y), whose text before ttm_bo_evict is that of a v5.14-era copy found by
 * its text (no repository named; counted: ttm_bo_evict at 491, the move at 530) plus
 * ttm_bo_bounce_temp_buffer (25 lines), moved above ttm_bo_evict by 403797925768 "drm/ttm: Fix
 * multihop assert on eviction" (in v5.15-rc1). The same numbers come out of that commit's hunks
 * as posted for 5.14.y (AUTOSEL, 2021-09-08, blob 8d7fd65ccced: `@@ -488,6 +488,31 @@`,
 * `@@ -527,12 +552,17 @@` → ttm_bo_evict 516, `bounce:` 555, the move 556).
 * drivers/gpu/drm/ttm/ttm_pool.c: ttm_pool_free_page 131–159 (the non-DMA path
 * `if (!pool || !pool->use_dma_alloc) { __free_pages(p, order); return; }` at 146–148), counted
 * in intel/linux-intel-lts (2cbcbc7c19a0, a ≤ v5.15 copy: TTM_PAGE_FLAG_ZERO_ALLOC,
 * ttm_mem_global_alloc_page); the same lines frame the hunks of "drm/ttm: prevent grabbing page
 * references" (2022-08-15, blob 1bba0a0ed3f9: `@@ -93,8` → 94–95 the alloc_pages path,
 * `@@ -144,6` → 144 `#endif`, 146–147 the test and __free_pages): the lines are the same in a
 * copy before v5.15 and in a tree of 2022, so v5.15's are taken to be these.
 */
const beforeFix = kernelSource('0d979509539e^');
const rfc = mailSource('6c9acb90-8e91-d8af-7abd-e762d9a901aa@shipmail.org');
const GUP = 'mm/gup.c';
const TTM_VM = 'drivers/gpu/drm/ttm/ttm_bo_vm.c';

/** Thread kind → step label → citation. */
export function m6Sources(backing: Backing, forms: Forms): Readonly<Record<string, Readonly<Record<string, StepSource>>>> {
  const anon = backing === 'anon-thp';
  const t2: StepSource = anon
    ? [mainline(HUGE, 'do_huge_pmd_anonymous_page', 1372), mainline(HUGE, '__do_huge_pmd_anonymous_page', 1236, 1266)]
    : forms.insert === 'pte'
      ? [mainline(MEM, 'vmf_insert_pfn_prot', 2519, 2520), mainline(MEM, '__pte_alloc', 446, 450), mainline(MEM, 'pmd_install', 420, 441)]
      : [beforeFix(TTM_VM, 'ttm_bo_vm_insert_huge', 228, 230), atV6_1(HUGE, 'insert_pfn_pmd', 867, 901)];
  // unmap_mapping_range → zap_pmd_range (zap_huge_pmd for a huge PMD) → zap_pte_range: the lock, the clear (a PFN mapping: zap_present_ptes without a page), the unlock
  const zapLock: StepSource = anon ? mainline(HUGE, 'zap_huge_pmd', 2213) : [mainline(MEM, 'unmap_mapping_range', 3966), mainline(MEM, 'zap_pmd_range', 1810, 1813), mainline(MEM, 'zap_pmd_range', 1833), mainline(MEM, 'zap_pte_range', 1727)];
  const zapClear: StepSource = anon ? [mainline(HUGE, 'zap_huge_pmd', 2222, 2225), mainline(HUGE, 'zap_huge_pmd', 2241, 2242)] : [mainline(MEM, 'zap_pmd_range', 1813), mainline(MEM, 'zap_pte_range', 1741), mainline(MEM, 'zap_present_ptes', 1564, 1568)];
  const zapUnlock: StepSource = anon ? mainline(HUGE, 'zap_huge_pmd', 2273) : [mainline(MEM, 'zap_pmd_range', 1813), mainline(MEM, 'zap_pte_range', 1771)];
  const release: StepSource = anon
    ? [mainline('mm/mmu_gather.c', 'tlb_finish_mmu', 392), mainline('mm/mmu_gather.c', 'tlb_flush_mmu_free', 291, 293), mainline('mm/mmu_gather.c', 'tlb_batch_pages_flush', 98)]
    : backing === 'system'
      ? beforeFix('drivers/gpu/drm/ttm/ttm_pool.c', 'ttm_pool_free_page', 146, 148)
      : beforeFix('drivers/gpu/drm/ttm/ttm_bo.c', 'ttm_bo_evict', 556);
  // flush_tlb_mm_range: the local flush, then flush_tlb_others → smp_call_function_many(…, wait = 1): send the IPIs, wait for them
  const TLB = 'arch/x86/mm/tlb.c';
  const flushSend = [mainline(TLB, 'flush_tlb_mm_range', 521, 529), mainline(TLB, 'native_flush_tlb_others', 480, 481)];
  const flushWait = [mainline(TLB, 'flush_tlb_mm_range', 529), mainline(TLB, 'native_flush_tlb_others', 480, 481)];
  return {
    F: {
      T1: rfc('ttm_bo_vm_insert_huge', TTM_VM),
      T2: t2,
      T2p: [mainline(MEM, 'insert_pfn', 2416, 2420), mainline(MEM, 'insert_pfn', 2444, 2459)],
    },
    G: {
      G0: mainline(GUP, 'gup_fast', 3418),
      // gup_pud_range: READ_ONCE(*pudp), pud_none → bail; gup_pmd_range: READ_ONCE(*pmdp), pmd_none → bail
      G1: [gupRead(GUP, 'gup_pud_range', 1426, 1430), gupRead(GUP, 'gup_pmd_range', 1384, 1388)],
      G1p: mainline(GUP, 'gup_fast_pte_range', 2947),
      // the leaf: special → bail, devmap → the pgmap path, else grab the page
      G2: [mainline(GUP, 'gup_fast_pmd_leaf', 3145, 3158), mainline(GUP, 'gup_fast_pte_range', 2964, 2979)],
      // gup_huge_pmd: pmd_devmap → __gup_device_huge_pmd → __gup_device_huge: get_dev_pagemap(pfn, pgmap); none → undo, return 0
      G2d: [v512(GUP, 'gup_huge_pmd', 2340, 2344), v512(GUP, '__gup_device_huge_pmd', 2200, 2202), v512(GUP, '__gup_device_huge', 2173, 2177)],
      // page = pfn_to_page(pfn); SetPageReferenced, pages[*nr] = page, try_grab_page (failure: undo, return 0), (*nr)++
      G2g: [v512(GUP, '__gup_device_huge', 2171), v512(GUP, '__gup_device_huge', 2178, 2184)],
      G3: mainline(GUP, 'gup_fast_pmd_leaf', 3162),
      G3u: mainline(GUP, 'gup_fast_pmd_leaf', 3163, 3164),
      G4: mainline(GUP, 'gup_fast', 3420),
      // the pages handed to the caller
      G5: mainline(GUP, 'get_user_pages_fast', 3554),
      G6: mainline(GUP, 'unpin_user_page', 194),
    },
    E: { E1a: zapLock, E1: zapClear, E1b: zapUnlock, E2a: flushSend, E2b: flushWait, E3: release },
    Env: { P1: mainline('mm/memremap.c', 'memremap_pages', 348, 354) },
    // The populating walker (walker=true): pte_alloc → __pte_alloc → pmd_install; the mutant's W3 is pmd_install without its re-check.
    W: {
      W1: mainline('include/linux/mm.h', 'pte_alloc', 3090),
      W2: mainline(MEM, '__pte_alloc', 446),
      W3: [mainline(MEM, '__pte_alloc', 450), mainline(MEM, 'pmd_install', 420, 441)],
    },
  };
}

/**
 * The fix of the fork race, 57efa1fe5957 "mm/gup: prevent gup_fast from racing with COW during
 * fork" (Jason Gunthorpe; merged in the v5.11 merge window, in Andrew Morton's batch right after
 * its parent c28b1fc70390 "mm/gup: reorganize internal_get_user_pages_fast()", which moved the
 * lock-free walk into lockless_pages_from_mm: the 0-day report on 57efa1fe5957 compares it with
 * c28b1fc703). Its mm/gup.c lines:
 * - try_grab_compound_head 81–124 (hpage_pincount_add 113–114): counted in torvalds/linux's
 *   stored mm/gup.c at 52650c8b466b, the next commit (it changes only __gup_longterm_locked,
 *   further down); the same lines close the function in the v5.10 blob 98eb8e6d2609
 *   (`@@ -123,6 +123,28 @@ ... try_grab_compound_head`, "mm/gup: combine put_compound_head() and
 *   unpin_user_page()" as posted on 2020-12-09), and nothing above changed in between.
 * - lockless_pages_from_mm from 2680: c28b1fc70390 as backported to 5.10.4 ("[PATCH 5.10 446/717]",
 *   base blob 98eb8e6d2609, v5.10's mm/gup.c) is `@@ -2677,13 +2677,43 @@`, the new function at
 *   2680; upstream's parent has v5.10's mm/gup.c as far as the copies show: the one at
 *   52650c8b466b still has the CONFIG_GUP_GET_PTE_LOW_HIGH gup_get_pte that the v5.11 perf/core
 *   pull ("mm/gup: Provide gup_get_pte() more generic", 56 lines fewer above) removes, so that
 *   merge is not below the batch, and its first 124 lines are v5.10's (above). The
 *   function's text at 57efa1fe5957 is the one in the 52650c8b466b copy: `unsigned seq;` (2687),
 *   raw_read_seqcount / `if (seq & 1) return 0;` (2693–2696), read_seqcount_retry (2718–2719),
 *   unpin_user_pages / return 0 (2720–2721).
 */
const forkFix = kernelSource('57efa1fe5957');
/** GUP-fast's side of the fork race at 57efa1fe5957, by step label. */
export const FORK_GUP_SOURCES = {
  // raw_read_seqcount(&mm->write_protect_seq); if (seq & 1) return 0
  Gs: forkFix(GUP, 'lockless_pages_from_mm', 2693, 2696),
  // hpage_pincount_add after the reference
  G2p: forkFix(GUP, 'try_grab_compound_head', 113, 114),
  // read_seqcount_retry(&mm->write_protect_seq, seq)
  Gr: forkFix(GUP, 'lockless_pages_from_mm', 2718, 2719),
  // unpin_user_pages(pages, nr_pinned); return 0
  Gru: forkFix(GUP, 'lockless_pages_from_mm', 2720, 2721),
} as const satisfies Readonly<Record<string, StepSource>>;

/**
 * Fork's steps by label: copy_page_range and copy_huge_pmd at 57efa1fe5957 (`forkSeq`) or at
 * 57efa1fe5957^ (= c28b1fc70390, see FORK_GUP_SOURCES), lines counted in torvalds/linux's stored
 * copies at the commits that next changed each file in the same batch: d3f5ffcacd15 (mm/memory.c; it changes __access_remote_vm, far below)
 * and 013339df116c (mm/huge_memory.c; unmap_page, below). The commits between them in that batch
 * (swap, shmem, memcg, mremap) change neither file above those points, and 57efa1fe5957 itself
 * does not change mm/huge_memory.c (as posted it changes mm/gup.c, mm/memory.c and the static
 * mm_structs), so copy_huge_pmd's lines are the same before and after the fix. Anchors:
 * copy_huge_pmd's `if (is_huge_zero_pmd(pmd))` at 1060 and get_page at 1094 are the hunks of
 * Peter Xu's "[PATCH RFC 01/30] mm/thp: Simplify copying of huge zero page pmd when fork"
 * (2021-01-15, blob ec2bb93f7431: `@@ -1058,17`, `@@ -1094,6`); copy_present_page's 800–816 in the
 * mm/memory.c copy are the hunks of Peter Xu's "mm: introduce page_needs_cow_for_dma()" (2021-02,
 * blob feff48e1465a: `@@ -800,9`, `@@ -816,9`). In copy_page_range 57efa1fe5957 added, inside
 * `if (is_cow) {` after mmu_notifier_invalidate_range_start (1173), a comment,
 * mmap_assert_write_locked and raw_write_seqcount_begin (1174–1182), and turned the closing
 * `if (is_cow) mmu_notifier_invalidate_range_end(&range);` (1190–1191 before) into a block with
 * raw_write_seqcount_end (1199–1202 after); the patch as posted (v2, 2020-10-30, blob
 * c48f8df6e502) has the same frame: `@@ -1171,6 +1171,12 @@` (range_start at 1173) and
 * `@@ -1187,8 +1193,10 @@` (the closing `if (is_cow)` at 1190). So the is_cow block before the fix
 * is 1170–1174, with is_cow = is_cow_mapping(…) at 1168 in both.
 */
export function forkSources(forkSeq: boolean): Readonly<Record<string, StepSource>> {
  const copy = kernelSource(forkSeq ? '57efa1fe5957' : '57efa1fe5957^');
  const range = (line: number, endLine?: number) => copy(MEM, 'copy_page_range', line, endLine);
  const huge = (line: number, endLine?: number) => copy(HUGE, 'copy_huge_pmd', line, endLine);
  return {
    // is_cow = is_cow_mapping(…); fixed: mmap_assert_write_locked, raw_write_seqcount_begin; before the fix: the is_cow block (range_init, range_start) without them
    K1: forkSeq ? [range(1168), range(1181, 1182)] : range(1168, 1174),
    K2: huge(1015, 1017),
    K3: [huge(1020), huge(1084, 1092)],
    K4: huge(1094),
    K5: huge(1095),
    K6: huge(1100, 1102),
    K7: huge(1106, 1107),
    // raw_write_seqcount_end: the fix's only
    ...(forkSeq ? { K8: range(1200) } : {}),
  };
}
