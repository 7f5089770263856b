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
 * (`mm_get_hmm`) and IS5/IS7 (MSEM for read) are left out: M2 has no teardown and no mirror
 * (un)registration, so they never block and change nothing another thread reads. L1 (`hmm->dead`
 * → -EFAULT) is never taken without teardown and is folded into L2.
 */
import type { StepDef } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { noError } from '../../../spec/kernel/errors';
import { mutexInit, mutexSteps } from '../../../spec/kernel/mutex';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { baseFields, baseInit, INV, invIds, mmapOwned, noStale, writeFaultOnReadOnlyVma, type M2Consts } from './common';
import { rangeFaultSteps, rangeFields, rangeInvalidateEnd, rangeInvalidateStart, type RangeFaultLocals } from './rangeValid';

function legacyFields(ids: readonly string[], k: number) {
  return { ...baseFields(ids, k), ...rangeFields(ids, k) };
}
type State = Infer<RecordType<ReturnType<typeof legacyFields>>>;

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

/** An invalidation of page p: hmm_invalidate_range_start, the PTE change, hmm_invalidate_range_end. */
function invSteps(): StepDef<State, unknown, string>[] {
  return [
    rangeInvalidateStart<State>(),
    M.critical('IS6', (s) => s.dlock, (d) => void (d.devPte = null), {
      doc: 'IS6 sync_cpu_device_pagetables (nouveau): ⟨DLOCK; zap the device PTE of p; unlock⟩',
    }),
    { label: 'I3', doc: 'I3 the CPU PTE of p changes (a new page version; TLB flushed)', effect: (d) => void d.cpuPte++ },
    rangeInvalidateEnd<State>(),
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
      ...baseInit(ctx, c),
      hlock: mutexInit(),
      notifiers: 0,
      range: { onList: false, valid: false },
    }))
    .thread('F', {
      instances: ['F'],
      locals: { snap: t.int(0, k), ret: t.enum('none', 'EBUSY', 'EAGAIN') },
      initLocals: (): RangeFaultLocals<number> => ({ snap: 0, ret: 'none' }),
      steps: rangeFaultSteps<State, number>({ h4, timeouts: c.timeouts, walk, program: (d, snap) => void (d.devPte = snap), noSnap: 0 }),
    })
    // The invalidations are identical and never told apart (--symmetry permutes them).
    .thread('Inv', { instances: inv, symmetric: true, steps: invSteps() })
    .invariant(INV.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(INV.NOSTALE, noStale, 'devPte[p] ∈ {none, cpuPte[p]} (H3)')
    .invariant(INV.NOERR, noError)
    // Every thread eventually finishes (the fault returns, every invalidation ends), under weak
    // fairness per thread; H5's walk loops HF1 ⇄ HF2 and violates it.
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
