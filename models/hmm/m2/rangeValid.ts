/**
 * The `range->valid` protocol of `struct hmm` as threads (hmm-domain.md §1.4–1.5; `mm/hmm.c` v5.2,
 * `nouveau_svm.c` v5.3-rc), written once and generic over the model state, so that M2's legacy era
 * (./legacy.ts) and M4-2019 (../m4/era2019.ts) run the same steps: the nouveau fault NV1–NV8 with
 * the v5.2 `hmm_range_fault` L2–L4, and the HLOCK sections of `hmm_invalidate_range_start` (IS2–IS4)
 * and `_end` (IE2).
 *
 * `h4` selects the mmap_lock handling as written (H4: L2 does up_read(MMAP) and returns -EAGAIN;
 * nouveau_range_fault up_reads on -EBUSY but not on -EAGAIN; NV8 up_reads unconditionally). Without
 * it the H4 fixes are applied (2bcbeaefde2f: L2 returns -EBUSY and keeps MMAP; Hellwig's nouveau
 * fix: nouveau_range_fault up_reads on every error, NV8 only after success).
 *
 * What differs between the models is the page: the walk L3 and the device PTE programming NV6 are
 * hooks. The step granularity is explained in ./legacy.ts.
 */
import type { AccessDecls } from '../../../spec/access';
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { mutexSteps, mutexType, mutexUnlock, type Mutex } from '../../../spec/kernel/mutex';
import { rwsemSteps } from '../../../spec/kernel/rwsem';
import { t } from '../../../spec/types';
import { mmapUpRead, mmapUpReadStep, type FaultPageHooks, type FaultRecord, type MmapState } from './common';

/** Schema fields of HLOCK, `hmm->notifiers` and F's range, for threads `ids` and at most `k` invalidations in flight. */
export function rangeFields(ids: readonly string[], k: number) {
  return {
    /** `hmm->lock` (HLOCK, a mutex in v5.2): guards `notifiers` and the list of ranges. */
    hlock: mutexType(ids),
    /** `hmm->notifiers`: invalidations between their start and end. */
    notifiers: t.int(0, k),
    /** F's `struct hmm_range`: on `hmm->ranges` (registered), and `range->valid`. */
    range: t.record({ onList: t.bool(), valid: t.bool() }),
  };
}

/**
 * The access discipline of `rangeFields` (spec/access.ts): `hmm->notifiers` and `hmm->ranges` are
 * used under HLOCK only; `range->valid` is written under HLOCK and read lock-free (NV2w, L2, L4).
 */
export const rangeAccess: AccessDecls = {
  notifiers: { guardedBy: 'hlock' },
  'range.onList': { guardedBy: 'hlock' },
  'range.valid': { guardedBy: 'hlock', lockfreeReads: true },
};

/** The part of a model state the protocol's steps use. */
export interface RangeState extends MmapState {
  dlock: Mutex;
  hlock: Mutex;
  notifiers: number;
  range: { onList: boolean; valid: boolean };
}

/**
 * Locals of the fault thread: the pfn L3 recorded (`V`: M2 a page version, M4 a page) and
 * hmm_range_fault's error, carried to nouveau_range_fault's error path (NV3).
 */
export type RangeFaultLocals<V> = FaultRecord<V, 'none' | 'EBUSY' | 'EAGAIN'>;
type Ctx<V> = ThreadCtx<RangeFaultLocals<V>, string>;

/**
 * The walk (L3) records `snap` and goes to NV4, or to L4 (-EBUSY: walk again while valid); NV6
 * programs. `h4`: the mmap_lock handling as written; `timeouts`: hmm_range_wait_until_valid may time out (NV2w).
 */
export type RangeFaultOpts<G, V> = FaultPageHooks<G, Ctx<V>, V> & { readonly h4: boolean; readonly timeouts: boolean };

/** Drops the range from `hmm->ranges` (inside an HLOCK step): `hmm_range_unregister`. */
function unregister(d: RangeState): void {
  d.range.onList = false;
  d.range.valid = false;
}

/** The nouveau fault (NV1–NV8) with the v5.2 `hmm_range_fault` (L2–L4). */
export function rangeFaultSteps<G extends RangeState, V>(o: RangeFaultOpts<G, V>): StepDef<G, RangeFaultLocals<V>, string>[] {
  const { h4, timeouts } = o;
  const M = mutexSteps<G>();
  const R = rwsemSteps<G>();
  return [
    R.downRead('NV1', (s) => s.mmap, { doc: 'NV1 nouveau_svm_fault: down_read(MMAP); find the vma' }),
    M.critical('NV2', (s) => s.hlock, (d) => {
      d.range.onList = true;
      d.range.valid = d.notifiers === 0;
    }, { doc: 'NV2 nouveau_range_fault → hmm_range_register: ⟨HLOCK; list_add(range); valid := (notifiers == 0); unlock⟩' }),
    {
      label: 'NV2w',
      doc: timeouts
        ? 'NV2 hmm_range_wait_until_valid: wait for range->valid; on timeout nouveau does up_read(MMAP) and returns -EAGAIN'
        : 'NV2 hmm_range_wait_until_valid: wait until range->valid (lock-free)',
      guard: (s) => s.range.valid || timeouts,
      effect: (d, th: Ctx<V>) => {
        if (d.range.valid) return;
        // Timed out (enabled only with the `timeouts` constant): up_read and -EAGAIN, in both forms
        // of nouveau_range_fault. The v5.3-rc code also leaves the range (a stack variable) on
        // hmm->ranges here, a separate defect this model does not follow: it is dropped.
        mmapUpRead(d, th.id);
        unregister(d);
        th.goto(h4 ? 'NV8' : 'done');
      },
    },
    {
      label: 'L2',
      doc: h4
        ? 'hmm_range_fault (L1 never fails without teardown): L2 if (!range->valid) { up_read(MMAP); return -EAGAIN } (H4(a))'
        : 'hmm_range_fault (L1 never fails without teardown): L2 if (!range->valid) return -EBUSY, MMAP kept (2bcbeaefde2f)',
      effect: (d, th: Ctx<V>) => {
        if (d.range.valid) return;
        if (h4) {
          mmapUpRead(d, th.id);
          th.local.ret = 'EAGAIN';
        } else {
          th.local.ret = 'EBUSY';
        }
        th.goto('NV3');
      },
    },
    {
      label: 'L3',
      doc: o.walk.doc,
      effect: o.walk.effect,
    },
    {
      label: 'L4',
      doc: 'L4 repeat the walk while ret == -EBUSY && range->valid (lock-free); otherwise return -EBUSY',
      effect: (d, th: Ctx<V>) => {
        if (d.range.valid) return th.goto('L3');
        th.local.ret = 'EBUSY';
      },
    },
    M.critical('NV3', (s) => s.hlock, (d, th: Ctx<V>) => {
      // As written (v5.3-rc): -EBUSY → up_read; -EAGAIN → -EBUSY without up_read (L2 dropped
      // MMAP). Fixed (Hellwig): up_read on every error, and the caller does not unlock again.
      if (!h4 || th.local.ret === 'EBUSY') mmapUpRead(d, th.id);
      unregister(d);
      th.local.ret = 'none';
      th.goto(h4 ? 'NV8' : 'done');
    }, {
      doc: h4
        ? 'NV3 hmm_range_fault failed, nouveau_range_fault: -EBUSY → up_read(MMAP), -EAGAIN → -EBUSY (no unlock); hmm_range_unregister ⟨HLOCK; list_del; unlock⟩'
        : 'NV3 hmm_range_fault failed, nouveau_range_fault: up_read(MMAP); hmm_range_unregister ⟨HLOCK; list_del; unlock⟩; the caller does not unlock again',
    }),
    M.lock('NV4', (s) => s.dlock, { doc: 'NV4 mutex_lock(DLOCK)' }),
    M.critical('NV5', (s) => s.hlock, (d, th: Ctx<V>) => {
      const ok = d.range.valid;
      unregister(d);
      if (!ok) {
        mutexUnlock(d, d.dlock, th.id);
        th.local.snap = o.noSnap;
        th.goto('NV2');
      }
    }, { doc: 'NV5 nouveau_range_done: ok := range->valid; hmm_range_unregister ⟨HLOCK; list_del; unlock⟩; if !ok: unlock DLOCK, goto again (NV2)' }),
    { label: 'NV6', doc: 'NV6 program the device PTE of p from pfns[]', effect: (d, th: Ctx<V>) => o.program(d, th.local.snap) },
    M.unlock('NV7', (s) => s.dlock, { doc: 'NV7 mutex_unlock(DLOCK)' }),
    mmapUpReadStep<G, RangeFaultLocals<V>>('NV8', h4 ? 'NV8 up_read(MMAP), unconditionally (H4(c))' : 'NV8 up_read(MMAP) after a successful fault', (_d, th) => {
      th.local.snap = o.noSnap;
    }),
  ];
}

/** IS2–IS4 of `hmm_invalidate_range_start`: the HLOCK section that marks the range invalid. */
export function rangeInvalidateStart<G extends RangeState>(label = 'IS2'): StepDef<G, unknown, string> {
  return mutexSteps<G>().critical(label, (s) => s.hlock, (d) => {
    d.notifiers++;
    if (d.range.onList) d.range.valid = false;
  }, { doc: 'IS2–IS4 hmm_invalidate_range_start: ⟨HLOCK; notifiers++; overlapping ranges: valid := false; unlock⟩' });
}

/** IE2 of `hmm_invalidate_range_end`: the HLOCK section that makes the range valid again (H3). */
export function rangeInvalidateEnd<G extends RangeState>(
  label = 'IE2',
  doc = 'IE2 hmm_invalidate_range_end: ⟨HLOCK; notifiers--; if 0: every range valid := true (not sticky, H3); wake_up_all; unlock⟩',
): StepDef<G, unknown, string> {
  return mutexSteps<G>().critical(label, (s) => s.hlock, (d) => {
    d.notifiers--;
    if (d.notifiers === 0 && d.range.onList) d.range.valid = true;
  }, { doc });
}
