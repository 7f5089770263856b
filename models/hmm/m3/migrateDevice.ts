/**
 * hmm/m3-migrate-device — M3 at step granularity against current mainline mm/migrate_device.c
 * (torvalds/linux 022a12deda53, hmm-domain.md §1.9.2, §3 M3, §4): migrate_vma_setup's collect walk
 * over two addresses under one PTL hold with per-CPU TLBs and the flush where the source does it,
 * the large-folio split path that drops the PTL part-way through the walk, migrate_device_unmap with
 * LRU isolation failure and the restore loop, migrate_vma_pages over src[]/dst[], and
 * migrate_vma_finalize; against a user thread accessing a0 through its TLB and running
 * MADV_DONTNEED on it. The steps are in ./mainline (one file per phase).
 *
 * Why a model of its own rather than configurations of hmm/m3-migration: its state (two PTEs, a
 * PTL, TLBs, a folio array, src[]/dst[]) and its constants have nothing in common with that
 * one-address pipeline, which M4 composes unchanged; its `fixed` is a claim about current mainline
 * only. hmm/m3-migration keeps every variant and verdict it had.
 *
 * Fidelity: every step's `doc:` cites `mm/migrate_device.c:<line> <function>() @022a12deda53` —
 * migrate_vma_collect 378-397, migrate_vma_collect_pmd 106-362 (the split path 224-241, the flush
 * 354-359), migrate_vma_split_folio 64-104, migrate_device_unmap 444-521, migrate_vma_insert_page
 * 654-768, __migrate_device_pages 770-857, __migrate_device_finalize 889-939; mm/memory.c
 * (zap_pte_range with CONFIG_PT_RECLAIM, do_anonymous_page) is named, not pinned. Abstractions
 * still applied are the `abstractions` ledger below (rendered into models/README.md).
 *
 * Findings (candidate kernel bugs, docs/findings/): `split-window-zap` — the PTL is dropped for the
 * split with a flush pending, so a load after MADV_DONTNEED returned reads stale data;
 * `split-unlocked-folio-zap` — the large folio is split without a reference held across
 * pte_unmap_unlock (use-after-free); `split-restart-table-freed` — the restarted walk's pmd_none
 * path records [start, addr) twice (src[] overflow). `fix-flush-before-split` and `fix-split-path`
 * are the proposed fixes; they hold.
 */
import { constant, defineModel } from '../../../spec/model';
import { mutantVariant, selectMutant } from '../mutants';
import { buildMigrateDevice, MD_INV } from './mainline/build';
import type { Forms } from './mainline/env';

/** The configurations: which pages back a0/a1 and what the user thread does. */
export const MD_CONFIGS = ['exclusive-split-zap', 'split', 'split-zap', 'small-zap', 'split-fails-zap', 'exclusive-pinned', 'shared-pinned', 'isolation-fails', 'split-zap-table', 'fresh-zap'] as const;
export type MdConfig = (typeof MD_CONFIGS)[number];
type Setup = Pick<Forms, 'large' | 'splitFails' | 'zap' | 'zapTable' | 'exclusive' | 'pinned' | 'isolateFails' | 'freshAnon' | 'live'>;
const NONE: Setup = { large: false, splitFails: false, zap: false, zapTable: false, exclusive: false, pinned: false, isolateFails: false, freshAnon: false, live: false };
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
};

const MUTANTS = [
  'mutant-collect-skips-tlb-flush',
  'mutant-collect-flushes-after-unlock',
  'mutant-restore-loop-skips-remove-migration-ptes',
  'mutant-collect-leaks-mapping-reference',
  'mutant-remove-migration-pte-without-ref',
] as const;
type Mutant = (typeof MUTANTS)[number];
const MUTANT_FORMS: Readonly<Record<Mutant, Partial<Forms>>> = {
  'mutant-collect-skips-tlb-flush': { skipFlush: true },
  'mutant-collect-flushes-after-unlock': { flushAfterUnlock: true },
  'mutant-restore-loop-skips-remove-migration-ptes': { restoreSkipsPtes: true },
  'mutant-collect-leaks-mapping-reference': { collectKeepsRef: true },
  'mutant-remove-migration-pte-without-ref': { restoreWithoutRef: true },
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
};

type Consts = { config: string };

export const m3MigrateDevice = defineModel<Consts>({
  name: 'hmm/m3-migrate-device',
  title: 'M3 mainline: migrate_vma_setup/pages/finalize at step granularity — two addresses, split PTL, per-CPU TLBs, a large folio split in collect, LRU isolation failure, MADV_DONTNEED',
  era: 'current mainline (mm/migrate_device.c, mm/swap.c and kernel/workqueue.c pinned as read; mm/memory.c by name)',
  source: 'mm/migrate_device.c @022a12deda53 (migrate_vma_collect_pmd, migrate_vma_split_folio, migrate_device_unmap, __migrate_device_pages, __migrate_device_finalize); mm/memory.c zap_pte_range; hmm-domain.md §1.9.2, §3 M3, §4',
  constants: {
    config: constant.enum(
      ['variant', ...MD_CONFIGS],
      'variant',
      "what backs a0/a1 and what the user thread does: exclusive-split-zap (S0 anon-exclusive, a1 a PTE-mapped large folio, MADV_DONTNEED of a0 before the write), split (a1 a PTE-mapped large folio), split-zap (+ MADV_DONTNEED of a0 before the write), small-zap (a1 a small page), split-fails-zap (the folio is pinned: split fails), exclusive-pinned (S0 anon-exclusive and maybe-pinned: collect restores it), shared-pinned (S0 shared and pinned: migrate_vma_check_page fails, putback, restore), split-zap-table (exclusive pages; MADV_DONTNEED of a0 and a1 frees the empty PTE table, CONFIG_PT_RECLAIM), isolation-fails (S0 isolated by someone else), fresh-zap (S0 anon-exclusive, just faulted in by U: still in c1's LRU batch, so unmap needs lru_add_drain_all's work on c1, which waits while U holds c1 in zap_pte_range's PTL section; termination checked under per-CPU fairness); 'variant' = the variant's own",
    ),
  },
  variants: {
    fixed: {
      doc: 'current mainline: collect clears S0 (ptep_get_and_clear), splits the large folio at a1 with the PTL dropped and restarts, flushes before pte_unmap_unlock; unmap, pages, finalize; the user thread writes and reads a0 through its TLB',
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
  },
  abstractions: [
    {
      what: 'One VMA and one PTE table with two addresses (a0, a1), one migration thread and one user thread (on CPUs c0, c1); the PMD is a PTE table or none (freed by MADV_DONTNEED under CONFIG_PT_RECLAIM), never a huge PMD: no PMD-mapped THP, no huge zero page (the pmd_trans_huge branch of migrate_vma_collect_pmd is not modelled).',
      couldHide: 'the restart into the pmd_trans_huge branch (a THP fault repopulating the freed PMD) and its migrate_vma_collect_skip(start, end) calls, walks over several PMDs, and races between two migrations of overlapping ranges.',
    },
    {
      what: 'split_folio is one step (the folio locked, its count frozen): its own unmap of the folio\'s PTEs (migration entries, TLB flush) and remap are not modelled; the split folio keeps its PTE present throughout.',
      couldHide: 'a CPU access to a1 during the split seeing a migration entry, and TLB-flush ordering inside the split itself.',
    },
    {
      what: 'The user thread only accesses a0 and only runs MADV_DONTNEED on a0; its device-private fault (do_swap_page → migrate_to_ram) is abstracted as an access to the device page; a read fault on pte_none reads zeros without mapping the zero page; a write to a read-only present PTE (do_wp_page) is not modelled (no configuration reaches it).',
      couldHide: 'races of migrate_to_ram with this migration (M3\'s `full` configuration and M4 cover the fault path at one address), COW faults racing collect, and zero-page PTEs that collect treats as holes.',
    },
    {
      what: 'No reclaim, compaction or GUP thread: a GUP pin or another isolator is a constant extra reference (config pinned / isolation-fails); nobody else takes a folio lock, so collect\'s folio_trylock never fails; try_to_migrate never finds another mapping; no deferred (batched) TLB flush, so flush_tlb_batched_pending never flushes.',
      couldHide: 'the interaction of collect\'s pending flush with reclaim\'s batched flushes, a pin taken between migrate_vma_check_page and folio_migrate_mapping (the refcount test would catch it), and trylock failures under memory pressure.',
    },
    {
      what: 'LRU batches per CPU (spec/kernel/folio.ts lruBatch) without the batch\'s own folio reference; lru_add_drain_all queues lru_add_drain_work on each CPU whose batch holds a folio and flushes each, run by one kworker per CPU (spec/kernel/workqueue.ts): its static mutex and drain-generation shortcut (a caller returning early because a concurrent drain covered it) are not modelled; only the lru_add batch (not the rotate / deactivate / activate batches); termination under per-CPU fairness is checked in config fresh-zap only.',
      couldHide: 'migrate_vma_check_page failing on the batch\'s reference of a folio that was batched after cpu_needs_drain looked, and a concurrent lru_add_drain_all returning before this caller\'s batch was drained (isolation then fails and the entry is restored — a lost migration, not a safety violation).',
    },
    {
      what: 'Several multi-access steps are atomic by lint justification: remove_migration_pte (under the PTL on a locked folio), migrate_vma_insert_page (under the PTL, a private page), folio_isolate_lru, the folio_mapped / migrate_vma_check_page pair, lru_add_drain of one CPU\'s batch, folio_add_lru into one, cpu_needs_drain + queue_work_on, flush_work\'s and the kworker\'s tests under the pool lock, the driver\'s alloc_and_copy, a folio_put that frees; page_folio / folio_order reads are ghost.',
      couldHide: 'only what the justifications rule out, e.g. a speculative folio_try_get observing a half-done remove_migration_pte, or a split racing a page_folio without a reference.',
    },
    {
      what: 'Contents are 0 / v0 / v1 with a ghost last-written value; restored PTEs are clean (the folio\'s dirty flag carries the dirty bit), young / soft-dirty / uffd-wp bits are not modelled; no swap cache (anonymous pages without a mapping).',
      couldHide: 'a dirty bit lost on restore (H8\'s area: hmm/m3-migration `dirty` covers it with a swap-cache page), and the folio_free_swap path of migrate_vma_pages.',
    },
  ],
  build(cfg) {
    const { variant } = cfg;
    const mutant = selectMutant(variant, MUTANTS);
    const config = (cfg.constants.config === 'variant' ? MD_DEFAULT_CONFIG[variant] : cfg.constants.config) as MdConfig;
    const forms: Forms = { ...MD_SETUPS[config], flushBeforeSplit: variant === 'fix-flush-before-split' || variant === 'fix-split-path', restartFromAddr: variant === 'fix-split-path', getBeforeUnlock: variant === 'fix-split-path' || variant === 'split-restart-table-freed', flushAfterUnlock: false, skipFlush: false, restoreSkipsPtes: false, collectKeepsRef: false, restoreWithoutRef: false, noDrainAll: false, ...(mutant ? MUTANT_FORMS[mutant] : {}) };
    return buildMigrateDevice(forms);
  },
});
