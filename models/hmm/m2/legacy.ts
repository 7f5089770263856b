/**
 * hmm/m2-device-fault, legacy era (hmm-domain.md §1.4–1.5): the v5.2 `range->valid` protocol of
 * `struct hmm` (IS2–IS4, IS6, IE2) against the v5.3-rc nouveau fault path (NV1–NV8) and the v5.2
 * `hmm_range_fault` (L1–L4). One range (F's), page p, invalidations Inv1..Invk.
 *
 * `h4` selects the mmap_lock handling as written (H4: L2 does up_read(MMAP) and returns -EAGAIN;
 * nouveau_range_fault up_reads on -EBUSY but not on -EAGAIN; NV8 up_reads unconditionally). Without
 * it the H4 fixes are applied (2bcbeaefde2f: L2 returns -EBUSY and keeps MMAP; Hellwig's nouveau
 * fix: nouveau_range_fault up_reads on every error, NV8 only after success), so that only H3 — the
 * re-validation of `range->valid` at IE2 — is left.
 *
 * Step granularity (§4). `range->valid` has lock-free readers (NV2w, L2, L4, NV5) but every HLOCK
 * section writes it at most once, so a whole section is one step (IS2–IS4, IE2, NV2, NV3): no
 * reader can see an intermediate state that differs from the state before or after the write.
 * Likewise nouveau's IS6 section ⟨DLOCK; zap; unlock⟩ is one step (its only write is the device
 * PTE). NV5 reads `range->valid` and then unregisters the range under HLOCK: merged into one step,
 * because F holds DLOCK there, so an invalidation that slips in between can only mark the range
 * invalid and then has to wait for DLOCK before zapping — which F never observes. IS1/IE1
 * (`mm_get_hmm`) and IS5/IS7 (MSEM for read) are left out: M2 has no teardown and no mirror
 * (un)registration, so they never block and change nothing another thread reads. L1 (`hmm->dead`
 * → -EFAULT) is never taken without teardown and is folded into L2.
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { noError } from '../../../spec/kernel/errors';
import { mutexInit, mutexSteps, mutexType, mutexUnlock } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemSteps } from '../../../spec/kernel/rwsem';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { accessChoices, baseFields, INV, invIds, mmapOwned, mmapUpRead, mmapUpReadStep, noStale, writeFaultOnReadOnlyVma, type M2Consts } from './common';

function legacyFields(ids: readonly string[], k: number) {
  return {
    ...baseFields(ids, k),
    /** `hmm->lock` (HLOCK, a mutex in v5.2): guards `notifiers` and the list of ranges. */
    hlock: mutexType(ids),
    /** `hmm->notifiers`: invalidations between their start and end. */
    notifiers: t.int(0, k),
    /** F's `struct hmm_range`: on `hmm->ranges` (registered), and `range->valid`. */
    range: t.record({ onList: t.bool(), valid: t.bool() }),
  };
}
type State = Infer<RecordType<ReturnType<typeof legacyFields>>>;

interface FLocals {
  /** The pfn L3 recorded for p (a page version). */
  snap: number;
  /** hmm_range_fault's error, carried to nouveau_range_fault's error path (NV3). */
  ret: 'none' | 'EBUSY' | 'EAGAIN';
}
type Ctx = ThreadCtx<FLocals, string>;
type Step<L> = StepDef<State, L, string>;

const M = mutexSteps<State>();
const R = rwsemSteps<State>();

/** Drops the range from `hmm->ranges` (inside an HLOCK step): `hmm_range_unregister`. */
function unregister(d: State): void {
  d.range.onList = false;
  d.range.valid = false;
}

/** The nouveau fault (NV1–NV8) with the v5.2 `hmm_range_fault` (L2–L4). */
function faultSteps(h4: boolean, timeouts: boolean): Step<FLocals>[] {
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
      effect: (d, th: Ctx) => {
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
      effect: (d, th: Ctx) => {
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
      doc: 'L3 walk the page table (lock-free): pfns[p] := cpuPte[p]; a write fault in a VMA without VM_WRITE calls handle_mm_fault(WRITE), which cannot make the PTE writable: -EBUSY (H5)',
      effect: (d, th: Ctx) => {
        if (writeFaultOnReadOnlyVma(d)) return th.goto('L4');
        th.local.snap = d.cpuPte;
        th.goto('NV4'); // hmm_range_fault returns the page count; nouveau_range_fault returns 0
      },
    },
    {
      label: 'L4',
      doc: 'L4 repeat the walk while ret == -EBUSY && range->valid (lock-free); otherwise return -EBUSY',
      effect: (d, th: Ctx) => {
        if (d.range.valid) return th.goto('L3');
        th.local.ret = 'EBUSY';
      },
    },
    M.critical('NV3', (s) => s.hlock, (d, th: Ctx) => {
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
    M.critical('NV5', (s) => s.hlock, (d, th: Ctx) => {
      const ok = d.range.valid;
      unregister(d);
      if (!ok) {
        mutexUnlock(d, d.dlock, th.id);
        th.local.snap = 0;
        th.goto('NV2');
      }
    }, { doc: 'NV5 nouveau_range_done: ok := range->valid; hmm_range_unregister ⟨HLOCK; list_del; unlock⟩; if !ok: unlock DLOCK, goto again (NV2)' }),
    { label: 'NV6', doc: 'NV6 program the device PTE of p from pfns[]', effect: (d, th: Ctx) => void (d.devPte = th.local.snap) },
    M.unlock('NV7', (s) => s.dlock, { doc: 'NV7 mutex_unlock(DLOCK)' }),
    mmapUpReadStep<State, FLocals>('NV8', h4 ? 'NV8 up_read(MMAP), unconditionally (H4(c))' : 'NV8 up_read(MMAP) after a successful fault', (_d, th) => {
      th.local.snap = 0;
    }),
  ];
}

/** An invalidation of page p: hmm_invalidate_range_start, the PTE change, hmm_invalidate_range_end. */
function invSteps(): Step<unknown>[] {
  return [
    M.critical('IS2', (s) => s.hlock, (d) => {
      d.notifiers++;
      if (d.range.onList) d.range.valid = false;
    }, { doc: 'IS2–IS4 hmm_invalidate_range_start: ⟨HLOCK; notifiers++; overlapping ranges: valid := false; unlock⟩' }),
    M.critical('IS6', (s) => s.dlock, (d) => void (d.devPte = null), {
      doc: 'IS6 sync_cpu_device_pagetables (nouveau): ⟨DLOCK; zap the device PTE of p; unlock⟩',
    }),
    { label: 'I3', doc: 'I3 the CPU PTE of p changes (a new page version; TLB flushed)', effect: (d) => void d.cpuPte++ },
    M.critical('IE2', (s) => s.hlock, (d) => {
      d.notifiers--;
      if (d.notifiers === 0 && d.range.onList) d.range.valid = true;
    }, { doc: 'IE2 hmm_invalidate_range_end: ⟨HLOCK; notifiers--; if 0: every range valid := true (not sticky, H3); wake_up_all; unlock⟩' }),
  ];
}

/** The legacy-era spec; `h4` keeps the mmap_lock handling as written (see the module header). */
export function buildLegacy(c: M2Consts, h4: boolean) {
  const k = c.invalidations;
  const inv = invIds(k);
  const ids = ['F', ...inv];
  const fields = legacyFields(ids, k);
  return spec(fields)
    .init((ctx) => ({
      err: null,
      cpuPte: 0,
      devPte: null,
      ...ctx.choose(accessChoices(c.access)),
      dlock: mutexInit(),
      mmap: rwsemInit(),
      hlock: mutexInit(),
      notifiers: 0,
      range: { onList: false, valid: false },
    }))
    .thread('F', {
      instances: ['F'],
      locals: { snap: t.int(0, k), ret: t.enum('none', 'EBUSY', 'EAGAIN') },
      initLocals: (): FLocals => ({ snap: 0, ret: 'none' }),
      steps: faultSteps(h4, c.timeouts),
    })
    .thread('Inv', { instances: inv, steps: invSteps() })
    .invariant(INV.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(INV.NOSTALE, noStale, 'devPte[p] ∈ {none, cpuPte[p]} (H3)')
    .invariant(INV.NOERR, noError)
    // Every thread eventually finishes (the fault returns, every invalidation ends), under weak
    // fairness per thread; H5's walk loops HF1 ⇄ HF2 and violates it.
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
