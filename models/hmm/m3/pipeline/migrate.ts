/** migrate_vma_setup / pages / finalize as thread steps (hmm-domain.md §1.9.2), to device memory or back. */
import { touch } from '../../../../spec/kernel/errors';
import { folioMigrateMappingOk, migrateVmaCheckPage, pageInSwapCache, pageLock, pageLocked, pageMap, pagePut, pageTrylock, pageUnlock } from '../../../../spec/kernel/page';
import { isMigration, pteDevicePrivate, pteMigration, ptePresent } from '../../../../spec/kernel/pte';
import { DEVICE, PL, PageName, PipeDriver, PipeState, SYSTEM, Step, UAF, halloc, hget, hput, isDevice, putMapping, st } from './state';
import { PipeMutant, pipeMutantDoc } from './mutants';

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
}

/** `page == fault_page` for migrate_vma (the CPU thread's locked, referenced fault page). */
export const isFault = (f: PipeForm, l: PL, x: PageName | null): boolean => f.faultPage && x !== null && l.fp === x;

export function pipelineSteps(f: PipeForm): Step<PL>[] {
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
  const co0 = drv.invalidate
    ? 'CO0 invalidate_range_start(MIGRATE): the driver callback sets its sequence and zaps its device PTE; '
    : toDev
      ? 'CO0 read_begin + invalidate_range_start(MIGRATE, owner: the driver skips it); '
      : 'migrate_to_ram → migrate_vma_setup: ';
  return noted([
    st<PL>(
      'CO2',
      toDev
        ? `${co0}${drv.invalidate ? 'read_begin; ' : ''}CO2 ⟨PTL; folio_get; folio_trylock → clear the PTE, folio_mark_dirty if it was dirty, migration entry, remove rmap, folio_put⟩; CO3 flush + PTL unlock; CO4 range_end`
        : `${co0}CO2 ⟨PTL; device-private entry of the owner: folio_get; fault_folio or folio_trylock → migration entry, remove rmap, folio_put⟩; CO3 PTL unlock`,
      (d, th) => {
        const l = th.local;
        drv.invalidate?.(d);
        if (toDev) l.r = drv.seq(d);
        const e = d.pte;
        const x = e.pfn;
        const selected = toDev ? e.kind === 'present' && x !== null && !isDevice(x) : e.kind === 'devpriv' && x !== null && isDevice(x);
        if (!selected || x === null) return th.goto(f.after); // nothing collected (holes are not migrated here)
        const pg = d.page[x];
        hget(d, th, x);
        if (!(isFault(f, l, x) || skipLock || pageTrylock(pg, th.id))) {
          hput(d, th, x); // folio_put: not migrating
          return th.goto(f.after);
        }
        if (toDev && e.dirty && !f.dropDirty) pg.dirty = true; // folio_mark_dirty (H8's fix, fd35ca3d12cc)
        l.src = x;
        l.w = e.writable;
        l.mig = true;
        d.pte = pteMigration(x, e.writable);
        putMapping(d, x); // folio_remove_rmap_pte + folio_put: our folio_get keeps it alive
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
    ),
    st<PL>('MGrestore', 'restore: remove_migration_ptes(folio, folio) ⟨PTL; migration entry → the original mapping⟩', (d, th) => {
      const { src, w } = th.local;
      const x = src!;
      if (isMigration(d.pte, x)) {
        d.pte = isDevice(x) ? pteDevicePrivate(x, w) : ptePresent(x, w, false);
        pageMap(d, d.page[x], UAF[x]);
      }
    }),
    st<PL>('MGunlock', 'restore: folio_unlock (unless the fault folio); folio_put', (d, th) => {
      const l = th.local;
      const x = l.src!;
      if (!isFault(f, l, x)) pageUnlock(d, d.page[x]);
      hput(d, th, x);
      l.src = null;
      th.goto(f.after);
    }),
    st<PL>(
      'MG6',
      toDev ? 'driver alloc_and_copy: allocate the device page (locked), copy from the locked, unmapped source' : 'driver alloc_and_copy: allocate a system page (locked), copy the device page into it',
      (d, th) => {
        const l = th.local;
        if (toDev && d.pgmapDead) return th.goto('MG7'); // no device memory: no destination
        l.dst = halloc(d, th, toDev ? DEVICE : SYSTEM, skipCopy ? 0 : d.page[l.src!].val, true);
      },
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
    ),
    st<PL>(
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
    ),
    st<PL>('MG8', 'migrate_vma_finalize: remove_migration_ptes(src, migrated ? dst : src) ⟨PTL; migration entry → the new (or the old) mapping⟩', (d, th) => removeMigrationPtes(d, th.local)),
    st<PL>('MG9', 'migrate_vma_finalize: unlock (unless the fault folio) and put the source; unlock and put the destination', (d, th) => {
      const l = th.local;
      const x = l.src!;
      if (!isFault(f, l, x)) pageUnlock(d, d.page[x]);
      hput(d, th, x);
      if (l.dst !== null) {
        pageUnlock(d, d.page[l.dst]);
        hput(d, th, l.dst);
      }
      l.src = null;
      l.dst = null;
      l.mig = false;
      th.goto(f.after);
    }),
  ]);
}

// ---- CPU accesses ------------------------------------------------------------------------------
