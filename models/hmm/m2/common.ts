/**
 * What both eras of hmm/m2-device-fault share (hmm-domain.md §3 M2): the constants, the state of
 * page p (CPU PTE version, device PTE, the VMA's write permission and the fault's request), DLOCK
 * and MMAP, the fault's `up_read(MMAP)` with its ownership check (INV-MMAPOWN), and the
 * invariant names.
 */
import type { AccessDecls } from '../../../spec/access';
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { errType, raise, type ErrState } from '../../../spec/kernel/errors';
import { mutexInit, mutexType } from '../../../spec/kernel/mutex';
import { rwsemHeldForRead, rwsemInit, rwsemType, rwsemUpRead, type Rwsem } from '../../../spec/kernel/rwsem';
import type { ChoiceCtx } from '../../../spec/spec';
import { constant, type ConstantDef } from '../../../spec/model';
import { t } from '../../../spec/types';

/** Invariant names of hmm-domain.md §3 M2. */
export const INV = {
  /** `up_read(MMAP)` only by a holder (H4). */
  MMAPOWN: 'INV-MMAPOWN',
  /** A freed subscription is in neither the tree nor the deferred list, and is never touched (H11). */
  SUBFREE: 'INV-SUBFREE',
  /** `devPte[p] ∈ {none, cpuPte[p]}`: the device never maps an old page (H3). */
  NOSTALE: 'INV-NOSTALE',
  /** Legacy era: `hmm->notifiers` counts exactly the invalidations between their start (IS3) and their end (IE2) or error unwind. */
  NOTIFIERS: 'INV-NOTIFIERS',
  /** The catch-all `err = none` (lock-state errors of the primitives on DLOCK, HLOCK, SUBS). */
  NOERR: 'INV-NOERR',
  /** Liveness: every thread eventually reaches done (weak fairness per thread). */
  TERMINATION: 'LIVE-TERMINATION',
} as const;

/** The model's constants (see `m2Constants` for their meaning). */
export type M2Consts = {
  invalidations: number;
  remove: boolean;
  insert: boolean;
  access: string;
  timeouts: boolean;
  nonblock: boolean;
  subscriber: boolean;
};

export const MAX_INVALIDATIONS = 3;

export const m2Constants: { readonly [K in keyof M2Consts]: ConstantDef } = {
  invalidations: constant.int(0, MAX_INVALIDATIONS, 2, 'number of invalidation threads Inv1..Invk of page p (each changes the CPU PTE once); they do not hold MMAP (§4)'),
  remove: constant.bool(true, 'sequence era: thread Rm removes another mirror\'s subscription sR of page p (mmu_interval_notifier_remove, Y1–Y3) and the caller frees it'),
  insert: constant.bool(true, "sequence era: F first inserts its own subscription sF (the driver's open, IN2) concurrently with the invalidations; false: sF is in the tree from the start"),
  access: constant.enum(
    ['any', 'read', 'write-ro'],
    'any',
    "F's request: a read fault, or a write fault in a VMA without VM_WRITE (H5's precondition); 'any' explores both (two initial states)",
  ),
  timeouts: constant.bool(
    false,
    'model the fault timeouts (HMM_RANGE_DEFAULT_TIMEOUT, 1 s): legacy hmm_range_wait_until_valid may give up while the range is invalid (NV2w), the sequence-era loop head F1 may return -EBUSY on a retry',
  ),
  nonblock: constant.bool(
    false,
    "legacy era: add thread Oom, the OOM reaper's non-blockable invalidation (mmu_notifier_invalidate_range_start_nonblock: trylocks, nouveau's callback answers -EAGAIN, no _end on failure) with the error unwind of the v5.3 fix; always on in nonblock-leaks-notifiers",
  ),
  subscriber: constant.bool(
    false,
    "sequence era: a second, classic mmu_notifier subscriber beside the interval tree (amdgpu_mn.c v4.19–v5.4-like): each invalidation takes its rwsem for read from invalidate_range_start to _end and zaps its GPU mapping, and thread Cs (its command submission) maps the page under the rwsem for write",
  ),
};

/** Thread ids of the invalidations (hmm-domain.md §3 M2 calls them Inv1..Invk). */
export function invIds(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `Inv${i + 1}`);
}

/** Schema fields of page p, the fault's request, DLOCK and MMAP, for threads `ids`. */
export function baseFields(ids: readonly string[], k: number) {
  return {
    err: errType('MMAP_UNLOCK_NOT_HELD', 'UAF_SUB'),
    /** The CPU PTE of page p: which page version it maps (v0, then one new version per I3). */
    cpuPte: t.int(0, k),
    /** The device PTE of page p: none (null) or the version it maps. The device reads it at any time. */
    devPte: t.optional(t.int(0, k)),
    /** The device's request for page p. */
    req: t.enum('read', 'write'),
    /** The VMA has VM_WRITE. */
    vmaWrite: t.bool(),
    /** The driver's lock (nouveau `svmm->mutex`, test_hmm `dmirror->mutex`). */
    dlock: mutexType(ids),
    /** `mm->mmap_lock`; only F takes it (for read): invalidations by reclaim/migration do not (§4). */
    mmap: rwsemType(ids),
  };
}

/**
 * The access discipline of `baseFields` (spec/access.ts), for `hmmcheck lint`: the CPU PTE is read
 * by the lock-free page walk of hmm_range_fault (its PTL is not modelled: each step makes one
 * access); the device PTE is written under DLOCK (the device reads it asynchronously, §4); the
 * VMA's flags are read under MMAP; the fault's request is F's own input, never written.
 */
export const baseAccess: AccessDecls = {
  cpuPte: 'lockless',
  devPte: { guardedBy: 'dlock' },
  vmaWrite: { guardedBy: 'mmap' },
  req: 'ghost',
};

/** The part of a model state the MMAP ownership check uses (also M4's, whose page is not a version). */
export interface MmapState extends ErrState {
  err: string | null;
  mmap: Rwsem;
}

/** The part of a model state this module's helpers use. */
export interface BaseState extends MmapState {
  cpuPte: number;
  devPte: number | null;
  req: 'read' | 'write';
  vmaWrite: boolean;
}

/** The initial states of page p and the request, one per access kind the `access` constant allows. */
export function accessChoices(access: string): { req: 'read' | 'write'; vmaWrite: boolean }[] {
  const read = { req: 'read' as const, vmaWrite: true };
  const writeRo = { req: 'write' as const, vmaWrite: false };
  if (access === 'read') return [read];
  if (access === 'write-ro') return [writeRo];
  return [read, writeRo];
}

/** The initial values of baseFields shared by both eras (the access choice is nondeterministic). */
export function baseInit(ctx: ChoiceCtx, c: M2Consts) {
  return {
    err: null,
    cpuPte: 0,
    devPte: null,
    ...ctx.choose(accessChoices(c.access)),
    dlock: mutexInit(),
    mmap: rwsemInit(),
  };
}

/** A write fault is needed but the VMA lacks VM_WRITE: handle_mm_fault cannot make the PTE writable. */
export function writeFaultOnReadOnlyVma(s: BaseState): boolean {
  return s.req === 'write' && !s.vmaWrite;
}

/**
 * up_read(MMAP) by thread `id`, recording MMAP_UNLOCK_NOT_HELD (INV-MMAPOWN) if `id` does not hold
 * it. The primitive (`rwsemUpRead`) records the generic UNLOCK_NOT_HELD, which cannot tell MMAP from
 * the other locks; the first error recorded wins, so MMAP's own code is recorded first.
 */
export function mmapUpRead(d: MmapState, id: string): void {
  if (!rwsemHeldForRead(d.mmap, id)) raise<ErrState>(d, 'MMAP_UNLOCK_NOT_HELD');
  rwsemUpRead(d, d.mmap, id);
}

/** The step `up_read(MMAP)` with the ownership check of `mmapUpRead`, then `after` (which may goto). */
export function mmapUpReadStep<G extends MmapState, L>(
  label: string,
  doc: string,
  after?: (d: G, th: ThreadCtx<L, string>) => void,
): StepDef<G, L, string> {
  return {
    label,
    doc,
    effect: (d, th) => {
      mmapUpRead(d, th.id);
      after?.(d, th);
    },
  };
}

/** Locals every device fault keeps: what its page walk recorded (`snap`) and hmm_range_fault's result. */
export type FaultRecord<V, R extends string> = { snap: V; ret: R };

/**
 * The page-specific part of a device fault thread (both eras' fault loops take it, M2 and M4 give
 * their own): the page walk, the device PTE programmed from what it recorded, and the value of the
 * record between attempts (dead locals are reset so that states merge).
 */
export interface FaultPageHooks<G, Ctx, V> {
  /** The walk step: records `snap` (and the result), or loops / waits by goto. */
  readonly walk: { readonly doc: string; readonly effect: (d: G, th: Ctx) => void };
  /** The device PTE is programmed from `snap`. */
  readonly program: (d: G, snap: V) => void;
  readonly noSnap: V;
}

/** INV-MMAPOWN: nobody released MMAP without holding it. */
export function mmapOwned(s: ErrState): boolean {
  return s.err !== 'MMAP_UNLOCK_NOT_HELD';
}

/** INV-NOSTALE: the device maps nothing or the page the CPU maps. */
export function noStale(s: BaseState): boolean {
  return s.devPte === null || s.devPte === s.cpuPte;
}
