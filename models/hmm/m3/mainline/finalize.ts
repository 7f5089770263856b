/**
 * migrate_vma_finalize → __migrate_device_finalize (mm/migrate_device.c): per entry the choice
 * between the new and the old page, folio_add_lru of a system page, remove_migration_ptes, then
 * unlock and put the source, and unlock and put a destination that was not used or was.
 */
import { cpuOf } from '../../../../spec/kernel/cpu';
import { folioAddLruOn } from '../../../../spec/kernel/folio';
import { pageUnlock } from '../../../../spec/kernel/page';
import { lockedByCaller, type Forms } from './env';
import { removeMigrationPtesStep } from './rmap';
import { BINDING, IDX, LRU_ADD, MD, MIGRATION_EXIT, NADDR, cite, folio, fput, isDevice, putStep, st, type MigL, type Pfn, type Step } from './state';

/** The page the entry's address ends up mapping: the destination if migrated, else the source. */
const target = (l: MigL): Pfn => {
  const s = l.src[l.i]!;
  return s.migrate && l.dst[l.i] !== null ? l.dst[l.i]! : s.pfn!;
};
function next(l: MigL, th: { goto(label: string): void }): void {
  l.i++;
  th.goto('Fent');
}

export function finalizeSteps(f: Forms): Step<MigL>[] {
  return [
    st<MigL>('Fent', cite(MD, '898-924', '__migrate_device_finalize', 'per entry: no page → drop dst; !MIGRATE || !dst → drop dst, dst = src'), (_d, th) => {
      const l = th.local;
      if (l.i >= NADDR) return th.goto(MIGRATION_EXIT[th.id]!);
      const s = l.src[l.i]!;
      if (s.pfn === null) return th.goto(l.dst[l.i] === null ? 'Fnext' : 'Fdunl');
      if (l.dst[l.i] !== null && !(s.migrate && l.dst[l.i] !== null)) return th.goto('Fdunl');
      th.goto('Flru');
    }),
    st<MigL>('Fdunl', cite(MD, '907-909, 918-920', '__migrate_device_finalize', 'unused destination: folio_unlock(dst)'), (d, th) => pageUnlock(d, folio(d, th.local.dst[th.local.i]!))),
    putStep<MigL>('Fdput', cite(MD, '910, 921-923', '__migrate_device_finalize', 'folio_put(dst); dst = src'), (d, th) => {
      const l = th.local;
      fput(d, th, l.dst[l.i]!);
      l.dst[l.i] = null;
      th.goto(l.src[l.i]!.pfn === null ? 'Fnext' : 'Flru');
    }),
    st<MigL>('Flru', cite(MD, '926-927', '__migrate_device_finalize', 'if (!folio_is_zone_device(dst)) folio_add_lru(dst)'), (d, th) => {
      const x = target(th.local);
      if (!isDevice(x)) folioAddLruOn(d, d.pages, d.lruBatch, IDX[x], cpuOf(BINDING, th.id));
    }, undefined, { atomic: LRU_ADD }),
    removeMigrationPtesStep('Frm', cite(MD, 928, '__migrate_device_finalize', 'remove_migration_ptes(src, dst, 0): the migration entry → the new page (or the old one)'), (_d, th) => [th.local.src[th.local.i]!.pfn!, target(th.local)], !f.restoreWithoutRef),
    st<MigL>('Funl', cite(MD, '929-930', '__migrate_device_finalize', 'folio_unlock(src) (not the fault folio)'), (d, th) => {
      const p = th.local.src[th.local.i]!.pfn!;
      if (!lockedByCaller(f, th.local, p)) pageUnlock(d, folio(d, p));
    }),
    putStep<MigL>('Fput', cite(MD, 931, '__migrate_device_finalize', 'folio_put(src): the isolation reference (a migrated source is freed here)'), (d, th) => {
      const l = th.local;
      const dst = target(l);
      fput(d, th, l.src[l.i]!.pfn!);
      if (dst === l.src[l.i]!.pfn) next(l, th);
    }),
    st<MigL>('Fnunl', cite(MD, '933-935', '__migrate_device_finalize', 'dst != src: folio_unlock(dst)'), (d, th) => pageUnlock(d, folio(d, th.local.dst[th.local.i]!))),
    putStep<MigL>('Fnput', cite(MD, 936, '__migrate_device_finalize', 'folio_put(dst): the driver\'s allocation reference (the mapping holds its own)'), (d, th) => {
      const l = th.local;
      fput(d, th, l.dst[l.i]!);
      next(l, th);
    }),
    st<MigL>('Fnext', cite(MD, 912, '__migrate_device_finalize', 'continue'), (_d, th) => next(th.local, th)),
  ];
}
