/** The pipeline's state: pages, their values and error codes, the schema fields and locals, the small helpers over a draft, and the driver as the pipeline sees it. */
import type { StepDef, ThreadCtx, ThreadView } from '../../../../spec/builder';
import type { StepAtomicity } from '../../../../spec/access';
import { errType, raise } from '../../../../spec/kernel/errors';
import { pageAlloc, pageGet, pagePut, pageType, pageUnmapRmap, type Page } from '../../../../spec/kernel/page';
import { pteType, PTE_KINDS, type Pte, type PteKind } from '../../../../spec/kernel/pte';
import { mutexFree, mutexType, type Mutex } from '../../../../spec/kernel/mutex';
import { spinlockType, type Spinlock } from '../../../../spec/kernel/spinlock';
import { wordType, type AccessDecls } from '../../../../spec/access';
import { t, type Infer, type RecordType } from '../../../../spec/types';

// ---- pages, values, error codes ----------------------------------------------------------------

export const PAGES = ['S0', 'S1', 'S2', 'D0'] as const;
export type PageName = (typeof PAGES)[number];
export const SYSTEM: readonly PageName[] = ['S0', 'S1', 'S2'];
export const DEVICE: readonly PageName[] = ['D0'];
export const isDevice = (x: PageName): boolean => DEVICE.includes(x);

/** Contents: 0 = zeros (after MADV_DONTNEED), 1 = v0 (initial), 2 = v1 (C1's write). */
export const V0 = 1;
export const V1 = 2;
export const MAX_VAL = 2;

export const OWNERS = ['Mig', 'C1', 'C2', 'Rc', 'Ev'] as const;
export const UAF = { S0: 'UAF_S0', S1: 'UAF_S1', S2: 'UAF_S2', D0: 'UAF_D0' } as const satisfies Record<PageName, string>;
/** The error codes of the pipeline's steps. */
export const PIPE_CODES = ['UAF_S0', 'UAF_S1', 'UAF_S2', 'UAF_D0', 'UAF_PGMAP', 'STALE_READ'] as const;

/**
 * Schema fields of the address `a`, its pages and the device's view of them, for page-lock owners
 * `owners` and PTL holders `ptlOwners`: the PTE is one word (a pte_t) guarded by the PTL of its page
 * table, each page's PG_locked is a lock (spec/kernel/page.ts `lockdep`).
 */
export function pipeFields<const O extends string, const P extends string>(owners: readonly O[], ptlOwners: readonly P[]) {
  const pageT = pageType(owners, { maxRef: 6, maxMap: 1, maxVal: MAX_VAL }, { lockdep: true });
  return {
    /** The PTE of the one address `a`. */
    pte: wordType(pteType(PAGES)),
    /** The PTL of `a`'s page table (pte_offset_map_lock); held across steps only by collect (CO2 … COmig) and the zap (Z2 … Z3). */
    ptl: spinlockType(ptlOwners),
    page: t.record({ S0: pageT, S1: pageT, S2: pageT, D0: pageT }),
    /** Ghost: the value last written at `a` (0 after MADV_DONTNEED). */
    lastWrite: t.int(0, MAX_VAL),
    /** The device's page-table entry for `a` (the driver's own mapping of its memory, under DLOCK). */
    devPte: t.optional(t.enum(...PAGES)),
  };
}

/**
 * How the pipeline's fields are accessed (`hmmcheck lint`): the PTE under its PTL, read lock-free by
 * the MMU's walker and hmm_range_fault; the refcount, mapcount and PG_dirty are atomics; PG_swapcache
 * (with the slot it names) changes under the folio lock and is tested lock-free; the device PTE is
 * the driver's, under DLOCK; page contents, `lastWrite` and the pgmap's liveness are bookkeeping.
 */
export const pipeAccess: AccessDecls = {
  pte: { guardedBy: 'ptl', lockfreeReads: true },
  'page.*.ref': 'atomic',
  'page.*.map': 'atomic',
  'page.*.dirty': 'atomic',
  'page.*.swap': { guardedBy: 'page.*.lock', lockfreeReads: true },
  // the data, not kernel metadata (INV-DATA checks it); lastWrite is its ghost
  'page.*.val': 'ghost',
  lastWrite: 'ghost',
  devPte: { guardedBy: 'dlock' },
  // the dev_pagemap's liveness, as a Freeable's freed flag (spec/kernel/errors.ts): what INV-PGMAP checks
  pgmapDead: 'ghost',
};

/** The thread kinds of M3's configurations that take the PTL (C1/C2's faults, the migrations, Z, Rc, Ev). */
export const PTL_OWNERS = ['Mig', 'C1', 'C2', 'Rc', 'Ev', 'Z'] as const;

export const fields = {
  err: errType(...PIPE_CODES),
  ...pipeFields(OWNERS, PTL_OWNERS),
  /** The driver's lock (test_hmm's dmirror->mutex): its device page table and its sequence are written under it. */
  dlock: mutexType(PTL_OWNERS),
  /**
   * The driver's interval-notifier sequence (the subscription's and the mm's folded into one, READ_ONCE /
   * WRITE_ONCE): odd while an invalidation it does not skip is in progress (Z1 … Zend), so a
   * read_begin waits, and a read_retry against a value read before fails.
   */
  devSeq: t.int(0, 3),
  /** memunmap_pages has run: the pgmap (and the driver's ops) are gone. */
  pgmapDead: t.bool(),
};

/** M3's declarations: the pipeline's, and the driver's sequence. */
export const m3Access: AccessDecls = { ...pipeAccess, devSeq: 'lockless' };

/** The part of a model state the pipeline's steps use (M3's, and M4's). */
export interface PipeState {
  err: string | null;
  pte: Pte<PageName>;
  ptl: Spinlock;
  dlock: Mutex;
  page: Record<PageName, Page>;
  lastWrite: number;
  devPte: PageName | null;
  pgmapDead: boolean;
}

/** M3's state: the pipeline's, plus the driver's own interval sequence. */
export interface Sys extends PipeState {
  devSeq: number;
}

export const holdT = t.map(PAGES, t.int(0, 2));
/** Locals of Mig and the CPU threads (Mig leaves the CPU-only ones at their initial values); `maxSeq` bounds `r`. */
export function pipeLocalsType(maxSeq: number) {
  return { ...pipeLocals, r: t.int(0, maxSeq) };
}
export const pipeLocals = {
  /** CPU: index of the next access. */
  op: t.int(0, 2),
  /** CPU: the device page of the fault (vmf->page; current form: locked and referenced). */
  fp: t.optional(t.enum(...PAGES)),
  /** CPU: the page whose unlock migration_entry_wait waits for. */
  wait: t.optional(t.enum(...PAGES)),
  /** The source page collected (src[0]), and its write bit. */
  src: t.optional(t.enum(...PAGES)),
  w: t.bool(),
  /** MIGRATE_PFN_MIGRATE of src[0]. */
  mig: t.bool(),
  /** The destination page (dst[0]). */
  dst: t.optional(t.enum(...PAGES)),
  /** The driver's mmu_interval_read_begin value. */
  r: t.int(0, 3),
  /** Ghost: references this thread holds, per page (for INV-REF). */
  hold: holdT,
};
export type PL = Infer<RecordType<typeof pipeLocals>>;
export const rcLocals = { tgt: t.optional(t.enum(...PAGES)), hold: holdT };
export type RcL = Infer<RecordType<typeof rcLocals>>;
export const pinLocals = { hold: holdT };
export type PinL = Infer<RecordType<typeof pinLocals>>;
export const evLocals = { w: t.bool(), mig: t.bool(), dst: t.optional(t.enum(...PAGES)), hold: holdT };
export type EvL = Infer<RecordType<typeof evLocals>>;

export type Held = { hold: Record<PageName, number> };
export type Ctx<L> = ThreadCtx<L, string>;
export type Step<L> = StepDef<PipeState, L, string>;

export const noHold = (): Record<PageName, number> => ({ S0: 0, S1: 0, S2: 0, D0: 0 });
/** The initial locals of Mig and the CPU threads. */
export const pipeInitLocals = (): PL => ({ op: 0, fp: null, wait: null, src: null, w: false, mig: false, dst: null, r: 0, hold: noHold() });
export const evInitLocals = (): EvL => ({ w: false, mig: false, dst: null, hold: noHold() });

// ---- small helpers over a draft ----------------------------------------------------------------

/** get_page by a thread: the reference is recorded in its `hold`. */
export function hget(d: PipeState, th: Ctx<Held>, x: PageName): void {
  if (pageGet(d, d.page[x], UAF[x])) th.local.hold[x]++;
}

/** put_page of a reference the thread holds; true if it freed the page. */
export function hput(d: PipeState, th: Ctx<Held>, x: PageName): boolean {
  if (th.local.hold[x] === 0) throw new Error(`${th.id} puts ${x} without holding a reference to it`);
  th.local.hold[x]--;
  return pagePut(d, d.page[x], UAF[x]);
}

/** The mapping's reference is dropped (the PTE that held it is gone). */
export function putMapping(d: PipeState, x: PageName): void {
  pageUnmapRmap(d, d.page[x], UAF[x]);
  pagePut(d, d.page[x], UAF[x]);
}

/**
 * Allocates from `pool` the first free page whose frame no swap entry still names, with one
 * reference held by the thread. Running out of pages is a modelling mistake (the configuration
 * needs more pages), reported as a model error.
 */
export function halloc(d: PipeState, th: Ctx<Held>, pool: readonly PageName[], val: number, locked: boolean): PageName {
  const x = pool.find((p) => d.page[p].freed && d.page[p].swap === null);
  if (x === undefined) throw new Error(`${th.id}: no free page in {${pool.join(', ')}} — the configuration needs more pages`);
  pageAlloc(d.page[x], { val, locker: locked ? th.id : null });
  th.local.hold[x]++;
  return x;
}

/** A read of `a` returning `v` (INV-DATA). */
export function read(d: PipeState, v: number): void {
  if (v !== d.lastWrite) raise(d, 'STALE_READ');
}

export function bumpSeq(d: Sys): void {
  d.devSeq = Math.min(d.devSeq + 1, 3);
}

/** No invalidation of the driver's is in progress (mmu_interval_read_begin would not wait). */
export const seqIdle = (d: Sys): boolean => d.devSeq % 2 === 0;

export function st<L>(label: string, doc: string, effect: (d: PipeState, th: Ctx<L>) => void, guard?: (s: PipeState, th: ThreadView<L>) => boolean, extra: StepAtomicity = {}): Step<L> {
  return { label, doc, effect, ...(guard ? { guard } : {}), ...extra };
}

/** A step under the PTL of `a` held for the whole step (⟨spin_lock; …; spin_unlock⟩): enabled iff the PTL is free. */
export function ptlStep<L>(label: string, doc: string, effect: (d: PipeState, th: Ctx<L>) => void, extra: StepAtomicity & { guard?: (s: PipeState, th: ThreadView<L>) => boolean } = {}): Step<L> {
  const { guard, ...rest } = extra;
  return st(label, doc, effect, (s, th) => mutexFree(s.ptl) && (guard ? guard(s, th) : true), { holds: [(s: PipeState) => s.ptl], ...rest });
}

/** A driver section under DLOCK held for the whole step: enabled iff DLOCK is free. */
export function dlockStep<L>(label: string, doc: string, effect: (d: PipeState, th: Ctx<L>) => void): Step<L> {
  return st(label, doc, effect, (s) => mutexFree(s.dlock), { holds: [(s: PipeState) => s.dlock] });
}

// ---- why some steps may make more than one lock-free access (hmm-domain.md §4; `hmmcheck lint`) --

/** A step whose page is locked by the acting thread (and, where it says so, under the PTL). */
export const FOLIO_LOCKED =
  'the acting thread holds the folio lock: every reader that compares this folio\'s refcount with its mapcount or tests PG_dirty / PG_swapcache to decide holds it too (migrate_vma_check_page and folio_migrate_mapping in mm/migrate_device.c and mm/migrate.c, __remove_mapping in mm/vmscan.c, free_swap_cache\'s folio_trylock in mm/swap_state.c), and the lock-free readers — get_page_unless_zero, the MMU walker, hmm_range_fault\'s walk — see a nonzero count (the thread holds a reference) and a PTE that makes them wait or fault either way';

/** A step that allocates a page and fills it before anyone can reach it. */
export const PRIVATE_PAGE =
  'the page was just allocated (alloc_page_vma / the driver\'s device-page allocator): it is private to this thread until a PTE or the migration\'s dst[] publishes it, so no other thread can observe its fields in between';

/** A step whose one access is a put that may free the page. */
export const PUT_FREES =
  'put_page / folio_put is one atomic decrement-and-test; when it reaches 0 the freeing (__folio_put → free_unref_folio, or page_free for a device-private page) re-initialises a page no one else holds a reference to (any later access is reported as a use-after-free)';

/** Locals of a zap of `a` (Z, Exit): the entry cleared (Z2) and the page it named, for Z3–Z5. */
export const zapLocals = { zk: t.enum(...PTE_KINDS), zx: t.optional(t.enum(...PAGES)) };
export type ZapL = { zk: PteKind; zx: PageName | null };
export const zapInitLocals = (): ZapL => ({ zk: 'none', zx: null });

// ---- the migrate_vma pipeline (Mig to device; the CPU's migrate-to-RAM) ------------------------

/**
 * The driver's interval notifier as the pipeline sees it: the sequence its device-map check reads
 * (`seq`, at collect and again at MGdev), and — when the driver does not skip the migration's own
 * MIGRATE invalidation — that invalidation (`invalidate`, run at the start of collect, before the
 * sequence is read).
 */
export interface PipeDriver {
  readonly seq: (d: PipeState) => number;
  /** read_begin waits until this holds (no invalidation in progress); always, if absent. */
  readonly idle?: (d: PipeState) => boolean;
  readonly invalidate?: (d: PipeState) => void;
}

/** M3's driver: its own sequence `devSeq`; it skips its own MIGRATE events. */
export const m3Driver: PipeDriver = { seq: (d) => (d as Sys).devSeq, idle: (d) => seqIdle(d as Sys) };
