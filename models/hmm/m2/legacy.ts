/**
 * hmm/m2-device-fault, legacy era (hmm-domain.md §1.4–1.5): the v5.2 `range->valid` protocol of
 * `struct hmm` (IS2–IS4, IS6, IE2) against the v5.3-rc nouveau fault path (NV1–NV8) and the v5.2
 * `hmm_range_fault` (L1–L4). One range (F's), page p, invalidations Inv1..Invk.
 *
 * The threads are the protocol's, shared with M4-2019 (./rangeValid.ts); this module gives them
 * M2's page — a CPU PTE that is a page version, bumped by each invalidation's I3 — and H5's walk.
 * `h4` selects the mmap_lock handling as written (H4); without it the H4 fixes are applied, so that
 * only H3 — the re-validation of `range->valid` at IE2 — is left.
 *
 * Step granularity (§4). `range->valid` has lock-free readers (NV2w, L2, L4, NV5) but every HLOCK
 * section writes it at most once, so a whole section is one step (IS2–IS4, IE2, NV2, NV3): no
 * reader can see an intermediate state that differs from the state before or after the write.
 * Likewise nouveau's IS6 section ⟨DLOCK; zap; unlock⟩ is one step (its only write is the device
 * PTE). NV5 reads `range->valid` and then unregisters the range under HLOCK: merged into one step,
 * because F holds DLOCK there, so an invalidation that slips in between can only mark the range
 * invalid and then has to wait for DLOCK before zapping — which F never observes. IS1/IE1
 * (`mm_get_hmm`) are left out: M2 has no teardown, so the hmm never goes away (M1b and M4-2019
 * model them). IS5/IS7 hold MSEM for read around the callbacks; nobody takes it for write here (no
 * mirror (un)registration), so the blockable IS5 never waits — the steps are there for the
 * non-blockable path. L1 (`hmm->dead` → -EFAULT) is never taken without teardown and is folded into L2.
 *
 * Non-blockable invalidations (`nonblock`, and the variant nonblock-leaks-notifiers): thread Oom is
 * the OOM reaper (mm/oom_kill.c __oom_reap_task_mm → mmu_notifier_invalidate_range_start_nonblock):
 * mutex_trylock on HLOCK, down_read_trylock on MSEM, nouveau's sync_cpu_device_pagetables answering
 * -EAGAIN because the range is not blockable (nouveau_svm.c v5.3-rc), and no invalidate_range_end
 * after a failure (the reaper skips the VMA; the PTE is not changed). v5.2 returns -EAGAIN after
 * notifiers++ without undoing it (INV-NOTIFIERS; "mm/hmm: Fix error flows in
 * hmm_invalidate_range_start", v5.3, adds the unwind ISu). The OOM reaper's own preconditions (the
 * mm is exiting, the mmap_lock trylock) are not modelled: F still faults.
 */
import type { StepDef } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { kernelSource } from '../../../spec/citation';
import { noError } from '../../../spec/kernel/errors';
import { mutexFree, mutexInit, mutexSteps } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemSteps, rwsemType, rwsemUpRead } from '../../../spec/kernel/rwsem';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { baseAccess, baseFields, baseInit, INV, invIds, mmapOwned, noStale, writeFaultOnReadOnlyVma, type M2Consts } from './common';
import { rangeAccess, rangeFaultSteps, rangeFields, rangeInvalidateEnd, rangeInvalidateStart, type RangeFaultLocals } from './rangeValid';
import { M2_FIXED_UNWIND, M2_PTE_CHANGE, M2_SOURCES } from './sources';

/** Fields for threads `ids`, `k` blockable invalidations and `oom` non-blockable ones (which change no PTE). */
function legacyFields(ids: readonly string[], k: number, oom = 0) {
  /** `hmm->mirrors_sem` (MSEM): invalidations hold it for read around the mirrors' callbacks. */
  return { ...baseFields(ids, k), ...rangeFields(ids, k + oom), msem: rwsemType(ids) };
}
type State = Infer<RecordType<ReturnType<typeof legacyFields>>>;

/**
 * The mutant `mutant-fault-recursive-mmap-read`: after NV1's down_read(MMAP), the fault path takes
 * MMAP for read again (a helper that locks it itself, as get_user_pages_unlocked does) and drops
 * that hold at once. Alone it is harmless; with munmap's down_write queued between the two
 * acquisitions the second down_read waits behind the writer, which waits for F: a deadlock
 * (kernel/locking/rwsem.c rwsem_down_read_slowpath: no reader stealing from a reader-owned lock
 * with a waiting writer; spec/kernel/rwsem.ts with `readDepth: 2`).
 */
function recursiveReadSteps(): StepDef<State, unknown, string>[] {
  // the hold the mutation nests in: NV1's down_read(&svmm->mm->mmap_sem) and find_vma_intersection (see ./sources.ts)
  const fault = kernelSource('v5.3-rc1')('drivers/gpu/drm/nouveau/nouveau_svm.c', 'nouveau_svm_fault', 573, 574);
  // from `queue:` to the end of the wait loop: a non-empty wait list (the queued writer) skips the
  // early return, so the reader queues behind the writer and sleeps
  const slowpath = kernelSource('0f9368b5bf6db0c04afc5454b1be79022a681615')('kernel/locking/rwsem.c', 'rwsem_down_read_slowpath', 1035, 1101);
  return [
    { ...R.downRead('NVr1', (s) => s.mmap, { doc: 'mutation: a helper of the fault path takes down_read(MMAP) again while NV1 holds it (recursive read acquisition)' }), src: [fault, slowpath] },
    { ...R.upRead('NVr2', (s) => s.mmap, { doc: 'mutation: the helper\'s up_read(MMAP) (NV1\'s hold remains)' }), src: fault },
  ];
}

/** munmap (mm/mmap.c v5.2 vm_munmap: down_write_killable(&mm->mmap_sem) … up_write), only its lock: it queues as a writer. */
function munmapSteps(): StepDef<State, unknown, string>[] {
  return [
    R.downWrite('MU1', (s) => s.mmap, { doc: 'MU1 vm_munmap → __vm_munmap: down_write_killable(&mm->mmap_sem) (mm/mmap.c v5.2); a writer that waits blocks new readers' }),
    R.upWrite('MU2', (s) => s.mmap, { doc: 'MU2 the unmap (its own invalidations not modelled); up_write(&mm->mmap_sem)' }),
  ];
}

const M = mutexSteps<State>();

/** L3 over page versions: pfns[p] := cpuPte[p], or H5's -EBUSY. */
const walk = {
  doc: 'L3 walk the page table (lock-free): pfns[p] := cpuPte[p]; a write fault in a VMA without VM_WRITE calls handle_mm_fault(WRITE), which cannot make the PTE writable: -EBUSY (H5)',
  effect: (d: State, th: { local: RangeFaultLocals<number>; goto(l: string): void }) => {
    if (writeFaultOnReadOnlyVma(d)) return th.goto('L4');
    th.local.snap = d.cpuPte;
    th.goto('NV4'); // hmm_range_fault returns the page count; nouveau_range_fault returns 0
  },
};

const R = rwsemSteps<State>();
const msem = (s: State) => s.msem;

/** A blockable invalidation of page p: hmm_invalidate_range_start (mm/hmm.c v5.2), the PTE change, hmm_invalidate_range_end. */
function invSteps(): StepDef<State, unknown, string>[] {
  return [
    rangeInvalidateStart<State>(),
    R.downRead('IS5', msem, { doc: 'IS5 hmm_invalidate_range_start (mm/hmm.c v5.2): down_read(&hmm->mirrors_sem)' }),
    M.critical('IS6', (s) => s.dlock, (d) => void (d.devPte = null), {
      doc: 'IS6 list_for_each_entry(mirror, &hmm->mirrors): sync_cpu_device_pagetables (nouveau_svm.c v5.3-rc): ⟨DLOCK; zap the device PTE of p; unlock⟩',
    }),
    R.upRead('IS7', msem, { doc: 'IS7 up_read(&hmm->mirrors_sem); hmm_put(hmm)' }),
    { label: 'I3', doc: 'I3 the CPU PTE of p changes (a new page version; TLB flushed)', src: M2_PTE_CHANGE.legacy, effect: (d) => void d.cpuPte++ },
    rangeInvalidateEnd<State>(),
  ];
}

/**
 * The OOM reaper's non-blockable invalidation (mm/oom_kill.c __oom_reap_task_mm →
 * mmu_notifier_invalidate_range_start_nonblock): hmm_invalidate_range_start (mm/hmm.c v5.2) with
 * trylocks, nouveau's callback answering -EAGAIN in a non-blockable context, and no
 * invalidate_range_end after a failure (the reaper skips the VMA, the PTE is not changed). `leak`:
 * the v5.2 error paths return without undoing notifiers++; otherwise the unwind of Gunthorpe's fix
 * (ISu, notifiers_decrement).
 */
function oomSteps(leak: boolean): StepDef<State, unknown, string>[] {
  const out = leak ? 'done' : 'ISu';
  // the fixed form follows v5.3's unwind, not the v5.2 lines the sources table cites for IS5/IS6
  const unwindSrc = (label: keyof typeof M2_FIXED_UNWIND) => (leak ? {} : { src: M2_FIXED_UNWIND[label] });
  return [
    {
      label: 'IS2',
      doc: 'IS2–IS4 non-blockable: if (!mutex_trylock(&hmm->lock)) return -EAGAIN; ⟨notifiers++; overlapping ranges: valid := false; unlock⟩',
      holds: [(s: State) => s.hlock],
      effect: (d, th) => {
        if (!mutexFree(d.hlock)) return th.goto('done');
        d.notifiers++;
        if (d.range.onList) d.range.valid = false;
      },
    },
    {
      ...R.tryDownRead('IS5', msem, out, {
        doc: leak ? 'IS5 if (!down_read_trylock(&hmm->mirrors_sem)) { ret = -EAGAIN; goto out; } — out: hmm_put only' : 'IS5 if (!down_read_trylock(&hmm->mirrors_sem)) → -EAGAIN, unwind (ISu)',
      }),
      ...unwindSrc('IS5'),
    },
    {
      label: 'IS6',
      ...unwindSrc('IS6'),
      doc: leak
        ? 'IS6 nouveau_svmm_sync_cpu_device_pagetables: !blockable → -EAGAIN; hmm: up_read(&hmm->mirrors_sem); goto out (hmm_put, return -EAGAIN: notifiers stays incremented)'
        : 'IS6 nouveau_svmm_sync_cpu_device_pagetables: !blockable → -EAGAIN; hmm: up_read(&hmm->mirrors_sem), unwind (ISu)',
      effect: (d, th) => {
        rwsemUpRead(d, d.msem, th.id);
        th.goto(out);
      },
    },
    rangeInvalidateEnd<State>('ISu', 'ISu error unwind of the fix (notifiers_decrement): ⟨HLOCK; notifiers--; if 0: every range valid := true; wake_up_all; unlock⟩; return -EAGAIN'),
  ];
}

/** INV-NOTIFIERS: `hmm->notifiers` = the invalidations between IS3 and their end or unwind. */
const INV_BUSY = new Set(['IS5', 'IS6', 'IS7', 'I3', 'IE2']);
const OOM_BUSY = new Set(['IS5', 'IS6', 'ISu']);
function notifiersCounted(s: State & { Inv: { pc: string }[]; Oom: { pc: string }[] }): boolean {
  const busy = s.Inv.filter((v) => INV_BUSY.has(v.pc)).length + s.Oom.filter((v) => OOM_BUSY.has(v.pc)).length;
  return s.notifiers === busy;
}

/**
 * The legacy-era spec; `h4` keeps the mmap_lock handling as written, `leak` the v5.2 error paths
 * of the non-blockable invalidation (and turns thread Oom on; see the module header).
 */
export function buildLegacy(c: M2Consts, h4: boolean, leak = false, recursiveRead = false) {
  const k = c.invalidations;
  const inv = invIds(k);
  const oom = c.nonblock || leak ? ['Oom'] : [];
  const mu = recursiveRead ? ['Mu'] : [];
  const ids = ['F', ...inv, ...oom, ...mu];
  // the mutant's MMAP allows a nested read hold (as the kernel does); the other variants keep the plain type
  const fields = { ...legacyFields(ids, k, oom.length), ...(recursiveRead ? { mmap: rwsemType(ids, { readDepth: 2 }) } : {}) };
  const faultSteps = rangeFaultSteps<State, number>({ h4, timeouts: c.timeouts, walk, program: (d, snap) => void (d.devPte = snap), noSnap: 0 });
  const nv1 = faultSteps.findIndex((st) => st.label === 'NV1');
  if (recursiveRead) faultSteps.splice(nv1 + 1, 0, ...(recursiveReadSteps() as typeof faultSteps));
  const b = spec(fields)
    .access({ ...baseAccess, ...rangeAccess })
    .init((ctx) => ({
      ...baseInit(ctx, c),
      hlock: mutexInit(),
      notifiers: 0,
      range: { onList: false, valid: false },
      msem: rwsemInit(),
      ...(recursiveRead ? { mmap: rwsemInit(ids) } : {}),
    }))
    .sources(M2_SOURCES)
    .thread('F', {
      instances: ['F'],
      locals: { snap: t.int(0, k), ret: t.enum('none', 'EBUSY', 'EAGAIN') },
      initLocals: (): RangeFaultLocals<number> => ({ snap: 0, ret: 'none' }),
      steps: faultSteps,
    })
    // The invalidations are identical and never told apart (--symmetry permutes them).
    .thread('Inv', { instances: inv, symmetric: true, steps: invSteps() })
    .thread('Oom', { instances: oom, steps: oomSteps(leak) });
  // munmap only in the recursive-read mutant (a thread kind, even empty, is a state variable)
  return (recursiveRead ? b.thread('Mu', { instances: mu, steps: munmapSteps() }) : b)
    .invariant(INV.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(INV.NOTIFIERS, notifiersCounted, 'hmm->notifiers counts exactly the invalidations between their start and their end or error unwind')
    .invariant(INV.NOSTALE, noStale, 'devPte[p] ∈ {none, cpuPte[p]} (H3)')
    .invariant(INV.NOERR, noError)
    // Every thread eventually finishes (the fault returns, every invalidation ends), under weak
    // fairness per thread; H5's walk loops HF1 ⇄ HF2 and violates it.
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
