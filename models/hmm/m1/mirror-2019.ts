/**
 * hmm/m1-mirror-2019 — M1b, 2019 era (hmm-domain.md §1.4, §1.6, §2 H2, §3 M1b): the
 * `struct hmm` mirror API of v4.14–v5.4 against mm teardown.
 *
 * Threads: Exit (`__mmu_notifier_release`: E1 srcu_read_lock, E2 dispatch to `hmm_release` if the
 * hmm's notifier is still linked, the RL steps, E3 unlink, E4 srcu_read_unlock), Unreg0..n-1
 * (`hmm_mirror_unregister` MU1–MU3, then the driver frees its mirror: MF), and Inv (one
 * `invalidate_range_start` through the notifier list: V1/V2 dispatch, IS1, IS5–IS7, V3). The
 * threads are the mirror layer's, shared with M4-2019 (./hmm2019.ts); here the driver's callbacks
 * only touch their mirror.
 *
 * Variants:
 * - `release-drops-mirrors-sem` (H2, v5.2 `mm/hmm.c` before 14331726a3c4): `hmm_release` drops
 *   `mirrors_sem` around each `->release(mirror)` (RL4–RL7), so an unregister slips in, returns,
 *   and the driver frees the mirror before the callback runs. The hmm lives by its kref (the last
 *   `hmm_put` runs `hmm_free` FR1–FR3), as 6d7c3cde93c1 (the first patch of the v5.3 series that
 *   also fixed H2) left it: the callbacks take the hmm by container_of + kref_get_unless_zero and
 *   hmm_free frees it through SRCU, so the use-after-free below does not mask H2.
 * - `mm-get-hmm-use-after-free` (v5.2 as released, 6d7c3cde93c1): the callbacks take the hmm with
 *   `mm_get_hmm` = READ_ONCE(mm->hmm) then kref_get_unless_zero — two lock-free accesses, two steps
 *   (IS1a/IS1b, RL1a/RL1b); hmm_free clears mm->hmm and kfree()s in between. mm exit is left out
 *   (with it BFS reports H2 first; the same race is reachable through hmm_release's RL1).
 * - `fixed` (the v5.3–v5.4 design, §1.4 "Fixed design of this era"): `hmm_release` holds
 *   `mirrors_sem` for read across the whole loop (14331726a3c4), and the hmm's lifetime follows
 *   `mmu_notifier_get/put` (§1.6, v5.4): the last put unlinks the notifier under SUBS and frees it
 *   through call_srcu, after every SRCU reader that could still see it.
 *
 * Mutants (not kernel bugs; ./hmm2019.ts): `mutant-put-frees-without-grace-period` (INV-UAF-H),
 * `mutant-unregister-calls-release` (INV-REL1), both changing one step of `fixed`.
 *
 * Abstracted away: ranges, `hmm->lock`, `notifiers`, `dead`, `range->valid` and the wait queue
 * (RL2, RL3, IS2–IS4, IE1–IE2: they matter to the fault path of M2, not to lifetimes), register
 * (GC1–GC5, MR1: every mirror starts registered), `invalidate_range_end`, the mm's pages and
 * exit_mmap after the read section (E5, E6), and `mmgrab`/`mmdrop`. Each `->release` and each
 * `sync_cpu_device_pagetables` callback is one step that touches its mirror (the driver's DLOCK
 * section inside it is collapsed).
 */
import { spec } from '../../../spec/builder';
import { forbid, noError } from '../../../spec/kernel/errors';
import { mutexInit } from '../../../spec/kernel/mutex';
import { srcuInit } from '../../../spec/kernel/srcu';
import { constant, defineModel } from '../../../spec/model';
import { leadsTo } from '../../../spec/temporal';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { selectMutant } from '../mutants';
import { checkQuiesceConstant, INV } from './common';
import { freeNotifier, HMM_MUTANTS, hmmAccess, hmmFields, hmmInit, hmmMutantVariants, hmmThreads, type CursorLocals } from './hmm2019';
import { citeSteps } from '../../../spec/citation';
import { HMM_2019_SOURCES } from './sources';

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
  return hmmFields(threadIds(n).all, ['Exit', 'Inv'], n);
}
type State = Infer<RecordType<ReturnType<typeof makeFields>>>;

function build(cfg: { readonly constants: Consts; readonly variant: string }) {
  const n = cfg.constants.mirrors;
  // Both historical variants run the v5.2 code; the second leaves out mm exit (see its doc).
  const getHmmUaf = cfg.variant === 'mm-get-hmm-use-after-free';
  const v52 = cfg.variant === 'release-drops-mirrors-sem' || getHmmUaf;
  const { unreg: unregIds } = threadIds(n);
  const { exit, unreg, inv } = hmmThreads<State>({ n, v52, srcuFreedHmm: !getHmmUaf, mutant: selectMutant(cfg.variant, HMM_MUTANTS) });

  const fields = makeFields(n);
  let b = spec(fields)
    .init(() => ({
      err: null,
      srcu: srcuInit(['Exit', 'Inv'], ['free_notifier']),
      subs: mutexInit(),
      mmptl: mutexInit(),
      ...hmmInit(n),
    }))
    .access(hmmAccess(v52))
    .action('free_notifier', {}, freeNotifier<State>())
    .thread('Exit', {
      instances: getHmmUaf ? [] : ['Exit'],
      locals: { cur: t.int(0, MAX_MIRRORS) },
      initLocals: (): CursorLocals => ({ cur: n }),
      steps: citeSteps(exit, HMM_2019_SOURCES),
    })
    .thread('Unreg', { instances: unregIds, steps: citeSteps(unreg, HMM_2019_SOURCES) })
    .thread('Inv', {
      instances: cfg.constants.inv ? ['Inv'] : [],
      locals: { cur: t.int(0, MAX_MIRRORS) },
      initLocals: (): CursorLocals => ({ cur: n }),
      steps: citeSteps(inv, HMM_2019_SOURCES),
    })
    .invariant(INV.UAF_H, forbid('UAF_HMM'), 'no access to a freed hmm')
    .invariant(INV.UAF_M, forbid('UAF_MIRROR'), 'a freed mirror is never touched (H2)')
    .invariant(INV.REL1, (s) => s.mirror.every((m) => m.rel <= 1), '->release(mirror) at most once per mirror');
  if (cfg.constants.checkQuiesce && !getHmmUaf) {
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
  for (let i = 0; i < (getHmmUaf ? 0 : n); i++) {
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
    'mm-get-hmm-use-after-free': {
      doc: "v5.2 mm_get_hmm in an invalidation: READ_ONCE(mm->hmm) sees the hmm, the last hmm_mirror_unregister's hmm_put runs hmm_free (unlink without SRCU wait, mm->hmm = NULL, kfree), then kref_get_unless_zero reads the freed hmm. mm exit is left out: with it, BFS reports H2 (release-drops-mirrors-sem, the same v5.2 code) first",
      ref: '6d7c3cde93c1 "mm/hmm: fix use after free with struct hmm in the mmu notifiers" (v5.3; <20190606184438.31646-2-jgg@ziepe.ca>)',
      expect: { verdict: 'violation', property: INV.UAF_H },
    },
    ...hmmMutantVariants,
  },
  abstractions: [
    {
      what: "Ranges, hmm->lock, hmm->notifiers, hmm->dead, range->valid and the wait queue (RL2, RL3, IS2–IS4, IE1–IE2) are left to M2's legacy era and M4-2019.",
      couldHide: "lifetime races through the range list (a range on a freed hmm's list) and a fault's hmm_range_wait_until_valid on a dying hmm.",
    },
    {
      what: 'Register (GC1–GC5, MR1): every mirror starts registered; invalidate_range_end, exit_mmap after the read section, mmgrab/mmdrop.',
      couldHide: "hmm_get_or_create's race with hmm_free (a second hmm allocated while the first is dying, mm->hmm cleared by the wrong free) and register racing exit.",
    },
    {
      what: "Each ->release and sync_cpu_device_pagetables callback is one step touching its mirror (the driver's lock inside it is collapsed); ->release counts are bookkeeping.",
      couldHide: 'a driver callback that drops its lock and re-reads the mirror, or blocks on work that needs mirrors_sem (the deadlock H2 tried to avoid).',
    },
  ],
  build,
});
