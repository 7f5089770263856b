/**
 * hmm/m1-mirror-2019 — M1b, 2019 era (hmm-domain.md §1.4, §1.6, §2 H2, §3 M1b): the
 * `struct hmm` mirror API of v4.14–v5.4 against mm teardown.
 *
 * Threads: Exit (`__mmu_notifier_release`: E1 srcu_read_lock, E2 dispatch to `hmm_release` if the
 * hmm's notifier is still linked, the RL steps, E3 unlink, E4 srcu_read_unlock), Unreg0..n-1
 * (`hmm_mirror_unregister` MU1–MU3, then the driver frees its mirror: MF), and Inv (one
 * `invalidate_range_start` through the notifier list: V1/V2 dispatch, IS1, IS5–IS7, V3).
 *
 * Variants:
 * - `release-drops-mirrors-sem` (H2, v5.2 `mm/hmm.c` before 14331726a3c4): `hmm_release` drops
 *   `mirrors_sem` around each `->release(mirror)` (RL4–RL7), so an unregister slips in, returns,
 *   and the driver frees the mirror before the callback runs. The hmm lives by its kref
 *   (`mm_get_hmm` = kref_get_unless_zero under `mm->page_table_lock`; the last `hmm_put` runs
 *   `hmm_free` FR1–FR3).
 * - `fixed` (the v5.3–v5.4 design, §1.4 "Fixed design of this era"): `hmm_release` holds
 *   `mirrors_sem` for read across the whole loop (14331726a3c4), and the hmm's lifetime follows
 *   `mmu_notifier_get/put` (§1.6, v5.4): the last put unlinks the notifier under SUBS and frees it
 *   through call_srcu, after every SRCU reader that could still see it.
 *
 * Abstracted away: ranges, `hmm->lock`, `notifiers`, `dead`, `range->valid` and the wait queue
 * (RL2, RL3, IS2–IS4, IE1–IE2: they matter to the fault path of M2, not to lifetimes), register
 * (GC1–GC5, MR1: every mirror starts registered), `invalidate_range_end`, the mm's pages and
 * exit_mmap after the read section (E5, E6), and `mmgrab`/`mmdrop`. Each `->release` and each
 * `sync_cpu_device_pagetables` callback is one step that touches its mirror (the driver's DLOCK
 * section inside it is collapsed).
 */
import type { ThreadCtx } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { errType, forbid, kfree, noError, touch } from '../../../spec/kernel/errors';
import { krefFields, krefGetUnlessZero, krefPut } from '../../../spec/kernel/kref';
import { mutexInit, mutexSteps, mutexType } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemSteps, rwsemType, rwsemUpWrite } from '../../../spec/kernel/rwsem';
import { srcuCall, srcuCallbackDone, srcuCallbackReady, srcuInit, srcuSteps, srcuType } from '../../../spec/kernel/srcu';
import { andThen } from '../../../spec/kernel/steps';
import { constant, defineModel } from '../../../spec/model';
import { leadsTo } from '../../../spec/temporal';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { checkQuiesceConstant, exitReleaseSection, INV } from './common';

const MAX_MIRRORS = 2;

type Consts = {
  mirrors: number;
  inv: boolean;
  checkQuiesce: boolean;
};

function threadIds(n: number) {
  const unreg = Array.from({ length: n }, (_, i) => `Unreg${i}`);
  return { unreg, all: ['Exit', 'Inv', ...unreg] };
}

function makeFields(n: number) {
  const { all } = threadIds(n);
  return {
    err: errType('UAF_HMM', 'UAF_MIRROR'),
    srcu: srcuType(['Exit', 'Inv'], ['free_notifier']),
    /** SUBS (the mm's notifier-subscriptions spinlock) and MMPTL (`mm->page_table_lock`, guarding mm->hmm). */
    subs: mutexType(all),
    mmptl: mutexType(all),
    /** `mm->hmm == hmm`. */
    mmHmm: t.bool(),
    /** The hmm: its kref (v5.2) or notifier `users` count (v5.4), `mirrors_sem`, and its notifier's node. */
    hmm: t.record({ ...krefFields(n + 2), msem: rwsemType(all), node: t.enum('LINKED', 'UNHASHED') }),
    /** Per mirror: on `hmm->mirrors`, `mirror->hmm` set, freed by the driver, `->release` calls. */
    mirror: t.array(t.record({ onList: t.bool(), hmmPtr: t.bool(), freed: t.bool(), rel: t.int(0, 2) }), n),
  };
}
type State = Infer<RecordType<ReturnType<typeof makeFields>>>;

interface ExitLocals {
  /** The mirror being released (v5.2: taken off the list; fixed: the loop cursor); n = none. */
  cur: number;
}
interface InvLocals {
  /** The mirror IS6 syncs next; n = none. */
  cur: number;
}
type Ctx<L> = ThreadCtx<L, string>;

const M = mutexSteps<State>();
const R = rwsemSteps<State>();
const U = srcuSteps<State>();
const inHmm = { in: (s: State) => s.hmm, uaf: 'UAF_HMM' } as const;
const msem = (s: State) => s.hmm.msem;

function build(cfg: { readonly constants: Consts; readonly variant: string }) {
  const n = cfg.constants.mirrors;
  const v52 = cfg.variant === 'release-drops-mirrors-sem';
  const { unreg: unregIds } = threadIds(n);

  /** The first mirror still on hmm->mirrors (n if the list is empty). */
  const firstOnList = (d: State) => {
    const i = d.mirror.findIndex((m) => m.onList);
    return i < 0 ? n : i;
  };

  /** v5.2 `hmm_free` (FR1–FR3), run by whichever thread drops the last hmm reference, then `next`. */
  const hmmFree = (next: string) => [
    M.critical('FR1', (s) => s.subs, (d) => void (touch(d, d.hmm, 'UAF_HMM') && (d.hmm.node = 'UNHASHED')), {
      doc: 'FR1 hmm_free: mmu_notifier_unregister_no_release (unlink the node, no release, no SRCU wait)',
    }),
    M.critical('FR2', (s) => s.mmptl, (d) => void (d.mmHmm = false), { doc: 'FR2 MMPTL: if (mm->hmm == hmm) mm->hmm = NULL' }),
    { label: 'FR3', doc: 'FR3 kfree(hmm)', effect: (d: State, th: Ctx<unknown>) => (kfree(d, d.hmm, 'UAF_HMM'), th.goto(next)) },
  ];

  /** v5.2 `mm_get_hmm` (under MMPTL): a reference unless mm->hmm is gone or its count hit zero. */
  const mmGetHmm = (label: string, orElse: string) =>
    M.critical(label, (s) => s.mmptl, (d, th: Ctx<unknown>) => {
      if (!(d.mmHmm && krefGetUnlessZero(d, d.hmm, 'UAF_HMM'))) th.goto(orElse);
    }, { doc: `${label} hmm := mm_get_hmm(mm) (kref_get_unless_zero under mm->page_table_lock)` });

  /** The notifier core's dispatch: the hmm's callback runs only if its node is still linked. */
  const dispatch = (label: string, to: string, orElse: string, doc: string) => ({
    label,
    doc,
    effect: (d: State, th: Ctx<unknown>) => th.goto(d.hmm.node === 'LINKED' && touch(d, d.hmm, 'UAF_HMM') ? to : orElse),
  });

  // ---- Exit: __mmu_notifier_release → hmm_release
  /** v5.2 RL4/RL7: down_write(MSEM); m := first mirror; list_del_init(m) — or leave the loop. */
  const takeFirst = (label: string) =>
    andThen(R.downWrite(label, msem, { ...inHmm, doc: `${label} down_write(&hmm->mirrors_sem); m = first mirror; list_del_init(m)` }), (d, th: Ctx<ExitLocals>) => {
      if (d.hmm.msem.writer !== th.id) return; // registered as a waiting writer
      th.local.cur = firstOnList(d);
      if (th.local.cur === n) return th.goto('RL8a');
      const m = d.mirror[th.local.cur]!;
      if (touch(d, m, 'UAF_MIRROR')) m.onList = false;
      th.goto('RL5');
    });
  const hmmRelease = v52
    ? [
        mmGetHmm('RL1', 'E3'),
        takeFirst('RL4'),
        R.upWrite('RL5', msem, { ...inHmm, doc: 'RL5 up_write(&hmm->mirrors_sem) so ->release "can wait on any pending work" (H2)' }),
        {
          label: 'RL6',
          doc: 'RL6 m->ops->release(m)',
          effect: (d: State, th: Ctx<ExitLocals>) => {
            const m = d.mirror[th.local.cur]!;
            if (touch(d, m, 'UAF_MIRROR')) m.rel++;
            th.goto('RL7');
          },
        },
        takeFirst('RL7'),
        andThen(R.upWrite('RL8a', msem, { ...inHmm, doc: 'RL8 up_write(&hmm->mirrors_sem)' }), (_d, th: Ctx<ExitLocals>) => void (th.local.cur = n)),
        {
          label: 'RL8b',
          doc: 'RL8 hmm_put(hmm)',
          effect: (d: State, th: Ctx<ExitLocals>) => th.goto(krefPut(d, d.hmm, 'UAF_HMM') ? 'FR1' : 'E3'),
        },
        ...hmmFree('E3'),
      ]
    : [
        andThen(R.downRead('RL4', msem, { ...inHmm, doc: 'RL4 down_read(&hmm->mirrors_sem), held across the loop (14331726a3c4)' }), (_d, th: Ctx<ExitLocals>) => void (th.local.cur = 0)),
        {
          label: 'RL6',
          doc: 'RL6 list_for_each_entry(mirror, &hmm->mirrors): mirror->ops->release(mirror)',
          effect: (d: State, th: Ctx<ExitLocals>) => {
            const m = d.mirror[th.local.cur]!;
            if (m.onList && touch(d, m, 'UAF_MIRROR')) m.rel++;
            th.local.cur++;
            if (th.local.cur < n) th.goto('RL6');
          },
        },
        andThen(R.upRead('RL8a', msem, { ...inHmm, doc: 'RL8 up_read(&hmm->mirrors_sem)' }), (_d, th: Ctx<ExitLocals>) => void (th.local.cur = n)),
      ];
  const exit = exitReleaseSection<State, string, ExitLocals>([
    dispatch('E2', v52 ? 'RL1' : 'RL4', 'E3', 'E2 for each notifier still LINKED: ->release(mn) = hmm_release'),
    ...hmmRelease,
    M.critical('E3', (s) => s.subs, (d) => void (d.hmm.node === 'LINKED' && touch(d, d.hmm, 'UAF_HMM') && (d.hmm.node = 'UNHASHED')), {
      doc: 'E3 SUBS: hlist_del_init_rcu of every notifier still linked',
    }),
  ]);

  // ---- Unreg[i]: hmm_mirror_unregister, then the driver frees the mirror
  const unreg = [
    {
      label: 'MU1',
      doc: 'MU1 hmm := READ_ONCE(mirror->hmm); if NULL return',
      effect: (d: State, th: Ctx<unknown>) => {
        const m = d.mirror[th.self]!;
        if (touch(d, m, 'UAF_MIRROR') && !m.hmmPtr) th.goto('MF');
      },
    },
    andThen(R.downWrite('MU2', msem, { ...inHmm, doc: 'MU2 down_write(&hmm->mirrors_sem); list_del_init(&mirror->list); mirror->hmm = NULL; up_write' }), (d, th: Ctx<unknown>) => {
      if (d.hmm.msem.writer !== th.id) return;
      const m = d.mirror[th.self]!;
      if (touch(d, m, 'UAF_MIRROR')) {
        m.onList = false;
        m.hmmPtr = false;
      }
      rwsemUpWrite(d, d.hmm.msem, th.id);
    }),
    v52
      ? { label: 'MU3', doc: 'MU3 hmm_put(hmm)', effect: (d: State, th: Ctx<unknown>) => void (krefPut(d, d.hmm, 'UAF_HMM') && th.goto('FR1')) }
      : M.critical('MU3', (s) => s.subs, (d) => {
          // mmu_notifier_put (§1.6): users-- under SUBS; the last user unlinks and frees via call_srcu.
          if (krefPut(d, d.hmm, 'UAF_HMM')) {
            d.hmm.node = 'UNHASHED';
            srcuCall(d.srcu, 'free_notifier');
          }
        }, { doc: 'MU3 mmu_notifier_put(&hmm->mmu_notifier): last user → unlink, call_srcu(free)' }),
    { label: 'MF', doc: 'the driver frees its mirror (kfree(svmm))', effect: (d: State, th: Ctx<unknown>) => (kfree(d, d.mirror[th.self]!, 'UAF_MIRROR'), th.goto('done')) },
    ...(v52 ? hmmFree('MF') : []),
  ];

  // ---- Inv: one invalidate_range_start through the notifier list
  const syncCur = {
    label: 'IS6',
    doc: 'IS6 for each mirror: mirror->ops->sync_cpu_device_pagetables(mirror)',
    effect: (d: State, th: Ctx<InvLocals>) => {
      const m = d.mirror[th.local.cur]!;
      if (m.onList) touch(d, m, 'UAF_MIRROR');
      th.local.cur++;
      if (th.local.cur < n) th.goto('IS6');
    },
  };
  const inv = [
    U.readLock('V1', (s) => s.srcu, 'V1 srcu_read_lock'),
    dispatch('V2', v52 ? 'IS1' : 'IS5', 'V3', 'V2 for each notifier still LINKED: ->invalidate_range_start = hmm_invalidate_range_start'),
    ...(v52 ? [mmGetHmm('IS1', 'V3')] : []),
    andThen(R.downRead('IS5', msem, { ...inHmm, doc: 'IS5 down_read(&hmm->mirrors_sem)' }), (_d, th: Ctx<InvLocals>) => void (th.local.cur = 0)),
    syncCur,
    andThen(R.upRead('IS7', msem, { ...inHmm, doc: v52 ? 'IS7 up_read(&hmm->mirrors_sem); hmm_put(hmm)' : 'IS7 up_read(&hmm->mirrors_sem)' }), (d, th: Ctx<InvLocals>) => {
      th.local.cur = n;
      if (v52 && krefPut(d, d.hmm, 'UAF_HMM')) th.goto('FR1');
      else th.goto('V3');
    }),
    ...(v52 ? hmmFree('V3') : []),
    U.readUnlock('V3', (s) => s.srcu, 'V3 srcu_read_unlock'),
  ];

  const fields = makeFields(n);
  let b = spec(fields)
    .init(() => ({
      err: null,
      srcu: srcuInit(['Exit', 'Inv'], ['free_notifier']),
      subs: mutexInit(),
      mmptl: mutexInit(),
      mmHmm: true,
      hmm: { count: n, freed: false, msem: rwsemInit(), node: 'LINKED' as const },
      mirror: Array.from({ length: n }, () => ({ onList: true, hmmPtr: true, freed: false, rel: 0 })),
    }))
    .action('free_notifier', {}, {
      doc: 'call_srcu callback of mmu_notifier_put: ops->free_notifier → kfree(hmm), after the grace period',
      guard: (s) => srcuCallbackReady(s.srcu, 'free_notifier'),
      effect: (d) => {
        srcuCallbackDone(d.srcu, 'free_notifier');
        kfree(d, d.hmm, 'UAF_HMM');
      },
    })
    .thread('Exit', {
      instances: ['Exit'],
      locals: { cur: t.int(0, MAX_MIRRORS) },
      initLocals: (): ExitLocals => ({ cur: n }),
      steps: exit,
    })
    .thread('Unreg', { instances: unregIds, steps: unreg })
    .thread('Inv', {
      instances: cfg.constants.inv ? ['Inv'] : [],
      locals: { cur: t.int(0, MAX_MIRRORS) },
      initLocals: (): InvLocals => ({ cur: n }),
      steps: inv,
    })
    .invariant(INV.UAF_H, forbid('UAF_HMM'), 'no access to a freed hmm')
    .invariant(INV.UAF_M, forbid('UAF_MIRROR'), 'a freed mirror is never touched (H2)')
    .invariant(INV.REL1, (s) => s.mirror.every((m) => m.rel <= 1), '->release(mirror) at most once per mirror');
  if (cfg.constants.checkQuiesce) {
    const returned = new Set(['MF', 'done']);
    b = b.invariant(
      INV.QUIESCE,
      (s) =>
        s.Unreg.every((u, i) => {
          if (!returned.has(u.pc)) return true;
          const ex = s.Exit[0]!;
          const exitOnIt = ex.cur === i && (v52 ? ex.pc === 'RL5' || ex.pc === 'RL6' : ex.pc === 'RL6' && s.mirror[i]!.onList);
          const invOnIt = s.Inv.some((v) => v.pc === 'IS6' && v.cur === i && s.mirror[i]!.onList);
          return !exitOnIt && !invOnIt;
        }),
      'hmm_mirror_unregister returned ⇒ no callback on that mirror in flight',
    );
  }
  // REL0, per mirror: exit started while the mirror was on the list ⇒ ->release(mirror) runs,
  // unless the driver unregistered it first (MU2 took it off the list).
  type Threads = State & { Exit: { pc: string }[]; Unreg: { pc: string }[] };
  let withRel0 = b.invariant(INV.NOERR, noError);
  for (let i = 0; i < n; i++) {
    const exitStartedOnList = (s: Threads) => s.Exit[0]!.pc !== 'E1' && s.mirror[i]!.onList;
    const releasedOrUnregistered = (s: Threads) => s.mirror[i]!.rel >= 1 || !['MU1', 'MU2'].includes(s.Unreg[i]!.pc);
    withRel0 = withRel0.liveness(INV.REL0, leadsTo(exitStartedOnList, releasedOrUnregistered));
  }
  return withRel0.terminates(INV.TERMINATION).fair('weak', 'eachThread').build();
}

export const m1Mirror2019 = defineModel<Consts>({
  name: 'hmm/m1-mirror-2019',
  title: 'M1b (2019): hmm_mirror unregister and invalidation vs hmm_release at mm exit',
  source: 'mm/hmm.c v5.2 (hmm_release, hmm_mirror_unregister, hmm_free) and v5.3–v5.4 (14331726a3c4; mmu_notifier_get/put); hmm-domain.md §1.4, §1.6, §2 H2',
  constants: {
    mirrors: constant.int(1, MAX_MIRRORS, 2, 'mirrors on the hmm, one Unreg thread each'),
    inv: constant.bool(true, 'include the invalidation thread Inv'),
    checkQuiesce: checkQuiesceConstant,
  },
  variants: {
    fixed: {
      doc: 'hmm_release holds mirrors_sem for read across the ->release loop (drivers may not (un)register from ->release); the hmm is freed through mmu_notifier_put + call_srcu',
      ref: '14331726a3c4 "mm/hmm: Remove confusing comment and logic from hmm_release"; mmu_notifier_get/put conversion (v5.4, hmm-domain.md §1.6)',
      expect: { verdict: 'holds' },
    },
    'release-drops-mirrors-sem': {
      doc: 'H2: v5.2 hmm_release drops mirrors_sem around ->release; an unregister returns and the driver frees the mirror before the callback runs on it',
      ref: '14331726a3c4 (the fix; the race is in its commit message)',
      expect: { verdict: 'violation', property: INV.UAF_M },
    },
  },
  build,
});
