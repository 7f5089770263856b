/**
 * The harness both M4 instantiations share (hmm-domain.md §3 M4): the mm's lifetime around the
 * threads of M1–M3, the driver's teardown of its device page table, and M4's own invariants.
 *
 * - `mmUsers` (mm_users): C, the process, holds one reference until it exits (CX); F and Mig take
 *   one with mmget_not_zero (F0, M0; they give up if the count is already 0) and drop it with mmput
 *   (F10, M10). Whoever drops the last reference runs exit_mmap: the Exit thread, whose first step is
 *   enabled once `mmUsers = 0` (the same interleavings as running it in that thread's context, which
 *   does nothing else afterwards). `mmCount` (mm_count) is not modelled: the subscription's /
 *   notifier's mmgrab keeps the structures alive until the driver's last step, and no thread touches
 *   them after its own mmdrop.
 * - The driver's close (Unreg) runs once its fault (F) and migration (Mig) calls have returned —
 *   they run in ioctls that hold the driver's file — and first stops the device using its page
 *   table for this mm, under DLOCK (DZ), so that nothing the device maps outlives the notifier that
 *   would have told it to unmap. That is current nouveau's order (nouveau_svmm_fini: `svmm->vmm =
 *   NULL` under svmm->mutex, then mmu_notifier_put). v5.3's nouveau_svmm_fini called
 *   hmm_mirror_unregister first and left the GPU VMM to the client's teardown; M4-2019 keeps the
 *   current order (with DZ after the unregister, exit can free a page the device still maps).
 * - INV-NOSTALE over named pages: the device maps nothing, the page the CPU PTE maps, or — while a
 *   migration entry stands — the migration's destination (locked by the migrating thread together
 *   with the source), never the source being migrated.
 * - INV-TEARDOWN (the device never maps a freed page) is M3's INV-DEVMAP predicate under the doc's
 *   M4 name: M4 declares it once, as INV-TEARDOWN.
 */
import type { StepSource } from '../../../spec/citation';
import type { SpecBuilder, StepDef, ThreadCtx, ThreadView } from '../../../spec/builder';
import type { ErrState } from '../../../spec/kernel/errors';
import { mutexSteps, type Mutex } from '../../../spec/kernel/mutex';
import { atomicDecAndTest, atomicIncNotZero } from '../../../spec/kernel/refcount';
import { spinlockInit } from '../../../spec/kernel/spinlock';
import { pageFreeInit, pageInit, pageLocked } from '../../../spec/kernel/page';
import { ptePresent } from '../../../spec/kernel/pte';
import { when } from '../../../spec/kernel/steps';
import { constant } from '../../../spec/model';
import { DONE, type Spec } from '../../../spec/spec';
import { t } from '../../../spec/types';
import type { quiescence } from '../m3/common';
import { buildWithPageInvariants, deviceMapsLivePage, PAGES, pipeFields, V0, type PageName, type PipeState } from '../m3/pipeline';

/** Invariant names of hmm-domain.md §3 M4 (the sub-models' are reused under their own names). */
export const INV = {
  /** `page[x].freed ⇒ devPte ≠ x`: the device never maps a freed page, teardown included. */
  TEARDOWN: 'INV-TEARDOWN',
  /** Each subscription / mirror registered when Exit's release starts gets exactly one RELEASE callback. */
  RELEASE_ONCE: 'INV-RELEASE-ONCE',
} as const;

/** The part of an M4 state the harness uses. */
export interface HarnessState extends ErrState, PipeState {
  err: string | null;
  mmUsers: number;
  dlock: Mutex;
}

/** `mmUsers ∈ 0..3`: C's reference plus F's and Mig's (one more per extra fault thread). */
export const MAX_USERS = 3;

/**
 * Schema fields of `a`'s pages, PTE and PTL and the device's view (M3's) for page-lock `owners` and
 * PTL holders `ptlOwners`, the pgmap, and mm_users.
 */
export function worldFields<const O extends string, const P extends string>(owners: readonly O[], ptlOwners: readonly P[], maxUsers = MAX_USERS) {
  return {
    ...pipeFields(owners, ptlOwners),
    /** memunmap_pages has run: the pgmap (and the driver's ops) are gone. */
    pgmapDead: t.bool(),
    mmUsers: t.int(0, maxUsers),
  };
}

/**
 * The initial world: S0 mapped at `a` (writable, clean, not in the swap cache), S1, S2 and D0 free,
 * nothing on the device, the pgmap live, and C's mm_users reference.
 */
export function initialWorld() {
  return {
    pte: ptePresent<PageName>('S0', true, false),
    ptl: spinlockInit(),
    page: { S0: pageInit({ val: V0, map: 1 }), S1: pageFreeInit(), S2: pageFreeInit(), D0: pageFreeInit() },
    lastWrite: V0,
    devPte: null,
    pgmapDead: false,
    mmUsers: 1,
  };
}

/** mmget_not_zero: atomic_inc_not_zero(&mm->mm_users) (spec/kernel/refcount.ts), or give up (go to `onFail`) once the mm is exiting. */
export function mmgetNotZero<G extends HarnessState>(label: string, onFail: string): StepDef<G, unknown, string> {
  return {
    label,
    doc: `${label} mmget_not_zero(mm): atomic_inc_not_zero(&mm->mm_users), fails once it reached 0`,
    effect: (d, th) => {
      if (!atomicIncNotZero(d, d, { field: 'mmUsers' })) th.goto(onFail);
    },
  };
}

/** mmput: atomic_dec_and_test(&mm->mm_users) (spec/kernel/refcount.ts); the last one runs exit_mmap (the Exit thread, `afterLastUser`). */
export function mmput<G extends HarnessState>(label: string, doc = `${label} mmput(mm): atomic_dec_and_test(&mm->mm_users); the last reference runs exit_mmap (Exit)`): StepDef<G, unknown, string> {
  return {
    label,
    doc,
    effect: (d, th) => {
      atomicDecAndTest(d, d, { field: 'mmUsers' });
      th.goto(DONE);
    },
  };
}

/** Exit's first step: exit_mmap runs once the last mm_users reference is gone. */
export function afterLastUser<G extends HarnessState, L>(step: StepDef<G, L, string>): StepDef<G, L, string> {
  return when(step, (s: G) => s.mmUsers === 0);
}

/** The threads the driver's close waits for (its ioctls hold the file). */
export function driverCallsReturned(s: { F: { pc: string }[]; Mig: { pc: string }[] }): boolean {
  return s.F.every((r) => r.pc === DONE) && s.Mig.every((r) => r.pc === DONE);
}

/** DZ: the driver's close tears down its device page table under DLOCK, once its calls have returned. */
export function deviceTeardown<G extends HarnessState & { F: { pc: string }[]; Mig: { pc: string }[] }>(): StepDef<G, unknown, string> {
  return {
    ...when(
      mutexSteps<G>().critical('DZ', (s) => s.dlock, (d) => void (d.devPte = null), {
        doc: 'DZ the driver closes its mirror (its fault and migrate ioctls have returned): ⟨DLOCK; tear down the device page table; unlock⟩',
      }),
      driverCallsReturned,
    ),
    atomic:
      "DZ's one kernel access is the device page table under DLOCK; its guard reads the fault's and the migration's program counters as the model's stand-in for the file reference their ioctls hold (the driver's release runs on the last fput), not a kernel access",
  };
}

/** Locals a device fault keeps about the page: the pfn its walk recorded, and the page a migration_entry_wait waits for. */
export const faultPageLocals = { snap: t.optional(t.enum(...PAGES)), wait: t.optional(t.enum(...PAGES)) };
export interface FaultPageL {
  snap: PageName | null;
  wait: PageName | null;
}

/**
 * A device fault's walk of `a` (hmm_range_fault's per-PTE step): a present PTE, or a device-private
 * entry of the driver's own, gives its pfn (recorded in `snap`: true); a migration entry goes to
 * migration_entry_wait at `waitLabel` (false). Nothing zaps `a` while a fault holds an mm_users
 * reference, so any other entry is a modelling error.
 */
export function walkAddress(d: PipeState, th: ThreadCtx<FaultPageL, string>, waitLabel: string): boolean {
  const e = d.pte;
  switch (e.kind) {
    case 'present':
    case 'devpriv':
      th.local.snap = e.pfn;
      return true;
    case 'migration':
      th.local.wait = e.pfn;
      th.goto(waitLabel);
      return false;
    default:
      throw new Error(`a device fault walks a ${e.kind} entry: nothing zaps a while the fault holds an mm_users reference`);
  }
}

/** migration_entry_wait inside a device fault's walk: `label` sleeps until the page is unlocked, then goes on at `next`. */
export function migrationEntryWait<G extends PipeState>(label: string, next: string, doc: string): StepDef<G, FaultPageL, string> {
  return {
    label,
    doc,
    guard: (s: G, th: ThreadView<FaultPageL>) => !pageLocked(s.page[th.local.wait!]),
    effect: (_d, th) => {
      th.local.wait = null;
      th.goto(next);
    },
  };
}

/** INV-RELEASE-ONCE over a count of RELEASE callbacks: at most one, and exactly one, once Exit is done, if one was due. */
export function releasedOnce(rel: number, due: boolean, exitDone: boolean): boolean {
  return rel <= 1 && !(exitDone && due && rel !== 1);
}

/**
 * Finishes an M4 spec after the era's own invariants: M3's page invariants (but those in `omit`:
 * an era without a CPU access of `a` cannot violate INV-DATA or INV-PGMAP), INV-TEARDOWN,
 * INV-RELEASE-ONCE (`releaseOnce`), INV-NOERR, and termination under weak fairness per thread.
 */
export function buildM4(
  b: SpecBuilder<any, any>,
  q: ReturnType<typeof quiescence>,
  holders: readonly string[],
  releaseOnce: { check: (s: any) => boolean; doc: string },
  omit: readonly string[] = [],
): Spec {
  return buildWithPageInvariants(
    b,
    q,
    holders,
    [
      { name: INV.TEARDOWN, check: teardownOk, doc: 'the device never maps a freed page, teardown included' },
      { name: INV.RELEASE_ONCE, ...releaseOnce },
    ],
    omit,
  );
}

/** The driver zaps its device page table entry of `a` (an invalidation callback it does not skip). */
export function zapDevice(d: PipeState): void {
  d.devPte = null;
}

/**
 * INV-NOSTALE over named pages: `devPte ∈ {none, the page the CPU maps}`; while a migration entry
 * stands, the device may map only the migration's destination (a live page locked by the migrating
 * thread, as the source is), never the source.
 */
export function noStalePage(s: PipeState): boolean {
  const dev = s.devPte;
  if (dev === null) return true;
  const e = s.pte;
  if (e.kind === 'present' || e.kind === 'devpriv') return e.pfn === dev;
  if (e.kind !== 'migration' || e.pfn === dev) return false;
  const src = s.page[e.pfn!];
  const dst = s.page[dev];
  return !dst.freed && dst.lock !== null && dst.lock === src.lock;
}

/** INV-TEARDOWN: M3's device-map predicate (see the module header). */
export const teardownOk = deviceMapsLivePage;

/** Steps with the given labels get an extra guard (e.g. DLOCK free for a driver section of M3's). */
export function guardLabels<S, L>(steps: readonly StepDef<S, L, string>[], labels: readonly string[], extra: (s: S) => boolean): StepDef<S, L, string>[] {
  return steps.map((st) => (labels.includes(st.label) ? when(st, extra) : st));
}

/** The doc (and, given `src`, the citation) of the step `label` replaced (a shared step in another context). */
export function redoc<S, L>(steps: readonly StepDef<S, L, string>[], label: string, doc: string, src?: StepSource): StepDef<S, L, string>[] {
  return steps.map((st) => (st.label === label ? { ...st, doc, ...(src !== undefined ? { src } : {}) } : st));
}

/** Constants both instantiations have. */
export const harnessConstants = {
  fault: constant.bool(true, 'include F, the device fault (and its mm_users reference)'),
  migrate: constant.bool(true, 'include Mig, the migration of a to device memory (and its mm_users reference)'),
};
