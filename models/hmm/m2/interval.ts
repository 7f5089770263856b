/**
 * The mmu_interval_notifier protocol as threads (hmm-domain.md §1.7–1.8; `mm/mmu_notifier.c`
 * v5.8–v5.17, `lib/test_hmm.c` v5.8, `mm/hmm.c` v5.14–v6.4), written once and generic over the
 * model state, so that M2 (sequence era, ./sequence.ts) and M4-now (../m4/now.ts) run the same
 * steps: the driver fault loop F (IN2, RD1–RD2, F3, HF1–HF2, F5–F9), an invalidation I1–I4, the
 * removal Y1–Y3 and INV-SUBFREE. M4-now wraps its own page-table changes in the same I1–I4
 * (../m4/notified.ts), so every invalidation there runs at step granularity too.
 *
 * What differs between the models is the page: M2's CPU PTE is a version number, M4's is a real
 * PTE over named pages. That part is a hook (`walk`, `program`, `zap`, `pteChange`); everything
 * about `subs`, the subscriptions, DLOCK and MMAP is here.
 *
 * Mutants (not kernel bugs, ../mutants.ts; `INTERVAL_MUTANTS`), run by M4-now: a fault loop whose
 * F7 does not call mmu_interval_read_retry, one whose F7 retry path up_reads MMAP again, and a
 * release invalidation whose tree walk skips the first subscription.
 *
 * Step granularity (§4). `subs.seq` has lock-free readers (RD2, Y2 as written), so I4 is split as
 * the doc's Appendix A.2: I4a ⟨SUBS; active--⟩, I4b ⟨seq++⟩, I4c ⟨apply the deferred list⟩,
 * I4d ⟨unlock; wake_up_all⟩ (a wait is a guard re-evaluated in every state, so the wake-up is
 * implicit). When I4a is not the last end it unlocks at once (active is read only under SUBS).
 * The walk to the next subscription after a callback (`mn_itree_inv_next`, lock-free) is part of
 * the callback's last step: the tree does not change while `seq` is odd. Blockable invalidations
 * only (the trylock / -EAGAIN path of non-blockable ranges is not modelled).
 */
import type { AccessDecls } from '../../../spec/access';
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import type { StepSource } from '../../../spec/citation';
import { forbid, kfree, touch, type ErrState, type Freeable } from '../../../spec/kernel/errors';
import { mutexFree, mutexSteps, mutexType, mutexUnlock, type Mutex } from '../../../spec/kernel/mutex';
import { rwsemSteps, type Rwsem } from '../../../spec/kernel/rwsem';
import { andThen } from '../../../spec/kernel/steps';
import { t } from '../../../spec/types';
import { MMN_V58 } from '../m1/sources';
import { mmapUpRead, mmapUpReadStep, type FaultPageHooks, type FaultRecord, type MmapState } from './common';

/** One interval notifier subscription: its `invalidate_seq` (odd), in the tree, on the deferred list, freed. */
export interface Subscription extends Freeable {
  seq: number;
  inTree: boolean;
  deferred: boolean;
}

/** The part of a model state the protocol's steps use. */
export interface IntervalState extends ErrState {
  /** The driver's lock (test_hmm `dmirror->mutex`, nouveau `svmm->mutex`). */
  dlock: Mutex;
  /** `mm->mmap_lock`. */
  mmap: Rwsem;
  /** The mm's `notifier_subscriptions`: SUBS, `invalidate_seq`, `active_invalidate_ranges`. */
  subs: { lock: Mutex; seq: number; active: number };
  /** The subscriptions of the page (keys: their names, `F` = the faulting driver's sF). */
  sub: Record<string, Subscription>;
}

/**
 * Schema fields of `subs` and the subscriptions `subIds` for threads `ids`, with `k` invalidations
 * that may overlap; `seq` starts at 2 and becomes even once per last end, so ≤ 2 + 2k when each
 * invalidation runs once (`maxSeq` otherwise).
 */
export function intervalFields<const S extends string>(ids: readonly string[], k: number, subIds: readonly S[], maxSeq = 2 + 2 * k) {
  return {
    subs: t.record({ lock: mutexType(ids), seq: t.int(2, maxSeq), active: t.int(0, k) }),
    sub: t.map(subIds, t.record({ seq: t.int(1, maxSeq), inTree: t.bool(), deferred: t.bool(), freed: t.bool() })),
  };
}

/**
 * The access discipline of `intervalFields` (spec/access.ts): `invalidate_seq` is written under
 * SUBS and read lock-free (RD2; Y2 as written before 319561669a59); `active_invalidate_ranges` and
 * the deferred list are used under SUBS only; the interval tree is changed under SUBS and walked
 * lock-free by an invalidation between its callbacks (mn_itree_inv_next); a subscription's
 * `invalidate_seq` is written with WRITE_ONCE by mmu_interval_set_seq (under the driver's lock)
 * and read with READ_ONCE by mmu_interval_check_retry, so it counts as lock-free everywhere.
 */
export const intervalAccess: AccessDecls = {
  'subs.seq': { guardedBy: 'subs.lock', lockfreeReads: true },
  'subs.active': { guardedBy: 'subs.lock' },
  'sub[*].inTree': { guardedBy: 'subs.lock', lockfreeReads: true },
  'sub[*].deferred': { guardedBy: 'subs.lock' },
  'sub[*].seq': 'lockless',
};

const odd = (n: number) => n % 2 === 1;

/** The protocol's mutants (see the module header). */
export const INTERVAL_MUTANTS = ['mutant-fault-skips-read-retry', 'mutant-retry-unlocks-mmap-twice', 'mutant-release-walk-skips-first'] as const;
export type IntervalMutant = (typeof INTERVAL_MUTANTS)[number];

// ---- F: the driver fault loop (§1.8) ----------------------------------------------------------

/**
 * Locals of the fault thread: the seq mmu_interval_read_begin returned (`r`), the pfn HF2 recorded
 * (`V`: M2 a page version, M4 a page) and hmm_range_fault's result.
 */
export type FaultLocals<V> = FaultRecord<V, 'ok' | 'EBUSY' | 'EPERM'> & { r: number };
type FCtx<V> = ThreadCtx<FaultLocals<V>, string>;

/** `sub`: the faulting driver's subscription; `insert`: F first inserts it (IN2, the driver's open); `timeouts`: the loop head F1 may time out on a retry. */
export type FaultOpts<G, V> = FaultPageHooks<G, FCtx<V>, V> & { readonly sub: string; readonly insert: boolean; readonly timeouts: boolean; readonly mutant?: IntervalMutant | null };

/** F: (IN2), then the driver fault loop of §1.8 around hmm_range_fault; it ends at done. */
export function faultLoopSteps<G extends IntervalState & MmapState, V>(o: FaultOpts<G, V>): StepDef<G, FaultLocals<V>, string>[] {
  const M = mutexSteps<G>();
  const R = rwsemSteps<G>();
  const retry = o.timeouts ? 'F1' : 'RD1';
  /** Forgets F's dead locals when it retries or finishes (they are rewritten before their next use). */
  const reset = (th: FCtx<V>) => {
    th.local.r = 0;
    th.local.snap = o.noSnap;
    th.local.ret = 'ok';
  };
  const insert: StepDef<G, FaultLocals<V>, string>[] = [
    {
      ...M.critical('IN2', (s) => s.subs.lock, (d) => {
      const s = d.sub[o.sub]!;
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
      doc: 'IN2 __mmu_interval_notifier_insert (mm/mmu_notifier.c v5.8–v5.17): ⟨SUBS; if active: (seq odd ? defer the insert : seq |= 1, insert), sF.seq := seq (collides); else sF.seq := seq − 1, insert; unlock⟩',
    }),
      atomic:
        'all under subscriptions->lock (__mmu_interval_notifier_insert): sF is not reachable before the insert, so its invalidate_seq is private; the tree insert is seen only by walkers holding the lock (an invalidation in progress with seq even found no subscription and walks no further); only invalidate_seq |= 1 has lock-free readers (RD2)',
    },
  ];
  const loop: StepDef<G, FaultLocals<V>, string>[] = [
    M.critical('RD1', (s) => s.subs.lock, (d, th: FCtx<V>) => {
      th.local.r = d.sub[o.sub]!.seq;
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
        if (d.sub[o.sub]!.seq === th.local.r) return;
        th.local.ret = 'EBUSY';
        th.goto('F5');
      },
    },
    { label: 'HF2', doc: o.walk.doc, effect: o.walk.effect },
    mmapUpReadStep<G, FaultLocals<V>>('F5', 'F5 up_read(MMAP); -EBUSY → retry (F1); -EPERM → return the error', (_d, th) => {
      if (th.local.ret === 'EBUSY') {
        reset(th);
        th.goto(retry);
      } else if (th.local.ret === 'EPERM') {
        reset(th);
        th.goto('done');
      }
    }),
    M.lock('F6', (s) => s.dlock, { doc: 'F6 mutex_lock(DLOCK)' }),
    o.mutant === 'mutant-fault-skips-read-retry'
      ? { label: 'F7', doc: 'mutant: F7 mmu_interval_read_retry left out: the driver programs whatever the walk saw' }
      : {
          label: 'F7',
          doc: `F7 if mmu_interval_read_retry(sF, r) (sF.seq != r, under DLOCK): unlock DLOCK, ${o.mutant === 'mutant-retry-unlocks-mmap-twice' ? 'mutant: up_read(MMAP) again (F5 dropped it), ' : ''}retry (F1)`,
          effect: (d, th) => {
            if (d.sub[o.sub]!.seq === th.local.r) return;
            mutexUnlock(d, d.dlock, th.id);
            if (o.mutant === 'mutant-retry-unlocks-mmap-twice') mmapUpRead(d, th.id);
            reset(th);
            th.goto(retry);
          },
        },
    { label: 'F8', doc: 'F8 program the device PTE of p from pfns[]', effect: (d, th) => o.program(d, th.local.snap) },
    andThen(M.unlock('F9', (s) => s.dlock, { doc: 'F9 mutex_unlock(DLOCK); the fault is done' }), (_d, th: FCtx<V>) => {
      reset(th);
      th.goto('done');
    }),
  ];
  const timeout: StepDef<G, FaultLocals<V>, string>[] = [
    {
      label: 'F1',
      doc: 'F1 loop head on a retry: the timeout may have expired → return -EBUSY',
      effect: (_d, th) => th.goto(th.choose([false, true]) ? 'done' : 'RD1'),
    },
  ];
  return [...(o.insert ? insert : []), ...loop, ...(o.timeouts ? timeout : [])];
}

// ---- I: an invalidation (§1.7 I1–I4) ----------------------------------------------------------

export interface InvLocals {
  /** The seq I1 handed to the callbacks. */
  cur: number;
}
type ICtx = ThreadCtx<InvLocals, string>;

export interface InvOpts<G> {
  /** The driver's subscription, first in the tree; its callback takes DLOCK (I2a–I2c). */
  readonly dlockSub: string;
  /** Another mirror's subscription after it in the tree, whose callback is one step (I2); none if absent. */
  readonly plainSub?: string;
  /** I2b: what the driver's callback does besides mmu_interval_set_seq (zap the device PTE, …). */
  readonly zap: (d: G, th: ICtx) => void;
  /** I3: the CPU page-table change the invalidation announces; absent (no I3 step) for mn_itree_release. */
  readonly pteChange?: { readonly doc: string; readonly src?: StepSource; readonly effect: (d: G) => void };
  /**
   * Instead of `pteChange`: the caller's own steps that change the page table (e.g. M3's collect,
   * under their own labels), run after the callbacks in order; they must continue to I4a (the
   * successor of the last one here).
   */
  readonly announce?: readonly StepDef<G, any, string>[];
  /** The mutant `mutant-release-walk-skips-first`: I1's walk starts after the first subscription in the tree. */
  readonly skipFirst?: boolean;
  /**
   * A classic (hlist) notifier subscribed beside the interval tree: __mmu_notifier_invalidate_range_start
   * calls its `start` steps after the interval callbacks (mn_itree_invalidate, then
   * mn_hlist_invalidate_range_start), _end its `end` steps after mn_itree_inv_end. Each list runs
   * in program order and falls through; `end` ends at done.
   */
  readonly hlist?: { readonly start: readonly StepDef<G, InvLocals, string>[]; readonly end: readonly StepDef<G, InvLocals, string>[] };
}

/** The subscriptions of an invalidation's tree, in tree order. */
function treeOrder(o: { dlockSub: string; plainSub?: string }): string[] {
  return o.plainSub === undefined ? [o.dlockSub] : [o.dlockSub, o.plainSub];
}

/** An invalidation of the page (§1.7 I1–I4) with the driver's callback on its subscription; it ends at done. */
export function invalidationSteps<G extends IntervalState>(o: InvOpts<G>): StepDef<G, InvLocals, string>[] {
  const M = mutexSteps<G>();
  const order = treeOrder(o);
  const hlistStart = o.hlist?.start ?? [];
  const hlistEnd = o.hlist?.end ?? [];
  const announce = o.announce ?? [];
  const after = hlistStart[0]?.label ?? (o.pteChange ? 'I3' : (announce[0]?.label ?? 'I4a'));
  const finish = hlistEnd[0]?.label ?? 'done';
  /** The label of the callback of the first subscription in the tree at or after index `from`, or the step after the callbacks. */
  const nextCallback = (s: G, from: number): string => {
    for (let i = from; i < order.length; i++) if (s.sub[order[i]!]!.inTree) return i === 0 ? 'I2a' : 'I2';
    return after;
  };
  const plain = o.plainSub;
  return [
    M.critical('I1', (s) => s.subs.lock, (d, th: ICtx) => {
      d.subs.active++;
      const first = nextCallback(d, o.skipFirst ? 1 : 0);
      if (first !== after) d.subs.seq |= 1;
      th.local.cur = d.subs.seq;
      th.goto(first);
    }, { doc: `I1 mn_itree_inv_start_range: ⟨SUBS; active++; ${o.skipFirst ? 'mutant: the walk starts after the first overlapping subscription; if one is left' : 'if a subscription overlaps'}: seq |= 1; cur := seq; unlock⟩` }),
    M.lock('I2a', (s) => s.dlock, { doc: `I2a dmirror_interval_invalidate(s${o.dlockSub}): mutex_lock(DLOCK)` }),
    {
      label: 'I2b',
      doc: `I2b mmu_interval_set_seq(s${o.dlockSub}, cur); zap the device PTE of p`,
      effect: (d, th) => {
        const s = d.sub[o.dlockSub]!;
        if (!touch<IntervalState>(d, s, 'UAF_SUB')) return;
        s.seq = th.local.cur;
        o.zap(d, th);
      },
    },
    andThen(M.unlock('I2c', (s) => s.dlock, { doc: 'I2c mutex_unlock(DLOCK); on to the next subscription in the tree' }), (d, th: ICtx) => {
      th.goto(nextCallback(d, 1));
    }),
    ...(plain === undefined
      ? []
      : [
          {
            label: 'I2',
            doc: `I2 the other mirror's callback on s${plain}: mmu_interval_set_seq(s${plain}, cur)`,
            effect: (d: G, th: ICtx) => {
              if (touch<IntervalState>(d, d.sub[plain]!, 'UAF_SUB')) d.sub[plain]!.seq = th.local.cur;
            },
          },
        ]),
    ...hlistStart,
    ...(o.pteChange
      ? [
          {
            label: 'I3',
            doc: o.pteChange.doc,
            ...(o.pteChange.src !== undefined ? { src: o.pteChange.src } : {}),
            effect: (d: G, th: ICtx) => {
              o.pteChange!.effect(d);
              th.local.cur = 0;
            },
          },
        ]
      : announce),
    {
      ...andThen(M.lock('I4a', (s) => s.subs.lock, { doc: 'I4a mn_itree_inv_end: ⟨SUBS; active--; if active > 0 or seq even: unlock, return⟩' }), (d, th: ICtx) => {
        d.subs.active--;
        if (!o.pteChange) th.local.cur = 0;
        if (d.subs.active > 0 || !odd(d.subs.seq)) {
          mutexUnlock(d, d.subs.lock, th.id);
          th.goto(finish);
        }
      }),
      // When it is not the last end, I4a takes and releases SUBS in the one step.
      holds: [(s: G) => s.subs.lock],
    },
    { label: 'I4b', doc: 'I4b seq++ (now even), SUBS still held', effect: (d) => void d.subs.seq++ },
    {
      label: 'I4c',
      doc: 'I4c mn_itree_inv_end: apply the deferred list: interval_tree_insert/remove(s) touches s; hlist_del',
      atomic:
        'the deferred-list loop of mn_itree_inv_end runs under subscriptions->lock after the last invalidation ended (active == 0, seq even), so no lock-free tree walker (mn_itree_inv_next runs only between I1 and I4a) can observe the tree between two of its updates',
      effect: (d) => applyDeferred(d, order),
    },
    andThen(M.unlock('I4d', (s) => s.subs.lock, { doc: 'I4d spin_unlock(SUBS); wake_up_all(&subs.wq)' }), (_d, th: ICtx) => th.goto(finish)),
    ...hlistEnd,
  ];
}

/** I4c: the deferred inserts and removals of `ids` are applied to the tree (each touches its subscription). */
function applyDeferred(d: IntervalState, ids: readonly string[]): void {
  for (const id of ids) {
    const s = d.sub[id]!;
    if (!s.deferred) continue;
    if (touch<IntervalState>(d, s, 'UAF_SUB')) s.inTree = !s.inTree;
    s.deferred = false;
  }
}

/**
 * Renumbers the live sequence values — `subs.seq` and `cells`: the subscriptions' seqs and the
 * copies threads saved (read_begin's r, I1's cur, Y1's w) — densely from 1 upwards, keeping their
 * order, equalities and parities (`subs.seq` stays ≥ 2); 0 (a thread's "none") stays 0. The protocol
 * only compares them for equality, tests parity, and derives new values from `subs.seq`, which is
 * never below a saved copy — so, as `srcuNormalize` does for epochs, the renumbering changes no
 * behaviour and keeps models whose invalidations can repeat without bound finite.
 */
export function renumberSeqs(subs: { seq: number }, cells: readonly (readonly [object, string])[]): void {
  const all: (readonly [Record<string, number>, string])[] = [[subs as Record<string, number>, 'seq'], ...(cells as (readonly [Record<string, number>, string])[])];
  const vals = [...new Set(all.map(([o, k]) => o[k]!).filter((v) => v !== 0))].sort((a, b) => a - b);
  const rank = (start: number) => {
    const to = new Map<number, number>();
    let next = start;
    for (const v of vals) {
      if (next % 2 !== v % 2) next++;
      to.set(v, next++);
    }
    return to;
  };
  let to = rank(1);
  if (to.get(subs.seq)! < 2) to = rank(3);
  for (const [o, k] of all) if (o[k] !== 0) o[k] = to.get(o[k]!)!;
}

// ---- Y: removal (§1.7 Y1–Y3), then the caller frees the subscription ---------------------------

export interface RemoveLocals {
  /** The seq Y2 waits to see change (0: Y1 did not defer). */
  w: number;
}
type YCtx = ThreadCtx<RemoveLocals, string>;

/** mmu_interval_notifier_remove(s) (Y1–Y3), then the caller frees s; `lockless` is H11's Y2. */
export function removeSteps<G extends IntervalState>(o: { readonly sub: string; readonly lockless: boolean }): StepDef<G, RemoveLocals, string>[] {
  const M = mutexSteps<G>();
  const name = `s${o.sub}`;
  return [
    M.critical('Y1', (s) => s.subs.lock, (d, th: YCtx) => {
      const s = d.sub[o.sub]!;
      if (!touch<IntervalState>(d, s, 'UAF_SUB')) return;
      if (!odd(d.subs.seq)) {
        s.inTree = false;
        return th.goto('Y3');
      }
      if (!s.inTree) {
        // Removed after a deferred insert that is still pending (kept as the code has it).
        s.deferred = false;
        return th.goto('Y3');
      }
      s.deferred = true;
      th.local.w = d.subs.seq;
    }, { doc: 'Y1 ⟨SUBS; if seq odd: defer the removal, w := seq; else interval_tree_remove now; unlock⟩' }),
    {
      label: 'Y2',
      doc: o.lockless
        ? 'Y2 wait_event(READ_ONCE(subs.seq) != w): a lock-free read (H11)'
        : 'Y2 wait_event(mmu_interval_seq_released(subs, w)): seq != w read under SUBS (319561669a59)',
      // the lock-free form is the code before 319561669a59 (the stored c2818c9a0876 copy); the fixed one is cited by label (sources.ts)
      ...(o.lockless ? { src: MMN_V58('mm/mmu_notifier.c', 'mmu_interval_notifier_remove', 1068, 1070) } : {}),
      guard: (s, th) => s.subs.seq !== th.local.w && (o.lockless || mutexFree(s.subs.lock)),
      effect: (_d, th) => void (th.local.w = 0),
    },
    {
      label: 'Y3',
      doc: `Y3 mmdrop(mm); return; the caller frees ${name}`,
      effect: (d) => kfree<IntervalState>(d, d.sub[o.sub]!, 'UAF_SUB'),
    },
  ];
}

/** INV-SUBFREE over subscriptions `ids`: no freed subscription was touched, and none is in the tree or on the deferred list. */
export function subFree(ids: readonly string[]): (s: IntervalState) => boolean {
  const noUaf = forbid('UAF_SUB');
  return (s) => noUaf(s) && ids.every((id) => !s.sub[id]!.freed || (!s.sub[id]!.inTree && !s.sub[id]!.deferred));
}
