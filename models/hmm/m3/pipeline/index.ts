/**
 * The one-address M3 configurations (hmm-domain.md §1.9.2, §1.10, §3 M3, Appendix A.3): one
 * virtual address `a`, system pages S0–S2 (S0 mapped at first; S1/S2 for migrate-to-RAM
 * destinations and anonymous faults), device-private page D0, and the threads
 *
 * - Mig: a driver migrating `a` to device memory with migrate_vma_setup / pages / finalize
 *   (CO1 the driver's read_begin, CO2/COmig collect under the PTL, MG5 unmap + check, MG6
 *   alloc_and_copy, MG7 pages, MGdev device page-table update, MG8/MG9/MG9d finalize;
 *   MGrestore/MGunlock the restore loop of migrate_device_unmap);
 * - C1, C2: CPU accesses of `a` (C0: the MMU's read or write through the PTE; CF the fault that
 *   entry needs under the PTL: write-protect, anonymous, swap-in, migration_entry_wait (Cmwait),
 *   and the device-private fault of §1.10 — Cptl/Cwait/Cmig, a nested migrate-to-RAM over the same
 *   CO2…MG9d steps, Cunl);
 * - Z: madvise(MADV_DONTNEED) on `a` (Z1 range_start with the driver's callback, Z2–Z5 the zap,
 *   Zend range_end; later reads see zeros);
 * - Rc: one reclaim pass over S0 (isolate + trylock, try_to_unmap, pageout, __remove_mapping);
 * - Pin: a transient reference to S0 taken through its pfn (get_page_unless_zero: GUP or a pfn
 *   walker), later dropped;
 * - Ev: the driver evicting D0 at unbind (migrate_device_range, …, then memunmap_pages:
 *   pgmap dead once every device page is free).
 *
 * Which threads run, and the initial mapping, is the configuration (`config`); which step forms run
 * is the variant (H7, H8, H9 and `fixed`). The PTL and the driver's DLOCK are locks in the state
 * (`ptl`, `dlock`): collect holds the PTL from CO2 to COmig and the zap from Z2 to Z3; every other
 * PTL or DLOCK section is one step (`ptlStep`, `dlockStep`, which `holds` it for lint). Every
 * shared field's access is declared (`pipeAccess`); steps that still make several lock-free
 * accesses give their reason (state.ts FOLIO_LOCKED, PRIVATE_PAGE, PUT_FREES).
 *
 * Mutants (not kernel bugs, ../mutants.ts) of these steps, run by M4's models (`PIPE_MUTANTS`,
 * `EVICT_MUTANTS`): collect installing a migration entry without the folio lock (INV-MIG1), unmap
 * relocking the page collect locked (INV-MIG2), remove_migration_ptes without the new mapping's
 * reference (INV-REF), the driver's copy to device memory skipped (INV-DATA), and an unbind that frees
 * its device page without evicting it (INV-TEARDOWN).
 *
 * M4 (../m4) runs these same steps — the pipeline, the CPU thread, the eviction, the zap of `a` —
 * and the page invariants; what differs there is the driver's interval sequence (a hook:
 * `PipeDriver`), and that M4 makes the driver's sections wait for a DLOCK its fault thread holds.
 */

export { type EvL, PAGES, PIPE_CODES, type PL, type PageName, type PipeDriver, type PipeState, V0, type ZapL, evInitLocals, evLocals, pipeAccess, pipeFields, pipeInitLocals, pipeLocalsType, zapInitLocals, zapLocals } from './state';
export { EVICT_MUTANTS, type EvictMutant, PIPE_MUTANTS, type PipeMutant, pipeMutantDoc, pipeMutantVariants } from './mutants';
export { COLLECT_LABELS, type PipeForm, pipelineSteps } from './migrate';
export { type Op, cpuSteps } from './cpu';
export { evictSteps, zapPteSteps } from './environment';
export { type NamedInvariant, PIPELINE_CONFIGS, type PipelineConfig, type PipelineForms, buildPipeline, buildWithPageInvariants, deviceMapsLivePage, pipelineInvariants, refsConsistent } from './build';
