/**
 * Citations of hmm/m6-gup-fast-pfnmap's steps, by thread and label, for a backing and the step
 * forms of a variant: the functions the step docs name (threads.ts header says what was read).
 * GUP-fast and the core mm functions are cited by their current mainline names (not pinned: no
 * line numbers were read); gup_pmd_range at 0005d20b2ff1, as read; the pre-5.13 devmap path at
 * v5.12; TTM's ttm_bo_vm_insert_huge in the tree just before its removal (0d979509539e^); the
 * RFC by the mail that quotes its hunk.
 */
import { kernelSource, mailSource, type StepSource } from '../../../spec/citation';
import type { Backing } from './state';
import type { Forms } from './threads';

const mainline = kernelSource();
const gupRead = kernelSource('0005d20b2ff1');
const v512 = kernelSource('v5.12');
const beforeFix = kernelSource('0d979509539e^');
const rfc = mailSource('6c9acb90-8e91-d8af-7abd-e762d9a901aa@shipmail.org');
const GUP = 'mm/gup.c';
const TTM_VM = 'drivers/gpu/drm/ttm/ttm_bo_vm.c';

/** Thread kind → step label → citation. */
export function m6Sources(backing: Backing, forms: Forms): Readonly<Record<string, Readonly<Record<string, StepSource>>>> {
  const anon = backing === 'anon-thp';
  const t2: StepSource = anon
    ? mainline('mm/huge_memory.c', 'do_huge_pmd_anonymous_page')
    : forms.insert === 'pte'
      ? [mainline('mm/memory.c', 'vmf_insert_pfn_prot'), mainline('mm/memory.c', '__pte_alloc')]
      : [beforeFix(TTM_VM, 'ttm_bo_vm_insert_huge'), mainline('mm/huge_memory.c', 'insert_pfn_pmd')];
  const zap: StepSource = anon ? mainline('mm/huge_memory.c', 'zap_huge_pmd') : [mainline('mm/memory.c', 'unmap_mapping_range'), mainline('mm/memory.c', 'zap_pmd_range'), mainline('mm/memory.c', 'zap_pte_range')];
  const release: StepSource = anon
    ? mainline('mm/mmu_gather.c', 'tlb_finish_mmu')
    : backing === 'system'
      ? beforeFix('drivers/gpu/drm/ttm/ttm_pool.c', 'ttm_pool_free_page')
      : beforeFix('drivers/gpu/drm/ttm/ttm_bo.c', 'ttm_bo_evict');
  const flush = mainline('arch/x86/mm/tlb.c', 'flush_tlb_mm_range');
  return {
    F: {
      T1: rfc('ttm_bo_vm_insert_huge', TTM_VM),
      T2: t2,
      T2p: mainline('mm/memory.c', 'insert_pfn'),
    },
    G: {
      G0: mainline(GUP, 'gup_fast'),
      G1: gupRead(GUP, 'gup_pmd_range'),
      G1p: mainline(GUP, 'gup_fast_pte_range'),
      G2: [mainline(GUP, 'gup_fast_pmd_leaf'), mainline(GUP, 'gup_fast_pte_range')],
      G2d: v512(GUP, '__gup_device_huge_pmd'),
      G2g: v512(GUP, '__gup_device_huge'),
      G3: mainline(GUP, 'gup_fast_pmd_leaf'),
      G3u: mainline(GUP, 'gup_fast_pmd_leaf'),
      G4: mainline(GUP, 'gup_fast'),
      G5: mainline(GUP, 'get_user_pages_fast'),
      G6: mainline(GUP, 'unpin_user_page'),
    },
    E: { E1a: zap, E1: zap, E1b: zap, E2a: flush, E2b: flush, E3: release },
    Env: { P1: mainline('mm/memremap.c', 'memremap_pages') },
    // The populating walker (walker=true): pte_alloc → __pte_alloc → pmd_install; the mutant's W3 is pmd_install without its re-check.
    W: {
      W1: mainline('include/linux/mm.h', 'pte_alloc'),
      W2: mainline('mm/memory.c', '__pte_alloc'),
      W3: [mainline('mm/memory.c', '__pte_alloc'), mainline('mm/memory.c', 'pmd_install')],
    },
  };
}
