/** remove_migration_ptes(src, dst) for the one address src[i] was collected at (mm/migrate.c), shared by the unmap restore loop and finalize. */
import { joinCited, stepDocFields, type Cited } from '../../../../spec/citation';
import { pteDevicePrivate, ptePresent } from '../../../../spec/kernel/pte';
import { folio, isDevice, rmapAdd, setPte, type Ctx, type MigL, type Pfn, type Step, type Sys } from './state';

/**
 * ⟨PTL; if the PTE of address `i` is still a migration entry to `src`: folio_get(dst), the new
 * entry (present, or device-private for a device page), folio_add_anon_rmap_pte; unlock⟩.
 */
export function removeMigrationPte(d: Sys, i: number, src: Pfn, dst: Pfn, withRef = true): void {
  const e = d.pte[i]!;
  if (e.kind !== 'migration' || e.pfn !== src) return; // zapped meanwhile: nothing to restore
  rmapAdd(d, dst);
  if (!withRef) folio(d, dst).ref--; // the mutant: the rmap without its reference
  setPte(d, i, isDevice(dst) ? pteDevicePrivate(dst, e.writable) : ptePresent(dst, e.writable, false));
}

/** The step: enabled while the PTL is free; `pick` names (src, dst) for the thread's current entry. */
export function removeMigrationPtesStep(label: string, doc: string | Cited, pick: (d: Sys, th: Ctx<MigL>) => [Pfn, Pfn], withRef = true): Step<MigL> {
  return {
    label,
    ...stepDocFields(withRef ? doc : joinCited('mutant: no folio_get; ', doc)),
    guard: (s) => s.ptl.owner === null,
    holds: [(s: Sys) => s.ptl],
    atomic:
      'remove_migration_pte runs under the PTL (page_vma_mapped_walk) on a folio this thread holds locked: folio_get, set_pte_at and folio_add_anon_rmap_pte are not observable apart — the MMU and GUP-fast see a non-present entry until set_pte_at, and the reference is taken first (mm/migrate.c remove_migration_pte)',
    effect: (d, th) => {
      const [src, dst] = pick(d, th);
      removeMigrationPte(d, th.local.i, src, dst, withRef);
    },
  };
}
