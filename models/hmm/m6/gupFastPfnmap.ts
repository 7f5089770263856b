/**
 * hmm/m6-gup-fast-pfnmap — M6 (hmm-domain.md §1.13, §2 H13, §3 M6): GUP-fast against huge PFN
 * mappings of TTM buffer objects (2021: "[RFC PATCH 1/2] mm,drm/ttm: Block fast GUP to TTM huge
 * pages" and the fix 0d979509539e "drm/ttm: remove ttm_bo_vm_insert_huge()").
 *
 * What it models, on the spec/kernel primitives: one user address whose PMD (in a PMD table page
 * linked from a PUD entry) maps the buffer either by a huge leaf or through a PTE table T0; the one
 * pfn P0 behind it, backed (`backing`) by VRAM (no struct page until a dev_pagemap covers it), by
 * TTM pool pages (struct pages TTM releases or reuses on eviction without looking at their
 * refcount) or, as the control, by an anonymous THP (freed only through its refcount); CPUs c0
 * (GUP-fast) and c1 (fault, eviction) with IRQ-off state and TLBs flushed by IPI (tlb.ts: the
 * flush cannot complete while c0 has IRQs off).
 * - Fault (F): T1 (RFC only) the dev_pagemap lookup; T2 ⟨pmd_lock; insert; unlock⟩ — a huge PFN
 *   leaf (pre-fix), a devmap leaf (RFC) or __pte_alloc's pmd_install (fixed, RFC fallback); T2p
 *   ⟨pte lock; special PTE; unlock⟩. For anon-thp, the THP fault.
 * - GUP-fast (G): G0 IRQs off; G1 READ_ONCE(*pmd); G1p the PTE; G2 decide and try_grab; G2d/G2g
 *   the devmap path; G3 re-read the PMD (G3u: put, bail); G4 IRQs on; G5 the GUP user touches the
 *   page; G6 put.
 * - Evict (E), after the fault (the BO reservation / mmap_lock serialise them): E1a lock; E1 zap
 *   (anon: also munmap's pud_clear); E1b unlock; E2a/E2b TLB flush; E3 release the backing (anon:
 *   put the page, free the PMD table page).
 * - Env: P1 registers a dev_pagemap over the VRAM (only in `rfc-pgmap-registered-late`).
 *
 * - Fork (K, `fork=true`, anon-thp): K1 mmap_write_lock + write_protect_seq begins; K2 pmd lock;
 *   K3 page_maybe_dma_pinned → the child gets a copy; else K4 get_page, K5 page_dup_rmap, K6
 *   pmdp_set_wrprotect (shared for COW); K7 unlock; K8 write_protect_seq ends. GUP-fast then opens
 *   with Gs (raw_read_seqcount, odd → give up), adds the pincount in G2p and re-checks in Gr/Gru.
 * - Walker (W, `walker=true`, anon-thp): the populating walker of the thread, pte_alloc →
 *   __pte_alloc: W1 the lock-free pmd_none read (populated → done); W2 pte_alloc_one; W3 ⟨pmd_lock;
 *   pmd_install (re-check pmd_none, else pte_free the spare); unlock⟩. It holds mmap_lock for read
 *   like the THP fault it races; munmap and fork wait for it. If it wins, the THP fault finds the
 *   PMD populated and puts its THP, GUP-fast finds an empty PTE table and bails.
 *
 * Invariants: INV-NO-STRUCT-PAGE, INV-FOREIGN-REF, INV-UAF-MEM, INV-PIN-COW, INV-NOERR; action property
 * ACT-NO-OVERWRITE (a populated PMD is replaced only by a zap), the property of the thread's
 * populating-walker concern: `mutant-walker-populates-without-recheck` (walker=true) violates it.
 *
 * Abstracted away, and why (models/README.md has the ledger):
 * - One address, one pfn, one PMD: the bugs are per entry. PUD-level huge entries behave as PMDs.
 * - The PUD read of GUP-fast is merged into G1 and munmap's pud_clear into the zap (E1): both only
 *   make GUP-fast bail, so no reader tells the intermediate states apart (the steps say so for lint).
 * - The fault and the eviction never overlap (TTM: both hold the buffer's dma_resv; anon: munmap
 *   holds mmap_lock for write). Fault and eviction share CPU c1.
 * - The slow-GUP fallback is its refusal (check_vma_flags: VM_IO|VM_PFNMAP → -EFAULT); the anon
 *   slow path is not modelled (GUP-fast just bails).
 * - Page reuse is a flag (`mem.released`) for TTM, and for anon the freed page (the primitive's UAF
 *   on touch); "reused by eviction" also covers a page unmapped before GUP-fast took its reference
 *   (the ghost `zapped`), which is what GUP-fast's re-check exists to reject.
 */
import { constant, defineModel } from '../../../spec/model';
import { SpecBuilder } from '../../../spec/builder';
import { citeSteps } from '../../../spec/citation';
import type { Spec } from '../../../spec/spec';
import { SpecError } from '../../../spec/specError';
import { mutantVariant, selectMutant } from '../mutants';
import { BACKINGS, INV, fields, faultLocals, gupInit, gupLocals, initState, invariants, noOverwrite, walkerInit, walkerLocals, type Backing, type Sys } from './state';
import { envSteps, evictSteps, faultSteps, forkSteps, gupSteps, pathsOf, walkerSteps, type Forms } from './threads';
import { m6Sources } from './sources';

const FIXED: Forms = { insert: 'pte', pgmapLookup: false, archDevmap: true, latePgmap: false, recheck: true, flushWaits: true, fork: false, forkSeq: true, walker: false, walkerRecheck: true };
const RFC: Forms = { ...FIXED, insert: 'huge-devmap', pgmapLookup: true };

/** The kernel's variants (the mutants are below). */
const FORMS: Readonly<Record<string, Forms>> = {
  fixed: FIXED,
  'huge-pfn-no-special': { ...FIXED, insert: 'huge' },
  'rfc-devmap-trick': RFC,
  'rfc-devmap-no-arch-support': { ...RFC, archDevmap: false },
  'rfc-pgmap-registered-late': { ...RFC, latePgmap: true },
  'fork-gup-fast-no-seqcount': { ...FIXED, forkSeq: false },
};

const MUTANTS = ['mutant-gup-fast-no-recheck', 'mutant-flush-without-irq-wait', 'mutant-walker-populates-without-recheck'] as const;
const MUTANT_FORMS: Readonly<Record<(typeof MUTANTS)[number], Forms>> = {
  'mutant-gup-fast-no-recheck': { ...FIXED, recheck: false },
  'mutant-flush-without-irq-wait': { ...FIXED, flushWaits: false },
  'mutant-walker-populates-without-recheck': { ...FIXED, walkerRecheck: false },
};

/** The walker mutant runs where its walker exists: walker=true (at anon-thp, the default backing). */
const walkerMutant = mutantVariant(
  INV.NO_OVERWRITE,
  '__pte_alloc populating the PMD without pmd_install\u2019s re-check of pmd_none under the pmd lock',
  'fixed at backing anon-thp with walker=true and a pmd_install without "if (likely(pmd_none(*pmd))) /* Has another populated it ? */": the walker reads the PMD none, the THP fault installs its huge PMD, and the walker populates the PMD with its PTE table over it',
);

type Consts = { backing: string; fork: boolean; walker: boolean };

function build(cfg: { readonly constants: Consts; readonly variant: string }): Spec {
  const { variant } = cfg;
  const mutant = selectMutant(variant, MUTANTS);
  const backing = cfg.constants.backing as Backing;
  if (mutant && backing !== 'anon-thp') throw new SpecError(`variant ${variant} exists only at backing anon-thp (got backing=${backing})`);
  if (variant === 'rfc-pgmap-registered-late' && backing !== 'vram') throw new SpecError(`variant ${variant} exists only at backing vram (got backing=${backing})`);
  if (cfg.constants.fork && backing !== 'anon-thp') throw new SpecError(`fork=true exists only at backing anon-thp (got backing=${backing})`);
  if (variant === 'fork-gup-fast-no-seqcount' && !cfg.constants.fork) throw new SpecError(`variant ${variant} needs fork=true`);
  if (cfg.constants.walker && backing !== 'anon-thp') throw new SpecError(`walker=true exists only at backing anon-thp (got backing=${backing})`);
  if (mutant === 'mutant-walker-populates-without-recheck' && !cfg.constants.walker) throw new SpecError(`variant ${variant} needs walker=true`);
  const forms = { ...(mutant ? MUTANT_FORMS[mutant] : FORMS[variant]!), fork: cfg.constants.fork, walker: cfg.constants.walker };
  const paths = pathsOf(backing, forms);
  const src = m6Sources(backing, forms);
  let b: SpecBuilder<any, any> = new SpecBuilder<Sys>(fields)
    .init(() => initState(backing))
    .thread('F', { instances: ['F'], locals: faultLocals, initLocals: () => ({ pgmapSeen: false }), steps: citeSteps(faultSteps(backing, forms, paths), src.F!) })
    .thread('G', { instances: ['G'], locals: gupLocals, initLocals: gupInit, steps: citeSteps(gupSteps(forms, paths), src.G!) })
    .thread('E', { instances: ['E'], steps: citeSteps(evictSteps(backing, forms), src.E!) });
  if (forms.latePgmap) b = b.thread('Env', { instances: ['Env'], steps: citeSteps(envSteps, src.Env!) });
  if (forms.fork) b = b.thread('K', { instances: ['K'], steps: forkSteps(forms) });
  if (forms.walker) b = b.thread('W', { instances: ['W'], locals: walkerLocals, initLocals: walkerInit, steps: citeSteps(walkerSteps(forms), src.W!) });
  for (const inv of invariants) b = b.invariant(inv.name, inv.check as (s: unknown) => boolean, inv.doc);
  return b
    .actionProperty(INV.NO_OVERWRITE, noOverwrite as (s: unknown, t: unknown) => boolean, 'a populated PMD is replaced only after a zap, or write-protected in place by fork (never overwritten by another entry)')
    .access({
      pud: 'lockless',
      'pmd.slot': { guardedBy: 'pmd.ptl', lockfreeReads: true },
      'pte.slot': { guardedBy: 'pte.ptl', lockfreeReads: true },
      'pmd.ref': 'atomic',
      'pte.ref': 'atomic',
      'mem.page.ref': 'atomic',
      'mem.page.map': 'atomic',
      // Not used by this model's pages (no page lock, contents or swap); written only when a page is released.
      'mem.page.lock': 'ghost',
      'mem.page.dirty': 'ghost',
      'mem.page.val': 'ghost',
      'mem.page.swap': 'ghost',
      // Whether the pfn has a struct page: a fact of the memory, checked by the dereference itself (structPage).
      'mem.kind': 'ghost',
      // The eviction starts after the fault (the buffer's reservation serialises them).
      'F.pc': 'ghost',
      // munmap starts after fork (both take mmap_lock for write)
      ...(forms.fork ? { 'K.pc': 'ghost' } : {}),
      // munmap and fork start after the walker (it holds mmap_lock for read, they take it for write)
      ...(forms.walker ? { 'W.pc': 'ghost' } : {}),
      pincount: 'atomic',
      child: 'ghost',
      pgmap: 'lockless',
      'mem.owner': 'ghost',
      'mem.released': 'ghost',
      zapped: 'ghost',
      'cpu.preempt': 'ghost',
      tlb: 'ghost',
    })
    .build();
}

export const m6GupFastPfnmap = defineModel<Consts>({
  name: 'hmm/m6-gup-fast-pfnmap',
  title: 'M6: GUP-fast vs huge PFN mappings of TTM buffer objects (VRAM, TTM pages) and an anonymous-THP control',
  era: 'TTM huge faults of the v5.10 era (ttm_bo_vm_insert_huge, before 0d979509539e removed it) and the March 2021 RFC, against GUP-fast by its current mainline names',
  source:
    'mm/gup.c gup_fast / gup_pmd_range / try_grab_folio; mm/huge_memory.c vmf_insert_pfn_pmd_prot; mm/memory.c vmf_insert_pfn_prot; drivers/gpu/drm/ttm/ttm_bo_vm.c; "[RFC PATCH 1/2] mm,drm/ttm: Block fast GUP to TTM huge pages" (Mar 2021); 0d979509539e; hmm-domain.md §1.13, §2 H13, §3 M6',
  constants: {
    backing: constant.enum(
      BACKINGS,
      'anon-thp',
      'what backs the mapping: vram (no struct page), system (TTM pool pages), anon-thp (the control: an anonymous THP, freed through its refcount); each variant names its own in its expectation (`at`)',
    ),
    fork: constant.bool(false, 'anon-thp only: the parent forks (copy_page_range → copy_huge_pmd) after the fault and before the munmap, racing GUP-fast\u2019s FOLL_PIN (57efa1fe5957)'),
    walker: constant.bool(
      false,
      'anon-thp only: a populating walker (pte_alloc → __pte_alloc → pmd_install) decides from a lock-free PMD read to install a PTE table, racing the THP fault (ACT-NO-OVERWRITE; "transhuge pages aren\u2019t stable and can be zapped and refaulted under us")',
    ),
  },
  variants: {
    fixed: {
      doc: 'TTM maps buffers with PTE-level special PFN entries only (0d979509539e removed ttm_bo_vm_insert_huge): GUP-fast bails at the special PTE; at anon-thp GUP-fast takes legitimate references, re-checks the PMD and relies on the IRQ-off window to hold off the eviction\u2019s flush',
      ref: '0d979509539e "drm/ttm: remove ttm_bo_vm_insert_huge()"; mm/gup.c gup_fast; mm/memory.c vmf_insert_pfn_prot',
      expect: { verdict: 'holds' },
    },
    'huge-pfn-no-special': {
      doc: 'H13: ttm_bo_vm_insert_huge inserts a huge PFN PMD without a special bit; GUP-fast takes it for a THP and dereferences the struct page — none for VRAM (INV-NO-STRUCT-PAGE), a TTM pool page the driver does not expect anyone to hold with backing=system (INV-FOREIGN-REF)',
      ref: '0d979509539e "drm/ttm: remove ttm_bo_vm_insert_huge()" (Fixes 314b6580adc5 "drm/ttm, drm/vmwgfx: Support huge TTM pagefaults")',
      expect: { verdict: 'violation', property: INV.NO_STRUCT_PAGE, at: { backing: 'vram' } },
    },
    'rfc-devmap-trick': {
      doc: 'the RFC: huge entries are marked devmap after checking that no dev_pagemap covers the pfns, and GUP-fast treats a devmap entry without a dev_pagemap as special — correct when the architecture has the devmap bit and no dev_pagemap appears later',
      ref: '"[RFC PATCH 1/2] mm,drm/ttm: Block fast GUP to TTM huge pages" (Hellström, 21 Mar 2021)',
      expect: { verdict: 'holds', at: { backing: 'vram' } },
    },
    'rfc-devmap-no-arch-support': {
      doc: 'the RFC on an architecture without the devmap PTE bit ("Isn\u2019t the devmap PTE flag arch optional?", Gunthorpe): the bit reads as clear and GUP-fast dereferences the missing struct page',
      ref: '"[RFC PATCH 1/2] mm,drm/ttm: Block fast GUP to TTM huge pages": Gunthorpe 23 Mar 2021, Hellström "Need to condition it on also devmap support"',
      expect: { verdict: 'violation', property: INV.NO_STRUCT_PAGE, at: { backing: 'vram' } },
    },
    'rfc-pgmap-registered-late': {
      doc: 'the RFC\u2019s insert-time dev_pagemap lookup is a check-then-act: a driver registers a dev_pagemap over the VRAM after it, GUP-fast finds the pgmap and takes a reference on that driver\u2019s ZONE_DEVICE page',
      ref: '"[RFC PATCH 1/2] mm,drm/ttm: Block fast GUP to TTM huge pages": "the rare case where a driver would have already registered a dev_pagemap for an iomem area which may also be mapped through TTM" (Hellström, 23 Mar 2021)',
      expect: { verdict: 'violation', property: INV.FOREIGN_REF, at: { backing: 'vram' } },
    },
    'fork-gup-fast-no-seqcount': {
      doc: 'historical (before 57efa1fe5957, v5.11): GUP-fast pins without mm->write_protect_seq; copy_huge_pmd sees no pin yet, GUP-fast reads the still-writable PMD, pins the THP and re-checks the unchanged PMD, then fork write-protects the PMD and shares the pinned THP with the child — the parent\u2019s next write COWs away from the page the pin covers',
      ref: '57efa1fe5957 "mm/gup: prevent gup_fast from racing with COW during fork" (Jason Gunthorpe, 2020); mm/gup.c lockless_pages_from_mm; mm/memory.c copy_page_range; mm/huge_memory.c copy_huge_pmd',
      expect: { verdict: 'violation', property: INV.PIN_COW, at: { backing: 'anon-thp', fork: true } },
    },
    'mutant-gup-fast-no-recheck': mutantVariant(
      INV.UAF_MEM,
      'gup_fast_pmd_leaf without the pmd_val(orig) != pmd_val(*pmdp) re-check',
      'fixed at backing anon-thp without G3: GUP-fast reads the PMD, munmap zaps it, GUP-fast takes its reference anyway and hands out a page the mm no longer maps',
    ),
    'mutant-flush-without-irq-wait': mutantVariant(
      INV.UAF_MEM,
      'a TLB flush that does not wait for CPUs with IRQs off',
      'fixed at backing anon-thp with a flush that returns without waiting for the IPI: munmap frees the PMD table page while GUP-fast is inside its IRQ-off walk, and G3 re-reads the freed table',
    ),
    'mutant-walker-populates-without-recheck': { ...walkerMutant, expect: { ...walkerMutant.expect, at: { backing: 'anon-thp', walker: true } } },
  },
  abstractions: [
    {
      what: 'One user address, one pfn, one PMD (with its PTE table): PUD-level huge entries (vmf_insert_pfn_pud_prot) are taken to behave as PMDs, and a huge fault maps one PMD, not a range.',
      couldHide: 'GUP-fast walks over several entries (a partial pin whose refs must be undone), and PUD-specific code paths (gup_fast_pud_leaf, the PUD devmap path).',
    },
    {
      what: 'The fault and the eviction never overlap (TTM: both hold the buffer’s dma_resv; anon: munmap holds mmap_lock for write), and they share CPU c1.',
      couldHide: 'a driver that faults without the reservation, a refault racing the move (a PMD pointing at the new placement while the old one is released), MADV_DONTNEED (mmap_lock for read) racing a THP fault.',
    },
    {
      what: 'GUP-fast’s PUD read is merged into its PMD read (G1), and munmap’s pud_clear into the zap (E1): both only make GUP-fast bail.',
      couldHide: 'a walker that reads a PMD table unlinked between the two reads; under the flush mutant that interleaving is itself a use-after-free, found one step later at G3.',
    },
    {
      what: 'Eviction’s release is a flag for TTM memory (VRAM handed to another buffer, pool pages reused regardless of refcount) and the refcount put for the anon THP; "released" also covers a page unmapped before GUP-fast took its reference (the ghost `zapped`).',
      couldHide: 'what the new user of reused memory does with it (data corruption seen by that user rather than by the GUP user), and speculative references landing on a reused page (folio_try_get succeeding after reallocation).',
    },
    {
      what: 'Slow GUP is its refusal of VM_IO|VM_PFNMAP (check_vma_flags) for TTM and is not modelled for anon; the TLB entries are never filled (no CPU accesses the buffer), so a flush matters only for its IPIs.',
      couldHide: 'stale TLB entries of a user thread writing into released memory after the eviction, and slow-GUP races with the fault (follow_page_mask on a devmap PMD).',
    },
    {
      what: 'fork (`fork=true`, anon-thp only): one THP PMD copied by copy_huge_pmd; a maybe-pinned THP is "copied for the child" in one outcome (the kernel splits it and copies at PTE level); the pincount is never dropped (page_maybe_dma_pinned may give false positives); the child\u2019s mapping is a ghost and no process writes afterwards: INV-PIN-COW states the precondition of the lost pin (a returned pin on a page shared write-protected with the child) rather than running the COW fault; GUP-fast reads mm->write_protect_seq only when a fork thread exists (without one it never changes); PageAnonExclusive and gup_must_unshare (v5.19+, 6c287605fd56) are not modelled.',
      couldHide: 'races of the parent\u2019s COW fault with the unpin, fork over a PTE-mapped THP (copy_present_pte\u2019s per-PTE pin test), and bugs of the anon-exclusive scheme that later replaced the pin test in fork.',
    },
    {
      what: 'The populating walker (`walker=true`, anon-thp only) allocates one PTE table and populates nothing below it; it runs under mmap_lock for read, so munmap and fork never overlap it (no zap-and-refault while it walks), and the THP fault that finds its table populated just puts the THP (the kernel would go on to a PTE-level fault); at the TTM backings there is no walker (their PTE-level fault would need a second PTE table).',
      couldHide: 'a walker racing a zap that does not take mmap_lock for write (MADV_DONTNEED, TTM\u2019s unmap_mapping_range) and a refault after it, a walker populating PTEs under its table while GUP-fast walks them, and a walker over a TTM mapping.',
    },
  ],
  build,
});
