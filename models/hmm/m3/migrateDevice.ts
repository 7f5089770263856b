/**
 * hmm/m3-migrate-device — M3 at step granularity against current mainline mm/migrate_device.c
 * (torvalds/linux 022a12deda53, hmm-domain.md §1.9.2, §3 M3, §4): migrate_vma_setup's collect walk
 * over two addresses under one PTL hold with per-CPU TLBs and the flush where the source does it,
 * the large-folio split path that drops the PTL part-way through the walk, migrate_device_unmap with
 * LRU isolation failure and the restore loop, migrate_vma_pages over src[]/dst[], and
 * migrate_vma_finalize; against a user thread accessing a0 through its TLB, running MADV_DONTNEED
 * on it and faulting on a device-private entry (do_swap_page → migrate_to_ram, current and v6.1
 * forms, whose own migrate_vma_* pass runs the same steps with the fault page); per
 * configuration also the driver's eviction (migrate_device_range), a GUP-fast pinner, and the
 * zero page / huge zero page in collect. The steps are in ./mainline (one file per phase or
 * thread).
 *
 * Why a model of its own rather than configurations of hmm/m3-migration: its state (two PTEs, a
 * PTL, TLBs, a folio array, src[]/dst[]) and its constants have nothing in common with that
 * one-address pipeline, which M4 composes unchanged; its `fixed` is a claim about current mainline
 * only. hmm/m3-migration keeps every variant and verdict it had.
 *
 * Fidelity: every step's `doc:` cites `mm/migrate_device.c:<line> <function>() @022a12deda53` —
 * migrate_vma_collect 378-397, migrate_vma_collect_pmd 106-362 (the split path 224-241, the flush
 * 354-359), migrate_vma_split_folio 64-104, migrate_device_unmap 444-521, migrate_vma_insert_page
 * 654-768, __migrate_device_pages 770-857, __migrate_device_finalize 889-939,
 * migrate_device_pfn_lock 976-990, migrate_device_range 1011-1022. The other files' steps cite the
 * lines of the copy each was read in (models/hmm/mainlineSources.ts, ./mainline/sources.ts):
 * mm/memory.c @0c86b42439b6 (handle_pte_fault, do_swap_page, do_anonymous_page, zap_pte_range with
 * CONFIG_PT_RECLAIM), mm/huge_memory.c and mm/pt_reclaim.c @e65d9626f9bb, mm/mmu_gather.c and
 * lib/test_hmm.c (the driver side: nouveau_dmem.c's stored copy predates migrate_to_ram and
 * eviction); older copies whose code has today's structure: mm/rmap.c try_to_migrate_one
 * (v5.15-era; its readable device-page entry line is left out), mm/swap.c lru_add_drain_all
 * (v4.3-era: today's __lru_add_drain_all) and kernel/workqueue.c (v5.0-era). mm/gup.c and
 * mm/migrate.c migration_entry_wait at v6.12.118 (Debian's linux-source-6.12: the stored copies
 * are older than the code the steps follow); do_swap_page's v6.1 form (16ce101db85d) at v6.1.192
 * (Debian's linux-source-6.1), its steps the form lacks named at 16ce101db85d. Abstractions still
 * applied are the `abstractions` ledger below (rendered into models/README.md).
 *
 * Findings (candidate kernel bugs, docs/findings/): `split-window-zap` — the PTL is dropped for the
 * split with a flush pending, so a load after MADV_DONTNEED returned reads stale data;
 * `split-unlocked-folio-zap` — the large folio is split without a reference held across
 * pte_unmap_unlock (use-after-free); `split-restart-table-freed` — the restarted walk's pmd_none
 * path records [start, addr) twice (src[] overflow). `fix-flush-before-split` and `fix-split-path`
 * are the proposed fixes; they hold. The new concurrent threads (eviction vs the device-private
 * fault in both forms, the GUP-fast pin, the zero pages) hold in their `fixed` configurations; their
 * mutants show INV-REF (H9), INV-DATA, INV-PIN and INV-TLB can fail.
 */
import { constant, defineModel } from '../../../spec/model';
import { mutantVariant, selectMutant } from '../mutants';
import { buildMigrateDevice, MD_INV } from './mainline/build';
import type { Forms } from './mainline/env';

/** The configurations: which pages back a0/a1 and what the user thread does. */
export const MD_CONFIGS = ['exclusive-split-zap', 'split', 'split-zap', 'small-zap', 'split-fails-zap', 'exclusive-pinned', 'shared-pinned', 'isolation-fails', 'split-zap-table', 'fresh-zap', 'evict-fault', 'gup-pin', 'zero-page', 'huge-zero', 'all-threads'] as const;
export type MdConfig = (typeof MD_CONFIGS)[number];
type Setup = Pick<Forms, 'large' | 'splitFails' | 'zap' | 'zapTable' | 'exclusive' | 'pinned' | 'isolateFails' | 'freshAnon' | 'live' | 'devFault' | 'evict' | 'gup' | 'zeroPage' | 'hugeZero'>;
const NONE: Setup = { large: false, splitFails: false, zap: false, zapTable: false, exclusive: false, pinned: false, isolateFails: false, freshAnon: false, live: false, devFault: false, evict: false, gup: false, zeroPage: false, hugeZero: false };
export const MD_SETUPS: Readonly<Record<MdConfig, Setup>> = {
  'exclusive-split-zap': { ...NONE, large: true, exclusive: true, zap: true },
  split: { ...NONE, large: true },
  'split-zap': { ...NONE, large: true, zap: true },
  'small-zap': { ...NONE, zap: true },
  'split-fails-zap': { ...NONE, large: true, splitFails: true, zap: true },
  'exclusive-pinned': { ...NONE, large: true, exclusive: true, pinned: true, zap: true },
  'shared-pinned': { ...NONE, large: true, pinned: true },
  'isolation-fails': { ...NONE, large: true, isolateFails: true },
  'split-zap-table': { ...NONE, large: true, exclusive: true, zap: true, zapTable: true },
  'fresh-zap': { ...NONE, exclusive: true, freshAnon: true, zap: true, live: true },
  'evict-fault': { ...NONE, devFault: true, evict: true },
  'gup-pin': { ...NONE, exclusive: true, gup: true },
  'zero-page': { ...NONE, zeroPage: true },
  'huge-zero': { ...NONE, hugeZero: true },
  'all-threads': { ...NONE, large: true, exclusive: true, zap: true, gup: true, evict: true },
};

const MUTANTS = [
  'mutant-collect-skips-tlb-flush',
  'mutant-collect-flushes-after-unlock',
  'mutant-restore-loop-skips-remove-migration-ptes',
  'mutant-collect-leaks-mapping-reference',
  'mutant-remove-migration-pte-without-ref',
  'mutant-swap-fault-no-page-ref',
  'mutant-collect-pinned-restore-skipped',
  'mutant-collect-shares-pinned-page',
  'mutant-insert-page-skips-zero-flush',
] as const;
type Mutant = (typeof MUTANTS)[number];
const MUTANT_FORMS: Readonly<Record<Mutant, Partial<Forms>>> = {
  'mutant-collect-skips-tlb-flush': { skipFlush: true },
  'mutant-collect-flushes-after-unlock': { flushAfterUnlock: true },
  'mutant-restore-loop-skips-remove-migration-ptes': { restoreSkipsPtes: true },
  'mutant-collect-leaks-mapping-reference': { collectKeepsRef: true },
  'mutant-remove-migration-pte-without-ref': { restoreWithoutRef: true },
  'mutant-swap-fault-no-page-ref': { faultForm: 'v6.0' },
  'mutant-collect-pinned-restore-skipped': { pinnedRestoreSkipped: true },
  'mutant-collect-shares-pinned-page': { shareIgnoresPin: true },
  'mutant-insert-page-skips-zero-flush': { insertSkipsZeroFlush: true },
};
/** The configuration each variant runs by default. */
export const MD_DEFAULT_CONFIG: Readonly<Record<string, MdConfig>> = {
  fixed: 'exclusive-split-zap',
  'split-window-zap': 'split-zap',
  'fix-flush-before-split': 'split-zap',
  'split-unlocked-folio-zap': 'split-zap-table',
  'split-restart-table-freed': 'split-zap-table',
  'fix-split-path': 'split-zap-table',
  'drain-waits-for-zap': 'fresh-zap',
  'mutant-collect-skips-tlb-flush': 'split',
  'mutant-collect-flushes-after-unlock': 'small-zap',
  'mutant-restore-loop-skips-remove-migration-ptes': 'isolation-fails',
  'mutant-collect-leaks-mapping-reference': 'exclusive-split-zap',
  'mutant-remove-migration-pte-without-ref': 'exclusive-split-zap',
  'evict-races-fault': 'evict-fault',
  'fault-v6.1': 'evict-fault',
  'gup-pin-races-collect': 'gup-pin',
  'mutant-swap-fault-no-page-ref': 'evict-fault',
  'mutant-collect-pinned-restore-skipped': 'gup-pin',
  'mutant-collect-shares-pinned-page': 'gup-pin',
  'zero-page-hole': 'zero-page',
  'huge-zero-split': 'huge-zero',
  'mutant-insert-page-skips-zero-flush': 'zero-page',
};

type Consts = { config: string };

export const m3MigrateDevice = defineModel<Consts>({
  name: 'hmm/m3-migrate-device',
  title: 'M3 mainline: migrate_vma_setup/pages/finalize at step granularity — two addresses, split PTL, per-CPU TLBs, a large folio split in collect, LRU isolation failure, MADV_DONTNEED, the device-private fault, the driver\'s eviction, a GUP-fast pin, the (huge) zero page',
  era: 'current mainline (mm/migrate_device.c, mm/memory.c, lib/test_hmm.c and the other files of models/hmm/mainlineSources.ts pinned as read, mm/gup.c and mm/migrate.c at v6.12.118; do_swap_page\'s v6.1 form, 16ce101db85d, at v6.1.192)',
  source: 'mm/migrate_device.c @022a12deda53 (migrate_vma_collect_pmd, migrate_vma_split_folio, migrate_device_unmap, __migrate_device_pages, __migrate_device_finalize, migrate_device_range); mm/memory.c do_swap_page, zap_pte_range; mm/gup.c gup_fast_pte_range; hmm-domain.md §1.9.2, §1.10, §1.11, §3 M3, §4',
  constants: {
    config: constant.enum(
      ['variant', ...MD_CONFIGS],
      'variant',
      "what backs a0/a1 and what the user thread does: exclusive-split-zap (S0 anon-exclusive, a1 a PTE-mapped large folio, MADV_DONTNEED of a0 before the write), split (a1 a PTE-mapped large folio), split-zap (+ MADV_DONTNEED of a0 before the write), small-zap (a1 a small page), split-fails-zap (the folio is pinned: split fails), exclusive-pinned (S0 anon-exclusive and maybe-pinned: collect restores it), shared-pinned (S0 shared and pinned: migrate_vma_check_page fails, putback, restore), split-zap-table (exclusive pages; MADV_DONTNEED of a0 and a1 frees the empty PTE table, CONFIG_PT_RECLAIM), isolation-fails (S0 isolated by someone else), fresh-zap (S0 anon-exclusive, just faulted in by U: still in c1's LRU batch, so unmap needs lru_add_drain_all's work on c1, which waits while U holds c1 in zap_pte_range's PTL section; termination checked under per-CPU fairness), evict-fault (a0 maps the device-private D0, Mig idle: U's store and load fault into migrate_to_ram while the driver evicts D0), gup-pin (S0 anon-exclusive, a GUP-fast pinner on c1 races collect, then DMA-writes the page; U reads a0), zero-page (a0 maps the zero page: a hole), huge-zero (a huge zero PMD: split into zero-page PTEs, two holes), all-threads (nightly: exclusive-split-zap with the GUP-fast pinner and the eviction); 'variant' = the variant's own",
    ),
  },
  variants: {
    fixed: {
      doc: 'current mainline: collect clears S0 (ptep_clear_flush: anon-exclusive), splits the large folio at a1 with the PTL dropped and restarts, flushes before pte_unmap_unlock; unmap, pages, finalize; the user thread runs MADV_DONTNEED of a0, then reads and writes a0 through its TLB — faulting on the device-private entry the migration left (do_swap_page → migrate_to_ram brings the page back)',
      ref: 'mm/migrate_device.c @022a12deda53',
      expect: { verdict: 'holds' },
    },
    'split-window-zap': {
      doc: 'candidate kernel bug (docs/findings/migrate-vma-split-drops-ptl-before-flush.md): the fixed code with MADV_DONTNEED of a0 while collect has dropped the PTL to split the folio at a1 — a0\'s cleared PTE is not yet flushed, zap clears its migration entry without flushing, and after madvise returned the user\'s load goes through the stale read-only TLB entry and returns the old contents instead of zeros',
      ref: 'mm/migrate_device.c @022a12deda53 lines 225-240 and 354-356; mm/memory.c zap_nonpresent_ptes',
      expect: { verdict: 'violation', property: MD_INV.DATA },
    },
    'fix-flush-before-split': {
      doc: 'the fix proposed in docs/findings/migrate-vma-split-drops-ptl-before-flush.md: migrate_vma_collect_pmd flushes the entries it cleared (if unmapped) before pte_unmap_unlock in the large-folio branch, as it already does before returning on a failed split; run in split-zap (and split-fails-zap) it holds',
      ref: 'proposed change to mm/migrate_device.c @022a12deda53 lines 225-229 (not in any kernel)',
      expect: { verdict: 'holds' },
    },
    'split-unlocked-folio-zap': {
      doc: 'candidate kernel bug (docs/findings/migrate-vma-split-folio-without-reference.md): migrate_vma_collect_pmd drops the PTL before migrate_vma_split_folio takes its folio reference; MADV_DONTNEED of the range zaps the large folio\'s last mapping and frees it in between, and folio_get / folio_lock / split_folio run on a freed folio',
      ref: 'mm/migrate_device.c @022a12deda53 lines 224-231 and 71-73 (the PMD branch takes its reference under the lock: lines 140-141)',
      expect: { verdict: 'violation', property: MD_INV.REF },
    },
    'split-restart-table-freed': {
      doc: 'candidate kernel bug (docs/findings/migrate-vma-collect-restart-from-start.md), reached once the reference of split-unlocked-folio-zap is taken under the PTL: MADV_DONTNEED of the whole PMD range frees the emptied PTE table (CONFIG_PT_RECLAIM) during the split at a1; the restarted walk finds pmd_none and calls migrate_vma_collect_hole(start, end), appending the entries of [start, addr) a second time — npages exceeds the src[]/dst[] arrays',
      ref: 'mm/migrate_device.c @022a12deda53 lines 120-122 and 240; mm/memory.c zap_pte_range (reclaim_pt, try_get_and_clear_pmd)',
      expect: { verdict: 'violation', property: MD_INV.SRC },
    },
    'fix-split-path': {
      doc: 'the three fixes proposed in docs/findings/ together: flush before pte_unmap_unlock, folio_get before it, and the `again:` path\'s hole / skip calls from addr instead of start; holds in split-zap-table, split-zap and split-fails-zap',
      ref: 'proposed change to mm/migrate_device.c @022a12deda53 lines 120-155 and 224-240 (not in any kernel)',
      expect: { verdict: 'holds' },
    },
    'drain-waits-for-zap': {
      doc: 'current mainline (the fixed code) in configuration fresh-zap: S0 was just faulted in by U on c1 and sits in c1\'s LRU batch, so migrate_device_unmap\'s folio_isolate_lru needs lru_add_drain_all, whose work item on c1 waits while U holds c1 in zap_pte_range\'s PTL section; holds, and TERMINATION holds under per-CPU fairness for the kworkers (the drain waits, it is not starved)',
      ref: 'mm/migrate_device.c @022a12deda53 lines 454-479 (migrate_device_unmap); mm/swap.c __lru_add_drain_all',
      expect: { verdict: 'holds' },
    },
    'evict-races-fault': {
      doc: 'current mainline in configuration evict-fault: a0 maps the device-private page D0; the user thread\'s load / store faults through do_swap_page (PTL, pte_same, trylock_page, get_page) into migrate_to_ram, whose own migrate_vma_* pass over a0 carries the locked fault page, while the driver evicts D0 (migrate_device_range: folio_get_nontail_page, folio_trylock, try_to_migrate, copy, migrate_device_pages, migrate_device_finalize); whichever locks D0 first migrates it, the other backs off or retries',
      ref: 'mm/migrate_device.c @022a12deda53 lines 976-1022 (migrate_device_pfn_lock, migrate_device_range), 444-521; mm/memory.c @0c86b42439b6 lines 4340-4360 (do_swap_page)',
      expect: { verdict: 'holds' },
    },
    'fault-v6.1': {
      doc: 'the v6.1 form of do_swap_page\'s device-private branch (16ce101db85d: get_page under the PTL after pte_same, no page lock; migrate_vma_collect_pmd trylocks the fault page and finalize unlocks it like any other) racing the eviction in evict-fault: holds — the eviction\'s folio_migrate_mapping sees the fault\'s reference and restores the entry, the fault\'s collect finds the migration entry and retries',
      ref: '16ce101db85d (v6.1) mm/memory.c do_swap_page; mm/migrate_device.c as in v6.1 for the fault-page lock tests',
      expect: { verdict: 'holds' },
    },
    'gup-pin-races-collect': {
      doc: 'current mainline in configuration gup-pin: S0 anon-exclusive; a GUP-fast pinner on c1 (IRQs off, lock-free PTE read, pin, PTE re-check) races collect\'s ptep_clear_flush → folio_try_share_anon_rmap_pte; either collect sees the pin and restores the PTE, or the pinner\'s re-check sees the cleared PTE and backs out; the pinner then DMA-writes the page the process reads at a0',
      ref: 'mm/migrate_device.c @022a12deda53 lines 280-296; mm/gup.c @v6.12.118 gup_fast_pte_range lines 2947-3014',
      expect: { verdict: 'holds' },
    },
    'zero-page-hole': {
      doc: 'current mainline in configuration zero-page: a0 maps the shared zero page, which collect records as a hole (is_zero_pfn, SELECT_SYSTEM) without clearing it; migrate_vma_insert_page replaces it under the PTL with ptep_clear_flush before set_pte_at of the device-private entry, while the user thread reads a0 through its TLB',
      ref: 'mm/migrate_device.c @022a12deda53 lines 205-211 (collect), 723-761 (migrate_vma_insert_page: the zero-pfn case and its flush)',
      expect: { verdict: 'holds' },
    },
    'huge-zero-split': {
      doc: 'current mainline in configuration huge-zero: the PMD maps the huge zero page; collect takes the pmd_trans_huge branch, drops the PMD lock and calls split_huge_pmd (pmdp_huge_clear_flush, a PTE table of zero-page PTEs), then walks the new table: two holes, each replaced by migrate_vma_insert_page with its flush',
      ref: 'mm/migrate_device.c @022a12deda53 lines 124-136; mm/huge_memory.c @e65d9626f9bb lines 2838-2858 (__split_huge_zero_page_pmd)',
      expect: { verdict: 'holds' },
    },
    'mutant-collect-skips-tlb-flush': mutantVariant(MD_INV.TLB, 'migrate_vma_collect_pmd never calls flush_tlb_range', 'the fixed code without the flush after the collect loop: the user CPU keeps a writable translation of a0 to S0 after collect returned'),
    'mutant-collect-flushes-after-unlock': mutantVariant(
      MD_INV.DATA,
      'migrate_vma_collect_pmd flushes after pte_unmap_unlock',
      'the fixed code with flush_tlb_range moved after pte_unmap_unlock (config small-zap: no split): MADV_DONTNEED takes the PTL in between, clears the migration entry without a flush, and the user\'s load through the stale entry returns the old contents after MADV_DONTNEED returned',
    ),
    'mutant-restore-loop-skips-remove-migration-ptes': mutantVariant(
      MD_INV.MIG1,
      'the restore loop of migrate_device_unmap unlocks and puts a folio whose isolation failed without remove_migration_ptes',
      'the fixed code, but the restore loop skips remove_migration_ptes(folio, folio): S0 (isolated by someone else) is unlocked while a0 still holds its migration entry',
    ),
    'mutant-collect-leaks-mapping-reference': mutantVariant(
      MD_INV.MIG2,
      'migrate_vma_collect_pmd removes the rmap but does not folio_put the mapping\'s reference',
      'the fixed code without the folio_put after folio_remove_rmap_pte in collect: when everything is over a reference is still held (the source page is never freed)',
    ),
    'mutant-remove-migration-pte-without-ref': mutantVariant(
      MD_INV.REF,
      'remove_migration_pte adds the rmap of the new page without its folio_get',
      'the fixed code, but finalize maps the destination with folio_add_anon_rmap_pte and no folio_get: its refcount is one short of its mappings and holders',
    ),
    'mutant-swap-fault-no-page-ref': mutantVariant(
      MD_INV.REF,
      'do_swap_page calls migrate_to_ram on the page read from orig_pte without the PTL re-check or a reference (the ≤ v6.0 form, H9)',
      'H9 (CVE-2022-3523) in this model: the driver\'s eviction migrates D0 back to RAM and frees it between the fault\'s lock-free read of the device-private entry and page_pgmap(vmf->page)->ops->migrate_to_ram',
    ),
    'mutant-collect-pinned-restore-skipped': mutantVariant(
      MD_INV.DATA,
      'collect\'s maybe-pinned failure path skips set_pte_at(orig)',
      'the fixed code, but when folio_try_share_anon_rmap_pte fails on the GUP-pinned S0 the cleared PTE is not put back: the process reads zeros at a0 instead of the pinned page',
    ),
    'mutant-collect-shares-pinned-page': mutantVariant(
      MD_INV.PIN,
      'folio_try_share_anon_rmap_pte shares the page without the folio_maybe_dma_pinned test',
      'the fixed code, but collect clears PageAnonExclusive of the GUP-pinned S0 (and migrate_vma_check_page then restores the entry): a pinned anonymous page is no longer exclusive',
    ),
    'mutant-insert-page-skips-zero-flush': mutantVariant(
      MD_INV.TLB,
      'migrate_vma_insert_page replaces a zero-page PTE without flushing it',
      'the fixed code, but migrate_vma_insert_page sets the device-private entry over the zero page with no ptep_clear_flush: after it returned, c1 still caches a0 → the zero page',
    ),
  },
  abstractions: [
    {
      what: 'One VMA and one PTE table with two addresses (a0, a1), one migration thread Mig and one user thread U (on CPUs c0, c1), plus, per configuration, the driver\'s eviction Ev (c0) and a GUP-fast pinner G (c1); the PMD is a PTE table, none (freed by MADV_DONTNEED under CONFIG_PT_RECLAIM), or a huge zero page mapping (config huge-zero: collect splits it with split_huge_pmd); never a PMD-mapped THP (the folio_get / folio_trylock / split_folio path of lines 137-153 is not modelled), and not the newer tree\'s migrate_vma_collect_huge_pmd / MIGRATE_VMA_SELECT_COMPOUND.',
      couldHide: 'the restart into the pmd_trans_huge branch with a THP (a THP fault repopulating the freed PMD) and its migrate_vma_collect_skip(start, end) calls, walks over several PMDs, and races between two migrations of overlapping ranges.',
    },
    {
      what: 'split_folio and split_huge_pmd of the huge zero page are each a short sequence (split_folio one step, the folio locked, its count frozen; the zero-page split: PMD lock, pmdp_huge_clear_flush, populate, unlock, with the model\'s PTL standing for the PMD lock while the PMD is huge); split_folio\'s own unmap of the folio\'s PTEs (migration entries, TLB flush) and remap are not modelled; the split folio keeps its PTE present throughout.',
      couldHide: 'a CPU access to a1 during split_folio seeing a migration entry, TLB-flush ordering inside the split itself, and a PTE-table walker racing the PMD lock (split PMD locks are a different lock from the PTE table\'s).',
    },
    {
      what: 'U only accesses a0 and only runs MADV_DONTNEED on a0 (or the whole table). Its device-private faults run do_swap_page (current: PTL, pte_same, trylock_page, get_page, unlock; v6.1: without the page lock; ≤ v6.0 only as the H9 mutant) into migrate_to_ram, whose own migrate_vma_* pass runs the Mig steps in U with the fault page; the driver part of migrate_to_ram (dmirror / nouveau alloc-and-copy) is one step, with no device page table and no driver lock; a failed trylock_page unlocks and retries (the 1afaeb8293c9 form), not the newer migration_entry_wait_on_locked; a read fault maps the zero page only in configs zero-page / huge-zero; do_wp_page is not modelled (U only reads the zero page).',
      couldHide: 'two CPUs faulting on one device page (the livelock 1afaeb8293c9 fixed, which needs a second faulting thread), a driver\'s own lock in migrate_to_ram (amdkfd\'s migrate mutex) against its eviction, and COW faults on the zero page racing migrate_vma_insert_page.',
    },
    {
      what: 'No reclaim or compaction thread. Reclaim cannot be a small thread here: shrink_folio_list unmaps an anonymous folio only after add_to_swap, so it needs the swap cache, swap entries in the PTE (which U would fault on through do_swap_page\'s swap-in path and collect skips) and try_to_unmap\'s batched TLB flush (TTU_BATCH_FLUSH: the tlb_ubc flush and mm->tlb_flush_batched that zap_pte_range\'s flush_tlb_batched_pending honours) — left out; its LRU isolation is the constant of config isolation-fails. A GUP-fast pinner runs in gup-pin (and all-threads) — the slow GUP path (follow_page_pte under the PTL, the unshare fault of a shared page) is not modelled: G gives up on a read-only or non-present PTE — and its DMA step is not interleaved inside a PTL section (a ghost scheduling choice: a0 none at the DMA then means zapped); elsewhere a pin or another isolator is a constant extra reference (configs exclusive-pinned, shared-pinned, isolation-fails). A system page\'s lock is only ever taken by Mig, so collect\'s folio_trylock fails only on a device page (the v6.1 fault path racing the eviction).',
      couldHide: 'the interaction of collect\'s pending flush with reclaim\'s batched flushes (and the split-window finding\'s flush_tlb_batched_pending argument), swap entries collect skips, folio_trylock failures under memory pressure, a pin taken between migrate_vma_check_page and folio_migrate_mapping (the refcount test would catch it), and an unshare fault racing collect\'s share test.',
    },
    {
      what: 'The driver\'s eviction is migrate_device_range over one pfn (D0), then the Mig steps of migrate_device_unmap (try_to_migrate of the device-private entry), migrate_device_pages and migrate_device_finalize in thread Ev, with the copy one driver step; a page it cannot lock is skipped, not retried (as nouveau_dmem_evict_chunk); memunmap_pages and the pgmap\'s lifetime are not modelled — a freed device page stands for the freed pgmap (H9\'s use-after-free is page_pgmap on it).',
      couldHide: 'pgmap teardown waiting for page references (percpu_ref) while a fault holds one, chunk-wide eviction of several pages, and a driver that retries pages it failed to lock.',
    },
    {
      what: 'LRU batches per CPU (spec/kernel/folio.ts lruBatch) without the batch\'s own folio reference; lru_add_drain_all queues lru_add_drain_work on each CPU whose batch holds a folio and flushes each, run by one kworker per CPU (spec/kernel/workqueue.ts): its static mutex and drain-generation shortcut (a caller returning early because a concurrent drain covered it) are not modelled; only the lru_add batch (not the rotate / deactivate / activate batches); termination under per-CPU fairness is checked in config fresh-zap only.',
      couldHide: 'migrate_vma_check_page failing on the batch\'s reference of a folio that was batched after cpu_needs_drain looked, and a concurrent lru_add_drain_all returning before this caller\'s batch was drained (isolation then fails and the entry is restored — a lost migration, not a safety violation).',
    },
    {
      what: 'Several multi-access steps are atomic by lint justification: remove_migration_pte and try_to_migrate_one (under the PTL on a locked folio), migrate_vma_insert_page (under the PTL, a private page; its zero-page path keeps the PTL across the flush), folio_isolate_lru, the folio_mapped / migrate_vma_check_page pair, lru_add_drain of one CPU\'s batch, folio_add_lru into one, cpu_needs_drain + queue_work_on, flush_work\'s and the kworker\'s tests under the pool lock, the drivers\' alloc_and_copy, try_grab_folio_fast\'s two RMWs of one refcount word, populating the private PTE table of a huge-zero split, a folio_put that frees; page_folio / folio_order reads are ghost. do_swap_page\'s PTL section is split into one access per step.',
      couldHide: 'only what the justifications rule out, e.g. a speculative folio_try_get observing a half-done remove_migration_pte, or a split racing a page_folio without a reference.',
    },
    {
      what: 'Contents are 0 / v0 / v1 with a ghost last-written value; restored PTEs are clean (the folio\'s dirty flag carries the dirty bit), young / soft-dirty / uffd-wp bits are not modelled; no swap cache (anonymous pages without a mapping); the zero page is a pfn (ZP) without a struct page in the model (no reference, no rmap), as vm_normal_page sees it.',
      couldHide: 'a dirty bit lost on restore (H8\'s area: hmm/m3-migration `dirty` covers it with a swap-cache page), and the folio_free_swap path of migrate_vma_pages.',
    },
  ],
  build(cfg) {
    const { variant } = cfg;
    const mutant = selectMutant(variant, MUTANTS);
    const config = (cfg.constants.config === 'variant' ? MD_DEFAULT_CONFIG[variant] : cfg.constants.config) as MdConfig;
    const forms: Forms = { ...MD_SETUPS[config], flushBeforeSplit: variant === 'fix-flush-before-split' || variant === 'fix-split-path', restartFromAddr: variant === 'fix-split-path', getBeforeUnlock: variant === 'fix-split-path' || variant === 'split-restart-table-freed', flushAfterUnlock: false, skipFlush: false, restoreSkipsPtes: false, collectKeepsRef: false, restoreWithoutRef: false, pinnedRestoreSkipped: false, shareIgnoresPin: false, insertSkipsZeroFlush: false, noDrainAll: false, faultForm: variant === 'fault-v6.1' ? 'v6.1' : 'current', ...(mutant ? MUTANT_FORMS[mutant] : {}) };
    return buildMigrateDevice(forms);
  },
});
