/**
 * hmm/m2-device-fault, sequence era (hmm-domain.md §1.7–1.8): the mmu_interval_notifier sequence
 * protocol (I1–I4, RD1–RD2, IN2, Y1–Y3; `mm/mmu_notifier.c` v5.8–v5.17) under the test_hmm /
 * nouveau driver fault loop (F1–F9) and the current `hmm_range_fault` (HF1–HF2).
 *
 * Subscriptions of page p, in interval-tree order: sF (the faulting mirror's, test_hmm's
 * `dmirror->notifier`; its callback takes DLOCK, sets the seq and zaps the device PTE) and sR
 * (another mirror's, which Rm removes and then frees; its callback is one step that sets the seq:
 * that mirror's lock and device page table are not modelled). sF is never removed (the driver
 * removes it at close, after its faults). With `insert`, F first inserts sF (IN2): the driver's
 * open, concurrent with the invalidations; IN1 is not needed because sR's registration already
 * set up the mm's interval tree.
 *
 * The threads are the protocol's, shared with M4-now (./interval.ts, which also explains the step
 * granularity); this module gives them M2's page — a CPU PTE that is a page version, bumped by each
 * invalidation's I3 — and H5's walk. F0/F10 (`mmget_not_zero`/`mmput`) are left out (no teardown
 * in M2).
 *
 * With `subscriber` (off by default: ×8.7 states), a classic mmu_notifier subscriber sits beside
 * the interval tree, modelled on amdgpu_mn.c (v4.19–v5.4): every invalidation takes its rwsem for
 * read after the interval callbacks (Gs1, `amdgpu_mn_read_lock`) and zaps its GPU mapping (Gs2),
 * and releases it after mn_itree_inv_end (Ge); its command submission Cs maps the page under the
 * write side (C1–C4). So two subscribers' locks, overlapping invalidations (k ≥ 2 readers at once,
 * a waiting writer blocking new readers) and their order in __mmu_notifier_invalidate_range_start/
 * _end are expressible; amdgpu's recursion counter (a thread nesting invalidations) is not modelled.
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { rwsemInit, rwsemSteps, rwsemType } from '../../../spec/kernel/rwsem';
import { andThen } from '../../../spec/kernel/steps';
import { noError } from '../../../spec/kernel/errors';
import { mutexInit } from '../../../spec/kernel/mutex';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { baseAccess, baseFields, baseInit, INV, invIds, mmapOwned, noStale, writeFaultOnReadOnlyVma, type M2Consts } from './common';
import { faultLoopSteps, intervalAccess, intervalFields, invalidationSteps, removeSteps, subFree, type FaultLocals, type InvLocals, type RemoveLocals } from './interval';
import { M2_PTE_CHANGE, M2_SOURCES } from './sources';

/** Subscriptions of page p, in interval-tree order. */
const SUBS = ['F', 'R'] as const;

function seqFields(ids: readonly string[], k: number) {
  return {
    ...baseFields(ids, k),
    ...intervalFields(ids, k, SUBS),
    /** The classic subscriber (`subscriber`): its rwsem (amdgpu `amn->lock`) and its GPU mapping of p (a page version or none). */
    gpu: t.record({ lock: rwsemType(ids), pte: t.optional(t.int(0, k)) }),
  };
}
type State = Infer<RecordType<ReturnType<typeof seqFields>>>;

/** F's page walk HF2 over page versions: H5's loop, or -EPERM (c18ce674d548). */
function walk(h5: boolean) {
  return {
    doc: h5
      ? 'HF2 walk (lock-free): pfns[p] := cpuPte[p]; a write fault in a VMA without VM_WRITE calls handle_mm_fault(WRITE), which cannot make the PTE writable: -EBUSY, loop (H5)'
      : 'HF2 walk (lock-free): pfns[p] := cpuPte[p]; a write fault in a VMA without VM_WRITE returns -EPERM (c18ce674d548)',
    effect: (d: State, th: { local: FaultLocals<number>; goto(l: string): void }) => {
      if (writeFaultOnReadOnlyVma(d)) {
        if (h5) return th.goto('HF1');
        th.local.ret = 'EPERM';
        return;
      }
      th.local.snap = d.cpuPte;
      th.local.ret = 'ok';
    },
  };
}

const R = rwsemSteps<State>();
const gpuLock = (s: State) => s.gpu.lock;

/**
 * The classic subscriber's callbacks inside an invalidation (amdgpu_mn.c v4.19–v5.4:
 * amdgpu_mn_invalidate_range_start_gfx → amdgpu_mn_read_lock, amdgpu_mn_invalidate_node;
 * amdgpu_mn_invalidate_range_end → amdgpu_mn_read_unlock): the read side of its rwsem is held
 * from _start to _end, so its command submission (Cs, the write side) never overlaps a CPU PTE change.
 */
const subscriberCallbacks = {
  start: [
    R.downRead('Gs1', gpuLock, { doc: 'Gs1 invalidate_range_start of the classic subscriber: down_read(&amn->lock) (held until _end)' }),
    { label: 'Gs2', doc: "Gs2 amdgpu_mn_invalidate_node: the BO's userptr pages are invalidated (its GPU mapping of p dropped)", effect: (d: State) => void (d.gpu.pte = null) },
  ],
  end: [R.upRead('Ge', gpuLock, { doc: 'Ge invalidate_range_end of the classic subscriber: up_read(&amn->lock)' })],
};

/** Cs: the classic subscriber's command submission (amdgpu_cs_submit with amdgpu_mn_lock): map p under the write side. */
function submitSteps(): StepDef<State, { snap: number }, string>[] {
  return [
    R.downWrite('C1', gpuLock, { doc: 'C1 amdgpu_mn_lock: down_write(&amn->lock) — waits for every invalidation between _start and _end' }),
    {
      label: 'C2',
      doc: 'C2 the userptr pages are looked up (get_user_pages; the walk reads the CPU PTE of p, stable while no invalidation is in flight)',
      effect: (d, th) => void (th.local.snap = d.cpuPte),
    },
    { label: 'C3', doc: 'C3 the job maps the pages: the GPU mapping of p := what C2 found', effect: (d, th) => void (d.gpu.pte = th.local.snap) },
    andThen(R.upWrite('C4', gpuLock, { doc: 'C4 amdgpu_mn_unlock: up_write(&amn->lock)' }), (_d, th: ThreadCtx<{ snap: number }, string>) => void (th.local.snap = 0)),
  ];
}

/** INV-NOSTALE over both device mappings: the mirror's and (with `subscriber`) the classic subscriber's. */
function noStaleAny(s: State): boolean {
  return noStale(s) && (s.gpu.pte === null || s.gpu.pte === s.cpuPte);
}

/** The sequence-era spec; `h5` and `h11` select the historical forms of HF2 and Y2. */
export function buildSequence(c: M2Consts, opts: { h5: boolean; h11: boolean }) {
  const k = c.invalidations;
  const maxSeq = 2 + 2 * k;
  const inv = invIds(k);
  const rm = c.remove ? ['Rm'] : [];
  const cs = c.subscriber ? ['Cs'] : [];
  const ids = ['F', ...inv, ...rm, ...cs];
  const fields = seqFields(ids, k);
  return spec(fields)
    // The classic subscriber's GPU mapping: written by its callback (under its own per-BO lock,
    // collapsed) and by Cs under the write side; one access per step.
    .access({ ...baseAccess, ...intervalAccess, 'gpu.pte': 'lockless' })
    .init((ctx) => ({
      ...baseInit(ctx, c),
      subs: { lock: mutexInit(), seq: 2, active: 0 },
      sub: {
        F: { seq: 1, inTree: !c.insert, deferred: false, freed: false },
        R: { seq: 1, inTree: true, deferred: false, freed: false },
      },
      gpu: { lock: rwsemInit(), pte: null },
    }))
    .sources(M2_SOURCES)
    .thread('F', {
      instances: ['F'],
      locals: { r: t.int(0, maxSeq), snap: t.int(0, k), ret: t.enum('ok', 'EBUSY', 'EPERM') },
      initLocals: (): FaultLocals<number> => ({ r: 0, snap: 0, ret: 'ok' }),
      steps: faultLoopSteps<State, number>({
        sub: 'F',
        insert: c.insert,
        timeouts: c.timeouts,
        walk: walk(opts.h5),
        program: (d, snap) => void (d.devPte = snap),
        noSnap: 0,
      }),
    })
    .thread('Inv', {
      instances: inv,
      // Identical invalidations, never told apart: --symmetry permutes them.
      symmetric: true,
      locals: { cur: t.int(0, maxSeq) },
      initLocals: (): InvLocals => ({ cur: 0 }),
      steps: invalidationSteps<State>({
        dlockSub: 'F',
        plainSub: 'R',
        zap: (d) => void (d.devPte = null),
        pteChange: { doc: 'I3 the CPU PTE of p changes (a new page version; TLB flushed), after every callback', src: M2_PTE_CHANGE.sequence, effect: (d) => void d.cpuPte++ },
        ...(c.subscriber ? { hlist: subscriberCallbacks } : {}),
      }),
    })
    .thread('Cs', { instances: cs, locals: { snap: t.int(0, k) }, initLocals: () => ({ snap: 0 }), steps: submitSteps() })
    .thread('Rm', {
      instances: rm,
      locals: { w: t.int(0, maxSeq) },
      initLocals: (): RemoveLocals => ({ w: 0 }),
      steps: removeSteps<State>({ sub: 'R', lockless: opts.h11 }),
    })
    .invariant(INV.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(INV.SUBFREE, subFree(SUBS), 'a freed subscription is in neither the tree nor the deferred list, and is never touched (H11)')
    .invariant(INV.NOSTALE, noStaleAny, "devPte[p] ∈ {none, cpuPte[p]} (H3), and so is the classic subscriber's GPU mapping")
    .invariant(INV.NOERR, noError)
    // Every thread eventually finishes (the fault returns, every invalidation ends), under weak
    // fairness per thread; H5's walk loops HF1 ⇄ HF2 and violates it.
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
