/**
 * The one-address M3 configurations (hmm-domain.md §1.9.2, §1.10, §3 M3, Appendix A.3): one
 * virtual address `a`, system pages S0–S2 (S0 mapped at first; S1/S2 for migrate-to-RAM
 * destinations and anonymous faults), device-private page D0, and the threads
 *
 * - Mig: a driver migrating `a` to device memory with migrate_vma_setup / pages / finalize
 *   (CO2 collect, MG5 unmap + check, MG6 alloc_and_copy, MG7 pages, MGdev device page-table update,
 *   MG8/MG9 finalize; MGrestore/MGunlock the restore loop of migrate_device_unmap);
 * - C1, C2: CPU accesses of `a` (C0: read or write through the PTE, or the fault that entry needs:
 *   write-protect, anonymous, swap-in, migration_entry_wait (Cmwait), and the device-private fault
 *   of §1.10 — Cptl/Cwait/Cmig, a nested migrate-to-RAM over the same CO2…MG9 steps, Cunl);
 * - Z: madvise(MADV_DONTNEED) on `a` (later reads see zeros);
 * - Rc: one reclaim pass over the page mapped at `a` (isolate + trylock, try_to_unmap, pageout,
 *   __remove_mapping);
 * - Pin: a transient reference to S0 taken through its pfn (get_page_unless_zero: GUP or a pfn
 *   walker), later dropped;
 * - Ev: the driver evicting D0 at unbind (migrate_device_range, …, then memunmap_pages:
 *   pgmap dead once every device page is free).
 *
 * Which threads run, and the initial mapping, is the configuration (`config`); which step forms run
 * is the variant (H7, H8, H9 and `fixed`). The PTL and the driver's DLOCK carry no state: every
 * critical section under them is one atomic step and none spans two steps (§4 granularity rule).
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
import type { StepDef, ThreadCtx, ThreadView } from '../../../spec/builder';
import { SpecBuilder } from '../../../spec/builder';
import { errType, forbid, noError, raise, touch } from '../../../spec/kernel/errors';
import {
  folioMigrateMappingOk,
  migrateVmaCheckPage,
  pageAlloc,
  pageFreeInit,
  pageGet,
  pageGetUnlessZero,
  pageInit,
  pageInSwapCache,
  pageLock,
  pageLocked,
  pageMap,
  pagePut,
  pageRelease,
  pageStructuralRefs,
  pageTrylock,
  pageType,
  pageUnlock,
  pageUnmapRmap,
  type Page,
} from '../../../spec/kernel/page';
import {
  isDevicePrivate,
  isMigration,
  isPresent,
  pteDevicePrivate,
  pteMaps,
  pteMigration,
  pteNone,
  ptePresent,
  pteSwap,
  pteType,
  type Pte,
} from '../../../spec/kernel/pte';
import type { VariantDef } from '../../../spec/model';
import type { Spec } from '../../../spec/spec';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { mutantVariant } from '../mutants';
import { INV, quiescence } from './common';

// ---- pages, values, error codes ----------------------------------------------------------------

export const PAGES = ['S0', 'S1', 'S2', 'D0'] as const;
export type PageName = (typeof PAGES)[number];
const SYSTEM: readonly PageName[] = ['S0', 'S1', 'S2'];
const DEVICE: readonly PageName[] = ['D0'];
const isDevice = (x: PageName): boolean => DEVICE.includes(x);

/** Contents: 0 = zeros (after MADV_DONTNEED), 1 = v0 (initial), 2 = v1 (C1's write). */
export const V0 = 1;
const V1 = 2;
const MAX_VAL = 2;

const OWNERS = ['Mig', 'C1', 'C2', 'Rc', 'Ev'] as const;
const UAF = { S0: 'UAF_S0', S1: 'UAF_S1', S2: 'UAF_S2', D0: 'UAF_D0' } as const satisfies Record<PageName, string>;
/** The error codes of the pipeline's steps. */
export const PIPE_CODES = ['UAF_S0', 'UAF_S1', 'UAF_S2', 'UAF_D0', 'UAF_PGMAP', 'STALE_READ'] as const;

/** Schema fields of the address `a`, its pages and the device's view of them, for page-lock owners `owners`. */
export function pipeFields<const O extends string>(owners: readonly O[]) {
  const pageT = pageType(owners, { maxRef: 6, maxMap: 1, maxVal: MAX_VAL });
  return {
    /** The PTE of the one address `a`. */
    pte: pteType(PAGES),
    page: t.record({ S0: pageT, S1: pageT, S2: pageT, D0: pageT }),
    /** Ghost: the value last written at `a` (0 after MADV_DONTNEED). */
    lastWrite: t.int(0, MAX_VAL),
    /** The device's page-table entry for `a` (the driver's own mapping of its memory). */
    devPte: t.optional(t.enum(...PAGES)),
  };
}

const fields = {
  err: errType(...PIPE_CODES),
  ...pipeFields(OWNERS),
  /** The driver's interval-notifier sequence: bumped by every invalidation it does not skip. */
  devSeq: t.int(0, 3),
  /** memunmap_pages has run: the pgmap (and the driver's ops) are gone. */
  pgmapDead: t.bool(),
};

/** The part of a model state the pipeline's steps use (M3's, and M4's). */
export interface PipeState {
  err: string | null;
  pte: Pte<PageName>;
  page: Record<PageName, Page>;
  lastWrite: number;
  devPte: PageName | null;
  pgmapDead: boolean;
}

/** M3's state: the pipeline's, plus the driver's own interval sequence. */
interface Sys extends PipeState {
  devSeq: number;
}

const holdT = t.map(PAGES, t.int(0, 2));
/** Locals of Mig and the CPU threads (Mig leaves the CPU-only ones at their initial values); `maxSeq` bounds `r`. */
export function pipeLocalsType(maxSeq: number) {
  return { ...pipeLocals, r: t.int(0, maxSeq) };
}
const pipeLocals = {
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
const rcLocals = { tgt: t.optional(t.enum(...PAGES)), hold: holdT };
type RcL = Infer<RecordType<typeof rcLocals>>;
const pinLocals = { hold: holdT };
type PinL = Infer<RecordType<typeof pinLocals>>;
export const evLocals = { w: t.bool(), mig: t.bool(), dst: t.optional(t.enum(...PAGES)), hold: holdT };
export type EvL = Infer<RecordType<typeof evLocals>>;

type Held = { hold: Record<PageName, number> };
type Ctx<L> = ThreadCtx<L, string>;
type Step<L> = StepDef<PipeState, L, string>;

const noHold = (): Record<PageName, number> => ({ S0: 0, S1: 0, S2: 0, D0: 0 });
/** The initial locals of Mig and the CPU threads. */
export const pipeInitLocals = (): PL => ({ op: 0, fp: null, wait: null, src: null, w: false, mig: false, dst: null, r: 0, hold: noHold() });
export const evInitLocals = (): EvL => ({ w: false, mig: false, dst: null, hold: noHold() });

// ---- small helpers over a draft ----------------------------------------------------------------

/** get_page by a thread: the reference is recorded in its `hold`. */
function hget(d: PipeState, th: Ctx<Held>, x: PageName): void {
  if (pageGet(d, d.page[x], UAF[x])) th.local.hold[x]++;
}

/** put_page of a reference the thread holds; true if it freed the page. */
function hput(d: PipeState, th: Ctx<Held>, x: PageName): boolean {
  if (th.local.hold[x] === 0) throw new Error(`${th.id} puts ${x} without holding a reference to it`);
  th.local.hold[x]--;
  return pagePut(d, d.page[x], UAF[x]);
}

/** The mapping's reference is dropped (the PTE that held it is gone). */
function putMapping(d: PipeState, x: PageName): void {
  pageUnmapRmap(d, d.page[x], UAF[x]);
  pagePut(d, d.page[x], UAF[x]);
}

/**
 * Allocates from `pool` the first free page whose frame no swap entry still names, with one
 * reference held by the thread. Running out of pages is a modelling mistake (the configuration
 * needs more pages), reported as a model error.
 */
function halloc(d: PipeState, th: Ctx<Held>, pool: readonly PageName[], val: number, locked: boolean): PageName {
  const x = pool.find((p) => d.page[p].freed && d.page[p].swap === null);
  if (x === undefined) throw new Error(`${th.id}: no free page in {${pool.join(', ')}} — the configuration needs more pages`);
  pageAlloc(d.page[x], { val, locker: locked ? th.id : null });
  th.local.hold[x]++;
  return x;
}

/** A read of `a` returning `v` (INV-DATA). */
function read(d: PipeState, v: number): void {
  if (v !== d.lastWrite) raise(d, 'STALE_READ');
}

function bumpSeq(d: Sys): void {
  d.devSeq = Math.min(d.devSeq + 1, 3);
}

function st<L>(label: string, doc: string, effect: (d: PipeState, th: Ctx<L>) => void, guard?: (s: PipeState, th: ThreadView<L>) => boolean): Step<L> {
  return guard ? { label, doc, effect, guard } : { label, doc, effect };
}

// ---- the migrate_vma pipeline (Mig to device; the CPU's migrate-to-RAM) ------------------------

/**
 * The driver's interval notifier as the pipeline sees it: the sequence its device-map check reads
 * (`seq`, at collect and again at MGdev), and — when the driver does not skip the migration's own
 * MIGRATE invalidation — that invalidation (`invalidate`, run at the start of collect, before the
 * sequence is read).
 */
export interface PipeDriver {
  readonly seq: (d: PipeState) => number;
  readonly invalidate?: (d: PipeState) => void;
}

/** M3's driver: its own sequence `devSeq`; it skips its own MIGRATE events. */
const m3Driver: PipeDriver = { seq: (d) => (d as Sys).devSeq };

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
const PIPE_MUTANT_STEP: Readonly<Record<PipeMutant, { readonly label: string; readonly note: string }>> = {
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

export interface PipeForm {
  readonly dir: 'toDevice' | 'toRam';
  /** Where the thread continues once the migration is over. */
  readonly after: string;
  /** H8: collect drops the PTE dirty bit (no folio_mark_dirty). */
  readonly dropDirty: boolean;
  /** H7: the unmap phase's restore loop never runs and the migration returns at once. */
  readonly skipUnmapRestore: boolean;
  /** The fault page is passed as `fault_page` (current §1.10); false in the old form (H9). */
  readonly faultPage: boolean;
  /** The driver maps the device page only if its interval sequence did not move (MGdev). */
  readonly mapCheck: boolean;
  readonly driver: PipeDriver;
  /** A mutant of these steps, if any. */
  readonly mutant?: PipeMutant | null;
}

/** `page == fault_page` for migrate_vma (the CPU thread's locked, referenced fault page). */
const isFault = (f: PipeForm, l: PL, x: PageName | null): boolean => f.faultPage && x !== null && l.fp === x;

export function pipelineSteps(f: PipeForm): Step<PL>[] {
  const toDev = f.dir === 'toDevice';
  const drv = f.driver;
  const relock = f.mutant === 'mutant-unmap-relocks-collected-page';
  const skipLock = f.mutant === 'mutant-collect-skips-folio-lock';
  const skipCopy = toDev && f.mutant === 'mutant-driver-skips-copy';
  /** The mutant's note in front of the doc of the step it changes (the copy mutant changes only migrations to the device). */
  const mutant = f.mutant === 'mutant-driver-skips-copy' && !toDev ? null : f.mutant;
  const noted = (steps: Step<PL>[]) => (mutant ? steps.map((st) => ({ ...st, doc: pipeMutantDoc(mutant, st.label, st.doc!) })) : steps);
  /** remove_migration_ptes(src, migrated ? dst : src) ⟨PTL⟩; the REF mutant adds the rmap without the reference. */
  const removeMigrationPtes = (d: PipeState, l: PL): void => {
    const x = l.src!;
    const target = l.mig ? l.dst! : x;
    if (!isMigration(d.pte, x)) return;
    d.pte = isDevice(target) ? pteDevicePrivate(target, l.w) : ptePresent(target, l.w, false);
    if (f.mutant !== 'mutant-restore-pte-without-ref') pageMap(d, d.page[target], UAF[target]);
    else if (touch(d, d.page[target], UAF[target])) d.page[target].map++;
  };
  const co0 = drv.invalidate
    ? 'CO0 invalidate_range_start(MIGRATE): the driver callback sets its sequence and zaps its device PTE; '
    : toDev
      ? 'CO0 read_begin + invalidate_range_start(MIGRATE, owner: the driver skips it); '
      : 'migrate_to_ram → migrate_vma_setup: ';
  return noted([
    st<PL>(
      'CO2',
      toDev
        ? `${co0}${drv.invalidate ? 'read_begin; ' : ''}CO2 ⟨PTL; folio_get; folio_trylock → clear the PTE, folio_mark_dirty if it was dirty, migration entry, remove rmap, folio_put⟩; CO3 flush + PTL unlock; CO4 range_end`
        : `${co0}CO2 ⟨PTL; device-private entry of the owner: folio_get; fault_folio or folio_trylock → migration entry, remove rmap, folio_put⟩; CO3 PTL unlock`,
      (d, th) => {
        const l = th.local;
        drv.invalidate?.(d);
        if (toDev) l.r = drv.seq(d);
        const e = d.pte;
        const x = e.pfn;
        const selected = toDev ? e.kind === 'present' && x !== null && !isDevice(x) : e.kind === 'devpriv' && x !== null && isDevice(x);
        if (!selected || x === null) return th.goto(f.after); // nothing collected (holes are not migrated here)
        const pg = d.page[x];
        hget(d, th, x);
        if (!(isFault(f, l, x) || skipLock || pageTrylock(pg, th.id))) {
          hput(d, th, x); // folio_put: not migrating
          return th.goto(f.after);
        }
        if (toDev && e.dirty && !f.dropDirty) pg.dirty = true; // folio_mark_dirty (H8's fix, fd35ca3d12cc)
        l.src = x;
        l.w = e.writable;
        l.mig = true;
        d.pte = pteMigration(x, e.writable);
        putMapping(d, x); // folio_remove_rmap_pte + folio_put: our folio_get keeps it alive
      },
    ),
    st<PL>(
      'MG5',
      'migrate_device_unmap: isolate from the LRU (the isolation reference replaces the collect one); if mapped or migrate_vma_check_page fails (ref − extra > mapcount) → restore',
      (d, th) => {
        const l = th.local;
        const x = l.src!;
        const pg = d.page[x];
        if (!touch(d, pg, UAF[x])) return th.goto('done');
        if (relock) pageLock(pg, th.id);
        const ok = pg.map === 0 && migrateVmaCheckPage(pg, { faultPage: isFault(f, l, x), zoneDevice: isDevice(x), mapping: pageInSwapCache(pg) });
        if (ok) return th.goto('MG6');
        l.mig = false;
        if (f.skipUnmapRestore) th.goto('done'); // v13: the restore loop starts past the end; npages = 0 → return
      },
      relock ? (s, th) => !pageLocked(s.page[th.local.src!]) : undefined,
    ),
    st<PL>('MGrestore', 'restore: remove_migration_ptes(folio, folio) ⟨PTL; migration entry → the original mapping⟩', (d, th) => {
      const { src, w } = th.local;
      const x = src!;
      if (isMigration(d.pte, x)) {
        d.pte = isDevice(x) ? pteDevicePrivate(x, w) : ptePresent(x, w, false);
        pageMap(d, d.page[x], UAF[x]);
      }
    }),
    st<PL>('MGunlock', 'restore: folio_unlock (unless the fault folio); folio_put', (d, th) => {
      const l = th.local;
      const x = l.src!;
      if (!isFault(f, l, x)) pageUnlock(d, d.page[x]);
      hput(d, th, x);
      l.src = null;
      th.goto(f.after);
    }),
    st<PL>(
      'MG6',
      toDev ? 'driver alloc_and_copy: allocate the device page (locked), copy from the locked, unmapped source' : 'driver alloc_and_copy: allocate a system page (locked), copy the device page into it',
      (d, th) => {
        const l = th.local;
        if (toDev && d.pgmapDead) return th.goto('MG7'); // no device memory: no destination
        l.dst = halloc(d, th, toDev ? DEVICE : SYSTEM, skipCopy ? 0 : d.page[l.src!].val, true);
      },
    ),
    st<PL>(
      'MG7',
      toDev
        ? 'migrate_vma_pages: folio_free_swap (device-private destination), then folio_migrate_mapping: ref = expected refs + extra_cnt, else clear MIGRATE'
        : 'migrate_vma_pages: folio_migrate_mapping(extra_cnt = [page == fault_page]): ref = expected refs + extra_cnt, else clear MIGRATE',
      (d, th) => {
        const l = th.local;
        const x = l.src!;
        const pg = d.page[x];
        if (!touch(d, pg, UAF[x])) return;
        if (l.dst === null) {
          l.mig = false;
          return;
        }
        if (toDev && pageInSwapCache(pg)) {
          // folio_free_swap: no swap entry names the slot (the PTE is a migration entry)
          pg.swap = null;
          pg.dirty = true;
          pagePut(d, pg, UAF[x]);
        }
        if (!folioMigrateMappingOk(pg, { mapping: pageInSwapCache(pg), extraCount: isFault(f, l, x) ? 1 : 0 })) l.mig = false;
      },
    ),
    st<PL>(
      'MGdev',
      toDev
        ? f.mapCheck
          ? 'driver: ⟨DLOCK; if !mmu_interval_read_retry: map the device page in the device page table⟩ (both pages locked)'
          : 'driver: ⟨DLOCK; map the device page in the device page table⟩ (no sequence check)'
        : 'driver: ⟨DLOCK; invalidate the device page-table entry⟩ (its own MIGRATE notifier was skipped)',
      (d, th) => {
        const l = th.local;
        if (!toDev) d.devPte = null;
        else if (l.mig && (!f.mapCheck || drv.seq(d) === l.r)) d.devPte = l.dst;
      },
    ),
    st<PL>('MG8', 'migrate_vma_finalize: remove_migration_ptes(src, migrated ? dst : src) ⟨PTL; migration entry → the new (or the old) mapping⟩', (d, th) => removeMigrationPtes(d, th.local)),
    st<PL>('MG9', 'migrate_vma_finalize: unlock (unless the fault folio) and put the source; unlock and put the destination', (d, th) => {
      const l = th.local;
      const x = l.src!;
      if (!isFault(f, l, x)) pageUnlock(d, d.page[x]);
      hput(d, th, x);
      if (l.dst !== null) {
        pageUnlock(d, d.page[l.dst]);
        hput(d, th, l.dst);
      }
      l.src = null;
      l.dst = null;
      l.mig = false;
      th.goto(f.after);
    }),
  ]);
}

// ---- CPU accesses ------------------------------------------------------------------------------

export type Op = 'r' | 'w';

/** A CPU thread of the process doing `ops` on `a`, then done (H9: `oldFault`). */
export function cpuSteps(ops: readonly Op[], f: { oldFault: boolean; pipe: Omit<PipeForm, 'dir' | 'after' | 'faultPage'> }): Step<PL>[] {
  const next = (th: Ctx<PL>) => {
    th.local.op++;
    th.goto(th.local.op >= ops.length ? 'done' : 'C0');
  };
  const swapLocked = (s: PipeState): boolean => s.pte.kind === 'swap' && !s.page[s.pte.pfn!].freed && pageLocked(s.page[s.pte.pfn!]);
  return [
    st<PL>(
      'C0',
      'CPU access of a: through a present PTE, else the fault it needs (⟨PTL⟩ write-protect / anonymous / swap-in; migration entry → migration_entry_wait; device-private entry → §1.10)',
      (d, th) => {
        const l = th.local;
        const op = ops[l.op]!;
        const e = d.pte;
        switch (e.kind) {
          case 'present': {
            const x = e.pfn!;
            const pg = d.page[x];
            if (!touch(d, pg, UAF[x])) return th.goto('done');
            if (op === 'r') read(d, pg.val);
            else {
              // a write through a writable PTE sets its dirty bit; a read-only one takes the
              // write-protect fault first (⟨PTL; reuse the exclusive page: writable, dirty⟩)
              pg.val = V1;
              d.pte = ptePresent(x, true, true);
              d.lastWrite = V1;
            }
            return next(th);
          }
          case 'none':
            if (op === 'r') read(d, 0); // the zero page
            else {
              const x = halloc(d, th, SYSTEM, V1, false); // do_anonymous_page: the new page's reference becomes the mapping's
              th.local.hold[x]--;
              d.page[x].map = 1;
              d.pte = ptePresent(x, true, true);
              d.lastWrite = V1;
            }
            return next(th);
          case 'migration':
            l.wait = e.pfn;
            return th.goto('Cmwait');
          case 'swap': {
            // do_swap_page (the folio lock is taken and dropped inside): a swap-cache hit maps
            // the page; otherwise read the slot into the frame it names. Then retry the access.
            const x = e.pfn!;
            const pg = d.page[x];
            if (pg.freed) {
              const slot = pg.swap;
              if (slot === null) throw new Error(`swap entry names ${x}, whose slot was freed`);
              pageAlloc(pg, { val: slot }); // its one reference is the swap cache's
              pg.swap = slot;
            }
            pageMap(d, pg, UAF[x]);
            d.pte = ptePresent(x, false, false);
            return th.goto('C0');
          }
          case 'devpriv':
            l.fp = e.pfn;
            l.w = e.writable;
            // current: re-check under the PTL and take a reference; old (H9): straight to migrate_to_ram
            return th.goto(f.oldFault ? 'Cmig' : 'Cptl');
        }
      },
      (s) => !swapLocked(s),
    ),
    st<PL>(
      'Cmwait',
      'migration_entry_wait: sleep until the page is unlocked, then retry (no reference taken)',
      (_d, th) => {
        th.local.wait = null;
        th.goto('C0');
      },
      (s, th) => !pageLocked(s.page[th.local.wait!]),
    ),
    st<PL>('Cptl', 'do_swap_page: ⟨PTL; !pte_same → refault; trylock_page → get_page, PTL unlock, migrate_to_ram; else PTL unlock, wait⟩', (d, th) => {
      const l = th.local;
      const x = l.fp!;
      if (!isDevicePrivate(d.pte, x) || d.pte.writable !== l.w) {
        l.fp = null;
        return th.goto('C0');
      }
      if (!pageTrylock(d.page[x], th.id)) return th.goto('Cwait');
      hget(d, th, x);
      th.goto('Cmig');
    }),
    st<PL>(
      'Cwait',
      'the page is locked by someone else: sleep until it is unlocked, then return (the fault is retried)',
      (_d, th) => {
        th.local.fp = null;
        th.goto('C0');
      },
      (s, th) => !pageLocked(s.page[th.local.fp!]),
    ),
    st<PL>('Cmig', 'page->pgmap->ops->migrate_to_ram(vmf): needs a live pgmap and a referenced page', (d, th) => {
      const x = th.local.fp!;
      if (d.pgmapDead || d.page[x].freed || d.page[x].ref === 0) {
        raise(d, 'UAF_PGMAP');
        th.goto('done');
      }
    }),
    ...pipelineSteps({ ...f.pipe, dir: 'toRam', after: f.oldFault ? 'Cret' : 'Cunl', faultPage: !f.oldFault }),
    ...(f.oldFault
      ? [
          st<PL>('Cret', 'migrate_to_ram returns: the fault is retried', (_d, th) => {
            th.local.fp = null;
            th.goto('C0');
          }),
        ]
      : [
          st<PL>('Cunl', 'unlock_page(vmf->page); put_page(vmf->page); the fault is retried', (d, th) => {
            const x = th.local.fp!;
            pageUnlock(d, d.page[x]);
            hput(d, th, x);
            th.local.fp = null;
            th.goto('C0');
          }),
        ]),
  ];
}

// ---- environment threads -----------------------------------------------------------------------

/**
 * zap_pte_range on `a` (MADV_DONTNEED, or exit_mmap's unmap_vmas): ⟨PTL; clear the PTE; flush⟩, then
 * free the page / swap slot (a device-private page's last reference: page_free); later reads see
 * zeros. The invalidation around it is the caller's.
 */
export function zapAddress(d: PipeState): void {
  const e = d.pte;
  const x = e.pfn;
  d.pte = pteNone();
  d.lastWrite = 0;
  if (x === null) return;
  const pg = d.page[x];
  switch (e.kind) {
    case 'present':
      pageUnmapRmap(d, pg, UAF[x]);
      // free_pages_and_swap_cache: drop it from the swap cache if unmapped and unlocked, then put
      if (pageInSwapCache(pg) && pg.map === 0 && !pageLocked(pg)) {
        pg.swap = null;
        pagePut(d, pg, UAF[x]);
      }
      pagePut(d, pg, UAF[x]);
      return;
    case 'devpriv':
      putMapping(d, x); // the last reference frees it: page_free
      return;
    case 'swap':
      // free_swap_and_cache
      if (pg.freed) pg.swap = null;
      else if (pg.map === 0 && !pageLocked(pg)) {
        pg.swap = null;
        pagePut(d, pg, UAF[x]);
      }
      return;
    default:
      return; // a migration entry: the migrator holds the page
  }
}

const zapSteps: Step<unknown>[] = [
  st<unknown>(
    'zap',
    'MADV_DONTNEED: invalidate_range_start (the driver zaps its device PTE, bumps its sequence); ⟨PTL; zap the PTE; flush⟩; free the page / swap slot; range_end',
    (d) => {
      d.devPte = null;
      bumpSeq(d as Sys);
      zapAddress(d);
    },
  ),
];

const rcSteps: Step<RcL>[] = [
  st<RcL>('isolate', 'shrink_folio_list: folio_isolate_lru (a reference) + folio_trylock the swap-cache page mapped at a; failure → put back, done', (d, th) => {
    const e = d.pte;
    const x = e.pfn;
    if (e.kind !== 'present' || x === null || isDevice(x) || !pageInSwapCache(d.page[x]) || !pageTrylock(d.page[x], th.id)) return th.goto('done');
    hget(d, th, x);
    th.local.tgt = x;
  }),
  st<RcL>('unmap', 'try_to_unmap: ⟨PTL; the PTE dirty bit → folio dirty; swap entry; remove rmap; put the mapping⟩', (d, th) => {
    const x = th.local.tgt!;
    const e = d.pte;
    if (isPresent(e, x)) {
      if (e.dirty) d.page[x].dirty = true;
      d.pte = pteSwap(x);
      putMapping(d, x);
    }
    if (!d.page[x].dirty) th.goto('drop');
  }),
  st<RcL>('pageout', 'pageout: write the page to its swap slot (the folio is clean again)', (d, th) => {
    const pg = d.page[th.local.tgt!];
    pg.swap = pg.val;
    pg.dirty = false;
  }),
  st<RcL>('drop', '__remove_mapping: clean, unmapped and frozen at 2 (isolation + swap cache) → delete from the swap cache and free; else unlock and put back', (d, th) => {
    const x = th.local.tgt!;
    const pg = d.page[x];
    if (!pg.dirty && pg.map === 0 && pageInSwapCache(pg) && pg.ref === 2) {
      th.local.hold[x]--;
      const slot = pg.swap;
      pageRelease(pg);
      pg.swap = d.pte.kind === 'swap' && d.pte.pfn === x ? slot : null; // the slot lives while a swap entry names it
    } else {
      pageUnlock(d, pg);
      hput(d, th, x);
    }
    th.local.tgt = null;
  }),
];

const pinSteps: Step<PinL>[] = [
  st<PinL>('get', 'a transient reference to S0 through its pfn: get_page_unless_zero (fails on a free page)', (d, th) => {
    if (pageGetUnlessZero(d.page.S0)) th.local.hold.S0++;
    else th.goto('done');
  }),
  st<PinL>('put', 'put_page', (d, th) => void hput(d, th, 'S0')),
];

/**
 * Ev: the driver evicts D0 at unbind (migrate_device_range → pages → finalize), then memunmap_pages.
 * `invalidate` is the try_to_migrate notifier as the driver sees it (M3: it zaps its device PTE).
 */
export function evictSteps(invalidate: (d: PipeState) => void, mutant: EvictMutant | null = null): Step<EvL>[] {
  const noEvict = st<EvL>(
    'lock',
    'mutant: no migrate_device_range: an unlocked live D0 (no migration holds it) is freed with the device memory, mapped or not; then memunmap_pages',
    (d, th) => {
      const pg = d.page.D0;
      if (!pg.freed && !pageLocked(pg)) pageRelease(pg);
      th.goto('memunmap');
    },
  );
  return [
    mutant === 'mutant-unbind-frees-mapped-device-page' ? noEvict : st<EvL>('lock', 'migrate_device_range: migrate_device_pfn_lock(D0): folio_try_get + folio_trylock, else skip the page', (d, th) => {
      const pg = d.page.D0;
      if (!pageGetUnlessZero(pg)) return th.goto('memunmap');
      th.local.hold.D0++;
      if (!pageTrylock(pg, th.id)) {
        hput(d, th, 'D0');
        th.goto('memunmap');
      }
    }),
    st<EvL>(
      'unmap',
      'migrate_device_unmap: try_to_migrate (notifier CLEAR: the driver zaps its device PTE; ⟨PTL; device-private entry → migration entry⟩); then mapped / migrate_vma_check_page → restore',
      (d, th) => {
        const pg = d.page.D0;
        invalidate(d);
        if (isDevicePrivate(d.pte, 'D0')) {
          th.local.w = d.pte.writable;
          d.pte = pteMigration('D0', d.pte.writable);
          putMapping(d, 'D0');
        }
        th.local.mig = pg.map === 0 && migrateVmaCheckPage(pg, { faultPage: false, zoneDevice: true, mapping: false });
        if (!th.local.mig) th.goto('restore');
        else th.goto('copy');
      },
    ),
    st<EvL>('restore', 'restore: remove_migration_ptes(D0, D0), folio_unlock, folio_put', (d, th) => {
      if (isMigration(d.pte, 'D0')) {
        d.pte = pteDevicePrivate('D0', th.local.w);
        pageMap(d, d.page.D0, 'UAF_D0');
      }
      pageUnlock(d, d.page.D0);
      hput(d, th, 'D0');
      th.goto('memunmap');
    }),
    st<EvL>('copy', 'driver: allocate a system page (locked), copy D0 into it', (d, th) => {
      th.local.dst = halloc(d, th, SYSTEM, d.page.D0.val, true);
    }),
    st<EvL>('pages', 'migrate_device_pages: folio_migrate_mapping (ref = 1), else clear MIGRATE', (d, th) => {
      if (!folioMigrateMappingOk(d.page.D0, { mapping: false, extraCount: 0 })) th.local.mig = false;
    }),
    st<EvL>('final', 'migrate_device_finalize: remove_migration_ptes(D0, migrated ? dst : D0) ⟨PTL⟩', (d, th) => {
      const target: PageName = th.local.mig ? th.local.dst! : 'D0';
      if (isMigration(d.pte, 'D0')) {
        d.pte = isDevice(target) ? pteDevicePrivate(target, th.local.w) : ptePresent(target, th.local.w, false);
        pageMap(d, d.page[target], UAF[target]);
      }
    }),
    st<EvL>('unlock', 'migrate_device_finalize: unlock and put D0 (the last reference: page_free) and the destination', (d, th) => {
      pageUnlock(d, d.page.D0);
      hput(d, th, 'D0');
      const y = th.local.dst!;
      pageUnlock(d, d.page[y]);
      hput(d, th, y);
      th.local.dst = null;
    }),
    st<EvL>(
      'memunmap',
      'memunmap_pages: waits until every device page is free, then the pgmap is gone',
      (d) => {
        d.pgmapDead = true;
      },
      (s) => DEVICE.every((x) => s.page[x].freed),
    ),
  ];
}

// ---- configurations ----------------------------------------------------------------------------

export type PipelineConfig = 'full' | 'unmap' | 'dirty' | 'swapfault';

/** Step forms: `fixed` (current code) or one historical switch. */
export interface PipelineForms {
  /** H8 `collect-drops-dirty-bit`. */
  readonly dropDirty: boolean;
  /** H7 `unmap-restore-skipped`. */
  readonly skipUnmapRestore: boolean;
  /** H9 `swap-fault-no-page-ref`: the old device-private fault path. */
  readonly oldFault: boolean;
  /** The driver checks its interval sequence before mapping the device page (MGdev). */
  readonly mapCheck: boolean;
}

interface Threads {
  readonly cpus: Readonly<Partial<Record<'C1' | 'C2', readonly Op[]>>>;
  readonly mig: boolean;
  readonly z: boolean;
  readonly rc: boolean;
  readonly pin: boolean;
  readonly ev: boolean;
  /** The initial PTE maps the device page D0 (else S0, in the swap cache with an up-to-date copy). */
  readonly startOnDevice: boolean;
}

/** The thread sets and initial mappings of §3 M3's "smallest parameters". */
export const PIPELINE_CONFIGS: Readonly<Record<PipelineConfig, Threads>> = {
  full: { cpus: { C1: ['w', 'r'], C2: ['r'] }, mig: true, z: true, rc: true, pin: true, ev: false, startOnDevice: false },
  unmap: { cpus: { C1: ['r'] }, mig: true, z: false, rc: false, pin: true, ev: false, startOnDevice: false },
  dirty: { cpus: { C1: ['w', 'r'] }, mig: true, z: false, rc: true, pin: true, ev: false, startOnDevice: false },
  swapfault: { cpus: { C1: ['r'] }, mig: false, z: false, rc: false, pin: false, ev: true, startOnDevice: true },
};

/** The kinds of the threads that hold page references (their locals have `hold`). */
const HOLDERS = ['Mig', 'C1', 'C2', 'Rc', 'Pin', 'Ev'] as const;

function held(s: any, holders: readonly string[], x: PageName): number {
  let n = 0;
  for (const k of holders) for (const rec of (s[k] ?? []) as Held[]) n += rec.hold[x];
  return n;
}

/**
 * INV-REF's counting part: every page's refcount and mapcount agree with who holds and maps it;
 * `holders` are the kinds of the threads whose locals count references (`hold`).
 */
export function refsConsistent(s: PipeState, holders: readonly string[] = HOLDERS): boolean {
  for (const x of PAGES) {
    const pg = s.page[x];
    const h = held(s, holders, x);
    if (pg.freed) {
      if (pg.ref !== 0 || pg.map !== 0 || pg.lock !== null || h !== 0) return false;
    } else if (pg.ref !== pageStructuralRefs(pg) + h || pg.map !== (pteMaps(s.pte, x) ? 1 : 0)) return false;
  }
  return true;
}

/** No migration entry and no locked page (what INV-MIG2 requires at quiescence). */
function migrationClean(s: PipeState): boolean {
  return !isMigration(s.pte) && PAGES.every((x) => s.page[x].freed || !pageLocked(s.page[x]));
}

/** The device page table never points at a freed page (M3's INV-DEVMAP; M4's INV-TEARDOWN). */
export function deviceMapsLivePage(s: PipeState): boolean {
  return s.devPte === null || !s.page[s.devPte].freed;
}

/**
 * M3's page invariants, in declaration order (INV-MIG1, INV-MIG2, INV-REF, INV-DATA, INV-PGMAP), for
 * a spec whose quiescence test is `q` and whose reference-holding threads are `holders`.
 */
export function pipelineInvariants(q: { quiescent(s: unknown): boolean }, holders: readonly string[]) {
  return [
    { name: INV.MIG1, check: (s: PipeState) => !isMigration(s.pte) || pageLocked(s.page[s.pte.pfn!]), doc: 'a migration entry points to a locked page' },
    { name: INV.MIG2, check: (s: PipeState) => migrationClean(s) || !q.quiescent(s), doc: 'at quiescence no migration entry and no locked page is left' },
    {
      name: INV.REF,
      check: (s: PipeState) => forbid('UAF_S0', 'UAF_S1', 'UAF_S2', 'UAF_D0', 'REF_UNDERFLOW', 'REF_GET_ZERO')(s) && refsConsistent(s, holders),
      doc: 'refcount = mappings + swap cache + references held; mapcount = PTEs mapping the page; a freed page is never touched',
    },
    { name: INV.DATA, check: forbid('STALE_READ'), doc: 'a read of a returns the value last written there' },
    { name: INV.PGMAP, check: forbid('UAF_PGMAP'), doc: 'migrate_to_ram runs only with the pgmap live and a referenced page' },
  ] as const;
}

export function buildPipeline(config: PipelineConfig, forms: PipelineForms): Spec {
  const th = PIPELINE_CONFIGS[config];
  const pipe = { dropDirty: forms.dropDirty, skipUnmapRestore: forms.skipUnmapRestore, mapCheck: forms.mapCheck, driver: m3Driver };
  const q = quiescence();
  const init = (): Sys => ({
    err: null,
    pte: th.startOnDevice ? pteDevicePrivate('D0', true) : ptePresent('S0', true, false),
    page: th.startOnDevice
      ? { S0: pageFreeInit(), S1: pageFreeInit(), S2: pageFreeInit(), D0: pageInit({ val: V0, map: 1 }) }
      : { S0: pageInit({ val: V0, map: 1, swap: V0 }), S1: pageFreeInit(), S2: pageFreeInit(), D0: pageFreeInit() },
    lastWrite: V0,
    devPte: th.startOnDevice ? 'D0' : null,
    devSeq: 0,
    pgmapDead: false,
  });
  const pl = pipeInitLocals;
  let b: SpecBuilder<any, any> = new SpecBuilder<Sys>(fields).init(init);
  if (th.mig) {
    b = b.thread('Mig', {
      instances: ['Mig'],
      locals: pipeLocals,
      initLocals: pl,
      steps: pipelineSteps({ ...pipe, dir: 'toDevice', after: 'done', faultPage: false }),
    });
  }
  for (const [id, ops] of Object.entries(th.cpus) as ['C1' | 'C2', readonly Op[]][]) {
    b = b.thread(id, { instances: [id], locals: pipeLocals, initLocals: pl, steps: cpuSteps(ops, { oldFault: forms.oldFault, pipe: { ...pipe, skipUnmapRestore: false } }) });
  }
  if (th.z) b = b.thread('Z', { instances: ['Z'], steps: zapSteps });
  if (th.rc) b = b.thread('Rc', { instances: ['Rc'], locals: rcLocals, initLocals: (): RcL => ({ tgt: null, hold: noHold() }), steps: rcSteps });
  if (th.pin) b = b.thread('Pin', { instances: ['Pin'], locals: pinLocals, initLocals: (): PinL => ({ hold: noHold() }), steps: pinSteps });
  if (th.ev) b = b.thread('Ev', { instances: ['Ev'], locals: evLocals, initLocals: evInitLocals, steps: evictSteps((d) => void (d.devPte = null)) });
  return buildWithPageInvariants(b, q, HOLDERS, [{ name: INV.DEVMAP, check: deviceMapsLivePage, doc: 'the device page table never points at a freed page' }]);
}

/** A named state predicate, as `SpecBuilder.invariant` takes it. */
export interface NamedInvariant {
  readonly name: string;
  readonly check: (s: any) => boolean;
  readonly doc: string;
}

/**
 * Declares M3's page invariants (`pipelineInvariants`) but those named in `omit`, then `extra`,
 * INV-NOERR, and termination under weak fairness per thread; builds the spec and binds the
 * quiescence test `q` to it.
 */
export function buildWithPageInvariants(
  b: SpecBuilder<any, any>,
  q: ReturnType<typeof quiescence>,
  holders: readonly string[],
  extra: readonly NamedInvariant[],
  omit: readonly string[] = [],
): Spec {
  const page = pipelineInvariants(q, holders).filter((inv) => !omit.includes(inv.name));
  for (const inv of [...page, ...extra]) b = b.invariant(inv.name, inv.check, inv.doc);
  const built: Spec = b.invariant(INV.NOERR, noError).terminates(INV.TERMINATION).fair('weak', 'eachThread').build();
  q.bind(built.actions);
  return built;
}
