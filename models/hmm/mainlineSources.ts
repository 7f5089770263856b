/**
 * The current-mainline kernel files the HMM models cite by today's function names, each pinned to
 * the commit or tag whose copy its cited lines were read in: a torvalds/linux commit of the stored
 * copies of the tree, which are of different dates, so each file has its own commit
 * (mm/migrate_device.c the one hmm/m3-migrate-device follows); or, for the files with no current
 * copy stored, the stable tag v6.12.118, read in Debian's linux-source-6.12 package
 * (6.12.118-1~deb12u1: upstream v6.12.118; its changelog names no Debian patch to those files).
 * A step's citation names the lines of the statements it models there, and the viewer links that
 * line. A current-mainline file not listed here has no copy read yet: cite it by name,
 * `kernelSource()`.
 * (mm/memory.c: the copy torvalds/linux lists first is of 2012; 0c86b42439b6's is current, with
 * the device-private and pt_reclaim paths.)
 */
import { kernelSource, type SourceCitation } from '../../spec/citation';

/** File → the commit (torvalds/linux) or stable tag of the copy that was read. */
export const MAINLINE_COMMITS = {
  'mm/migrate_device.c': '022a12deda53c983755c08e073a3c028a6850a23',
  'lib/test_hmm.c': 'ead971eec0eb1f83fdf6546052a157ada401823f',
  'kernel/fork.c': 'b501d4dc83aa3940189b68045cadc8b3eac73988',
  'include/linux/sched/mm.h': 'e65d9626f9bbc1b9f94aa1d1a1fa2450578ec0b8',
  'mm/mmu_notifier.c': 'c2818c9a08760578e57acf5640371d75f2cd2819',
  'mm/memory.c': '0c86b42439b6c11d758b3392a21117934fef00c1',
  'drivers/gpu/drm/nouveau/nouveau_svm.c': '130377304ed09e54ff35a8974372498aad7059f3',
  'mm/memremap.c': '8bb5e7f4dcd9b9ef22a3ea25c9066a8a968f12dd',
  // v4.14-era: flush_tlb_others → native_flush_tlb_others → smp_call_function_many(…, wait = 1), the form the steps name
  'arch/x86/mm/tlb.c': 'a501686b2923ce6f2ff2b1d0d50682c6411baf72',
  'mm/mmu_gather.c': 'a940daa52167e9db8ecce82213813b735a9d9f23',
  // a v3.3-era copy (page, not folio, API); the loop the steps follow is today's: free_swap_cache per page, then release the references
  'mm/swap_state.c': '0c929238ca4baefe47f4034732db4c154f2329c6',
  // v5.15-era (page API: set_page_dirty, page_remove_rmap, put_page for today's folio_* calls)
  'mm/rmap.c': '8cdf3792526ab681e1f4a0c202e779400b2b8177',
  'mm/pt_reclaim.c': 'e65d9626f9bbc1b9f94aa1d1a1fa2450578ec0b8',
  'mm/huge_memory.c': 'e65d9626f9bbc1b9f94aa1d1a1fa2450578ec0b8',
  // folio API: shrink_folio_list, pageout(folio, mapping, &plug, folio_list), __remove_mapping's folio_ref_freeze
  'mm/vmscan.c': '538d5baacd8a01b814777af1c9f1f9740a714707',
  // v4.3-era (pagevecs): lru_add_drain_all — today's __lru_add_drain_all — queues lru_add_drain_per_cpu on each CPU with pages, then flush_work on each
  'mm/swap.c': 'eb39d618f9e80f81cfc5788cf1b252d141c2f0c3',
  // v5.0-era: worker_thread takes the first item of the pool's worklist; process_one_work clears PENDING under pool->lock, runs it, relocks
  'kernel/workqueue.c': '1b83d5756a89bd2824d6aad672782957bfa1e9a2',
  // read in Debian's linux-source-6.12 (6.12.118-1~deb12u1): the stored torvalds/linux copies are older
  // than the code the steps follow (mm/gup.c's of 2017). GUP-fast by today's names (gup_fast,
  // gup_fast_pmd_leaf, try_grab_folio_fast), migration_entry_wait_on_locked, exit_mmap's unmap_vmas
  'mm/gup.c': 'v6.12.118',
  'mm/migrate.c': 'v6.12.118',
  'mm/mmap.c': 'v6.12.118',
  'mm/madvise.c': 'v6.12.118',
  'include/linux/mm.h': 'v6.12.118',
} as const;

/** A current-mainline file whose copy was read. */
export type MainlineFile = keyof typeof MAINLINE_COMMITS;

/**
 * Places in v6.1.192 as Debian's linux-source-6.1 (6.1.192-3) ships it: the forms that models
 * follow in their v6.1 shape (do_swap_page's device-private branch of 16ce101db85d, insert_pfn_pmd
 * before PMDs had a special bit). Its one Debian patch to the files cited (mm/memory.c, "mm/memory:
 * Use exception ip to search exception tables") changes a line of lock_mm_and_find_vma, after them.
 */
export const atV6_1 = kernelSource('v6.1.192');

/**
 * Places in v5.10.251 as Debian's linux-source-5.10 (5.10.251-5, bullseye-security) ships it: steps
 * of the v5.8 era whose files no stored v5.8 copy has, where v5.10 has the same statements (each
 * use says what was compared). Debian's patch series touches neither mm/rmap.c nor mm/vmscan.c, and
 * mm/memory.c once ("export-symbols-needed-by-android-drivers" adds EXPORT_SYMBOL_GPL(zap_page_range)
 * at 1581): the citations give upstream's lines, one less than the package's below that line.
 */
export const atV5_10 = kernelSource('v5.10.251');

/** Lines `line`–`endLine` of function `fn` in a current-mainline file, at the commit they were read at. */
export function mainline(file: MainlineFile, fn: string, line: number, endLine?: number): SourceCitation {
  return kernelSource(MAINLINE_COMMITS[file])(file, fn, line, endLine);
}
