/**
 * M6's state (hmm-domain.md §3 M6): one PMD slot in its PMD table page, the PTE table under it, the
 * memory behind the one pfn (what backs it, who owns it), the CPUs (IRQ-off) and their TLBs, and
 * the invariants over them.
 */
import { cpuInit, cpuType, type CpuBinding } from '../../../spec/kernel/cpu';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import { pageInit, pageType } from '../../../spec/kernel/page';
import { seqcountInit, seqcountType } from '../../../spec/kernel/seqcount';
import { isPtNone, PFN_KINDS, pageTableFreeInit, pageTableInit, ptEntryType, ptNone, pageTableType, type PfnKind } from '../../../spec/kernel/pageTable';
import { entrySame } from '../../../spec/kernel/pte';
import { tlbInit, tlbType } from '../../../spec/kernel/tlb';
import { t, type Infer, type RecordType } from '../../../spec/types';

/** What backs the buffer (`vram`, `system`: a TTM buffer object) or the control mapping (`anon-thp`). */
export const BACKINGS = ['vram', 'system', 'anon-thp'] as const;
export type Backing = (typeof BACKINGS)[number];

/** Who owns the memory: TTM (VRAM or pool pages), the anonymous mapping, or another driver's dev_pagemap. */
export const OWNERS = ['ttm', 'anon', 'pgmap'] as const;
export type Owner = (typeof OWNERS)[number];

export const INV = {
  NO_STRUCT_PAGE: 'INV-NO-STRUCT-PAGE',
  FOREIGN_REF: 'INV-FOREIGN-REF',
  UAF_MEM: 'INV-UAF-MEM',
  PIN_COW: 'INV-PIN-COW',
  NOERR: 'INV-NOERR',
  NO_OVERWRITE: 'ACT-NO-OVERWRITE',
} as const;

/** GUP-fast runs on c0; the fault, fork (`fork=true`) and the eviction on c1 (they never overlap: see the model header). */
export const BINDING = { G: 'c0', F: 'c1', E: 'c1', K: 'c1' } as const satisfies CpuBinding;
const CPU_THREADS = ['G', 'F', 'E', 'K'] as const;
/** The threads that take the PMD / PTE table locks (W: the populating walker, `walker=true`). */
const LOCKERS = ['F', 'E', 'K', 'W'] as const;
/** The users of mm->write_protect_seq: GUP-fast reads it, fork writes it. */
const SEQ_THREADS = ['G', 'K'] as const;
/** What fork gave the child at the address: nothing yet, the parent's page shared for COW (the parent's PMD write-protected), or a copy of its own (the page may be pinned). */
export const CHILD = ['none', 'shared', 'copy'] as const;
const PFNS = ['P0'] as const;
const TABLES = ['T0'] as const;
const TLB_DOMAIN = { cpus: ['c0', 'c1'], addrs: ['a'], pfns: PFNS, threads: ['E'] } as const;

/** An entry of the PMD or of the PTE table (a PTE is a leaf with its own `special` bit). */
export const entryType = ptEntryType(TABLES, PFNS);
export type Entry = Infer<typeof entryType>;
export const noEntry = (): Entry => ptNone();

export const fields = {
  err: errType('UAF_MEM', 'UAF_PMD'),
  cpu: cpuType(CPU_THREADS),
  tlb: tlbType(TLB_DOMAIN),
  /** The PUD entry still points to the PMD table page (munmap's free_pgtables clears it). */
  pud: t.bool(),
  /** The PMD table page and its one slot (the PMD covering the buffer's address). */
  pmd: pageTableType(LOCKERS, entryType, 1, { maxRef: 1 }),
  /** T0, the PTE table a PTE-level fault installs under the PMD (free until then). */
  pte: pageTableType(LOCKERS, entryType, 1, { maxRef: 1 }),
  /** The memory behind pfn P0: its kind, owner, whether eviction released it, and its struct page. */
  mem: t.record({ kind: t.enum(...PFN_KINDS), owner: t.enum(...OWNERS), released: t.bool(), page: pageType(['G'], { maxRef: 3, maxMap: 2, maxVal: 0 }) }),
  /** The THP's pin count (compound_pincount, FOLL_PIN): what page_maybe_dma_pinned reads. Never dropped here (see the ledger). */
  pincount: t.int(0, 1),
  /** mm->write_protect_seq (fork's copy_page_range writes it, GUP-fast with FOLL_PIN reads it). */
  seq: seqcountType(SEQ_THREADS),
  /** Ghost: what fork gave the child (`fork=true`). */
  child: t.enum(...CHILD),
  /** A dev_pagemap covers P0 (get_dev_pagemap finds one). */
  pgmap: t.bool(),
  /** Ghost: the eviction has zapped the mapping (what a reference taken after it is measured against). */
  zapped: t.bool(),
};
export type Sys = Infer<RecordType<typeof fields>>;

/** GUP-fast's locals: its PMD and PTE snapshots, the reference it holds, and whether it took it after the zap (ghost). */
export const gupLocals = { pmd: entryType, pte: entryType, ref: t.bool(), late: t.bool() };
export type GupL = Infer<RecordType<typeof gupLocals>>;
export const gupInit = (): GupL => ({ pmd: noEntry(), pte: noEntry(), ref: false, late: false });

/** The populating walker's locals (`walker=true`): its lock-free PMD snapshot. */
export const walkerLocals = { pmd: entryType };
export type WalkerL = Infer<RecordType<typeof walkerLocals>>;
export const walkerInit = (): WalkerL => ({ pmd: noEntry() });

/** The RFC fault's locals: whether its insert-time lookup found a dev_pagemap. */
export const faultLocals = { pgmapSeen: t.bool() };
export type FaultL = Infer<RecordType<typeof faultLocals>>;

/** The state with the GUP thread record (what the invariants read). */
export type State = Sys & { G: (GupL & { pc: string })[] };

const KIND: Readonly<Record<Backing, PfnKind>> = { vram: 'noPage', system: 'page', 'anon-thp': 'page' };

/** Nothing mapped yet; the memory belongs to TTM (VRAM without struct pages, or pool pages) or is a freshly allocated THP. */
export function initState(backing: Backing): Sys {
  return {
    err: null,
    cpu: cpuInit(CPU_THREADS),
    tlb: tlbInit(TLB_DOMAIN),
    pud: true,
    pmd: pageTableInit([noEntry()]),
    pte: pageTableFreeInit(noEntry, 1),
    // One reference: TTM's (pool page) or the fault's allocation (THP); unused for VRAM until a dev_pagemap covers it.
    mem: { kind: KIND[backing], owner: backing === 'anon-thp' ? 'anon' : 'ttm', released: false, page: pageInit({ val: 0, extra: 1 }) },
    pgmap: false,
    zapped: false,
    pincount: 0,
    seq: seqcountInit(SEQ_THREADS),
    child: 'none',
  };
}

/** INV-FOREIGN-REF's predicate: GUP holds no struct-page reference on memory a driver owns. */
export function noForeignRef(s: State): boolean {
  return !(s.G[0]!.ref && s.mem.owner !== 'anon');
}

/** GUP-fast has returned its pin to the caller (past the seqcount re-check): the GUP user holds it. */
const pinReturned = (s: State): boolean => s.G[0]!.ref && (s.G[0]!.pc === 'G5' || s.G[0]!.pc === 'G6');

/**
 * INV-PIN-COW's predicate: a page GUP-fast pinned (FOLL_PIN) and returned is not shared with the
 * child by fork: else the parent's PMD is write-protected and the parent's next write COWs it to
 * a new page, so the pin no longer covers the page the parent maps (57efa1fe5957).
 */
export function pinNotLostToCow(s: State): boolean {
  return !(pinReturned(s) && s.child === 'shared');
}

/** ACT-NO-OVERWRITE's predicate: a populated PMD changes only to none (a zap) or is write-protected in place (fork's pmdp_set_wrprotect), never to another entry. */
export function noOverwrite(s: Sys, t2: Sys): boolean {
  const before = s.pmd.slot[0]!;
  const after = t2.pmd.slot[0]!;
  return isPtNone(before) || isPtNone(after) || entrySame(before, after) || (before.kind === 'leaf' && entrySame({ ...before, writable: false }, after));
}

/** The invariants, in declaration order (the first violated one names the bug). */
export const invariants = [
  { name: INV.NO_STRUCT_PAGE, check: forbid('NO_STRUCT_PAGE'), doc: 'nothing dereferences a struct page for a pfn that has none (VRAM, iomem)' },
  { name: INV.FOREIGN_REF, check: noForeignRef, doc: 'nobody but the owner holds a struct-page reference on driver-owned PFN memory (TTM pages, another driver\u2019s ZONE_DEVICE pages)' },
  {
    name: INV.UAF_MEM,
    check: forbid('UAF_MEM', 'UAF_PMD'),
    doc: 'GUP-fast and its user never touch memory eviction released: a freed or reused backing, a page unmapped before GUP took its reference, a freed page-table page',
  },
  {
    name: INV.PIN_COW,
    check: pinNotLostToCow,
    doc: 'a FOLL_PIN-pinned anon page stays the page the parent maps after fork: fork does not share a pinned page write-protected with the child (the pin is not lost to COW)',
  },
  { name: INV.NOERR, check: noError, doc: 'no other error (lock, preempt or IRQ imbalance, a page-table leak)' },
] as const;
