/**
 * M6's threads (hmm-domain.md §1.13): the TTM huge fault (or, for the anon-THP control backing, a
 * THP fault), GUP-fast, the eviction (TTM move/evict, or munmap of the THP) and, for the RFC's
 * late-pgmap case, a driver registering a dev_pagemap. Each step cites the code it follows.
 *
 * Sources read (read_file / find_string over public copies): mm/gup.c of torvalds/linux at
 * 0005d20b2ff1 (the generic RCU GUP-fast: local_irq_save, gup_pmd_range's READ_ONCE, gup_huge_pmd's
 * page_cache_add_speculative and pmd_val re-check), and its current names (gup_fast,
 * gup_fast_pmd_leaf, gup_fast_pte_range) in v6.12.118 as Debian's linux-source-6.12 ships it;
 * a v5.10-era drivers/gpu/drm/ttm/ttm_bo_vm.c with ttm_bo_vm_insert_huge (the tool gave no commit);
 * the fix as posted, "[PATCH v2] drm/ttm: Do not put non-struct page memory into PUD/PMDs"
 * <0-v2-a44694790652+4ac-ttm_pmd_jgg@nvidia.com> (merged as 0d979509539e); the RFC thread reply
 * <6c9acb90-8e91-d8af-7abd-e762d9a901aa@shipmail.org>, which quotes the RFC hunk, Gunthorpe's
 * "Isn't the devmap PTE flag arch optional?" and Hellström's "Need to condition it on also devmap
 * support". mm/huge_memory.c (insert_pfn_pmd, do_huge_pmd_anonymous_page) and mm/memory.c
 * (insert_pfn, __pte_alloc) are followed by name, as hmm-domain.md §1.13 describes them (their
 * lines: sources.ts). The fork race (fork=true) is followed at 57efa1fe5957 and its parent, with
 * lines from torvalds/linux's stored mm/gup.c (52650c8b466b), mm/memory.c (d3f5ffcacd15) and
 * mm/huge_memory.c (013339df116c) of the same batch (sources.ts: FORK_GUP_SOURCES, forkSources).
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { cpuSteps } from '../../../spec/kernel/cpu';
import { raise, touch } from '../../../spec/kernel/errors';
import { seqcountReadRetry, seqcountSteps, seqcountWriteBegin, seqcountWriteEnd } from '../../../spec/kernel/seqcount';
import { pageGetUnlessZero, pageMap, pagePut, pageUnmapRmap } from '../../../spec/kernel/page';
import { gupFastLeaf, isPtLeaf, isPtNone, isPtTable, pageTableSteps, pmdInstall, pmdPopulate, ptAlloc, ptFree, ptLeaf, structPage } from '../../../spec/kernel/pageTable';
import { andThen, when } from '../../../spec/kernel/steps';
import { tlbSteps } from '../../../spec/kernel/tlb';
import { FORK_GUP_SOURCES, forkSources } from './sources';
import { BINDING, noEntry, type Backing, type FaultL, type GupL, type Sys, type WalkerL } from './state';

/** The step forms a variant selects (see the variant docs in gupFastPfnmap.ts). */
export interface Forms {
  /** How the TTM fault maps the buffer: PTE-level special entries (fixed), a huge PFN entry, or a huge devmap entry (RFC). */
  readonly insert: 'pte' | 'huge' | 'huge-devmap';
  /** RFC T1: look up a dev_pagemap over the pfns before inserting; if one exists, fall back to PTEs. */
  readonly pgmapLookup: boolean;
  /** The architecture has the devmap PTE bit (pmd_devmap); without it the bit reads as clear. */
  readonly archDevmap: boolean;
  /** Env registers a dev_pagemap over the VRAM after T1's lookup. */
  readonly latePgmap: boolean;
  /** GUP-fast re-reads the PMD after taking its reference (G3). */
  readonly recheck: boolean;
  /** The eviction's TLB flush waits for every IPI (a CPU with IRQs off delays it). */
  readonly flushWaits: boolean;
  /** anon-thp, `fork=true`: the parent forks (copy_page_range → copy_huge_pmd) after the fault, before the munmap. */
  readonly fork: boolean;
  /** GUP-fast's FOLL_PIN and fork use mm->write_protect_seq (57efa1fe5957); false: the code before it. */
  readonly forkSeq: boolean;
  /** anon-thp, `walker=true`: a populating walker (pte_alloc → __pte_alloc) races the THP fault. */
  readonly walker: boolean;
  /** The walker re-checks pmd_none under the pmd lock (pmd_install); false: it populates as its lock-free read decided. */
  readonly walkerRecheck: boolean;
}

/** The GUP-fast paths a configuration can take (steps no path reaches are left out, so coverage flags real gaps). */
export interface Paths {
  readonly pteLevel: boolean;
  readonly devmap: boolean;
}

export function pathsOf(backing: Backing, forms: Forms): Paths {
  const ttm = backing !== 'anon-thp';
  // The walker's PTE table is what GUP-fast finds under the PMD when the walker won the race.
  return { pteLevel: (ttm && (forms.insert === 'pte' || forms.pgmapLookup)) || forms.walker, devmap: ttm && forms.insert === 'huge-devmap' };
}

const C = cpuSteps<Sys>((s) => s.cpu, BINDING);
const TLB = tlbSteps<Sys>((s) => s.tlb, (s) => s.cpu, BINDING);
const PT = pageTableSteps<Sys, GupL>();
const PTF = pageTableSteps<Sys, FaultL>();
const pmdSlot = (s: Sys) => s.pmd.slot[0]!;
/** Why a step ending in put_page is one access (lint). */
const PUT_WHY = 'put_page is one atomic decrement; when it drops the last reference the page is private to the putter, so its release touches nothing shared';
const pteSlot = (s: Sys) => s.pte.slot[0]!;
const Q = seqcountSteps<Sys>();

// ---- Fault -------------------------------------------------------------------------------------

/**
 * The fault: for the TTM backings ttm_bo_vm_fault_reserved → ttm_bo_vm_insert_huge
 * (drivers/gpu/drm/ttm/ttm_bo_vm.c before 0d979509539e) or, fixed, the PTE-level
 * vmf_insert_pfn_prot; for anon-thp do_huge_pmd_anonymous_page. The fault and the eviction are
 * serialised by the buffer object's reservation (ttm_bo_vm_reserve / the eviction's dma_resv), so
 * the fault runs before the eviction starts.
 */
export function faultSteps(backing: Backing, forms: Forms, paths: Paths): StepDef<Sys, FaultL, string>[] {
  const ttm = backing !== 'anon-thp';
  const t1: StepDef<Sys, FaultL, string> = {
    label: 'T1',
    doc: 'RFC "[RFC PATCH 1/2] mm,drm/ttm: Block fast GUP to TTM huge pages", ttm_bo_vm_insert_huge: get_dev_pagemap(pfn) — "If there is a backing range, Don\u2019t insert a huge entry" (a lock-free lookup, checked before the insert)',
    effect: (d, th) => void (th.local.pgmapSeen = d.pgmap),
  };
  const insert = (d: Sys, th: ThreadCtx<FaultL, string>) => {
    if (!isPtNone(pmdSlot(d))) {
      // insert_pfn_pmd: !pmd_none → out_unlock; __do_huge_pmd_anonymous_page: !pmd_none → unlock_release, folio_put (the walker's table won)
      if (!ttm) pagePut(d, d.mem.page, 'UAF_MEM');
      return th.goto('done');
    }
    if (!ttm) {
      // folio_add_new_anon_rmap + set_pmd_at: the allocation's reference becomes the mapping's.
      d.pmd.slot[0] = ptLeaf('P0', { writable: true });
      pageMap(d, d.mem.page, 'UAF_MEM');
      pagePut(d, d.mem.page, 'UAF_MEM');
      return th.goto('done');
    }
    if (forms.insert === 'pte' || th.local.pgmapSeen) {
      // __pte_alloc: pte_alloc_one (a private table), then pmd_install under the pmd lock.
      ptAlloc(d.pte, noEntry);
      if (!pmdInstall(d, d.pmd, 0, 'T0', th.id)) ptFree(d, d.pte, 'UAF_PMD', isPtNone);
      return;
    }
    d.pmd.slot[0] = ptLeaf('P0', { writable: true, devmap: forms.insert === 'huge-devmap' });
    th.goto('done');
  };
  const t2base = PTF.locked(
    'T2',
    (s) => s.pmd,
    insert,
    ttm
      ? forms.insert === 'pte'
        ? 'fixed (0d979509539e "drm/ttm: remove ttm_bo_vm_insert_huge()"): vmf_insert_pfn_prot (mm/memory.c) → __pte_alloc: pte_alloc_one, pmd_lock, pmd_install, unlock'
        : 'ttm_bo_vm_insert_huge → vmf_insert_pfn_pmd_prot (mm/huge_memory.c insert_pfn_pmd): pmd_lock; if pmd_none, set_pmd_at(pmd_mkhuge(pfn_t_pmd(pfn)))' +
          (forms.insert === 'huge-devmap' ? ' with pmd_mkdevmap — the RFC\u2019s "devmap trick" (else, a dev_pagemap seen at T1: fall back to PTEs)' : ' — no special bit: "PUD and PMD entries do not have a special bit" (0d979509539e)') +
          '; unlock'
      : 'do_huge_pmd_anonymous_page (mm/huge_memory.c): pmd_lock; if pmd_none, folio_add_new_anon_rmap and set_pmd_at; else (a walker’s PTE table is there) folio_put the unused THP; unlock',
  );
  const t2: StepDef<Sys, FaultL, string> = {
    ...t2base,
    atomic: ttm
      ? 'the new PTE table is private until pmd_install publishes it; the one shared access is the PMD write under the pmd lock'
      : 'the new THP is private until set_pmd_at publishes it; the one shared access is the PMD write under the pmd lock',
  };
  const t2p = PTF.locked(
    'T2p',
    (s) => s.pte,
    (d) => {
      if (isPtNone(pteSlot(d))) d.pte.slot[0] = ptLeaf('P0', { writable: true, special: true });
    },
    'vmf_insert_pfn_prot → insert_pfn (mm/memory.c): pte_offset_map_lock; if pte_none, set_pte_at(pte_mkspecial(pfn_pte(pfn))); unlock',
  );
  return C.bind([...(forms.pgmapLookup && ttm ? [t1] : []), t2, ...(ttm && paths.pteLevel ? [t2p] : [])]);
}

// ---- Walker ------------------------------------------------------------------------------------

const PTW = pageTableSteps<Sys, WalkerL>();

/** mmap_lock for write (munmap, fork) waits for the walker's read lock: the walker is done, or absent. */
export const walkerDone = (s: Sys & { W?: { pc: string }[] }): boolean => (s.W?.[0]?.pc ?? 'done') === 'done';

/**
 * The populating walker (`walker=true`, anon-thp): a walk that allocates the PTE table it needs,
 * pte_alloc (include/linux/mm.h) → __pte_alloc → pmd_install (mm/memory.c, by their mainline
 * names): a lock-free pmd_none test, pte_alloc_one outside the lock, then under the pmd lock "Has
 * another populated it ?" — install only if the PMD is still none, else pte_free the spare. It runs
 * under mmap_lock for read, as the THP fault it races does ("transhuge pages aren't stable and can
 * be zapped and refaulted under us", Hellström, §1.13); munmap and fork wait for it.
 * `forms.walkerRecheck` false (the mutant): it populates as its lock-free read decided.
 */
export function walkerSteps(forms: Forms): StepDef<Sys, WalkerL, string>[] {
  const read = PTW.read('W1', pmdSlot, (l, e) => void (l.pmd = e), 'pte_alloc: unlikely(pmd_none(*pmd)) — a lock-free read of the PMD; populated (a THP the fault installed, or a table) → nothing to allocate');
  const w1: StepDef<Sys, WalkerL, string> = {
    ...read,
    effect: (d, th) => {
      read.effect!(d, th);
      if (!isPtNone(th.local.pmd)) th.goto('done');
    },
  };
  const w2: StepDef<Sys, WalkerL, string> = {
    label: 'W2',
    doc: '__pte_alloc: pte_alloc_one — a new, empty PTE table, private to the walker until pmd_install publishes it (decided from the snapshot of W1)',
    atomic: 'the new table is private to the walker until W3 publishes it: no other thread reaches it',
    effect: (d) => ptAlloc(d.pte, noEntry),
  };
  const w3: StepDef<Sys, WalkerL, string> = forms.walkerRecheck
    ? {
        ...PTW.install('W3', (s) => s.pmd, 0, 'T0', (s) => s.pte, {
          uaf: 'UAF_PMD',
          isEmpty: isPtNone,
          doc: '__pte_alloc → pmd_install: pmd_lock; if (likely(pmd_none(*pmd))) /* Has another populated it ? */ pmd_populate; spin_unlock; then pte_free the table if it was not used',
        }),
        atomic: 'the spare table is private to the walker (pte_free of an unused one touches nothing shared); the one shared access is the PMD under the pmd lock',
      }
    : PTW.locked('W3', (s) => s.pmd, (d, th) => pmdPopulate(d, d.pmd, 0, 'T0', th.id), 'mutant: pmd_lock; pmd_populate without re-checking pmd_none (the lock-free read of W1 decided); spin_unlock');
  return [w1, w2, w3];
}

// ---- GUP-fast ----------------------------------------------------------------------------------

/**
 * gup_fast (mm/gup.c; read at 0005d20b2ff1, the generic __get_user_pages_fast / gup_pmd_range /
 * gup_huge_pmd, whose shape the current gup_fast / gup_fast_pmd_leaf / try_grab_folio_fast keep):
 * IRQs off, READ_ONCE the PMD, decide, take a speculative reference, re-read the PMD, IRQs on.
 */
export function gupSteps(forms: Forms, paths: Paths): StepDef<Sys, GupL, string>[] {
  const afterGrab = forms.recheck ? 'G3' : 'G4';
  /** try_grab_folio_fast: pfn_to_page (NO_STRUCT_PAGE without one), then folio_try_get (fails on a free page); with FOLL_PIN on the forking THP, the pincount next (G2p). */
  const grab = (d: Sys, th: ThreadCtx<GupL, string>) => {
    if (!structPage(d, d.mem.kind) || !pageGetUnlessZero(d.mem.page)) return th.goto('G4');
    th.local.ref = true;
    th.local.late = d.zapped;
    th.goto(forms.fork ? 'G2p' : afterGrab);
  };
  const seqBegin = { ...Q.tryReadBegin('Gs', (s) => s.seq, { onOdd: 'done', doc: 'lockless_pages_from_mm (FOLL_PIN): seq = raw_read_seqcount(&mm->write_protect_seq); if (seq & 1) return 0 — fork is write-protecting: fall back to slow GUP (not modelled)' }), src: FORK_GUP_SOURCES.Gs } as StepDef<Sys, GupL, string>;
  const forkSteps: StepDef<Sys, GupL, string>[] = forms.fork
    ? [
        {
          label: 'G2p',
          doc: 'try_grab_compound_head (FOLL_PIN, a THP): hpage_pincount_add after the reference — what page_maybe_dma_pinned reads',
          src: FORK_GUP_SOURCES.G2p,
          effect: (d, th) => {
            d.pincount = 1;
            th.goto(afterGrab);
          },
        },
      ]
    : [];
  const seqRetry: StepDef<Sys, GupL, string>[] = forms.fork && forms.forkSeq
    ? [
        {
          label: 'Gr',
          doc: 'lockless_pages_from_mm (FOLL_PIN): read_seqcount_retry(&mm->write_protect_seq, seq) — "there could be a concurrent write protect from fork() via copy_page_range(), in this case always fail fast GUP"',
          src: FORK_GUP_SOURCES.Gr,
          effect: (d, th) => {
            const stale = seqcountReadRetry(d.seq, th.id);
            if (!th.local.ref) return th.goto('done');
            if (stale) th.goto('Gru');
          },
        },
      ]
    : [];
  const seqUnpin: StepDef<Sys, GupL, string>[] = seqRetry.length
    ? [
        {
          label: 'Gru',
          doc: 'lockless_pages_from_mm: unpin_user_pages(pages, nr_pinned); return 0 (slow GUP, not modelled, takes mmap_lock)',
          src: FORK_GUP_SOURCES.Gru,
          atomic: PUT_WHY,
          effect: (d, th) => {
            pagePut(d, d.mem.page, 'UAF_MEM');
            th.local.ref = false;
            th.goto('done');
          },
        },
      ]
    : [];
  const read = PT.read('G1', pmdSlot, (l, e) => void (l.pmd = e), 'gup_pmd_range: pmd = READ_ONCE(*pmdp) (lock-free; the PUD entry is checked first: cleared → bail)');
  const g1: StepDef<Sys, GupL, string> = {
    ...read,
    atomic: 'the PUD entry read with it only decides whether the PMD table is still linked; munmap clears it before its TLB flush, so no reader can tell the two reads apart (hmm-domain.md §4 exception, stated in the model header)',
    effect: (d, th) => {
      if (!d.pud) return th.goto('G4'); // pud_none: the PMD table was unlinked
      if (!touch(d, d.pmd, 'UAF_PMD')) return;
      read.effect!(d, th);
      if (isPtNone(th.local.pmd)) return th.goto('G4'); // pmd_none → bail to slow GUP
      if (!isPtTable(th.local.pmd)) th.goto('G2');
    },
  };
  const steps: StepDef<Sys, GupL, string>[] = [
    ...(forms.fork && forms.forkSeq ? [seqBegin] : []),
    C.irqDisable('G0', 'gup_fast: local_irq_save — "With interrupts disabled, we block page table pages from being freed from under us" (mm/gup.c)') as StepDef<Sys, GupL, string>,
    g1,
    ...(paths.pteLevel
      ? [PT.read('G1p', pteSlot, (l, e) => void (l.pte = e), 'gup_fast_pte_range: pte = ptep_get_lockless(ptep) in the PTE table the PMD snapshot points to')]
      : []),
    {
      label: 'G2',
      doc: 'gup_fast_pmd_leaf / gup_fast_pte_range: special → bail (slow GUP then refuses VM_PFNMAP|VM_IO: check_vma_flags); devmap → get_dev_pagemap first; else try_grab_folio_fast(pmd_page(orig)) — "considers any page that passed pmd_huge() as usable" (0d979509539e)',
      effect: (d, th) => {
        const e = isPtTable(th.local.pmd) ? th.local.pte : th.local.pmd;
        const decision = gupFastLeaf(e, { archDevmap: forms.archDevmap });
        if (decision === 'bail') return th.goto('G4');
        if (forms.fork && !e.writable) return th.goto('G4'); // FOLL_WRITE: gup_huge_pmd "if (write && !pmd_write(orig)) return 0" (pre-fix tree as stored; gup_fast_pmd_leaf keeps it)
        if (decision === 'devmap') return th.goto('G2d');
        grab(d, th);
      },
    },
    ...(paths.devmap
      ? [
          {
            label: 'G2d',
            doc: 'gup_huge_pmd devmap path (pre-5.13 __gup_device_huge_pmd): pgmap = get_dev_pagemap(pfn); none → bail — the RFC treats "_devmap entries for which there are no backing dev_pagemap as special"',
            effect: (d, th) => {
              if (!d.pgmap) th.goto('G4');
            },
          } satisfies StepDef<Sys, GupL, string>,
          { label: 'G2g', doc: '__gup_device_huge: try_grab_page(pfn_to_page(pfn)) under the dev_pagemap reference', effect: grab } satisfies StepDef<Sys, GupL, string>,
        ]
      : []),
    ...forkSteps,
    ...(forms.recheck
      ? [
          andThen(
            PT.recheck('G3', pmdSlot, (l) => l.pmd, 'G3u', 'gup_fast_pmd_leaf: if (pmd_val(orig) != pmd_val(*pmdp)) — re-read the PMD in its table'),
            (d) => void touch(d, d.pmd, 'UAF_PMD'),
          ),
        ]
      : []),
    andThen(C.irqEnable('G4', 'gup_fast: local_irq_restore (a bail falls back to slow GUP, which refuses VM_PFNMAP|VM_IO)') as StepDef<Sys, GupL, string>, (_d, th) => {
      if (!th.local.ref && !seqRetry.length) th.goto('done');
    }),
    ...seqRetry,
    {
      label: 'G5',
      doc: 'the GUP user (O_DIRECT, RDMA) reads and writes the page it got',
      effect: (d, th) => {
        if (!touch(d, d.mem.page, 'UAF_MEM')) return;
        if (d.mem.released || th.local.late) raise(d, 'UAF_MEM');
      },
    },
    {
      label: 'G6',
      doc: 'unpin_user_page / put_page: the GUP reference is dropped',
      atomic: PUT_WHY,
      effect: (d, th) => {
        pagePut(d, d.mem.page, 'UAF_MEM');
        th.local.ref = false;
        th.goto('done');
      },
    },
    ...(forms.recheck
      ? [
          {
            label: 'G3u',
            doc: 'gup_fast_pmd_leaf: the PMD changed — gup_put_folio, bail',
            atomic: PUT_WHY,
            effect: (d, th) => {
              pagePut(d, d.mem.page, 'UAF_MEM');
              th.local.ref = false;
              th.goto('G4');
            },
          } satisfies StepDef<Sys, GupL, string>,
        ]
      : []),
    ...seqUnpin,
  ];
  return C.bind(steps);
}

// ---- Fork --------------------------------------------------------------------------------------

/** Why copy_huge_pmd's pin test is one step: one lock-free read of the pincount, the PMD read under the pmd lock. */
const PIN_TEST = 'page_maybe_dma_pinned is one lock-free read of the pincount; the PMD is read under the pmd lock fork holds';


/**
 * fork → dup_mmap (mmap_write_lock of the parent, after the fault released its read lock) →
 * copy_page_range → copy_huge_pmd for the THP (mm/memory.c, mm/huge_memory.c, at 57efa1fe5957):
 * write_protect_seq begins; under the pmd lock, a THP that may be pinned is not shared (the
 * kernel splits it and copies at PTE level: the child gets its own copy); else get_page,
 * page_dup_rmap, pmdp_set_wrprotect (parent and child share it read-only); unlock;
 * write_protect_seq ends. `forms.forkSeq` false: the code before 57efa1fe5957 (no seqcount), at
 * 57efa1fe5957^.
 */
export function forkSteps(forms: Forms): StepDef<Sys, unknown, string>[] {
  const src = forkSources(forms.forkSeq);
  const begin: StepDef<Sys, unknown, string> = {
    label: 'K1',
    doc: forms.forkSeq
      ? 'dup_mmap: mmap_write_lock(oldmm) (after the fault); copy_page_range, is_cow: raw_write_seqcount_begin(&src_mm->write_protect_seq)'
      : 'dup_mmap: mmap_write_lock(oldmm) (after the fault); copy_page_range (before 57efa1fe5957: no write_protect_seq)',
    src: src.K1,
    guard: (s: Sys & { F?: { pc: string }[] }) => s.F?.[0]?.pc === 'done' && walkerDone(s),
    effect: (d, th) => {
      if (forms.forkSeq) seqcountWriteBegin(d.seq, th.id);
    },
  };
  return C.bind([
    begin,
    { ...C.spinLock('K2', (s) => s.pmd.ptl, { doc: 'copy_huge_pmd: src_ptl = pmd_lockptr(src_mm, src_pmd); spin_lock(src_ptl) (and the child\u2019s dst_ptl)' }), src: src.K2 } as StepDef<Sys, unknown, string>,
    {
      label: 'K3',
      doc: 'copy_huge_pmd: pmd = *src_pmd; a THP that page_maybe_dma_pinned says may be pinned is not shared (split, -EAGAIN, copied at PTE level: the child gets its own copy)',
      src: src.K3,
      atomic: PIN_TEST,
      effect: (d, th) => {
        const e = pmdSlot(d);
        if (!isPtLeaf(e) || e.pfn !== 'P0') return th.goto('K7');
        if (d.pincount > 0) {
          d.child = 'copy';
          th.goto('K7');
        }
      },
    },
    { label: 'K4', doc: 'copy_huge_pmd: get_page(src_page) — the child\u2019s reference', src: src.K4, effect: (d) => void pageGetUnlessZero(d.mem.page) },
    { label: 'K5', doc: 'copy_huge_pmd: page_dup_rmap(src_page, true) — the child\u2019s mapping', src: src.K5, effect: (d) => void d.mem.page.map++ },
    {
      label: 'K6',
      doc: 'copy_huge_pmd: pmdp_set_wrprotect(src_mm, addr, src_pmd); set_pmd_at(dst_mm, …, pmd_wrprotect(pmd)) — parent and child share the THP read-only (COW)',
      src: src.K6,
      effect: (d) => {
        d.pmd.slot[0] = { ...pmdSlot(d), writable: false };
        d.child = 'shared';
      },
    },
    { ...C.spinUnlock('K7', (s) => s.pmd.ptl, { doc: 'copy_huge_pmd: spin_unlock(src_ptl)' }), src: src.K7 } as StepDef<Sys, unknown, string>,
    ...(forms.forkSeq
      ? [{ label: 'K8', doc: 'copy_page_range: raw_write_seqcount_end(&src_mm->write_protect_seq); dup_mmap: mmap_write_unlock', src: src.K8, effect: (d: Sys, th: ThreadCtx<unknown, string>) => seqcountWriteEnd(d, d.seq, th.id) }]
      : []),
  ]);
}

// ---- Evict -------------------------------------------------------------------------------------

/** The lock the zap takes, chosen from a lock-free read of the PMD: the PTE table's for a PTE-level mapping (zap_pte_range), else the pmd lock (zap_huge_pmd). */
const zapLock = (s: Sys) => (isPtTable(pmdSlot(s)) ? s.pte.ptl : s.pmd.ptl);
/** The zap lock E holds (lock state, not a memory access). */
const heldZapLock = (s: Sys) => (s.pte.ptl.owner === 'E' ? s.pte.ptl : s.pmd.ptl);

/**
 * The eviction: TTM's move/evict (ttm_bo_unmap_virtual → unmap_mapping_range, then the old
 * placement is released or reused), or for anon-thp munmap (zap_huge_pmd, free_pgtables,
 * tlb_finish_mmu: flush, then free the page and the page-table page).
 */
export function evictSteps(backing: Backing, forms: Forms): StepDef<Sys, unknown, string>[] {
  const anon = backing === 'anon-thp';
  const lock = when(
    C.spinLock('E1a', zapLock, { doc: anon ? 'zap_huge_pmd: pmd_lock' + (forms.walker ? ' (under the walker\u2019s PTE table: zap_pte_range, pte_offset_map_lock)' : '') : 'unmap_mapping_range → zap_pmd_range: pmd_lock (zap_huge_pmd) or pte_offset_map_lock (zap_pte_range)' }),
    // munmap's mmap_write_lock waits for the fault's and the walker's read locks and for fork's write lock
    (s: Sys & { F?: { pc: string }[]; K?: { pc: string }[] }) => s.F?.[0]?.pc === 'done' && (s.K?.[0]?.pc ?? 'done') === 'done' && walkerDone(s),
  );
  const zap: StepDef<Sys, unknown, string> = {
    label: 'E1',
    doc: anon
      ? 'zap_huge_pmd: pmdp_huge_get_and_clear_full, folio_remove_rmap_pmd (the page waits for tlb_finish_mmu); free_pgtables: pud_clear (the PMD table page waits for the flush too)'
      : 'zap_huge_pmd / zap_pte_range: clear the entry (a PFN mapping has no page to put)',
    ...(anon ? { atomic: 'free_pgtables\u2019 pud_clear is merged into the zap: between them GUP-fast bails either way (PMD none or PUD none), so no reader tells them apart' } : {}),
    effect: (d) => {
      const huge = d.pte.ptl.owner !== 'E';
      if (huge) d.pmd.slot[0] = noEntry();
      else d.pte.slot[0] = noEntry();
      if (anon) {
        // A PMD pointing to the walker's (empty) PTE table maps no page: zap_pte_range finds nothing.
        if (huge) pageUnmapRmap(d, d.mem.page, 'UAF_MEM');
        d.pud = false;
      }
      d.zapped = true;
    },
  };
  const release: StepDef<Sys, unknown, string> = {
    label: 'E3',
    doc: anon
      ? 'tlb_finish_mmu after the flush: free_pages_and_swap_cache drops the mapping\u2019s reference (freed if it was the last) and tlb_remove_table frees the PMD table page (with a walker\u2019s PTE table under it instead of the THP: free_pte_range\u2019s pte_free_tlb frees that table, no page)'
      : backing === 'system'
        ? 'ttm_bo_move / ttm_tt_unpopulate → ttm_pool_free_page: the pool pages are released or reused without looking at their refcount (0d979509539e: "the drivers are not expecting the struct page to be used by anything")'
        : 'the VRAM range goes back to the driver\u2019s memory manager and is reused for another buffer object',
    ...(anon ? { atomic: 'put_page is one atomic decrement (a page whose count reached 0 is private to the putter); the PMD table page is unlinked (pud_clear in E1), so its free touches private memory' } : {}),
    effect: (d) => {
      if (!anon) return void (d.mem.released = true);
      // The walker's PTE table (free_pgtables → free_pte_range: pte_free_tlb) maps no page; else the THP's mapping reference.
      const table = isPtTable(pmdSlot(d));
      if (table) ptFree(d, d.pte, 'UAF_PMD', isPtNone);
      else pagePut(d, d.mem.page, 'UAF_MEM');
      // The PMD table page goes with the PTE table free_pgd_range freed below it.
      ptFree(d, d.pmd, 'UAF_PMD', (e) => isPtNone(e) || (table && isPtTable(e, 'T0')));
    },
  };
  const flush = TLB.flushRange('E2a', 'E2b', ['a'], {
    doc: forms.flushWaits ? 'flush_tlb_range → smp_call_function_many(…, wait) (arch/x86/mm/tlb.c)' : 'mutant: a TLB flush that does not wait for CPUs with IRQs off',
    wait: forms.flushWaits,
  });
  return C.bind([lock as StepDef<Sys, unknown, string>, zap, C.spinUnlock('E1b', heldZapLock, { doc: 'spin_unlock' }), ...flush, release]);
}

// ---- Env ---------------------------------------------------------------------------------------

/** A driver registers a dev_pagemap over the VRAM after the fault's lookup (the RFC's check-then-act). */
export const envSteps: StepDef<Sys, unknown, string>[] = [
  {
    label: 'P1',
    doc: 'memremap_pages over the VRAM (e.g. a driver exposing it as ZONE_DEVICE, "like the patch from Felix a couple of weeks ago", RFC thread): the pfns get struct pages owned by that driver',
    effect: (d) => {
      d.pgmap = true;
      d.mem.kind = 'zoneDevice';
      d.mem.owner = 'pgmap';
    },
  },
];
