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
 * Step granularity (§4). `subs.seq` has lock-free readers (RD2, Y2 as written), so I4 is split
 * as the doc's Appendix A.2: I4a ⟨SUBS; active--⟩, I4b ⟨seq++⟩, I4c ⟨apply the deferred list⟩,
 * I4d ⟨unlock; wake_up_all⟩ (a wait is a guard re-evaluated in every state, so the wake-up is
 * implicit). When I4a is not the last end it unlocks at once (active is read only under SUBS).
 * The walk to the next subscription after a callback (`mn_itree_inv_next`, lock-free) is part of
 * the callback's last step: the tree does not change while `seq` is odd. Blockable invalidations
 * only (the trylock / -EAGAIN path of non-blockable ranges is not modelled); F0/F10
 * (`mmget_not_zero`/`mmput`) are left out (no teardown in M2).
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { forbid, kfree, noError, touch } from '../../../spec/kernel/errors';
import { mutexFree, mutexInit, mutexSteps, mutexType, mutexUnlock } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemSteps } from '../../../spec/kernel/rwsem';
import { andThen } from '../../../spec/kernel/steps';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { accessChoices, baseFields, INV, invIds, mmapOwned, mmapUpReadStep, noStale, writeFaultOnReadOnlyVma, type M2Consts } from './common';

/** Subscriptions of page p, in interval-tree order. */
const SUBS = ['F', 'R'] as const;

function seqFields(ids: readonly string[], k: number) {
  const maxSeq = 2 + 2 * k;
  return {
    ...baseFields(ids, k),
    /**
     * The mm's `notifier_subscriptions`: SUBS, `invalidate_seq` (starts at 2; odd while an
     * overlapping invalidation runs; it becomes even once per last end, so ≤ 2 + 2k) and
     * `active_invalidate_ranges`.
     */
    subs: t.record({ lock: mutexType(ids), seq: t.int(2, maxSeq), active: t.int(0, k) }),
    /** Per subscription: its `invalidate_seq` (odd), in the tree, on the deferred list, freed. */
    sub: t.map(SUBS, t.record({ seq: t.int(1, maxSeq), inTree: t.bool(), deferred: t.bool(), freed: t.bool() })),
  };
}
type State = Infer<RecordType<ReturnType<typeof seqFields>>>;

interface FLocals {
  /** The seq mmu_interval_read_begin returned. */
  r: number;
  /** The pfn HF2 recorded for p (a page version). */
  snap: number;
  /** hmm_range_fault's result. */
  ret: 'ok' | 'EBUSY' | 'EPERM';
}
interface InvLocals {
  /** The seq I1 handed to the callbacks. */
  cur: number;
}
interface RmLocals {
  /** The seq Y2 waits to see change (0: Y1 did not defer). */
  w: number;
}
type Step<L> = StepDef<State, L, string>;

const M = mutexSteps<State>();
const R = rwsemSteps<State>();
const odd = (n: number) => n % 2 === 1;

/** The label of the callback of the first subscription in the tree at or after index `from`, or I3. */
function nextCallback(s: State, from: number): 'I2a' | 'I2' | 'I3' {
  for (let i = from; i < SUBS.length; i++) if (s.sub[SUBS[i]!].inTree) return SUBS[i] === 'F' ? 'I2a' : 'I2';
  return 'I3';
}

/** Forgets F's dead locals when it retries or finishes (they are rewritten before their next use). */
function resetF(th: ThreadCtx<FLocals, string>): void {
  th.local.r = 0;
  th.local.snap = 0;
  th.local.ret = 'ok';
}

/** F: (IN2), then the driver fault loop of §1.8 around hmm_range_fault. */
function faultSteps(c: M2Consts, h5: boolean): Step<FLocals>[] {
  const retry = c.timeouts ? 'F1' : 'RD1';
  const insert: Step<FLocals>[] = [
    M.critical('IN2', (s) => s.subs.lock, (d) => {
      const s = d.sub.F;
      if (d.subs.active > 0) {
        if (odd(d.subs.seq)) s.deferred = true;
        else {
          d.subs.seq |= 1;
          s.inTree = true;
        }
        s.seq = d.subs.seq;
      } else {
        s.seq = d.subs.seq - 1;
        s.inTree = true;
      }
    }, {
      doc: 'IN2 mmu_interval_notifier_insert(sF): ⟨SUBS; if active: (seq odd ? defer the insert : seq |= 1, insert), sF.seq := seq (collides); else sF.seq := seq − 1, insert; unlock⟩',
    }),
  ];
  const loop: Step<FLocals>[] = [
    M.critical('RD1', (s) => s.subs.lock, (d, th: ThreadCtx<FLocals, string>) => {
      th.local.r = d.sub.F.seq;
      if (th.local.r !== d.subs.seq) th.goto('F3');
    }, { doc: 'F2 mmu_interval_read_begin: RD1 ⟨SUBS; r := sF.seq; invalidating := (r == subs.seq); unlock⟩' }),
    {
      label: 'RD2',
      doc: 'RD2 wait_event(READ_ONCE(subs.seq) != r) (lock-free)',
      guard: (s, th) => s.subs.seq !== th.local.r,
    },
    R.downRead('F3', (s) => s.mmap, { doc: 'F3 down_read(MMAP)' }),
    {
      label: 'HF1',
      doc: 'F4 hmm_range_fault: HF1 if mmu_interval_check_retry(sF, r) (lock-free sF.seq != r) return -EBUSY',
      effect: (d, th) => {
        if (d.sub.F.seq === th.local.r) return;
        th.local.ret = 'EBUSY';
        th.goto('F5');
      },
    },
    {
      label: 'HF2',
      doc: h5
        ? 'HF2 walk (lock-free): pfns[p] := cpuPte[p]; a write fault in a VMA without VM_WRITE calls handle_mm_fault(WRITE), which cannot make the PTE writable: -EBUSY, loop (H5)'
        : 'HF2 walk (lock-free): pfns[p] := cpuPte[p]; a write fault in a VMA without VM_WRITE returns -EPERM (c18ce674d548)',
      effect: (d, th) => {
        if (writeFaultOnReadOnlyVma(d)) {
          if (h5) return th.goto('HF1');
          th.local.ret = 'EPERM';
          return;
        }
        th.local.snap = d.cpuPte;
        th.local.ret = 'ok';
      },
    },
    mmapUpReadStep<State, FLocals>('F5', 'F5 up_read(MMAP); -EBUSY → retry (F1); -EPERM → return the error', (_d, th) => {
      if (th.local.ret === 'EBUSY') {
        resetF(th);
        th.goto(retry);
      } else if (th.local.ret === 'EPERM') {
        resetF(th);
        th.goto('done');
      }
    }),
    M.lock('F6', (s) => s.dlock, { doc: 'F6 mutex_lock(DLOCK)' }),
    {
      label: 'F7',
      doc: 'F7 if mmu_interval_read_retry(sF, r) (sF.seq != r, under DLOCK): unlock DLOCK, retry (F1)',
      effect: (d, th) => {
        if (d.sub.F.seq === th.local.r) return;
        mutexUnlock(d, d.dlock, th.id);
        resetF(th);
        th.goto(retry);
      },
    },
    { label: 'F8', doc: 'F8 program the device PTE of p from pfns[]', effect: (d, th) => void (d.devPte = th.local.snap) },
    andThen(M.unlock('F9', (s) => s.dlock, { doc: 'F9 mutex_unlock(DLOCK); the fault is done' }), (_d, th: ThreadCtx<FLocals, string>) => {
      resetF(th);
      th.goto('done');
    }),
  ];
  const timeout: Step<FLocals>[] = [
    {
      label: 'F1',
      doc: 'F1 loop head on a retry: the timeout may have expired → return -EBUSY',
      effect: (_d, th) => th.goto(th.choose([false, true]) ? 'done' : 'RD1'),
    },
  ];
  return [...(c.insert ? insert : []), ...loop, ...(c.timeouts ? timeout : [])];
}

/** An invalidation of page p (§1.7 I1–I4) with the test_hmm callback on sF. */
function invSteps(): Step<InvLocals>[] {
  return [
    M.critical('I1', (s) => s.subs.lock, (d, th: ThreadCtx<InvLocals, string>) => {
      d.subs.active++;
      const first = nextCallback(d, 0);
      if (first !== 'I3') d.subs.seq |= 1;
      th.local.cur = d.subs.seq;
      th.goto(first);
    }, { doc: 'I1 mn_itree_inv_start_range: ⟨SUBS; active++; if a subscription overlaps: seq |= 1; cur := seq; unlock⟩' }),
    M.lock('I2a', (s) => s.dlock, { doc: 'I2a dmirror_interval_invalidate(sF): mutex_lock(DLOCK)' }),
    {
      label: 'I2b',
      doc: 'I2b mmu_interval_set_seq(sF, cur); zap the device PTE of p',
      effect: (d, th) => {
        d.sub.F.seq = th.local.cur;
        d.devPte = null;
      },
    },
    andThen(M.unlock('I2c', (s) => s.dlock, { doc: 'I2c mutex_unlock(DLOCK); on to the next subscription in the tree' }), (d, th: ThreadCtx<InvLocals, string>) => {
      th.goto(nextCallback(d, 1));
    }),
    {
      label: 'I2',
      doc: "I2 the other mirror's callback on sR: mmu_interval_set_seq(sR, cur)",
      effect: (d, th) => {
        if (touch(d, d.sub.R, 'UAF_SUB')) d.sub.R.seq = th.local.cur;
      },
    },
    {
      label: 'I3',
      doc: 'I3 the CPU PTE of p changes (a new page version; TLB flushed), after every callback',
      effect: (d, th) => {
        d.cpuPte++;
        th.local.cur = 0;
      },
    },
    andThen(M.lock('I4a', (s) => s.subs.lock, { doc: 'I4a mn_itree_inv_end: ⟨SUBS; active--; if active > 0 or seq even: unlock, return⟩' }), (d, th: ThreadCtx<InvLocals, string>) => {
      d.subs.active--;
      if (d.subs.active > 0 || !odd(d.subs.seq)) {
        mutexUnlock(d, d.subs.lock, th.id);
        th.goto('done');
      }
    }),
    { label: 'I4b', doc: 'I4b seq++ (now even), SUBS still held', effect: (d) => void d.subs.seq++ },
    {
      label: 'I4c',
      doc: 'I4c apply the deferred list: interval_tree_insert/remove(s) touches s; hlist_del',
      effect: (d) => {
        for (const id of SUBS) {
          const s = d.sub[id];
          if (!s.deferred) continue;
          if (touch(d, s, 'UAF_SUB')) s.inTree = !s.inTree;
          s.deferred = false;
        }
      },
    },
    M.unlock('I4d', (s) => s.subs.lock, { doc: 'I4d spin_unlock(SUBS); wake_up_all(&subs.wq)' }),
  ];
}

/** Rm: mmu_interval_notifier_remove(sR) (Y1–Y3), then the caller frees sR. */
function removeSteps(h11: boolean): Step<RmLocals>[] {
  return [
    M.critical('Y1', (s) => s.subs.lock, (d, th: ThreadCtx<RmLocals, string>) => {
      const s = d.sub.R;
      if (!touch(d, s, 'UAF_SUB')) return;
      if (!odd(d.subs.seq)) {
        s.inTree = false;
        return th.goto('Y3');
      }
      if (!s.inTree) {
        // Removed after a deferred insert that is still pending (not reachable for sR, which
        // starts in the tree; kept as the code has it).
        s.deferred = false;
        return th.goto('Y3');
      }
      s.deferred = true;
      th.local.w = d.subs.seq;
    }, { doc: 'Y1 ⟨SUBS; if seq odd: defer the removal, w := seq; else interval_tree_remove now; unlock⟩' }),
    {
      label: 'Y2',
      doc: h11
        ? 'Y2 wait_event(READ_ONCE(subs.seq) != w): a lock-free read (H11)'
        : 'Y2 wait_event(mmu_interval_seq_released(subs, w)): seq != w read under SUBS (319561669a59)',
      guard: (s, th) => s.subs.seq !== th.local.w && (h11 || mutexFree(s.subs.lock)),
      effect: (_d, th) => void (th.local.w = 0),
    },
    {
      label: 'Y3',
      doc: 'Y3 mmdrop(mm); return; the caller frees sR',
      effect: (d) => kfree(d, d.sub.R, 'UAF_SUB'),
    },
  ];
}

/** INV-SUBFREE: no freed subscription was touched, and none is in the tree or on the deferred list. */
function subFree(s: State): boolean {
  return forbid('UAF_SUB')(s) && SUBS.every((id) => !s.sub[id].freed || (!s.sub[id].inTree && !s.sub[id].deferred));
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
      err: null,
      cpuPte: 0,
      devPte: null,
      ...ctx.choose(accessChoices(c.access)),
      dlock: mutexInit(),
      mmap: rwsemInit(),
      subs: { lock: mutexInit(), seq: 2, active: 0 },
      sub: {
        F: { seq: 1, inTree: !c.insert, deferred: false, freed: false },
        R: { seq: 1, inTree: true, deferred: false, freed: false },
      },
    }))
    .thread('F', {
      instances: ['F'],
      locals: { r: t.int(0, maxSeq), snap: t.int(0, k), ret: t.enum('ok', 'EBUSY', 'EPERM') },
      initLocals: (): FLocals => ({ r: 0, snap: 0, ret: 'ok' }),
      steps: faultSteps(c, opts.h5),
    })
    .thread('Inv', {
      instances: inv,
      locals: { cur: t.int(0, maxSeq) },
      initLocals: (): InvLocals => ({ cur: 0 }),
      steps: invSteps(),
    })
    .thread('Rm', {
      instances: rm,
      locals: { w: t.int(0, maxSeq) },
      initLocals: (): RmLocals => ({ w: 0 }),
      steps: removeSteps(opts.h11),
    })
    .invariant(INV.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(INV.SUBFREE, subFree, 'a freed subscription is in neither the tree nor the deferred list, and is never touched (H11)')
    .invariant(INV.NOSTALE, noStale, 'devPte[p] ∈ {none, cpuPte[p]} (H3)')
    .invariant(INV.NOERR, noError)
    // Every thread eventually finishes (the fault returns, every invalidation ends), under weak
    // fairness per thread; H5's walk loops HF1 ⇄ HF2 and violates it.
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
