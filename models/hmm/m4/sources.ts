/**
 * Citations of the M4 models' steps, by step label: the tables of the models they combine (M1's
 * 2019 steps, M2's faults and notifiers, M3's pipeline) and the steps of their own (the mm's
 * lifetime, the 2019 invalidate_range_end, the current collect and zap). Current-mainline lines are
 * cited at the commit or tag each file was read at (../mainlineSources.ts). The lines of v5.2's
 * mm/mmu_notifier.c (VE1–VE3) are counted as ../m1/sources.ts says; those of v5.2's zap path and
 * migration-entry wait (Z2–Z5, L3w) as `V52_ZAP` below says.
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
const MEM = 'mm/memory.c';
const SWAP_STATE = 'mm/swap_state.c';
const MIGRATE = 'mm/migrate.c';

/**
 * v5.2's exit zap (Z2–Z5) and migration-entry wait (L3w), lines of the v5.2 tag (no tree of the tag
 * is stored):
 * - mm/memory.c: read in WindRiver-Labs/linux-yocto-5.2 at 12f787d91be7, whose text up to line 1547
 *   is v5.2's blob ddf20bd0c317 (the base of the AUTOSEL 5.2 backport
 *   <20190719035643.14300-170-sashal@kernel.org> and of <20190626122724.13313-5-hch@lst.de>): that
 *   patch's hunks @@ -585 (_vm_normal_page) and @@ -797 (copy_one_pte) and the @@ -1547 hunk on
 *   ddf20bd0c317 (__vm_map_pages) fall on the copy's lines, so zap_pte_range (1038–1166) has them too.
 *   (Further down the copy is not v5.2: it has 16 more lines between do_page_mkwrite and do_wp_page.)
 * - mm/swap_state.c: read in the same repository at 0595d1a465fb, of the v5.2 form (RCU-walked
 *   total_swapcache_pages): v5.3 has one line more above free_swap_cache, from "mm/swap_state.c:
 *   simplify total_swapcache_pages() with get_swap_device()" and its fix
 *   <20190531024102.21723-1-ying.huang@intel.com> (the v5.3-rc1 blob 8368621a0fc7 in
 *   <20190721104612.19120-4-willy@infradead.org>'s @@ -116 has add_to_swap_cache 1 line down).
 * - mm/migrate.c: counted on v5.2's blob f2ecc2855a12 (the base of the same hch patch): its hunks put
 *   remove_migration_pte's `if (is_device_private_page(new))` at 246 and expected_page_refs'
 *   ` * ZONE_DEVICE pages.` at 381; the text between, as in the patch's result (an index copy, index
 *   file 11168516: the same text less the two device-public lines), fills 246–381 exactly.
 * - mm/mmap.c (no v5.2 copy stored; counted): v5.2's blob 41eb48d9b527 (the base of June 2019 patches
 *   such as the IS_IMMUTABLE series, whose memory.c base is ddf20bd0c317) has
 *   `EXPORT_SYMBOL(vm_munmap);` at 2866 (hunk @@ -2867,6 … EXPORT_SYMBOL(vm_munmap)), so vm_munmap at
 *   2862. From there to exit_mmap: 225 lines in the v5.8-era text of nviennot/linux-trace-error at
 *   1969eebb089a, less munmap's untagged_addr (v5.4) and do_brk_flags' `mapped_addr` line (between
 *   v5.4 and v5.8): 223, as Ubuntu's 5.0 and 5.3 builds show (DepSurf: vm_munmap 2863 / 2869,
 *   exit_mmap 3103 / 3109, 240 = 223 + the 17 lines aufs adds to remap_file_pages; 2869 is v5.3's
 *   vanilla line too). exit_mmap at 3085; its text is that copy's but for in-line renames (the
 *   builds' insert_vm_struct 73 lines below exit_mmap, as in the copy), so unmap_vmas at 3138.
 */
const V52_ZAP = {
  // exit_mmap → unmap_vmas(&tlb, vma, 0, -1)
  exitUnmap: v52('mm/mmap.c', 'exit_mmap', 3138),
  // pte_offset_map_lock: the PTL
  zapLock: v52(MEM, 'zap_pte_range', 1054),
  // ptent = ptep_get_and_clear_full(…); tlb_remove_tlb_entry(…)
  zapClearPresent: v52(MEM, 'zap_pte_range', 1077, 1079),
  // pte_clear_not_present_full: a device-private entry; a swap or migration entry
  zapClearDevice: v52(MEM, 'zap_pte_range', 1119),
  zapClearSwap: v52(MEM, 'zap_pte_range', 1141),
  // page_remove_rmap: a present page; a device-private page
  zapRmapPresent: v52(MEM, 'zap_pte_range', 1093),
  zapRmapDevice: v52(MEM, 'zap_pte_range', 1121),
  // free_swap_and_cache(entry)
  zapSwapFree: v52(MEM, 'zap_pte_range', 1139),
  // pte_unmap_unlock(start_pte, ptl)
  zapUnlock: v52(MEM, 'zap_pte_range', 1150),
  // a device-private page's reference: put_page(page)
  zapPutDevice: v52(MEM, 'zap_pte_range', 1122),
  // for (i = 0; i < nr; i++) free_swap_cache(pagep[i]);
  freeSwapCacheLoop: v52(SWAP_STATE, 'free_pages_and_swap_cache', 293, 294),
  // PageSwapCache && !page_mapped && trylock_page → try_to_free_swap; unlock_page
  freeSwapCache: v52(SWAP_STATE, 'free_swap_cache', 266, 269),
  // release_pages(pagep, nr)
  releasePages: v52(SWAP_STATE, 'free_pages_and_swap_cache', 295),
  // ptl, ptep = pte_offset_map; __migration_entry_wait(mm, ptep, ptl)
  entryWait: v52(MIGRATE, 'migration_entry_wait', 343, 345),
  // spin_lock(ptl); the entry re-read; get_page_unless_zero; pte_unmap_unlock; put_and_wait_on_page_locked
  entryWaitLocked: v52(MIGRATE, '__migration_entry_wait', 315, 334),
} as const;

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
  // exit_mmap's unmap_vmas; in zap_pte_range the PTL and the entry cleared (present, device-private, swap or migration)
  Z2: [V52_ZAP.exitUnmap, V52_ZAP.zapLock, V52_ZAP.zapClearPresent, V52_ZAP.zapClearDevice, V52_ZAP.zapClearSwap],
  // the rmap of a present or device-private page, a swap entry's free_swap_and_cache, the PTL dropped
  Z3: [V52_ZAP.zapRmapPresent, V52_ZAP.zapRmapDevice, V52_ZAP.zapSwapFree, V52_ZAP.zapUnlock],
  Z4: [V52_ZAP.freeSwapCacheLoop, V52_ZAP.freeSwapCache],
  // release_pages; a device-private page's put in zap_pte_range itself
  Z5: [V52_ZAP.releasePages, V52_ZAP.zapPutDevice],
  // v4.14's lines as counted in ../m3/sources.ts (the 4.14.y text on the e00814ca390e hunk anchors)
  COmig: [V414_MIGRATE.collectUnmap, V414_MIGRATE.collectUnlockFlush],
  L3w: [V52_ZAP.entryWait, V52_ZAP.entryWaitLocked],
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
