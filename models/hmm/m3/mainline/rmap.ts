/**
 * remove_migration_ptes(src, dst) (mm/migrate.c): the rmap walk finds the addresses whose PTE is a
 * migration entry to src (one here: where collect or try_to_migrate put it), shared by the unmap
 * restore loop and finalize.
 */
import { joinCited, stepDocFields, type Cited } from '../../../../spec/citation';
import { pteDevicePrivate, ptePresent } from '../../../../spec/kernel/pte';
import { IDX, folio, isDevice, rmapAdd, setPte, type Ctx, type MigL, type Pfn, type Step, type Sys } from './state';

/**
 * ⟨PTL; where a PTE is still a migration entry to `src`: folio_get(dst), the new entry (present, or
 * device-private for a device page), folio_add_anon_rmap_pte (RMAP_EXCLUSIVE for a writable
 * entry: the page is PageAnonExclusive again); unlock⟩.
 */
export function removeMigrationPte(d: Sys, src: Pfn, dst: Pfn, withRef = true): void {
  const i = d.pte.findIndex((e) => e.kind === 'migration' && e.pfn === src);
  if (i < 0) return; // zapped meanwhile: nothing to restore
  const e = d.pte[i]!;
  rmapAdd(d, dst);
  if (e.writable) d.excl[IDX[dst]] = true; // !is_readable_migration_entry → RMAP_EXCLUSIVE
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
      removeMigrationPte(d, src, dst, withRef);
    },
  };
}
