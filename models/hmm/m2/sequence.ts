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
 */
import { spec } from '../../../spec/builder';
import { noError } from '../../../spec/kernel/errors';
import { mutexInit } from '../../../spec/kernel/mutex';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { baseFields, baseInit, INV, invIds, mmapOwned, noStale, writeFaultOnReadOnlyVma, type M2Consts } from './common';
import { faultLoopSteps, intervalFields, invalidationSteps, removeSteps, subFree, type FaultLocals, type InvLocals, type RemoveLocals } from './interval';

/** Subscriptions of page p, in interval-tree order. */
const SUBS = ['F', 'R'] as const;

function seqFields(ids: readonly string[], k: number) {
  return { ...baseFields(ids, k), ...intervalFields(ids, k, SUBS) };
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

/** The sequence-era spec; `h5` and `h11` select the historical forms of HF2 and Y2. */
export function buildSequence(c: M2Consts, opts: { h5: boolean; h11: boolean }) {
  const k = c.invalidations;
  const maxSeq = 2 + 2 * k;
  const inv = invIds(k);
  const rm = c.remove ? ['Rm'] : [];
  const ids = ['F', ...inv, ...rm];
  const fields = seqFields(ids, k);
  return spec(fields)
    .init((ctx) => ({
      ...baseInit(ctx, c),
      subs: { lock: mutexInit(), seq: 2, active: 0 },
      sub: {
        F: { seq: 1, inTree: !c.insert, deferred: false, freed: false },
        R: { seq: 1, inTree: true, deferred: false, freed: false },
      },
    }))
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
        pteChange: { doc: 'I3 the CPU PTE of p changes (a new page version; TLB flushed), after every callback', effect: (d) => void d.cpuPte++ },
      }),
    })
    .thread('Rm', {
      instances: rm,
      locals: { w: t.int(0, maxSeq) },
      initLocals: (): RemoveLocals => ({ w: 0 }),
      steps: removeSteps<State>({ sub: 'R', lockless: opts.h11 }),
    })
    .invariant(INV.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(INV.SUBFREE, subFree(SUBS), 'a freed subscription is in neither the tree nor the deferred list, and is never touched (H11)')
    .invariant(INV.NOSTALE, noStale, 'devPte[p] ∈ {none, cpuPte[p]} (H3)')
    .invariant(INV.NOERR, noError)
    // Every thread eventually finishes (the fault returns, every invalidation ends), under weak
    // fairness per thread; H5's walk loops HF1 ⇄ HF2 and violates it.
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
