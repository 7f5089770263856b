/**
 * Page-table levels (hmm-domain.md §1.12, §1.13, §4 "the page-table lock dropped part-way through
 * a walk"): PGD / PUD / PMD / PTE tables as pages with their own refcount, `freed` flag and split
 * page-table lock (the pmd lock / pte lock of the table, a spinlock.ts `Spinlock`), holding an
 * array of slots. A PTE table's slots are pte.ts `Pte`s; an upper level's slots are `PtEntry`s:
 * none, a pointer to a lower table, or a huge leaf (a PMD/PUD mapping) with `special` / `devmap`
 * bits.
 *
 * - `pmdPopulate` (pmd_populate) needs the parent's lock (LOCK_NOT_HELD) and a none slot: over a
 *   populated one the old table is lost (PT_LEAK). `pmdInstall` (pmd_install, called by
 *   __pte_alloc after pte_alloc_one allocated the new table outside the lock) re-checks pmd_none
 *   under the lock and reports whether the new table was used — if not, the caller frees it.
 * - pfn kinds and `vm_normal_page` (mm/memory.c): a pfn is backed by an ordinary struct page, by a
 *   ZONE_DEVICE page (struct page with a dev_pagemap that must be looked up first) or by nothing
 *   (VRAM, iomem). A special entry has no page to touch (`vmNormalPage` → null); dereferencing a
 *   struct page that does not exist is NO_STRUCT_PAGE (`structPage`). `gupFastLeaf` is GUP-fast's
 *   decision on a leaf (gup_fast_pmd_leaf / gup_fast_pte_range: special → bail, devmap →
 *   get_dev_pagemap or bail, else take a reference on the page it assumes exists) — H13.
 * - Lockless walkers (GUP-fast, hmm_pt's iterator, a range walker deciding from a lockless PMD
 *   read): `read` one slot into a thread-local snapshot (one step), act on the snapshot (its own
 *   steps), then `recheck` it against the slot with a pte_same-style comparison (another step).
 *   For `hmmcheck lint`, declare the slots `{ guardedBy: '<table>.ptl', lockfreeReads: true }`.
 *   `lock` / `unlock` take the table's split lock where the walker's locals pick the table.
 *
 * Kernel sources (torvalds/linux via read_file): mm/memory.c at 74511020dde10252f8b8e648690d99dba721de14
 * (vm_normal_page: "Special mappings do not wish to be associated with a struct page";
 * VM_PFNMAP / VM_MIXEDMAP rules), mm/huge_memory.c at 6ea24cf79e055f0a62a64baa8587e2254a493c7b
 * (pmd_lock, pmd_populate under the pmd lock in __split_huge_pmd_locked / collapse). pmd_install /
 * __pte_alloc ("Has another populated it?") and the pmd_special / pmd_devmap checks of GUP-fast
 * are named from current mainline, not read here.
 *
 * @example
 * const fields = { pmd: pageTableType(IDS, ptEntryType(['T0', 'T1'], ['S0']), 1, { maxRef: 2 }), pte: t.record({ T0: pageTableType(IDS, pteType(['S0']), 2, { maxRef: 2 }), … }) };
 * // __pte_alloc: ptAlloc(d.pte.T0, pteNone, 2) (outside the lock), then ⟨pmd lock; if (!pmdInstall(d, d.pmd, 0, 'T0', th.id)) ptFree(d, d.pte.T0, 'UAF_T0', isNone); unlock⟩
 * // GUP-fast: READ snap := copy(pmd.slot[0]); DECIDE gupFastLeaf(snap, kind); RECHECK ptEntrySame(snap, pmd.slot[0])
 */
import { wordType, type WordMarked } from '../access';
import type { StepDef, ThreadCtx, ThreadView } from '../builder';
import { t, type ArrayType, type BoolType, type EnumType, type IntType, type OptionalType, type RecordType, type Type } from '../types';
import { kfree, raise, touch, type ErrCode, type ErrState, type Freeable } from './errors';
import { mutexFree, mutexLock, mutexUnlock } from './mutex';
import { entryCopy, entrySame } from './pte';
import { spinlockType, type Spinlock } from './spinlock';

// ---- upper-level entries ---------------------------------------------------------------------

/** The values of `PtEntryKind`, in schema order. */
export const PT_ENTRY_KINDS = ['none', 'table', 'leaf'] as const;
/** What an upper-level entry holds: nothing (pmd_none), a pointer to a lower table, or a huge leaf. */
export type PtEntryKind = (typeof PT_ENTRY_KINDS)[number];

/** An upper-level page-table entry (pgd / pud / pmd) over table names `T` and pfns `P`. */
export interface PtEntry<T extends string = string, P extends string = string> {
  kind: PtEntryKind;
  /** The lower table it points to (kind `table`). */
  table: T | null;
  /** The first pfn a huge leaf maps (kind `leaf`). */
  pfn: P | null;
  writable: boolean;
  /** pmd_special: a pfn mapping with no struct page to refcount (vm_normal_page_pmd → NULL). */
  special: boolean;
  /** pmd_devmap: a ZONE_DEVICE mapping (GUP-fast must get_dev_pagemap first). */
  devmap: boolean;
}

/** Schema type of an upper-level entry. */
export function ptEntryType<const T extends string, const P extends string>(
  tables: readonly T[],
  pfns: readonly P[],
): WordMarked<RecordType<{ kind: EnumType<PtEntryKind>; table: OptionalType<EnumType<T>>; pfn: OptionalType<EnumType<P>>; writable: BoolType; special: BoolType; devmap: BoolType }>> {
  // One pmd_t: READ_ONCE(*pmdp) and set_pmd_at access it whole (one access for hmmcheck lint).
  return wordType(t.record({ kind: t.enum(...PT_ENTRY_KINDS), table: t.optional(t.enum(...tables)), pfn: t.optional(t.enum(...pfns)), writable: t.bool(), special: t.bool(), devmap: t.bool() }));
}

/** pmd_none (canonical: every other field null / false). */
export function ptNone<T extends string = never, P extends string = never>(): PtEntry<T, P> {
  return { kind: 'none', table: null, pfn: null, writable: false, special: false, devmap: false };
}

/** An entry pointing to the lower table `table` (pmd_populate's value). */
export function ptTable<T extends string, P extends string = never>(table: T): PtEntry<T, P> {
  return { kind: 'table', table, pfn: null, writable: false, special: false, devmap: false };
}

/** A huge leaf mapping `pfn` (vmf_insert_pfn_pmd, a THP's set_pmd_at). */
export function ptLeaf<P extends string, T extends string = never>(pfn: P, bits: { writable?: boolean; special?: boolean; devmap?: boolean } = {}): PtEntry<T, P> {
  return { kind: 'leaf', table: null, pfn, writable: bits.writable ?? false, special: bits.special ?? false, devmap: bits.devmap ?? false };
}

/** pmd_none / pud_none: the entry is empty. */
export const isPtNone = (e: { kind: string }): boolean => e.kind === 'none';
/** The entry points to a lower-level table (to `table`, if given). */
export const isPtTable = (e: PtEntry, table?: string): boolean => e.kind === 'table' && (table === undefined || e.table === table);
/** The entry is a huge leaf (pmd_leaf / pud_leaf). */
export const isPtLeaf = (e: PtEntry): boolean => e.kind === 'leaf';

/** Short text form: `none`, `table(T0)`, `leaf(V0,w,special,devmap)`. */
export function ptEntryString(e: PtEntry): string {
  if (e.kind === 'none') return 'none';
  if (e.kind === 'table') return `table(${e.table})`;
  const bits = [e.writable ? 'w' : 'r', ...(e.special ? ['special'] : []), ...(e.devmap ? ['devmap'] : [])];
  return `leaf(${e.pfn},${bits.join(',')})`;
}

// ---- table pages -----------------------------------------------------------------------------

/** A page-table page: its refcount, lifetime, split lock and slots. */
export interface PageTable<E> extends Freeable {
  ref: number;
  ptl: Spinlock;
  slot: E[];
}

/** Schema type of a table of `n` slots of type `slot`, locked by threads `owners`. */
export function pageTableType<const O extends string, E extends Type>(
  owners: readonly O[],
  slot: E,
  n: number,
  b: { readonly maxRef: number },
): RecordType<{ ref: IntType; freed: BoolType; ptl: ReturnType<typeof spinlockType<O>>; slot: ArrayType<E> }> {
  return t.record({ ref: t.int(0, b.maxRef), freed: t.bool(), ptl: spinlockType(owners), slot: t.array(slot, n) });
}

/** A live table holding `slots` with `ref` references (default 1: its parent's entry or the allocator's). */
export function pageTableInit<E, O extends string = never>(slots: E[], ref = 1): { ref: number; freed: boolean; ptl: { owner: O | null }; slot: E[] } {
  return { ref, freed: false, ptl: { owner: null }, slot: slots };
}

/** A free table page (in the allocator) of `n` empty slots. */
export function pageTableFreeInit<E, O extends string = never>(empty: () => E, n: number): { ref: number; freed: boolean; ptl: { owner: O | null }; slot: E[] } {
  return { ref: 0, freed: true, ptl: { owner: null }, slot: Array.from({ length: n }, empty) };
}

/** pte_alloc_one / pmd_alloc_one: a free table page becomes a live empty one with one reference. */
export function ptAlloc<E>(pt: PageTable<E>, empty: () => E): void {
  if (!pt.freed) throw new Error('ptAlloc: the table is not free (pick a free table from the pool)');
  pt.freed = false;
  pt.ref = 1;
  pt.ptl.owner = null;
  pt.slot = pt.slot.map(empty);
}

/**
 * pte_free / pmd_free: a table freed while it still has entries loses them (PT_LEAK); freeing a
 * freed table is a use-after-free (`uaf`).
 */
export function ptFree<G extends ErrState, E>(d: G, pt: PageTable<E>, uaf: ErrCode<G>, isEmpty: (e: E) => boolean): void {
  if (!pt.freed && !pt.slot.every(isEmpty)) raise(d, 'PT_LEAK');
  kfree(d, pt, uaf);
  if (pt.freed) pt.ref = 0;
}

/** The thread holds the table's split lock (pmd_lock / pte_offset_map_lock). */
export function ptLocked(pt: PageTable<unknown>, id: string): boolean {
  return pt.ptl.owner === id;
}

/**
 * pmd_populate(parent slot `i`, table `child`) by thread `id`: LOCK_NOT_HELD without the parent's
 * lock; PT_LEAK over a populated slot (the table it pointed to is lost); then the slot points to
 * `child`.
 */
export function pmdPopulate<G extends ErrState, T extends string>(d: G, parent: PageTable<PtEntry<T, string>>, i: number, child: T, id: string): void {
  if (!ptLocked(parent, id)) raise(d, 'LOCK_NOT_HELD');
  if (!isPtNone(parent.slot[i]!)) raise(d, 'PT_LEAK');
  parent.slot[i] = ptTable(child);
}

/**
 * pmd_install (under the parent's lock): "Has another populated it?" — populates slot `i` with
 * `child` only if it is still none. True iff the new table was used; otherwise the caller frees it.
 */
export function pmdInstall<G extends ErrState, T extends string>(d: G, parent: PageTable<PtEntry<T, string>>, i: number, child: T, id: string): boolean {
  if (!isPtNone(parent.slot[i]!)) {
    if (!ptLocked(parent, id)) raise(d, 'LOCK_NOT_HELD');
    return false;
  }
  pmdPopulate(d, parent, i, child, id);
  return true;
}

// ---- pfn kinds, vm_normal_page, GUP-fast ------------------------------------------------------

/** The values of `PfnKind`, in schema order. */
export const PFN_KINDS = ['page', 'zoneDevice', 'noPage'] as const;
/** What backs a pfn: an ordinary struct page, a ZONE_DEVICE page (with a dev_pagemap), or nothing. */
export type PfnKind = (typeof PFN_KINDS)[number];

/** vm_normal_page / vm_normal_page_pmd on a leaf: null for a special entry (no page to touch), else its pfn. */
export function vmNormalPage<P extends string>(e: PtEntry<string, P>): P | null {
  if (e.kind !== 'leaf' || e.special) return null;
  return e.pfn;
}

/** A struct page dereference (pfn_to_page, try_grab_folio): NO_STRUCT_PAGE if the pfn has none. */
export function structPage<G extends ErrState>(d: G, kind: PfnKind): boolean {
  if (kind !== 'noPage') return true;
  raise(d, 'NO_STRUCT_PAGE');
  return false;
}

/** GUP-fast's decision on a leaf entry. */
export type GupFastDecision = 'bail' | 'devmap' | 'page';

/**
 * gup_fast_pmd_leaf / gup_fast_pte_range: a special entry bails (slow GUP then refuses VM_PFNMAP);
 * a devmap entry must first find its dev_pagemap (`devmap`; the caller bails if none is
 * registered); anything else is taken to have a struct page whose reference GUP-fast takes
 * (`page`). `archDevmap: false` is an architecture without the devmap bit: the bit reads as clear.
 */
export function gupFastLeaf(e: PtEntry, opts: { archDevmap?: boolean } = {}): GupFastDecision {
  if (e.kind !== 'leaf' || e.special) return 'bail';
  if (e.devmap && (opts.archDevmap ?? true)) return 'devmap';
  return 'page';
}

// ---- step factories --------------------------------------------------------------------------

/** Step factories for lockless walkers and table population over a model state `G`, thread locals `L`. */
export function pageTableSteps<G extends ErrState, L = unknown>() {
  return {
    /** READ_ONCE(*slot) into the thread's snapshot (`store`): one lock-free read. */
    read<const Label extends string, E extends object>(label: Label, slot: (s: G, th: ThreadView<L>) => E, store: (local: L, snap: E) => void, doc = 'READ_ONCE(*slot)'): StepDef<G, L, Label> {
      return { label, doc, effect: (d, th) => store(th.local, entryCopy(slot(d, th))) };
    },

    /**
     * The recheck of a lockless walk: if the slot no longer equals the snapshot (pte_same fails),
     * go to `onChanged` (undo and bail / retry); otherwise continue.
     */
    recheck<const Label extends string, const Changed extends string, E extends object>(
      label: Label,
      slot: (s: G, th: ThreadView<L>) => E,
      snap: (local: L) => E,
      onChanged: Changed,
      doc = 'recheck: pte_same(READ_ONCE(*slot), snapshot)',
    ): StepDef<G, L, Label | Changed> {
      return {
        label,
        doc,
        effect: (d, th) => {
          if (!entrySame(snap(th.local), slot(d, th))) th.goto(onChanged);
        },
      };
    },

    /**
     * A whole section under a table's split lock as one step, ⟨pmd_lock / pte_offset_map_lock;
     * `body`; unlock⟩, enabled while the lock is free; inside `body` the thread holds the lock (so
     * `pmdPopulate` / `pmdInstall` see it held). Lint counts the lock as held for the step.
     */
    locked<const Label extends string, E>(
      label: Label,
      table: (s: G) => PageTable<E>,
      body: (d: G, th: ThreadCtx<L, string>) => void,
      doc = 'pmd_lock; …; spin_unlock',
    ): StepDef<G, L, Label> {
      return {
        label,
        doc,
        holds: [(s) => table(s).ptl],
        guard: (s) => table(s).ptl.owner === null,
        effect: (d, th) => {
          const pt = table(d);
          pt.ptl.owner = th.id;
          body(d, th);
          pt.ptl.owner = null;
        },
      };
    },

    /**
     * spin_lock of a table's split lock (pmd_lock, pte_offset_map_lock, hmm_pt_directory_lock) where
     * the walker's state picks the table (`table(s, th)`, e.g. the directory it protects one level
     * up): enabled while the lock is free; locking a freed table records `uaf` instead.
     */
    lock<const Label extends string>(label: Label, table: (s: G, th: ThreadView<L>) => PageTable<unknown>, opts: { readonly uaf: ErrCode<G>; readonly doc?: string }): StepDef<G, L, Label> {
      return {
        label,
        doc: opts.doc ?? 'spin_lock(ptl)',
        guard: (s, th) => mutexFree(table(s, th).ptl),
        effect: (d, th) => {
          const pt = table(d, th);
          if (touch(d, pt, opts.uaf)) mutexLock(pt.ptl, th.id);
        },
      };
    },

    /** spin_unlock of that table's split lock (UNLOCK_NOT_HELD if the thread does not hold it; `uaf` if freed). */
    unlock<const Label extends string>(label: Label, table: (s: G, th: ThreadView<L>) => PageTable<unknown>, opts: { readonly uaf: ErrCode<G>; readonly doc?: string }): StepDef<G, L, Label> {
      return {
        label,
        doc: opts.doc ?? 'spin_unlock(ptl)',
        effect: (d, th) => {
          const pt = table(d, th);
          if (touch(d, pt, opts.uaf)) mutexUnlock(d, pt.ptl, th.id);
        },
      };
    },

    /**
     * __pte_alloc's install, one step: ⟨lock the parent; pmd_install; unlock⟩, enabled while the
     * parent's lock is free; when another thread populated the slot first, the private spare
     * `child` is freed (pte_free) in the same step.
     */
    install<const Label extends string, T extends string, E>(
      label: Label,
      parent: (s: G) => PageTable<PtEntry<T, string>>,
      i: number,
      child: T,
      spare: (s: G) => PageTable<E>,
      opts: { readonly uaf: ErrCode<G>; readonly isEmpty: (e: E) => boolean; readonly doc?: string },
    ): StepDef<G, L, Label> {
      return {
        label,
        doc: opts.doc ?? 'pmd_lock; pmd_install (re-check pmd_none); unlock; pte_free the unused spare',
        holds: [(s) => parent(s).ptl],
        guard: (s) => parent(s).ptl.owner === null,
        effect: (d, th) => {
          const p = parent(d);
          p.ptl.owner = th.id;
          const used = pmdInstall(d, p, i, child, th.id);
          p.ptl.owner = null;
          if (!used) ptFree(d, spare(d), opts.uaf, opts.isEmpty);
        },
      };
    },
  };
}
