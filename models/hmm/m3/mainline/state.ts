/**
 * State of hmm/m3-migrate-device (current mainline mm/migrate_device.c at step granularity): two
 * addresses in one PTE table with its split PTL, per-CPU TLBs, a folio array (a PTE-mapped large
 * folio, small pages, device pages), per-CPU LRU batches with a kworker per CPU to drain them
 * (lru_add_drain_all), per-page pins and PageAnonExclusive, the zero page as a pfn without a
 * struct page, the migrations' src[]/dst[] as thread locals (Mig's, migrate_to_ram's in U, the
 * eviction's in Ev), the GUP-fast pinner's locals, and the small helpers the step files share.
 */
import type { StepDef, ThreadCtx, ThreadView } from '../../../../spec/builder';
import { citeAt, stepDocFields, type Cited } from '../../../../spec/citation';
import { cpuType } from '../../../../spec/kernel/cpu';
import { errType, raise, touch } from '../../../../spec/kernel/errors';
import { folioOf, folioPagesType, folioPut, lruBatchType, type FolioPage, type LruBatches } from '../../../../spec/kernel/folio';
import { workType, type Work } from '../../../../spec/kernel/workqueue';
import { pageGet, pageUnmapRmap } from '../../../../spec/kernel/page';
import { pteType, type Pte } from '../../../../spec/kernel/pte';
import { spinlockType, type Spinlock } from '../../../../spec/kernel/spinlock';
import { wordType } from '../../../../spec/access';
import { tlbType, type Tlb } from '../../../../spec/kernel/tlb';
import type { CpuState } from '../../../../spec/kernel/cpu';
import { t, type Infer, type RecordType } from '../../../../spec/types';

/** The kernel tree every `doc:` cites (mm/migrate_device.c as stored for torvalds/linux). */
export const COMMIT = '022a12deda53c983755c08e073a3c028a6850a23';
/** A step's prose `what` with its machine-readable citation(s) at COMMIT (spec/citation.ts): `cite(MD, '290-292', 'migrate_vma_collect_pmd', what)`. */
export const cite = citeAt(COMMIT);
export const MD = 'mm/migrate_device.c';

// ---- pages and addresses ---------------------------------------------------------------------

/**
 * Struct pages (pfns): L0/L1 an order-1 folio of which only L0 is mapped (at a1), S0 a small page
 * (at a0; in the device-fault configurations free, the eviction's destination), S1 the small page
 * at a1 when there is no large folio, D0/D1 device-private pages, Z0 the page a CPU write fault on a
 * none PTE allocates, R0 the system page migrate_to_ram allocates (folio arrays have 2^k pages).
 */
export const PFNS = ['L0', 'L1', 'S0', 'S1', 'D0', 'D1', 'Z0', 'R0'] as const;
export type Pfn = (typeof PFNS)[number];
export const IDX: Readonly<Record<Pfn, number>> = Object.fromEntries(PFNS.map((p, i) => [p, i])) as Record<Pfn, number>;
/**
 * What a PTE or a TLB entry can map: a page of PFNS, or ZP, the shared zero page (is_zero_pfn: no
 * struct page the model tracks — vm_normal_page returns NULL, no rmap, no reference).
 */
export const ZERO = 'ZP';
export const PTE_PFNS = [...PFNS, ZERO] as const;
export type PtePfn = (typeof PTE_PFNS)[number];
export const DEVICE: readonly Pfn[] = ['D0', 'D1'];
export const isDevice = (p: Pfn): boolean => DEVICE.includes(p);
export const ADDRS = ['a0', 'a1'] as const;
export const NADDR = ADDRS.length;

/** Contents: 0 = zeros, 1 = v0 (initial), 2 = v1 (the CPU's write). */
export const V0 = 1;
export const V1 = 2;

/** Threads that take the PTL or page locks: the migration, the user thread, the driver's eviction (configs with `evict`). */
export const THREADS = ['Mig', 'U', 'Ev'] as const;
export type ThreadId = (typeof THREADS)[number];
/**
 * Mig runs on CPU c0; the user thread U (accesses and its own madvise) on c1; a kworker on each; the
 * driver's eviction Ev on c0 (Mig is idle where it runs); the GUP-fast pinner G on c1 (its IRQs-off
 * walk holds off flush IPIs to c1, as on x86).
 */
export const BINDING = { Mig: 'c0', U: 'c1', kw0: 'c0', kw1: 'c1', Ev: 'c0', G: 'c1' } as const;
export const CPUS = ['c0', 'c1'] as const;
/** The per-CPU kworkers (mm_percpu_wq's workers) that run lru_add_drain_all's work items. */
export const KWORKERS = ['kw0', 'kw1'] as const;
/** Every thread bound to a CPU. */
export const CPU_THREADS = [...THREADS, 'G', ...KWORKERS] as const;
/** The system pages a migration back to RAM allocates from, per thread (the driver's alloc_page: the first free one). */
export const RAM_DST: Readonly<Record<string, readonly Pfn[]>> = { U: ['R0'], Ev: ['S0', 'S1'] };
/** Where each thread's migration ends: Mig and Ev return; U's migrate_to_ram returns to do_swap_page. */
export const MIGRATION_EXIT: Readonly<Record<string, string>> = { Mig: 'done', Ev: 'done', U: 'Udp4' };
/** Pages in each thread's migration range: Mig collects a0 and a1; migrate_to_ram one page (vmf->address); the eviction one pfn (D0). */
export const RANGE: Readonly<Record<string, number>> = { Mig: 2, U: 1, Ev: 1 };
/** lru_add_drain_all's per-CPU work items (`lru_add_drain_work`), and the CPU each is queued on. */
export const DRAIN_WORK = { c0: 'drain0', c1: 'drain1' } as const;
export const WORKS = Object.values(DRAIN_WORK);
const TLB_DOMAIN = { cpus: CPUS, addrs: ADDRS, pfns: PTE_PFNS, threads: THREADS };

export const CODES = ['UAF_PAGE', 'STALE_READ', 'SRC_OVERFLOW'] as const;

/** One entry of src[] (the page and its MIGRATE_PFN_* bits), dst[] is a separate local. */
const srcT = t.record({ pfn: t.optional(t.enum(...PFNS)), migrate: t.bool(), write: t.bool() });
export type Src = Infer<typeof srcT>;

export const fields = {
  err: errType(...CODES),
  /** The PTE table's split lock (pte_offset_map_lock). */
  ptl: spinlockType(THREADS),
  /**
   * The PMD entry above the PTE table: `none` once MADV_DONTNEED freed the empty table
   * (CONFIG_PT_RECLAIM); `hugezero` a huge PMD mapping the huge zero page (the PTEs then show what
   * it maps, ZP at both addresses, as the MMU's walk sees it).
   */
  pmd: t.enum('table', 'none', 'hugezero'),
  /** The PTEs of a0, a1 (one PTE table; all none while the PMD is none). */
  pte: t.array(wordType(pteType(PTE_PFNS)), NADDR),
  pages: folioPagesType(THREADS, PFNS.length, { maxRef: 5, maxMap: 1, maxVal: 2 }),
  /** PageAnonExclusive, per page. */
  excl: t.array(t.bool(), PFNS.length),
  /** References held outside the model's threads (a GUP pin, another isolator), per page. */
  pin: t.array(t.int(0, 1), PFNS.length),
  tlb: tlbType(TLB_DOMAIN),
  cpu: cpuType(CPU_THREADS),
  /** Per CPU, the folios (by head page) in its LRU add batch (cpu_fbatches.lru_add). */
  lruBatch: lruBatchType(CPUS, PFNS.length),
  /** lru_add_drain_all's work items. */
  work: workType(WORKS, CPUS),
  /** Ghost: the value a read of a0 must return (0 after MADV_DONTNEED). */
  lastWrite: t.int(0, 2),
  /** Ghost: the page whose present PTE at this address the migration cleared, once collect returned past its promised flush: no CPU may cache it there. */
  promised: t.array(t.optional(t.enum(...PTE_PFNS)), NADDR),
};

export interface Sys {
  err: string | null;
  ptl: Spinlock;
  pmd: 'table' | 'none' | 'hugezero';
  pte: Pte<PtePfn>[];
  pages: FolioPage[];
  excl: boolean[];
  pin: number[];
  tlb: Tlb;
  cpu: CpuState;
  lruBatch: LruBatches;
  work: Record<string, Work>;
  lastWrite: number;
  promised: (PtePfn | null)[];
}

const holdT = t.array(t.int(0, 4), PFNS.length);
/** Mig's locals: the walk position, src[]/dst[], the PTE value collect cleared, its counters. */
export const migLocals = {
  /** Index of the address the walk / loop is at. */
  i: t.int(0, NADDR),
  /** collect's `unmapped` (present PTEs cleared since the walk started; restarts keep it). */
  unmapped: t.int(0, NADDR),
  /** migrate_device_unmap's `restore` count. */
  restore: t.int(0, NADDR),
  /** migrate_device_unmap's allow_drain. */
  drain: t.bool(),
  /** The PTE value ptep_get_and_clear / ptep_clear_flush returned (orig for a restore). */
  old: pteType(PTE_PFNS),
  src: t.array(srcT, NADDR),
  dst: t.array(t.optional(t.enum(...PFNS)), NADDR),
  /** migrate->fault_page: the device-private page do_swap_page passes to migrate_to_ram (locked by it in the current form), else none. */
  fault: t.optional(t.enum(...PFNS)),
  /** Ghost: references held, per page (INV-REF). */
  hold: holdT,
};
export type MigL = Infer<RecordType<typeof migLocals>>;

export const userLocals = {
  /** migrate_to_ram's own migrate_vma_* pass (a device-private fault), with its fault page. */
  ...migLocals,
  /** Index of the next operation. */
  op: t.int(0, 4),
  /** The page a migration_entry_wait sleeps on. */
  wait: t.optional(t.enum(...PFNS)),
  /** MADV_DONTNEED: the address zap_pte_range is at. */
  zi: t.int(0, NADDR),
  /** MADV_DONTNEED: the PTE values zap cleared, per address (their pages are put after the TLB flush). */
  zapped: t.array(pteType(PTE_PFNS), NADDR),
  /** do_swap_page: the PTE value read lock-free before the fault path (vmf->orig_pte) points to this device page. */
  orig: t.optional(t.enum(...PFNS)),
  hold: holdT,
};
export type UserL = Infer<RecordType<typeof userLocals>>;

/** The GUP-fast pinner's locals: the page its lock-free PTE read found, the pin it kept, its references. */
export const gupLocals = {
  /** The page of the writable present PTE gup_fast_pte_range read (null: it bailed out to the slow path). */
  pfn: t.optional(t.enum(...PFNS)),
  /** Ghost: the page it holds pinned after its PTE re-check passed (INV-PIN); its reference is counted in `pin[]`. */
  kept: t.optional(t.enum(...PFNS)),
};
export type GupL = Infer<RecordType<typeof gupLocals>>;

export type Ctx<L> = ThreadCtx<L, string>;
export type Step<L> = StepDef<Sys, L, string>;
export type Held = { hold: number[] };

export function st<L>(label: string, doc: string | Cited, effect: (d: Sys, th: Ctx<L>) => void, guard?: (s: Sys, th: ThreadView<L>) => boolean, extra: { atomic?: string } = {}): Step<L> {
  return { label, ...stepDocFields(doc), effect, ...(guard ? { guard } : {}), ...extra };
}

/** Why folio_add_lru (the folio into this CPU's batch) is one step. */
export const LRU_ADD =
  'folio_add_lru → folio_batch_add_and_move puts the folio into this CPU\'s batch under local_lock(cpu_fbatches.lock): the batch slot and the folio\'s "in a batch, not yet PG_lru" state are one per-CPU update that others only read racily (cpu_needs_drain) or see as !folio_test_lru (mm/swap.c)';

/** Why a step whose one access is a folio_put may also free the folio in it. */
export const PUT_FREES =
  'folio_put is one atomic decrement-and-test; when it reaches 0, the freeing (__folio_put → free_unref_folio) re-initialises a page no one else holds a reference to (any later access is reported as a use-after-free)';

/** A step whose only shared access is a folio_put (the last one frees the folio in the same step). */
export function putStep<L>(label: string, doc: string | Cited, effect: (d: Sys, th: Ctx<L>) => void): Step<L> {
  return st(label, doc, effect, undefined, { atomic: PUT_FREES });
}

// ---- page helpers over a draft -----------------------------------------------------------------

/** The folio (head page record) of pfn `p`. */
export const folio = (d: Sys, p: Pfn): FolioPage => folioOf(d.pages, IDX[p]);
/** The head pfn of `p`'s folio. */
export const headOf = (s: Sys, p: Pfn): Pfn => PFNS[s.pages[IDX[p]]!.head]!;

/** folio_get by a thread; the reference is recorded in its `hold` under the head page. */
export function fget(d: Sys, th: Ctx<Held>, p: Pfn): void {
  const h = headOf(d, p);
  if (pageGet(d, folio(d, p), 'UAF_PAGE')) th.local.hold[IDX[h]]!++;
}

/** folio_put of a reference the thread holds. */
export function fput(d: Sys, th: Ctx<Held>, p: Pfn): void {
  const h = headOf(d, p);
  if (th.local.hold[IDX[h]] === 0) throw new Error(`${th.id} puts ${h} without holding a reference`);
  th.local.hold[IDX[h]]!--;
  folioPut(d, d.pages, IDX[h], 'UAF_PAGE');
}

/** folio_remove_rmap_pte on page `p` (its own mapcount). */
export function rmapRemove(d: Sys, p: Pfn): void {
  pageUnmapRmap(d, d.pages[IDX[p]]!, 'UAF_PAGE');
}

/** folio_add_*_rmap_pte + the mapping's folio_get, on page `p`. */
export function rmapAdd(d: Sys, p: Pfn): void {
  const pg = d.pages[IDX[p]]!;
  if (!touch(d, pg, 'UAF_PAGE')) return;
  pg.map++;
  folio(d, p).ref++;
}

/** A read of a0 returning `v` (INV-DATA). */
export function read(d: Sys, v: number): void {
  if (v !== d.lastWrite) raise(d, 'STALE_READ');
}

/** Sets the PTE of address `i`; once it maps the promised page again, that page may be cached again. */
export function setPte(d: Sys, i: number, e: Pte<PtePfn>): void {
  d.pte[i] = e;
  if (e.kind === 'present' && d.promised[i] === e.pfn) d.promised[i] = null;
}

/** The PTE of address `i` as a page-table walk finds it: none below a none PMD. */
export function walkPte(s: Sys, i: number): Pte<PtePfn> {
  return s.pmd === 'none' ? { kind: 'none', pfn: null, writable: false, dirty: false } : s.pte[i]!;
}

/** __pte_alloc → pmd_install: a fault below a freed (none) PMD first installs a new, empty PTE table. */
export function pteAlloc(d: Sys): void {
  if (d.pmd === 'none') d.pmd = 'table';
}
