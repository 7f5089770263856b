/**
 * struct page / order-0 folio (hmm-domain.md §1.1 "page refcount/mapcount" and "page lock PGL",
 * §4 "Refcount arithmetic"): the refcount `ref`, the mapcount `map`, the page lock PGL (`lock`:
 * who locked it), the dirty flag, the `freed` flag (a page whose refcount reached 0 is back in its
 * allocator; touching it is a use-after-free naming the page), the page's content `val` (a small
 * integer standing for the data, for data-loss checks) and its swap copy `swap`.
 *
 * Conventions:
 * - `ref` counts every reference, one per mapping included (`map` of them), plus the swap cache's
 *   reference while the page is in the swap cache (`swap !== null` on a live page), plus the
 *   references threads hold. `pagePut` frees the page at 0.
 * - `swap` is the content of the page's swap slot. On a live page it means "in the swap cache with
 *   this swap copy". When reclaim frees a swap-cache page the record keeps `swap` (the slot outlives
 *   the frame) so that a later swap-in can re-read it; models say when they clear it.
 * - PGL: `lock_page` blocks (a step enabled iff unlocked), `trylock_page` is one step whose result
 *   the state decides. `unlock_page` may be called by any thread (the kernel does not track the
 *   owner; a lock can be handed over, e.g. an allocator returns a locked page) — the owner is kept
 *   for traces and for the self-deadlock check; unlocking an unlocked page is UNLOCK_NOT_HELD.
 * - The "is it pinned?" tests of device migration are encoded literally: `migrateVmaCheckPage`
 *   (migrate_vma_check_page, `mm/migrate_device.c`) with its "expected extra" table
 *   (`migrateExpectedExtra`), and the refcount freeze of `folio_migrate_mapping`
 *   (`folioMigrateMappingOk`, with `folio_expected_refs`).
 *
 * @example
 * const fields = { err: errType('UAF_S0'), page: t.record({ S0: pageType(['Mig', 'C1'], { maxRef: 4, maxMap: 1, maxVal: 2 }) }) };
 * // in an effect (under the PTL): if (pageTrylock(d.page.S0, th.id)) { ...install a migration entry... }
 * // a thread's reference:         pageGet(d, d.page.S0, 'UAF_S0'); ... if (pagePut(d, d.page.S0, 'UAF_S0')) { ...it was the last... }
 */
import type { StepDef } from '../builder';
import { t, type BoolType, type EnumType, type IntType, type OptionalType, type RecordType } from '../types';
import { raise, touch, type ErrCode, type ErrState, type Freeable } from './errors';
import { lockType } from './lockdep';
import { refcountDecAndTest, refcountInc, refcountSubAndTest } from './refcount';

/** Runtime state of a page whose lock owners are `O` (thread ids). */
export interface Page<O extends string = string> extends Freeable {
  /** Refcount (page_count / folio_ref_count). */
  ref: number;
  /** Mapcount (page_mapcount): PTEs mapping the page, device-private entries included. */
  map: number;
  /** PGL: the thread that locked the page, or null. */
  lock: O | null;
  /** PG_dirty (the folio's dirty flag, not the PTE's). */
  dirty: boolean;
  /** The page's content. */
  val: number;
  /** The content of the page's swap slot (live page: it is in the swap cache), or null. */
  swap: number | null;
}

/** Bounds of a page's schema type. */
export interface PageBounds {
  readonly maxRef: number;
  readonly maxMap: number;
  /** Contents are 0..maxVal. */
  readonly maxVal: number;
}

/**
 * Schema type of a page that threads `owners` may lock. With `{ lockdep: true }` its `lock` (PG_locked)
 * is marked as an `owner` lock (./lockdep.ts): `hmmcheck lint` then counts a page lock as held by its
 * owner (it may guard other page fields, `'page.*.swap': { guardedBy: 'page.*.lock' }`) and not as a
 * field, and the trace viewer shows it as a held lock. Off by default, so the models that declare
 * `lock` as an atomic field keep their lint results.
 *
 * @example
 * const fields = { page: t.record({ S0: pageType(['Mig', 'Rc'], { maxRef: 4, maxMap: 1, maxVal: 2 }, { lockdep: true }) }) };
 * heldLocks(spec.schema, state).get('Mig')   // [{ lock: 'page.S0.lock', cls: 'owner', mode: 'exclusive', depth: 1 }] once Mig locked S0
 */
export function pageType<const O extends string>(
  owners: readonly O[],
  b: PageBounds,
  opts: { readonly lockdep?: boolean } = {},
): RecordType<{
  ref: IntType;
  map: IntType;
  lock: OptionalType<EnumType<O>>;
  dirty: BoolType;
  freed: BoolType;
  val: IntType;
  swap: OptionalType<IntType>;
}> {
  return t.record({
    ref: t.int(0, b.maxRef),
    map: t.int(0, b.maxMap),
    lock: opts.lockdep ? lockType(t.optional(t.enum(...owners)), 'owner') : t.optional(t.enum(...owners)),
    dirty: t.bool(),
    freed: t.bool(),
    val: t.int(0, b.maxVal),
    swap: t.optional(t.int(0, b.maxVal)),
  });
}

/** A free page (in its allocator): no references, unlocked, clean, no swap copy. */
export function pageFreeInit<O extends string = never>(): Page<O> {
  return { ref: 0, map: 0, lock: null, dirty: false, freed: true, val: 0, swap: null };
}

/** A live page: `map` mappings, `extra` other references, plus the swap cache's if `swap` is set. */
export function pageInit<O extends string = never>(opts: { val: number; map?: number; extra?: number; swap?: number | null; dirty?: boolean }): Page<O> {
  const map = opts.map ?? 0;
  const swap = opts.swap ?? null;
  return { ref: map + (opts.extra ?? 0) + (swap === null ? 0 : 1), map, lock: null, dirty: opts.dirty ?? false, freed: false, val: opts.val, swap };
}

/** The page is in the swap cache (a live page with a swap copy): the cache holds one reference. */
export function pageInSwapCache(p: Page): boolean {
  return !p.freed && p.swap !== null;
}

/** The references the page's own state accounts for: its mappings and the swap cache. */
export function pageStructuralRefs(p: Page): number {
  return p.map + (pageInSwapCache(p) ? 1 : 0);
}

/**
 * Allocates a free page (alloc_page / zone_device_page_init): one reference (the caller's), content
 * `val`, locked by `locker` if given (destination pages of a migration are allocated locked).
 * Allocating a live page is a modelling mistake and throws.
 */
export function pageAlloc(p: Page, opts: { val: number; locker?: string | null }): void {
  if (!p.freed) throw new Error('pageAlloc: the page is not free (pick a free page from the pool)');
  p.freed = false;
  p.ref = 1;
  p.map = 0;
  p.lock = opts.locker ?? null;
  p.dirty = false;
  p.val = opts.val;
  p.swap = null;
}

/** Returns the page to its allocator (the refcount reached 0): unlocked, clean. `swap` is kept. */
export function pageRelease(p: Page): void {
  p.ref = 0;
  p.map = 0;
  p.lock = null;
  p.dirty = false;
  p.freed = true;
}

/** get_page / folio_get (refcount.ts refcount_inc on `ref`): UAF if freed, REF_GET_ZERO on 0. */
export function pageGet<G extends ErrState>(d: G, p: Page, uaf: ErrCode<G>): boolean {
  return refcountInc(d, p, { field: 'ref', uaf });
}

/**
 * get_page_unless_zero / folio_try_get (a speculative reference through the pfn): fails on a free
 * page without touching it — the struct page of a free page stays valid memory.
 */
export function pageGetUnlessZero(p: Page): boolean {
  if (p.freed || p.ref === 0) return false;
  p.ref++;
  return true;
}

/**
 * put_page / folio_put: drops a reference; returns true when it was the last one (the page is then
 * released to its allocator). UAF if already freed, REF_UNDERFLOW on 0.
 */
export function pagePut<G extends ErrState>(d: G, p: Page, uaf: ErrCode<G>): boolean {
  if (!refcountDecAndTest(d, p, { field: 'ref', uaf })) return false;
  pageRelease(p);
  return true;
}

/** Adds a mapping (folio_add_*_rmap plus the mapping's reference). */
export function pageMap<G extends ErrState>(d: G, p: Page, uaf: ErrCode<G>): void {
  if (!touch(d, p, uaf)) return;
  p.map++;
  p.ref++;
}

/**
 * Removes the mapping's rmap (folio_remove_rmap_pte). The mapping's reference is dropped
 * separately (`pagePut`), as in the kernel (often later, or kept by the caller as its own).
 */
export function pageUnmapRmap<G extends ErrState>(d: G, p: Page, uaf: ErrCode<G>): void {
  void refcountSubAndTest(d, p, 1, { field: 'map', uaf });
}

// ---- PGL: the page lock ----------------------------------------------------------------------

/** PageLocked / folio_test_locked: someone holds the page lock. */
export function pageLocked(p: Page): boolean {
  return p.lock !== null;
}

/** lock_page on an unlocked page (the step's guard must have checked `!pageLocked`). */
export function pageLock(p: Page, id: string): void {
  if (p.lock !== null) throw new Error(`lock_page by ${id} while locked by ${p.lock}: guard the step with !pageLocked`);
  p.lock = id;
}

/** trylock_page / folio_trylock: locks and returns true iff unlocked. */
export function pageTrylock(p: Page, id: string): boolean {
  if (p.lock !== null) return false;
  p.lock = id;
  return true;
}

/** unlock_page / folio_unlock (by any thread); unlocking an unlocked page records UNLOCK_NOT_HELD. */
export function pageUnlock<G extends ErrState>(d: G, p: Page): void {
  if (p.lock === null) {
    raise(d, 'UNLOCK_NOT_HELD');
    return;
  }
  p.lock = null;
}

// ---- the "is it pinned?" arithmetic of device migration (§4) -----------------------------------

/** What `migrate_vma_check_page` knows about the page besides its counts. */
export interface CheckPageInfo {
  /** `page == fault_page`: the device-private fault path holds (and locked) this page. */
  readonly faultPage: boolean;
  /** `folio_is_zone_device`: device-private / coherent pages. */
  readonly zoneDevice: boolean;
  /** `folio_mapping(folio) != NULL`: page cache or swap cache. */
  readonly mapping: boolean;
  /** `folio_has_private`: buffers attached (never in the HMM models). */
  readonly hasPrivate?: boolean;
}

/**
 * The "expected extra" references of `migrate_vma_check_page`, literally:
 * `extra = 1 + (page == fault_page)` — one for the reference the caller holds (from
 * folio_isolate_lru for a system page, from migrate_vma_collect for a device page) and one for the
 * fault page's reference; `+1` for a ZONE_DEVICE page; `+1 + has_private` for a page with a mapping.
 * H9's fix (16ce101db85d) added the fault-page term.
 */
export function migrateExpectedExtra(info: CheckPageInfo): number {
  let extra = 1 + (info.faultPage ? 1 : 0);
  if (info.zoneDevice) extra++;
  if (info.mapping) extra += 1 + (info.hasPrivate ? 1 : 0);
  return extra;
}

/** migrate_vma_check_page: true iff the page may migrate, i.e. not `ref − extra > mapcount`. */
export function migrateVmaCheckPage(p: Page, info: CheckPageInfo): boolean {
  return !(p.ref - migrateExpectedExtra(info) > p.map);
}

/** folio_expected_refs for an order-0 folio: 1, plus 1 (+1 with private data) if it has a mapping. */
export function folioExpectedRefs(mapping: boolean, hasPrivate = false): number {
  return mapping ? 2 + (hasPrivate ? 1 : 0) : 1;
}

/**
 * The refcount test of `folio_migrate_mapping(mapping, dst, src, extra_count)` (the freeze in
 * migrate_vma_pages): the source must hold exactly `folio_expected_refs + extra_count` references;
 * `extra_count` is 1 for the fault page (H9's fix), else 0.
 */
export function folioMigrateMappingOk(p: Page, opts: { mapping: boolean; hasPrivate?: boolean; extraCount: number }): boolean {
  return p.ref === folioExpectedRefs(opts.mapping, opts.hasPrivate) + opts.extraCount;
}

// ---- step factories --------------------------------------------------------------------------

/** Options of the page-lock steps: the error code naming the page, for use-after-free checks. */
export interface PageStepOpts<G> {
  readonly uaf: ErrCode<G>;
  readonly doc?: string;
}

/** Step factories over a model state `G` for the page lock, one line per operation. */
export function pageSteps<G extends ErrState>() {
  return {
    /** lock_page: enabled iff the page is unlocked (the thread sleeps at this label otherwise). */
    lock<const Label extends string>(label: Label, sel: (s: G) => Page, opts: PageStepOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts.doc ?? 'lock_page',
        guard: (s) => !pageLocked(sel(s)),
        effect: (d, th) => {
          if (touch(d, sel(d), opts.uaf)) pageLock(sel(d), th.id);
        },
      };
    },

    /** trylock_page: on success continue in program order, on failure go to `onFail`. */
    trylock<const Label extends string, const Fail extends string>(
      label: Label,
      sel: (s: G) => Page,
      onFail: Fail,
      opts: PageStepOpts<G>,
    ): StepDef<G, unknown, Label | Fail> {
      return {
        label,
        doc: opts.doc ?? 'trylock_page',
        effect: (d, th) => {
          if (!touch(d, sel(d), opts.uaf)) return;
          if (!pageTrylock(sel(d), th.id)) th.goto(onFail);
        },
      };
    },

    /** unlock_page. */
    unlock<const Label extends string>(label: Label, sel: (s: G) => Page, opts: PageStepOpts<G>): StepDef<G, unknown, Label> {
      return {
        label,
        doc: opts.doc ?? 'unlock_page',
        effect: (d) => {
          if (touch(d, sel(d), opts.uaf)) pageUnlock(d, sel(d));
        },
      };
    },
  };
}
