/**
 * Large folios (hmm-domain.md §4 "large-folio splits, LRU isolation failure"): an array of struct
 * pages, each a page.ts `Page` plus the index of its folio's head and the folio's order. The head
 * page's record carries the folio's refcount, lock, dirty flag and LRU state; every page keeps its
 * own mapcount (`map`, the per-page _mapcount) and content. Tails keep ref 0, no lock, LRU `none`
 * (canonical, so equal folios are equal states). page.ts functions apply to a folio through its
 * head: `pageTrylock(folioOf(pages, i), id)`, `pageGetUnlessZero(folioOf(pages, i))`.
 *
 * - `folioSplit` (split_huge_page_to_list_to_order / __folio_split, mm/huge_memory.c): the folio
 *   must be locked (VM_BUG_ON_FOLIO: LOCK_NOT_HELD); it fails (-EAGAIN) unless the refcount is
 *   exactly its mappings + `extraPins` + the caller's reference (can_split_folio, then the
 *   folio_ref_freeze of `1 + extra_pins` after unmapping): any other pin (GUP, a speculative
 *   folio_try_get) makes it fail. On success the new folios each keep their pages' mapping
 *   references; the one containing `lockAt` also keeps the caller's reference and the lock, the
 *   others are unlocked ("the after-split folio containing @lock_at will be left locked", the
 *   others are unlocked and put); LRU state and the dirty flag are inherited.
 *   One step: while the count is frozen nobody else can take a reference, and the folio's
 *   mappings are migration entries (a CPU access waits for the folio lock).
 * - LRU (mm/swap.c folio_add_lru, lru_add_drain; mm/vmscan.c folio_isolate_lru; mm/migrate.c
 *   folio_putback_lru): `lru` is `lru` (on a list), `batch` (in a per-CPU folio batch, not yet on a
 *   list: isolation fails until a drain) or `none` (isolated, or never added). Isolation takes a
 *   reference; putback re-adds (to a batch) and drops it; adding a folio that is on a list or a
 *   batch is LRU_STATE (VM_BUG_ON_FOLIO(folio_test_lru)). With several CPUs, `LruBatches` say whose
 *   batch a folio is in, so lru_add_drain drains only the caller's (`lruAddDrainOn`) and
 *   lru_add_drain_all must reach the others (workqueue.ts `drainAll`, `lruCpuNeedsDrain`).
 *
 * Kernel sources (torvalds/linux via read_file): mm/huge_memory.c at 6ea24cf79e055f0a62a64baa8587e2254a493c7b
 * (v4.x split_huge_page_to_list: lock, anon_vma, can_split, freeze), and for the current
 * `lock_at` hand-over the __folio_split(folio, new_order, split_at, lock_at, list, uniform_split)
 * patch "mm/huge_memory: add two new (not yet used) functions for folio_split()" (Zi Yan, 2025),
 * whose split_huge_page_to_list_to_order passes `lock_at = page`. Anonymous folios only (no page
 * cache: `extraPins` stands for the page/swap-cache references if a model needs them).
 *
 * @example
 * const fields = { err: errType('UAF_F'), pages: folioPagesType(['S', 'G'], 2, { maxRef: 3, maxMap: 1, maxVal: 0 }) };
 * // init: pages: folioPagesInit(2, { order: 1, map: 1, extra: 1 })       // one order-1 folio, both pages mapped, +1 caller ref
 * // split: if (!folioSplit(d, d.pages, 0, { lockAt: 1 })) th.goto('EAGAIN'); // page 1's folio stays locked
 */
import type { StepDef } from '../builder';
import { t, type ArrayType, type BoolType, type EnumType, type IntType, type MapType, type RecordType } from '../types';
import { raise, type ErrCode, type ErrState } from './errors';
import { pagePut, pageType, type Page, type PageBounds } from './page';
import { refcountInc } from './refcount';

/** The values of `LruState`, in schema order. */
export const LRU_STATES = ['none', 'batch', 'lru'] as const;
/** Where a folio is w.r.t. the LRU: isolated or never added, in a per-CPU batch, on a list. */
export type LruState = (typeof LRU_STATES)[number];

/** One struct page of a folio array; the folio's own state is in its head page's record. */
export interface FolioPage<O extends string = string> extends Page<O> {
  /** Index of the folio's head page. */
  head: number;
  /** The folio's order (on the head; 0 on tails). */
  order: number;
  /** The folio's LRU state (on the head; `none` on tails). */
  lru: LruState;
}

const log2 = (n: number): number => {
  const k = Math.log2(n);
  if (!Number.isInteger(k) || n < 1) throw new Error(`folio: ${n} pages is not a power of two`);
  return k;
};

type FolioPageFields<O extends string> = ReturnType<typeof pageType<O>>['fields'] & { head: IntType; order: IntType; lru: EnumType<LruState> };

/** Schema type of `n` pages (n a power of two) forming folios, lockable by threads `owners`. */
export function folioPagesType<const O extends string>(owners: readonly O[], n: number, b: PageBounds): ArrayType<RecordType<FolioPageFields<O>>> {
  const page = pageType(owners, b).fields;
  return t.array(t.record({ ...page, head: t.int(0, n - 1), order: t.int(0, log2(n)), lru: t.enum(...LRU_STATES) }), n);
}

/**
 * `n` live pages forming folios of order `order` (default: one folio of all `n` pages): each page
 * mapped `map` times (default 0), each folio holding `extra` references besides its mappings
 * (default 0), in LRU state `lru` (default `lru`), with content `val` (default 0).
 */
export function folioPagesInit<O extends string = never>(n: number, opts: { order?: number; map?: number; extra?: number; lru?: LruState; val?: number } = {}): FolioPage<O>[] {
  const order = opts.order ?? log2(n);
  const nr = 1 << order;
  if (n % nr !== 0) throw new Error(`folioPagesInit: ${n} pages do not split into folios of order ${order}`);
  const map = opts.map ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const head = i - (i % nr);
    const isHead = head === i;
    return {
      ref: isHead ? nr * map + (opts.extra ?? 0) : 0,
      map,
      lock: null,
      dirty: false,
      freed: false,
      val: opts.val ?? 0,
      swap: null,
      head,
      order: isHead ? order : 0,
      lru: isHead ? (opts.lru ?? 'lru') : 'none',
    };
  });
}

/** page_folio: the head page's record of the folio that contains page `i`. */
export function folioOf<P extends FolioPage>(pages: P[], i: number): P {
  const p = pages[i];
  if (!p) throw new Error(`folio: no page ${i}`);
  return pages[p.head]!;
}

/** folio_nr_pages. */
export function folioNrPages(f: FolioPage): number {
  return 1 << f.order;
}

/** The indices of the pages of the folio whose head is `h`. */
export function folioPageIndices(pages: FolioPage[], h: number): number[] {
  const f = folioOf(pages, h);
  return Array.from({ length: folioNrPages(f) }, (_, k) => f.head + k);
}

/** folio_mapcount: the mappings of all its pages. */
export function folioMapcount(pages: FolioPage[], i: number): number {
  return folioPageIndices(pages, i).reduce((n, j) => n + pages[j]!.map, 0);
}

/**
 * can_split_folio: the folio holds exactly its mappings' references, `extraPins` expected ones
 * and the caller's — nobody else pins it.
 */
export function canSplitFolio(pages: FolioPage[], i: number, extraPins = 0): boolean {
  return folioOf(pages, i).ref === folioMapcount(pages, i) + extraPins + 1;
}

/** Options of `folioSplit`. */
export interface SplitOpts {
  /** The page (index into the array) whose new folio stays locked and keeps the caller's reference. */
  readonly lockAt: number;
  /** Order of the new folios (default 0). */
  readonly newOrder?: number;
  /** Expected references besides the mappings and the caller's (default 0), spread evenly. */
  readonly extraPins?: number;
}

/**
 * split_huge_page_to_list_to_order(lockAt's page, …, newOrder) on the folio containing page `i`:
 * true on success; false when it is pinned (-EAGAIN, nothing changes). Splitting an unlocked
 * folio records LOCK_NOT_HELD; a bad order or a `lockAt` outside the folio is a modelling mistake.
 */
export function folioSplit<G extends ErrState>(d: G, pages: FolioPage[], i: number, opts: SplitOpts): boolean {
  const f = folioOf(pages, i);
  const h = f.head;
  const newOrder = opts.newOrder ?? 0;
  const extra = opts.extraPins ?? 0;
  if (newOrder >= f.order) throw new Error(`folioSplit: order ${f.order} folio at ${h} cannot split to order ${newOrder}`);
  if (folioOf(pages, opts.lockAt).head !== h) throw new Error(`folioSplit: lockAt page ${opts.lockAt} is not in the folio at ${h}`);
  if (f.lock === null) {
    raise(d, 'LOCK_NOT_HELD');
    return false;
  }
  if (!canSplitFolio(pages, h, extra)) return false;
  const nr = folioNrPages(f);
  const newNr = 1 << newOrder;
  if ((extra * newNr) % nr !== 0) throw new Error(`folioSplit: ${extra} extra pins do not spread over ${nr / newNr} folios`);
  const { lock, dirty, lru } = f;
  for (let s = h; s < h + nr; s += newNr) {
    const keeps = opts.lockAt >= s && opts.lockAt < s + newNr;
    let mapped = 0;
    for (let j = s; j < s + newNr; j++) {
      const p = pages[j]!;
      mapped += p.map;
      Object.assign(p, { head: s, order: 0, ref: 0, lock: null, dirty: false, lru: 'none' as LruState });
    }
    Object.assign(pages[s]!, { order: newOrder, ref: mapped + (extra * newNr) / nr + (keeps ? 1 : 0), lock: keeps ? lock : null, dirty, lru });
  }
  return true;
}

/** folio_put on the folio containing page `i`; a folio freed while on the LRU leaves it. */
export function folioPut<G extends ErrState>(d: G, pages: FolioPage[], i: number, uaf: ErrCode<G>): boolean {
  const f = folioOf(pages, i);
  if (!pagePut(d, f, uaf)) return false;
  f.lru = 'none';
  return true;
}

/**
 * folio_isolate_lru: takes the folio off its LRU list with a reference (true), or fails (false)
 * when it is not on a list — isolated by someone else, or still in a per-CPU batch.
 */
export function folioIsolateLru<G extends ErrState>(d: G, pages: FolioPage[], i: number): boolean {
  const f = folioOf(pages, i);
  if (f.lru !== 'lru') return false;
  if (!refcountInc(d, f, { field: 'ref' })) return false;
  f.lru = 'none';
  return true;
}

/** folio_add_lru: into this CPU's batch; a folio already on a list or batch is LRU_STATE. */
export function folioAddLru<G extends ErrState>(d: G, pages: FolioPage[], i: number): void {
  const f = folioOf(pages, i);
  if (f.lru !== 'none') {
    raise(d, 'LRU_STATE');
    return;
  }
  f.lru = 'batch';
}

/** folio_putback_lru: folio_add_lru, then drop the isolation reference. */
export function folioPutbackLru<G extends ErrState>(d: G, pages: FolioPage[], i: number, uaf: ErrCode<G>): void {
  folioAddLru(d, pages, i);
  if (d.err === null) folioPut(d, pages, i, uaf);
}

/** lru_add_drain(_all): every batched folio goes onto its LRU list. */
export function lruAddDrain(pages: FolioPage[]): void {
  pages.forEach((p, i) => {
    if (p.head === i && p.lru === 'batch') p.lru = 'lru';
  });
}

/**
 * Per-CPU LRU batches (mm/swap.c `cpu_fbatches.lru_add`): per CPU, which folios (by head index)
 * sit in its batch. Use with the `…On` functions below when a model has several CPUs, so that
 * lru_add_drain drains only the caller's CPU and lru_add_drain_all has to reach the others
 * (workqueue.ts `drainAll`). The batch's own folio reference is not modelled.
 */
export type LruBatches = Record<string, boolean[]>;

/** Schema type of the per-CPU batches of `n` pages on `cpus`. */
export function lruBatchType<const C extends string>(cpus: readonly C[], n: number): MapType<C, ArrayType<BoolType>> {
  return t.map(cpus, t.array(t.bool(), n));
}

/** Every per-CPU batch empty. */
export function lruBatchInit<const C extends string>(cpus: readonly C[], n: number): Record<C, boolean[]> {
  return Object.fromEntries(cpus.map((c) => [c, Array.from({ length: n }, () => false)])) as Record<C, boolean[]>;
}

function batchOf(batches: LruBatches, cpu: string): boolean[] {
  const b = batches[cpu];
  if (!b) throw new Error(`folio: no LRU batch for CPU ${cpu} (list it in lruBatchType/lruBatchInit)`);
  return b;
}

/** folio_add_lru on `cpu`: into that CPU's batch (LRU_STATE if already on a list or batch). */
export function folioAddLruOn<G extends ErrState>(d: G, pages: FolioPage[], batches: LruBatches, i: number, cpu: string): void {
  const f = folioOf(pages, i);
  folioAddLru(d, pages, i);
  if (d.err === null) batchOf(batches, cpu)[f.head] = true;
}

/** folio_putback_lru by a thread on `cpu`: folio_add_lru there, then drop the isolation reference. */
export function folioPutbackLruOn<G extends ErrState>(d: G, pages: FolioPage[], batches: LruBatches, i: number, cpu: string, uaf: ErrCode<G>): void {
  folioAddLruOn(d, pages, batches, i, cpu);
  if (d.err === null) folioPut(d, pages, i, uaf);
}

/** cpu_needs_drain (its lru_add part): `cpu`'s batch holds a folio. */
export function lruCpuNeedsDrain(batches: LruBatches, cpu: string): boolean {
  return batchOf(batches, cpu).some(Boolean);
}

/**
 * lru_add_drain on `cpu` (lru_add_drain_cpu → folio_batch_move_lru): the folios in its batch go
 * onto their LRU lists; an entry whose folio was freed or split meanwhile is dropped.
 */
export function lruAddDrainOn(pages: FolioPage[], batches: LruBatches, cpu: string): void {
  const b = batchOf(batches, cpu);
  b.forEach((inBatch, h) => {
    if (!inBatch) return;
    b[h] = false;
    const p = pages[h]!;
    if (p.head === h && p.lru === 'batch') p.lru = 'lru';
  });
}

/** Step factories over a model state `G` whose folio array `sel` selects. */
export function folioSteps<G extends ErrState>(sel: (s: G) => FolioPage[]) {
  return {
    /** split_folio / split_huge_page_to_list_to_order; on -EAGAIN go to `onFail`. */
    split<const Label extends string, const Fail extends string>(label: Label, i: number, opts: SplitOpts & { readonly onFail: Fail; readonly doc?: string }): StepDef<G, unknown, Label | Fail> {
      return {
        label,
        doc: opts.doc ?? 'split_huge_page_to_list_to_order',
        effect: (d, th) => {
          if (!folioSplit(d, sel(d), i, opts)) th.goto(opts.onFail);
        },
      };
    },

    /** folio_isolate_lru; on failure go to `onFail`. */
    isolateLru<const Label extends string, const Fail extends string>(label: Label, i: number, onFail: Fail, doc = 'folio_isolate_lru'): StepDef<G, unknown, Label | Fail> {
      return {
        label,
        doc,
        effect: (d, th) => {
          if (!folioIsolateLru(d, sel(d), i)) th.goto(onFail);
        },
      };
    },

    /** folio_putback_lru. */
    putbackLru<const Label extends string>(label: Label, i: number, uaf: ErrCode<G>, doc = 'folio_putback_lru'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d) => folioPutbackLru(d, sel(d), i, uaf) };
    },

    /** lru_add_drain. */
    lruAddDrain<const Label extends string>(label: Label, doc = 'lru_add_drain'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d) => lruAddDrain(sel(d)) };
    },
  };
}
