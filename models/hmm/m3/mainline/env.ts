/** The variant switches of hmm/m3-migrate-device and the TLB / CPU step factories every thread shares. */
import { cpuSteps } from '../../../../spec/kernel/cpu';
import { stepDocFields, type Cited } from '../../../../spec/citation';
import { andThen } from '../../../../spec/kernel/steps';
import { tlbSteps } from '../../../../spec/kernel/tlb';
import { workqueueSteps } from '../../../../spec/kernel/workqueue';
import { BINDING, type Pfn, type Step, type Sys } from './state';

/** What a configuration contains and how the code is mutated (all false / default: current mainline). */
export interface Forms {
  /** a1 maps a page of a PTE-mapped order-1 folio (collect splits it), else the small page S1. */
  readonly large: boolean;
  /** The large folio has an extra pin: split_folio fails (-EAGAIN). */
  readonly splitFails: boolean;
  /** The user thread runs MADV_DONTNEED on a0 before its write. */
  readonly zap: boolean;
  /** Its MADV_DONTNEED covers the whole PMD range (a0 and a1) and frees the then empty PTE table (CONFIG_PT_RECLAIM). */
  readonly zapTable: boolean;
  /** Proposed fix (docs/findings/migrate-vma-split-folio-without-reference.md): folio_get before pte_unmap_unlock, not in migrate_vma_split_folio. */
  readonly getBeforeUnlock: boolean;
  /** Proposed fix (docs/findings/migrate-vma-collect-restart-from-start.md): the restarted walk's hole / skip paths start at addr. */
  readonly restartFromAddr: boolean;
  /** S0 is PageAnonExclusive (collect uses ptep_clear_flush), else shared (ptep_get_and_clear). */
  readonly exclusive: boolean;
  /** S0 is maybe-DMA-pinned (a GUP pin): with `exclusive`, folio_try_share_anon_rmap_pte fails → restore. */
  readonly pinned: boolean;
  /** S0 is isolated by someone else (compaction): folio_isolate_lru fails → restore. */
  readonly isolateFails: boolean;
  /** S0 was just faulted in by U: it sits in c1's LRU add batch, not yet on a list (only lru_add_drain_all's work on c1 makes it isolatable). */
  readonly freshAnon: boolean;
  /** a0 maps the device-private page D0 (migrated to the device before), a1 the small page S1; Mig is idle; U's accesses to a0 fault through do_swap_page → migrate_to_ram. */
  readonly devFault: boolean;
  /** The form of do_swap_page's device-private branch: current mainline (trylock_page + get_page under the PTL), v6.1 (get_page under the PTL, 16ce101db85d), or ≤ v6.0 (no PTL re-check, no reference: H9). */
  readonly faultForm: 'current' | 'v6.1' | 'v6.0';
  /** The driver evicts D0 (migrate_device_range, as nouveau_dmem_evict_chunk / svm_migrate_vram_to_ram do) on c0. */
  readonly evict: boolean;
  /** A GUP-fast pinner (pin_user_pages_fast of a0, FOLL_WRITE) on c1, which then DMA-writes the page and unpins it. */
  readonly gup: boolean;
  /** a0 maps the shared zero page (U read it before): collect takes it as a hole, migrate_vma_insert_page replaces it with ptep_clear_flush. */
  readonly zeroPage: boolean;
  /** The PMD is a huge zero page mapping (U read a0 before): collect splits it (split_huge_pmd) into zero-page PTEs, holes both. */
  readonly hugeZero: boolean;
  /** Check termination (every thread reaches done) under per-CPU fairness for the kworkers. */
  readonly live: boolean;
  /** Ablation (tests only): migrate_device_unmap without lru_add_drain_all. */
  readonly noDrainAll: boolean;
  /** Proposed fix (docs/findings/migrate-vma-split-drops-ptl-before-flush.md): flush the cleared entries before dropping the PTL to split. */
  readonly flushBeforeSplit: boolean;
  /** Mutant: collect's flush_tlb_range after pte_unmap_unlock instead of before. */
  readonly flushAfterUnlock: boolean;
  /** Mutant: collect never flushes the TLB after clearing PTEs. */
  readonly skipFlush: boolean;
  /** Mutant: the restore loop of migrate_device_unmap skips remove_migration_ptes. */
  readonly restoreSkipsPtes: boolean;
  /** Mutant: collect removes the rmap but never drops the mapping's reference (no folio_put). */
  readonly collectKeepsRef: boolean;
  /** Mutant: remove_migration_pte maps the page without its folio_get. */
  readonly restoreWithoutRef: boolean;
  /** Mutant: collect's folio_try_share_anon_rmap_pte failure path (a maybe-pinned page) skips set_pte_at(orig). */
  readonly pinnedRestoreSkipped: boolean;
  /** Mutant: folio_try_share_anon_rmap_pte shares the page without its folio_maybe_dma_pinned test. */
  readonly shareIgnoresPin: boolean;
  /** Mutant: migrate_vma_insert_page replaces a zero-page PTE without ptep_clear_flush's flush. */
  readonly insertSkipsZeroFlush: boolean;
}

/**
 * `fault_folio == folio` in migrate_device.c's lock tests: the page is migrate_to_ram's fault page,
 * which do_swap_page locked before the call (current form). In the v6.1 form the fault page was
 * not locked by the caller: collect trylocked it and finalize unlocked it like any other page.
 */
export function lockedByCaller(f: Forms, l: { fault: Pfn | null }, p: Pfn): boolean {
  return p === l.fault && f.faultForm === 'current';
}

export const TLB = tlbSteps<Sys>((s) => s.tlb, (s) => s.cpu, BINDING);
export const CPU = cpuSteps<Sys>((s) => s.cpu, BINDING);
export const WQ = workqueueSteps<Sys>((s) => s.work, (s) => s.cpu, BINDING);

/** A flush (start, wait) over `addrs` by the acting thread, continuing at `next` once it returns. */
export function flushThen<L>(a: string, b: string, addrs: readonly string[], next: string, doc: string | Cited, when?: (s: Sys, l: L) => boolean): Step<L>[] {
  const { doc: text, src } = stepDocFields(doc);
  const [start, wait] = TLB.flushRange(a, b, addrs, { doc: text });
  const s0 = { ...(start as unknown as Step<L>), ...(src ? { src } : {}) };
  const gated: Step<L> = when
    ? { ...s0, effect: (d, th) => (when(d, th.local) ? s0.effect!(d, th) : th.goto(next)) }
    : s0;
  const w = andThen({ ...(wait as unknown as Step<L>), ...(src ? { src } : {}) }, (d, th) => {
    if (d.tlb.flush[th.id] === 'idle') th.goto(next);
  });
  return [gated, w as Step<L>];
}
