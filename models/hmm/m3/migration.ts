/**
 * hmm/m3-migration — M3 (hmm-domain.md §1.9, §1.10, §2 H6–H10, §3 M3, Appendix A.3): device
 * memory migration against CPU faults, MADV_DONTNEED, reclaim, transient page references and the
 * driver's eviction of its device memory.
 *
 * What it models, per configuration (`config`; each variant has a default one):
 * - `full` (the `fixed` default; pipeline.ts): one address `a` mapping S0 (anonymous, in the swap
 *   cache with an up-to-date copy v0); Mig migrates it to the device page D0 with the current
 *   migrate_vma_setup / pages / finalize (`mm/migrate_device.c`, 2025: fault_folio handling, dirty
 *   bit carried to the folio, flush under the PTL); C1 (write then read) and C2 (read) access `a`,
 *   taking on a device-private entry the current fault path of §1.10 (v6.1+, 16ce101db85d: pte_same
 *   and trylock_page + get_page under the PTL, `fault_page` passed to migrate_vma) and migrating D0
 *   back to RAM; Z (MADV_DONTNEED), Rc (one reclaim pass), Pin (a transient reference to S0).
 * - `unmap` (H7): Mig + Pin + C1 (read), one page. `dirty` (H8): C1 (write, read), Mig, Pin, Rc.
 * - `swapfault` (H9): `a` mapped device-private to D0; C1 (read) + Ev (driver unbind:
 *   migrate_device_range → pages → finalize, then memunmap_pages).
 * - `restore` (H6; restore.ts): HMM v13 hmm_vma_migrate alone over 4 pages in 2 PMDs, pages 0 and 2
 *   pinned, PAGE_SIZE = 4, PAGE_SHIFT = 2 — "[HMM v13 16/18]"
 *   <1479493107-982-17-git-send-email-jglisse@redhat.com> as quoted in
 *   <20161121053125.GG7872@redhat.com>; its `fixed` runs the merged v4.14 per-index restore loop.
 * - `abba` (H10; abba.ts): two migrations over two pages reached in opposite orders, at lock level.
 *
 * Variants switch step forms: H6 the v13 restore loops (restore.ts, modelled as quoted, including
 * the outer walk's skip test); H7 transplants v13's dead unmap-restore loop onto the current
 * pipeline (MG5's failure path returns without restoring, as v13 did once no candidate was left);
 * H8 drops folio_mark_dirty in CO2; H9 is the old device-private fault (no PTL re-check, no
 * reference, no fault_page); H10 uses a blocking lock_page in prepare. The `fixed` counterparts of
 * H6/H7/H8/H9/H10 are `fixed` run in the bug's configuration (`--const config=…`).
 *
 * Mutant (not a kernel bug, ../mutants.ts): `mutant-device-map-unchecked`, `fixed` with the driver's
 * MGdev mapping the device page without its sequence check (the `deviceMapCheck=false` switch), so
 * that INV-DEVMAP, which no historical variant violates, is shown not to be vacuous.
 *
 * Granularity (`hmmcheck lint hmm/m3-migration --strict`: no finding; pipeline/state.ts `pipeAccess`
 * declares every field): the PTE is one word under the PTL (a spinlock in the state), read lock-free
 * by the MMU (C0) and written under the PTL; PG_locked is a lock (spec/kernel/page.ts `lockdep`);
 * the refcount, mapcount and PG_dirty are atomics; the device PTE is the driver's, under DLOCK (a
 * mutex in the state). Collect holds the PTL across CO2 (folio_get, folio_trylock) and COmig (the
 * PTE cleared, the migration entry, rmap, put); MADV_DONTNEED is range_start with the driver's
 * callback (Z1), the zap in four steps (Z2 ⟨PTL; clear⟩, Z3 rmap + unlock, Z4 free_swap_cache, Z5
 * the put) and range_end (Zend); a CPU access is the MMU's (C0) or, when the PTE does not allow it,
 * the fault under the PTL (CF). Steps that still make several lock-free accesses say why
 * (`atomic`): the acting thread holds the folio lock that every reader comparing the counts holds
 * too (FOLIO_LOCKED), the page is still private to its allocator (PRIVATE_PAGE), or the one access
 * is a put that may free (PUT_FREES); restore.ts runs alone, abba.ts splits its gets and puts.
 *
 * Abstracted away, and why:
 * - The TLB (no tlb.ts): the MMU reads the PTE itself in C0 (no cached translation), so the
 *   flush collect does under the PTL is not modelled; H8 is the dropped dirty bit itself, not the
 *   flush ordering (hmm/m3-migrate-device has per-CPU TLBs).
 * - CO0/CO4 (notifier start/end around collect) are not steps: the only subscriber is the driver,
 *   which skips its own MIGRATE events; its read_begin is CO1, which waits while Z's invalidation
 *   is in progress (`devSeq` odd). MMAP: Mig, Z and the faults all hold it for read and nothing
 *   takes it for write (munmap is not modelled), so it has no effect.
 * - THP, holes (pte_none entries are not migrated: migrate_vma_insert_page is not modelled), fork,
 *   other mappings of the page (try_to_migrate never finds one), LRU isolation failures (the
 *   isolation reference replaces the collect one; a transient reference is Pin's job), the
 *   soft-dirty / young / uffd bits, the dirty bit of migration entries (restored PTEs are clean; the
 *   fixed code keeps the data safe through folio_mark_dirty), writeback being asynchronous (pageout
 *   completes in its step), add_to_swap (Rc only reclaims a page already in the swap cache), the
 *   zero page (a read of a none PTE returns 0 without mapping anything).
 * - Data: contents are 0 (zeros), 1 (v0), 2 (v1); the ghost `lastWrite` is the expected read value.
 * - The device's own page table is one entry `devPte`; the driver maps the device page after
 *   migrate_vma_pages only if its interval sequence did not move since read_begin (constant
 *   `deviceMapCheck`), and drops the entry on every invalidation it does not skip.
 */
import { constant, defineModel } from '../../../spec/model';
import type { Spec } from '../../../spec/spec';
import { mutantVariant, selectMutant } from '../mutants';
import { buildAbba } from './abba';
import { CONFIGS, INV, type Config } from './common';
import { buildPipeline, type PipelineConfig } from './pipeline';
import { buildRestore, PAGE_SHIFT } from './restore';

/** The configuration each variant runs by default (§3 M3 "smallest parameters"). */
export const DEFAULT_CONFIG: Readonly<Record<string, Config>> = {
  fixed: 'full',
  'restore-page-shift': 'restore',
  'unmap-restore-skipped': 'unmap',
  'collect-drops-dirty-bit': 'dirty',
  'swap-fault-no-page-ref': 'swapfault',
  'migrate-lock-abba': 'abba',
};

/** The mutant (see the module header) and the configuration it runs by default. */
const MUTANTS = ['mutant-device-map-unchecked'] as const;
const MUTANT_CONFIG: Readonly<Record<(typeof MUTANTS)[number], Config>> = { 'mutant-device-map-unchecked': 'full' };

/** The configurations a variant's step switch exists in. */
const VARIANT_CONFIGS: Readonly<Record<string, readonly Config[]>> = {
  fixed: CONFIGS,
  'restore-page-shift': ['restore'],
  'unmap-restore-skipped': ['full', 'unmap', 'dirty'],
  'collect-drops-dirty-bit': ['full', 'unmap', 'dirty'],
  'swap-fault-no-page-ref': ['full', 'swapfault'],
  'migrate-lock-abba': ['abba'],
  'mutant-device-map-unchecked': ['full', 'unmap', 'dirty', 'swapfault'],
};

type Consts = { config: string; deviceMapCheck: boolean };

function build(cfg: { readonly constants: Consts; readonly variant: string }): Spec {
  const { variant } = cfg;
  const mutant = selectMutant(variant, MUTANTS);
  const config = (cfg.constants.config === 'variant' ? (mutant ? MUTANT_CONFIG[mutant] : DEFAULT_CONFIG[variant]) : cfg.constants.config) as Config;
  if (!VARIANT_CONFIGS[variant]!.includes(config)) {
    throw new Error(`variant ${variant} exists only in config ${VARIANT_CONFIGS[variant]!.join(' | ')} (got config=${config})`);
  }
  switch (config) {
    case 'restore':
      return buildRestore(variant === 'fixed' ? { loop: 'v4.14', unlockStep: PAGE_SHIFT } : { loop: 'v13', unlockStep: PAGE_SHIFT });
    case 'abba':
      return buildAbba(variant === 'migrate-lock-abba');
    default:
      return buildPipeline(config as PipelineConfig, {
        dropDirty: variant === 'collect-drops-dirty-bit',
        skipUnmapRestore: variant === 'unmap-restore-skipped',
        oldFault: variant === 'swap-fault-no-page-ref',
        mapCheck: cfg.constants.deviceMapCheck && mutant !== 'mutant-device-map-unchecked',
      });
  }
}

export const m3Migration = defineModel<Consts>({
  name: 'hmm/m3-migration',
  title: 'M3: device migration (migrate_vma_*) vs CPU faults on device-private entries, MADV_DONTNEED, reclaim, pins, eviction',
  source:
    'mm/migrate_device.c (2025), mm/memory.c do_swap_page (v6.1+); HMM v13/v15 hmm_vma_migrate <1479493107-982-17-git-send-email-jglisse@redhat.com>; hmm-domain.md §1.9, §1.10, §2 H6–H10, §3 M3',
  constants: {
    config: constant.enum(
      ['variant', ...CONFIGS],
      'variant',
      "threads and pages: 'variant' = the variant's own (fixed → full, restore-page-shift → restore, unmap-restore-skipped → unmap, collect-drops-dirty-bit → dirty, swap-fault-no-page-ref → swapfault, migrate-lock-abba → abba, mutant-device-map-unchecked → full)",
    ),
    deviceMapCheck: constant.bool(
      true,
      'the driver maps the device page after migrate_vma_pages only if no invalidation ran since its mmu_interval_read_begin; false = map unconditionally (then a concurrent MADV_DONTNEED leaves the device mapping a freed page: INV-DEVMAP)',
    ),
  },
  variants: {
    fixed: {
      doc: 'current code: migrate_vma_setup/pages/finalize with trylock collect, folio_mark_dirty and a restore loop from index 0; the current device-private fault path (reference + lock under the PTL, fault_page); in config restore the merged v4.14 restore loop, in config abba trylock in prepare',
      ref: 'mm/migrate_device.c; mm/memory.c do_swap_page after 16ce101db85d; v4.14 migrate_vma_prepare',
      expect: { verdict: 'holds' },
    },
    'restore-page-shift': {
      doc: "H6: the restore loop of hmm_migrate_lock_and_isolate steps its address by PAGE_SHIFT: the unlock loop of PMD 0 unlocks page 2, whose migration entry (PMD 1) is not restored yet",
      ref: '"[HMM v13 16/18]" <1479493107-982-17-git-send-email-jglisse@redhat.com>; "[HMM v15 14/16]" <1483721203-1678-15-git-send-email-jglisse@redhat.com>',
      expect: { verdict: 'violation', property: INV.MIG1 },
    },
    'unmap-restore-skipped': {
      doc: 'H7: the restore loop of hmm_migrate_unmap continues from the end of the range and never runs; with no candidate left hmm_vma_migrate returns, leaving the page locked behind its migration entry',
      ref: '"[HMM v13 16/18]" <1479493107-982-17-git-send-email-jglisse@redhat.com>',
      expect: { verdict: 'violation', property: INV.MIG2 },
    },
    'collect-drops-dirty-bit': {
      doc: 'H8: migrate_vma_collect_pmd clears the PTE without carrying its dirty bit to the folio; a failed migration restores a clean PTE and reclaim drops the page without writeback',
      ref: 'fd35ca3d12cc "mm/migrate_device.c: Copy pte dirty bit to page" (Fixes 8c3328f1f36a)',
      expect: { verdict: 'violation', property: INV.DATA },
    },
    'swap-fault-no-page-ref': {
      doc: 'H9: do_swap_page calls migrate_to_ram on the device-private page of orig_pte without the PTL or a reference; an eviction frees the page and the pgmap first',
      ref: '16ce101db85d "mm/memory.c: fix race when faulting a device private page" (CVE-2022-3523)',
      expect: { verdict: 'violation', property: INV.PGMAP },
    },
    'migrate-lock-abba': {
      doc: 'H10: two migrations lock_page their pages (blocking) in opposite orders: ABBA deadlock',
      ref: 'comment in migrate_vma_prepare ("there can be a deadlock between 2 concurrent migration where each are waiting on each other page lock"); HMM v13 hmm_migrate_lock_and_isolate',
      expect: { verdict: 'deadlock' },
    },
    'mutant-device-map-unchecked': mutantVariant(
      INV.DEVMAP,
      'the driver maps its device page without mmu_interval_read_retry',
      'fixed with deviceMapCheck=false: after migrate_vma_pages the driver maps the device page without checking its interval sequence, so a concurrent MADV_DONTNEED leaves the device mapping a freed page',
    ),
  },
  abstractions: [
    {
      what: 'One address and one PTE; no TLB (the MMU reads the PTE in C0), so the flush under the PTL is not modelled; no THP, holes, fork or second mapping.',
      couldHide: 'a stale TLB entry used after collect cleared the PTE (hmm/m3-migrate-device models per-CPU TLBs), and the large-folio split path of collect.',
    },
    {
      what: "The driver's interval notifier is one sequence `devSeq` (odd while Z's invalidation is in progress); the migration's own MIGRATE invalidation is skipped by the driver and not a step.",
      couldHide: "a second subscriber's callback between collect's range_start and its PTE changes, and the driver's lock order against the notifier's.",
    },
    {
      what: "Steps that make several lock-free accesses under a folio lock the acting thread holds are one step (FOLIO_LOCKED: collect's COmig, MG5, MGrestore, MG7, MG8, Rc's unmap / pageout / drop, Ev's unmap / restore / final), as is a fresh page's fill (PRIVATE_PAGE) and a put that frees (PUT_FREES).",
      couldHide: 'a reader that compares refcount and mapcount without the folio lock (none in the modelled threads; get_page_unless_zero sees a nonzero count either way).',
    },
    {
      what: 'Reclaim scans S0 only and only reclaims a page already in the swap cache (no add_to_swap); pageout completes in its step; a transient pin is Pin on S0; the eviction evicts D0.',
      couldHide: 'reclaim of the migrate-back destination, writeback in flight during a migration, and pins of the device page.',
    },
  ],
  build,
});
