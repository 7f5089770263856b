/** The pipeline's mutants (deliberate mistakes, not kernel bugs), for M4's migrations and M4-now's unbind. */
import type { VariantDef } from '../../../../spec/model';
import { mutantVariant } from '../../mutants';
import { INV } from '../common';

/** The pipeline's mutants (see the module header), for M4's migrations. */
export const PIPE_MUTANTS = [
  'mutant-collect-skips-folio-lock',
  'mutant-unmap-relocks-collected-page',
  'mutant-restore-pte-without-ref',
  'mutant-driver-skips-copy',
] as const;
export type PipeMutant = (typeof PIPE_MUTANTS)[number];
/** The eviction's mutant (see the module header), for M4-now's unbind. */
export const EVICT_MUTANTS = ['mutant-unbind-frees-mapped-device-page'] as const;
export type EvictMutant = (typeof EVICT_MUTANTS)[number];

/** The step each pipeline mutant changes, and what it does there. */
export const PIPE_MUTANT_STEP: Readonly<Record<PipeMutant, { readonly label: string; readonly note: string }>> = {
  'mutant-collect-skips-folio-lock': { label: 'CO2', note: 'no folio_trylock: the migration entry points to an unlocked folio' },
  'mutant-unmap-relocks-collected-page': { label: 'MG5', note: 'folio_lock(src) first, without testing MIGRATE_PFN_LOCKED (collect locked it: the thread sleeps on its own lock)' },
  'mutant-restore-pte-without-ref': { label: 'MG8', note: "the new mapping's rmap is added without folio_get" },
  'mutant-driver-skips-copy': { label: 'MG6', note: 'the copy into the device page is skipped (it holds zeros)' },
};
/** `doc` of the pipeline step `label`, with the note of `mutant` in front if the mutant changes that step. */
export function pipeMutantDoc(mutant: PipeMutant | null | undefined, label: string, doc: string): string {
  return mutant && PIPE_MUTANT_STEP[mutant].label === label ? `mutant: ${PIPE_MUTANT_STEP[mutant].note}; ${doc}` : doc;
}

/** The variants of the pipeline's mutants, for the registry entries of the models that run these steps (M4-now words the eviction's). */
export const pipeMutantVariants: Record<PipeMutant, VariantDef> = {
  'mutant-collect-skips-folio-lock': mutantVariant(
    INV.MIG1,
    'migrate_vma_collect installs a migration entry without folio_trylock',
    'the fixed design, but collect replaces the PTE by a migration entry without locking the folio (as if a later phase took the lock), so the entry points to an unlocked page',
  ),
  'mutant-unmap-relocks-collected-page': mutantVariant(
    INV.MIG2,
    'the unmap phase lock_page()s a page collect already locked',
    'the fixed design, but migrate_device_unmap locks the source with a blocking folio_lock without testing MIGRATE_PFN_LOCKED: collect locked it, so the migration sleeps for ever on its own lock, leaving the migration entry and the locked page behind',
  ),
  'mutant-restore-pte-without-ref': mutantVariant(
    INV.REF,
    'remove_migration_ptes adds the rmap of the new page without its reference',
    'the fixed design, but finalize maps the destination (MG8) with folio_add_anon_rmap and no folio_get, so its refcount is one short of its mappings and holders',
  ),
  'mutant-driver-skips-copy': mutantVariant(
    INV.DATA,
    "the driver's alloc_and_copy does not copy into the device page",
    "the fixed design, but the driver's copy to device memory is skipped (a failed DMA ignored): the device page holds zeros, and the CPU reads them back after migrating it to RAM",
  ),
};
