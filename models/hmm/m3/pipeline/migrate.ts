/** migrate_vma_setup / pages / finalize as thread steps (hmm-domain.md §1.9.2), to device memory or back. */
import { touch } from '../../../../spec/kernel/errors';
import { folioMigrateMappingOk, migrateVmaCheckPage, pageInSwapCache, pageLock, pageLocked, pageMap, pagePut, pageTrylock, pageUnlock } from '../../../../spec/kernel/page';
import { isMigration, pteDevicePrivate, pteMigration, ptePresent } from '../../../../spec/kernel/pte';
import { mutexFree, mutexLock, mutexUnlock } from '../../../../spec/kernel/mutex';
import { Ctx, DEVICE, FOLIO_LOCKED, PL, PRIVATE_PAGE, PUT_FREES, PageName, PipeDriver, PipeState, SYSTEM, Step, UAF, dlockStep, halloc, hget, hput, isDevice, ptlStep, putMapping, st } from './state';
import { PipeMutant, pipeMutantDoc } from './mutants';
import { MGDEV_SOURCES } from '../sources';
import type { Citation } from '../../../../spec/citation';

/** `step` citing `src` itself (a label two contexts share with different sources). */
const withSrc = <L>(step: Step<L>, src: Citation): Step<L> => ({ ...step, src: [src] });

export interface PipeForm {
  readonly dir: 'toDevice' | 'toRam';
  /** Where the thread continues once the migration is over. */
  readonly after: string;
  /** H8: collect drops the PTE dirty bit (no folio_mark_dirty). */
  readonly dropDirty: boolean;
  /** H7: the unmap phase's restore loop never runs and the migration returns at once. */
  readonly skipUnmapRestore: boolean;
  /** The fault page is passed as `fault_page` (current §1.10); false in the old form (H9). */
  readonly faultPage: boolean;
  /** The driver maps the device page only if its interval sequence did not move (MGdev). */
  readonly mapCheck: boolean;
  readonly driver: PipeDriver;
  /** A mutant of these steps, if any. */
  readonly mutant?: PipeMutant | null;
  /**
   * Where collect continues (CO2 when nothing was collected, COmig when it was): by default MG5, or
   * `after` when nothing was collected; a caller that runs collect inside an invalidation (M4) sends
   * both to its range_end.
   */
  readonly collectEnd?: string;
}

/** The labels of the collect steps (CO1 read_begin, CO2, COmig) that pipelineSteps makes. */
export const COLLECT_LABELS: readonly string[] = ['CO1', 'CO2', 'COmig'];

/** `page == fault_page` for migrate_vma (the CPU thread's locked, referenced fault page). */
export const isFault = (f: PipeForm, l: PL, x: PageName | null): boolean => f.faultPage && x !== null && l.fp === x;

export function pipelineSteps(f: PipeForm): Step<PL>[] {
  /** folio_unlock the source (the fault path keeps its own lock) and folio_put it; returns the locals. */
  const unlockPutSource = (d: PipeState, th: Ctx<PL>): PL => {
    const l = th.local;
    const x = l.src!;
    if (!isFault(f, l, x)) pageUnlock(d, d.page[x]);
    hput(d, th, x);
    l.src = null;
    return l;
  };
  const toDev = f.dir === 'toDevice';
  const drv = f.driver;
  const relock = f.mutant === 'mutant-unmap-relocks-collected-page';
  const skipLock = f.mutant === 'mutant-collect-skips-folio-lock';
  const skipCopy = toDev && f.mutant === 'mutant-driver-skips-copy';
  /** The mutant's note in front of the doc of the step it changes (the copy mutant changes only migrations to the device). */
  const mutant = f.mutant === 'mutant-driver-skips-copy' && !toDev ? null : f.mutant;
  const noted = (steps: Step<PL>[]) => (mutant ? steps.map((st) => ({ ...st, doc: pipeMutantDoc(mutant, st.label, st.doc!) })) : steps);
  /** remove_migration_ptes(src, migrated ? dst : src) ⟨PTL⟩; the REF mutant adds the rmap without the reference. */
  const removeMigrationPtes = (d: PipeState, l: PL): void => {
    const x = l.src!;
    const target = l.mig ? l.dst! : x;
    if (!isMigration(d.pte, x)) return;
    d.pte = isDevice(target) ? pteDevicePrivate(target, l.w) : ptePresent(target, l.w, false);
    if (f.mutant !== 'mutant-restore-pte-without-ref') pageMap(d, d.page[target], UAF[target]);
    else if (touch(d, d.page[target], UAF[target])) d.page[target].map++;
  };
  const co0 = toDev ? 'CO0 invalidate_range_start(MIGRATE, owner: the driver skips it); ' : 'migrate_to_ram → migrate_vma_setup: ';
  /** The collect walk's exit: the PTL released, nothing collected (or the page left as it was). */
  const notCollected = (d: PipeState, th: Ctx<PL>): void => {
    mutexUnlock(d, d.ptl, th.id);
    th.goto(f.collectEnd ?? f.after);
  };
  return noted([
    ...(toDev && f.mapCheck
      ? [
          st<PL>(
            'CO1',
            "the driver's mmu_interval_read_begin before migrate_vma_setup (the sequence its MGdev check compares; it waits while an invalidation is in progress)",
            (d, th) => {
              th.local.r = drv.seq(d);
            },
            drv.idle ? (s) => drv.idle!(s) : undefined,
          ),
        ]
      : []),
    st<PL>(
      'CO2',
      toDev
        ? `${co0}migrate_vma_collect_pmd: ⟨spin_lock(PTL); a present PTE of a system page: folio_get; folio_trylock, else folio_put, skip⟩ (the PTL stays held)`
        : `${co0}migrate_vma_collect_pmd: ⟨spin_lock(PTL); a device-private entry of the owner: folio_get; the fault folio, or folio_trylock, else folio_put, skip⟩ (the PTL stays held)`,
      (d, th) => {
        const l = th.local;
        mutexLock(d.ptl, th.id);
        const e = d.pte;
        const x = e.pfn;
        const selected = toDev ? e.kind === 'present' && x !== null && !isDevice(x) : e.kind === 'devpriv' && x !== null && isDevice(x);
        if (!selected || x === null) return notCollected(d, th); // nothing collected (holes are not migrated here)
        hget(d, th, x);
        if (!(isFault(f, l, x) || skipLock || pageTrylock(d.page[x], th.id))) {
          hput(d, th, x); // folio_put: not migrating
          return notCollected(d, th);
        }
        l.src = x;
        l.w = e.writable;
        l.mig = true;
      },
      (s) => mutexFree(s.ptl),
      { holds: [(s: PipeState) => s.ptl] },
    ),
    st<PL>(
      'COmig',
      toDev
        ? `migrate_vma_collect_pmd, the folio locked: ptep_get_and_clear; folio_mark_dirty if the PTE was dirty; set_pte_at(migration entry); folio_remove_rmap_pte; folio_put; flush_tlb_range; spin_unlock(PTL)`
        : `migrate_vma_collect_pmd, the folio locked: ptep_get_and_clear; set_pte_at(migration entry); folio_remove_rmap_pte; folio_put; spin_unlock(PTL)`,
      (d, th) => {
        const l = th.local;
        const x = l.src!;
        const e = d.pte;
        if (toDev && e.dirty && !f.dropDirty) d.page[x].dirty = true; // folio_mark_dirty (H8's fix, fd35ca3d12cc)
        d.pte = pteMigration(x, e.writable);
        putMapping(d, x); // folio_remove_rmap_pte + folio_put: our folio_get keeps it alive
        mutexUnlock(d, d.ptl, th.id);
        if (f.collectEnd !== undefined) th.goto(f.collectEnd);
      },
      undefined,
      {
        atomic: `${FOLIO_LOCKED}; the PTE is written twice under the PTL (cleared, then the migration entry): a lock-free reader of the cleared PTE faults and waits for the PTL collect holds, then finds the migration entry — what it does on reading the migration entry at once (handle_pte_fault, hmm_vma_handle_pte)`,
      },
    ),
    st<PL>(
      'MG5',
      'migrate_device_unmap: isolate from the LRU (the isolation reference replaces the collect one); if mapped or migrate_vma_check_page fails (ref − extra > mapcount) → restore',
      (d, th) => {
        const l = th.local;
        const x = l.src!;
        const pg = d.page[x];
        if (!touch(d, pg, UAF[x])) return th.goto('done');
        if (relock) pageLock(pg, th.id);
        const ok = pg.map === 0 && migrateVmaCheckPage(pg, { faultPage: isFault(f, l, x), zoneDevice: isDevice(x), mapping: pageInSwapCache(pg) });
        if (ok) return th.goto('MG6');
        l.mig = false;
        if (f.skipUnmapRestore) th.goto('done'); // v13: the restore loop starts past the end; npages = 0 → return
      },
      relock ? (s, th) => !pageLocked(s.page[th.local.src!]) : undefined,
      {
        atomic: `${FOLIO_LOCKED}; folio_mapped reads the mapcount of a folio whose one PTE is our migration entry, which nothing can map again before finalize, so migrate_vma_check_page's refcount is the one racy read`,
      },
    ),
    ptlStep<PL>(
      'MGrestore',
      'restore: remove_migration_ptes(folio, folio) → remove_migration_pte ⟨PTL; folio_get; migration entry → the original mapping; folio_add_anon_rmap_pte⟩',
      (d, th) => {
        const { src, w } = th.local;
        const x = src!;
        if (isMigration(d.pte, x)) {
          d.pte = isDevice(x) ? pteDevicePrivate(x, w) : ptePresent(x, w, false);
          pageMap(d, d.page[x], UAF[x]);
        }
      },
      { atomic: FOLIO_LOCKED },
    ),
    st<PL>(
      'MGunlock',
      'restore: folio_unlock (unless the fault folio); folio_put',
      (d, th) => {
        const l = unlockPutSource(d, th);
        th.goto(f.after);
      },
      undefined,
      { atomic: PUT_FREES },
    ),
    st<PL>(
      'MG6',
      toDev ? 'driver alloc_and_copy: allocate the device page (locked), copy from the locked, unmapped source' : 'driver alloc_and_copy: allocate a system page (locked), copy the device page into it',
      (d, th) => {
        const l = th.local;
        if (toDev && d.pgmapDead) return th.goto('MG7'); // no device memory: no destination
        l.dst = halloc(d, th, toDev ? DEVICE : SYSTEM, skipCopy ? 0 : d.page[l.src!].val, true);
      },
      undefined,
      { atomic: PRIVATE_PAGE },
    ),
    st<PL>(
      'MG7',
      toDev
        ? 'migrate_vma_pages: folio_free_swap (device-private destination), then folio_migrate_mapping: ref = expected refs + extra_cnt, else clear MIGRATE'
        : 'migrate_vma_pages: folio_migrate_mapping(extra_cnt = [page == fault_page]): ref = expected refs + extra_cnt, else clear MIGRATE',
      (d, th) => {
        const l = th.local;
        const x = l.src!;
        const pg = d.page[x];
        if (!touch(d, pg, UAF[x])) return;
        if (l.dst === null) {
          l.mig = false;
          return;
        }
        if (toDev && pageInSwapCache(pg)) {
          // folio_free_swap: no swap entry names the slot (the PTE is a migration entry)
          pg.swap = null;
          pg.dirty = true;
          pagePut(d, pg, UAF[x]);
        }
        if (!folioMigrateMappingOk(pg, { mapping: pageInSwapCache(pg), extraCount: isFault(f, l, x) ? 1 : 0 })) l.mig = false;
      },
      undefined,
      { atomic: `${FOLIO_LOCKED}; folio_free_swap deletes the folio from the swap cache under the cache's xa_lock (PG_swapcache, its reference and PG_dirty change together), and folio_ref_freeze is the one racy access` },
    ),
    withSrc(dlockStep<PL>(
      'MGdev',
      toDev
        ? f.mapCheck
          ? 'driver: ⟨DLOCK; if !mmu_interval_read_retry: map the device page in the device page table⟩ (both pages locked)'
          : 'driver: ⟨DLOCK; map the device page in the device page table⟩ (no sequence check)'
        : 'driver: ⟨DLOCK; invalidate the device page-table entry⟩ (its own MIGRATE notifier was skipped)',
      (d, th) => {
        const l = th.local;
        if (!toDev) d.devPte = null;
        else if (l.mig && (!f.mapCheck || drv.seq(d) === l.r)) d.devPte = l.dst;
      },
    ), toDev ? MGDEV_SOURCES.toDevice : MGDEV_SOURCES.toRam),
    ptlStep<PL>(
      'MG8',
      'migrate_vma_finalize: remove_migration_ptes(src, migrated ? dst : src) → remove_migration_pte ⟨PTL; folio_get; migration entry → the new (or the old) mapping; rmap⟩',
      (d, th) => removeMigrationPtes(d, th.local),
      { atomic: `${FOLIO_LOCKED} (the source and the destination are both locked by the migration)` },
    ),
    st<PL>(
      'MG9',
      'migrate_vma_finalize: folio_unlock the source (unless the fault folio) and put it',
      (d, th) => {
        const l = unlockPutSource(d, th);
        if (l.dst === null) {
          l.mig = false;
          th.goto(f.after);
        }
      },
      undefined,
      { atomic: PUT_FREES },
    ),
    st<PL>(
      'MG9d',
      'migrate_vma_finalize: folio_unlock the destination and put it',
      (d, th) => {
        const l = th.local;
        pageUnlock(d, d.page[l.dst!]);
        hput(d, th, l.dst!);
        l.dst = null;
        l.mig = false;
        th.goto(f.after);
      },
      undefined,
      { atomic: PUT_FREES },
    ),
  ]);
}

// ---- CPU accesses ------------------------------------------------------------------------------
