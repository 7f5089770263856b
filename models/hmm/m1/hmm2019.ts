/**
 * The `struct hmm` mirror layer of v4.14–v5.4 as threads (hmm-domain.md §1.4, §1.6; `mm/hmm.c` v5.2
 * and v5.3–v5.4), written once and generic over the model state, so that M1b's 2019 era
 * (./mirror-2019.ts) and M4-2019 (../m4/era2019.ts) run the same steps: mm exit's
 * `__mmu_notifier_release` → `hmm_release` (E1–E4, RL1–RL8b), `hmm_mirror_unregister` and the
 * driver's free (MU1–MU3, MF), `hmm_free` (FR1–FR3), and `invalidate_range_start` through the
 * notifier list (V1–V3, IS1, IS5–IS7), plus the call_srcu callback of `mmu_notifier_put`.
 *
 * `v52` selects the v5.2 forms (H2: `hmm_release` drops `mirrors_sem` around `->release`; the hmm
 * lives by its kref, `mm_get_hmm` / `hmm_put` / `hmm_free`); otherwise the v5.3–v5.4 design
 * (14331726a3c4: `mirrors_sem` held for read across the loop; `mmu_notifier_get/put` lifetime).
 *
 * Two mutants of the v5.3–v5.4 form (not kernel bugs; ../mutants.ts), shared by both models:
 * `mmu_notifier_put` freeing the hmm at once instead of through call_srcu (INV-UAF-H), and
 * `hmm_mirror_unregister` calling `->release` itself (INV-REL1).
 *
 * What the driver does inside its callbacks is a hook (M1 only touches the mirror; M4 also zaps
 * the device page table under DLOCK), as are the steps an invalidation runs before taking
 * `mirrors_sem` (M4: the HLOCK section IS2–IS4 of the range protocol, ../m2/rangeValid.ts).
 */
import type { AccessDecls } from '../../../spec/access';
import type { StepDef, ThreadCtx, ThreadView } from '../../../spec/builder';
import { kernelSource, type Citation } from '../../../spec/citation';
import { errType, kfree, touch, type ErrCode, type ErrState } from '../../../spec/kernel/errors';
import { krefFields, krefGetUnlessZero, krefPut } from '../../../spec/kernel/kref';
import { mutexSteps, mutexType, type Mutex } from '../../../spec/kernel/mutex';
import { rwsemSteps, rwsemType, rwsemUpWrite, type Rwsem } from '../../../spec/kernel/rwsem';
import { srcuCall, srcuCallbackDone, srcuCallbackReady, srcuSteps, srcuType, type Srcu } from '../../../spec/kernel/srcu';
import { andThen } from '../../../spec/kernel/steps';
import type { VariantDef } from '../../../spec/model';
import { t } from '../../../spec/types';
import { mutantVariant } from '../mutants';
import { exitReleaseSection, INV } from './common';
import { HMM_V52 } from './sources';

/** The mirror layer's mutants (see the module header). */
export const HMM_MUTANTS = ['mutant-put-frees-without-grace-period', 'mutant-unregister-calls-release'] as const;
export type HmmMutant = (typeof HMM_MUTANTS)[number];

/** The variants of the mutants, for the registry entries of the models that run these threads. */
export const hmmMutantVariants: Record<HmmMutant, VariantDef> = {
  'mutant-put-frees-without-grace-period': mutantVariant(
    INV.UAF_H,
    'mmu_notifier_put frees the notifier without waiting for SRCU readers',
    'the fixed design, but the last mmu_notifier_put kfree()s the hmm at once instead of through call_srcu, so a release or an invalidation that dispatched to it before the unlink takes mirrors_sem in freed memory',
  ),
  'mutant-unregister-calls-release': mutantVariant(
    INV.REL1,
    'hmm_mirror_unregister calls ->release itself',
    'the fixed design, but hmm_mirror_unregister calls mirror->ops->release on a mirror still on the list (as mmu_notifier_unregister does for notifiers); hmm_release, which leaves the mirrors on the list, has already called it',
  ),
};

/** Schema fields of the mirror layer: threads `ids` take its locks, `readers` read the notifier SRCU. */
export function hmmFields(ids: readonly string[], readers: readonly string[], n: number) {
  return {
    err: errType('UAF_HMM', 'UAF_MIRROR'),
    srcu: srcuType(readers, ['free_notifier']),
    /** SUBS (the mm's notifier-subscriptions spinlock) and MMPTL (`mm->page_table_lock`, guarding mm->hmm). */
    subs: mutexType(ids),
    mmptl: mutexType(ids),
    /** `mm->hmm == hmm`. */
    mmHmm: t.bool(),
    /** The hmm: its kref (v5.2) or notifier `users` count (v5.4), `mirrors_sem`, and its notifier's node. */
    hmm: t.record({ ...krefFields(n + 2), msem: rwsemType(ids), node: t.enum('LINKED', 'UNHASHED') }),
    /** Per mirror: on `hmm->mirrors`, `mirror->hmm` set, freed by the driver, `->release` calls. */
    mirror: t.array(t.record({ onList: t.bool(), hmmPtr: t.bool(), freed: t.bool(), rel: t.int(0, 2) }), n),
  };
}

/** The part of a model state the mirror layer's steps use. */
export interface HmmState extends ErrState {
  srcu: Srcu;
  subs: Mutex;
  mmptl: Mutex;
  mmHmm: boolean;
  hmm: { count: number; freed: boolean; msem: Rwsem; node: 'LINKED' | 'UNHASHED' };
  mirror: { onList: boolean; hmmPtr: boolean; freed: boolean; rel: number }[];
}

/** The initial mirror layer: `n` registered mirrors, each holding an hmm reference. */
export function hmmInit(n: number) {
  return {
    mmHmm: true,
    hmm: { count: n, freed: false, msem: { readers: new Set<never>(), writer: null, waiting: new Set<never>() }, node: 'LINKED' as const },
    mirror: Array.from({ length: n }, () => ({ onList: true, hmmPtr: true, freed: false, rel: 0 })),
  };
}

export interface CursorLocals {
  /** Exit: the mirror being released (v5.2: taken off the list; fixed: the loop cursor); Inv: the mirror IS6 syncs next; n = none. */
  cur: number;
}
type Ctx<L> = ThreadCtx<L, string>;

/** What the driver does in its callbacks, and what an invalidation does before IS5. */
export interface HmmHooks<G> {
  /** `mirror->ops->release(mirror i)`, after the mirror was touched; with `releaseGuard` (e.g. DLOCK free). */
  readonly onRelease?: (d: G, i: number) => void;
  readonly releaseGuard?: (s: G) => boolean;
  /** `sync_cpu_device_pagetables(mirror i)` of a mirror on the list; with `syncGuard`. */
  readonly onSync?: (d: G, i: number) => void;
  readonly syncGuard?: (s: G) => boolean;
  /** Steps of `hmm_invalidate_range_start` between `mm_get_hmm` (IS1) and `down_read(mirrors_sem)` (IS5). */
  readonly preSync?: readonly StepDef<G, CursorLocals, string>[];
}

/**
 * mm/hmm.c as 14331726a3c4 left it. No tree of that commit is stored: the lines are counted in the
 * hunks of its own patch as posted (<20190624210110.5098-12-jgg@ziepe.ca>, blob c30aa9403dbe →
 * b224ea635a77) and of the next patch of that series, "mm/hmm: Fix error flows in
 * hmm_invalidate_range_start" (blob b224ea635a77 → 89549eac03d5).
 */
const at14331726 = kernelSource('14331726a3c4');

/**
 * hmm_release as 14331726a3c4 left it (mirrors_sem held for read across the ->release loop): the
 * fixed form's steps cite it, not v5.2's (the sources table's), whose loop drops mirrors_sem.
 */
const fixedRelease: Readonly<Record<string, Citation>> = {
  RL4: at14331726('mm/hmm.c', 'hmm_release', 133),
  RL6: at14331726('mm/hmm.c', 'hmm_release', 134, 141),
  RL8a: at14331726('mm/hmm.c', 'hmm_release', 142),
};

/**
 * hmm_invalidate_range_start as 14331726a3c4 left it (the loop breaking on -EAGAIN, whose inner
 * `int ret` shadows the one returned): the fixed form's IS5–IS7 cite it, not v5.2's (the sources
 * table's). At that commit the function still takes and puts an hmm reference (lines 156, 195);
 * the form without one is the v5.4 mmu_notifier_get/put conversion.
 */
const fixedInvalidate: Readonly<Record<string, Citation>> = {
  IS5: at14331726('mm/hmm.c', 'hmm_invalidate_range_start', 179, 184),
  IS6: at14331726('mm/hmm.c', 'hmm_invalidate_range_start', 185, 191),
  IS7: at14331726('mm/hmm.c', 'hmm_invalidate_range_start', 192),
};

/** `steps`, each citing its own entry of `src` (a form of a step whose label the sources table cites for another era). */
function citedAs<G, L>(src: Readonly<Record<string, Citation>>, steps: readonly StepDef<G, L, string>[]): StepDef<G, L, string>[] {
  return steps.map((st) => {
    const c = src[st.label];
    if (c === undefined) throw new Error(`no citation for step ${st.label}`);
    return { ...st, src: [c] };
  });
}

/** `step`, telling lint that it holds `lock` throughout (it takes and releases it itself). */
function withHolds<G, L>(step: StepDef<G, L, string>, lock: (s: G) => unknown): StepDef<G, L, string> {
  return { ...step, holds: [lock] };
}

/**
 * The access discipline of the mirror layer's fields (spec/access.ts), in the v5.2 (`v52`) or the
 * v5.3–v5.4 form, for `hmmcheck lint`: mm->hmm is written under mm->page_table_lock and read by
 * v5.2's mm_get_hmm with READ_ONCE; the hmm's kref is an atomic (v5.2), its notifier `users` count
 * (v5.4) is guarded by SUBS (mmu_notifier_put); the notifier's hlist node is written under SUBS and
 * walked lock-free under SRCU; `hmm->mirrors` and `mirror->hmm` are written under MSEM for write,
 * and `mirror->hmm` is read lock-free by hmm_mirror_unregister (MU1). The `->release` count is the
 * invariants' bookkeeping.
 */
export function hmmAccess(v52: boolean): AccessDecls {
  return {
    mmHmm: { guardedBy: 'mmptl', lockfreeReads: true },
    'hmm.count': v52 ? 'atomic' : { guardedBy: 'subs' },
    'hmm.node': { guardedBy: 'subs', lockfreeReads: true },
    'mirror[*].onList': { guardedBy: 'hmm.msem' },
    'mirror[*].hmmPtr': { guardedBy: 'hmm.msem', lockfreeReads: true },
    'mirror[*].rel': 'ghost',
  };
}

/** `step` enabled only when `extra` (if any) also holds. */
function guarded<G, L>(step: StepDef<G, L, string>, extra: ((s: G) => boolean) | undefined): StepDef<G, L, string> {
  return extra ? { ...step, guard: (s: G, th: ThreadView<L>) => extra(s) && (step.guard ? step.guard(s, th) : true) } : step;
}

/** The mirror layer's step factories for `n` mirrors, in the v5.2 (`v52`) or the v5.3–v5.4 form. */
export function hmmThreads<G extends HmmState>(o: {
  readonly n: number;
  readonly v52: boolean;
  /**
   * v5.2 with 6d7c3cde93c1 applied (the first patch of the v5.3 hmm series, before 14331726a3c4):
   * the callbacks take the hmm by container_of + kref_get_unless_zero, and hmm_free frees it through
   * mmu_notifier_call_srcu, so mm_get_hmm's use-after-free is gone and H2 is left alone.
   */
  readonly srcuFreedHmm?: boolean;
  readonly hooks?: HmmHooks<G>;
  readonly mutant?: HmmMutant | null;
}) {
  const { n, v52, mutant } = o;
  const srcuFreed = v52 && o.srcuFreedHmm === true;
  const hooks = o.hooks ?? {};
  const M = mutexSteps<G>();
  const R = rwsemSteps<G>();
  const U = srcuSteps<G>();
  const inHmm = { in: (s: G) => s.hmm, uaf: 'UAF_HMM' as ErrCode<G> };
  const msem = (s: G) => s.hmm.msem;
  const tch = touch<HmmState>;

  /** The first mirror still on hmm->mirrors (n if the list is empty). */
  const firstOnList = (d: G) => {
    const i = d.mirror.findIndex((m) => m.onList);
    return i < 0 ? n : i;
  };

  /** v5.2 `hmm_free` (FR1–FR3), run by whichever thread drops the last hmm reference, then `next`. */
  const hmmFree = (next: string, prefix = ''): StepDef<G, unknown, string>[] => [
    M.critical(`${prefix}FR1`, (s) => s.subs, (d) => void (tch(d, d.hmm, 'UAF_HMM') && (d.hmm.node = 'UNHASHED')), {
      doc: 'FR1 hmm_free: mmu_notifier_unregister_no_release (unlink the node, no release, no SRCU wait)',
    }),
    M.critical(`${prefix}FR2`, (s) => s.mmptl, (d) => void (d.mmHmm = false), { doc: 'FR2 MMPTL: if (mm->hmm == hmm) mm->hmm = NULL' }),
    srcuFreed
      ? {
          label: `${prefix}FR3`,
          doc: 'FR3 mmu_notifier_call_srcu(&hmm->rcu, hmm_free_rcu): kfree(hmm) after the SRCU grace period (6d7c3cde93c1)',
          // not v5.2's hmm_free (a plain kfree, the table's citation): the form 6d7c3cde93c1 brought (v5.3-rc1);
          // the line is counted in the hunks of that patch as posted (mm/hmm.c blob 826816ab2377 → f6956d78e3cb)
          src: kernelSource('6d7c3cde93c1')('mm/hmm.c', 'hmm_free', 124),
          effect: (d: G, th: Ctx<unknown>) => (srcuCall(d.srcu, 'free_notifier'), th.goto(next)),
        }
      : { label: `${prefix}FR3`, doc: 'FR3 kfree(hmm)', effect: (d: G, th: Ctx<unknown>) => (kfree<HmmState>(d, d.hmm, 'UAF_HMM'), th.goto(next)) },
  ];

  /**
   * v5.2 `mm_get_hmm` (mm/hmm.c, from 704f3f2cf63c): `hmm = READ_ONCE(mm->hmm); if (hmm &&
   * kref_get_unless_zero(&hmm->kref)) return hmm;` — two lock-free accesses, so two steps
   * (`<label>a`, `<label>b`): between them hmm_free may clear mm->hmm and kfree the hmm, and the
   * kref_get_unless_zero then reads freed memory (the use-after-free 6d7c3cde93c1 fixed in v5.3).
   */
  const mmGetHmm = (label: string, orElse: string): StepDef<G, unknown, string>[] =>
    srcuFreed
      ? [
          {
            label: `${label}a`,
            doc: `${label} hmm = container_of(mn, struct hmm, mmu_notifier); if (!kref_get_unless_zero(&hmm->kref)) return (6d7c3cde93c1: the hmm outlives every SRCU reader)`,
            effect: (d, th) => void (krefGetUnlessZero<HmmState>(d, d.hmm, 'UAF_HMM') || th.goto(orElse)),
          },
        ]
      : [
          {
            label: `${label}a`,
            doc: `${label} mm_get_hmm (mm/hmm.c v5.2): hmm = READ_ONCE(mm->hmm); NULL → return NULL (no mm->page_table_lock)`,
            effect: (d, th) => void (d.mmHmm || th.goto(orElse)),
          },
          {
            label: `${label}b`,
            doc: `${label} mm_get_hmm (mm/hmm.c v5.2): kref_get_unless_zero(&hmm->kref) on the pointer just read; zero → return NULL`,
            effect: (d, th) => void (krefGetUnlessZero<HmmState>(d, d.hmm, 'UAF_HMM') || th.goto(orElse)),
          },
        ];

  /** v5.2 `hmm_put` in a callback: the last reference runs `hmm_free` (at `free`, e.g. FR1), else `next`. */
  const hmmPut = (label: string, free: string, next: string, doc = `${label} hmm_put(hmm)`): StepDef<G, unknown, string> => ({
    label,
    doc,
    effect: (d, th) => th.goto(krefPut<HmmState>(d, d.hmm, 'UAF_HMM') ? free : next),
  });

  /** The notifier core's dispatch: the hmm's callback runs only if its node is still linked. */
  const dispatch = (label: string, to: string, orElse: string, doc: string): StepDef<G, unknown, string> => ({
    label,
    doc,
    effect: (d, th) => th.goto(d.hmm.node === 'LINKED' && tch(d, d.hmm, 'UAF_HMM') ? to : orElse),
  });

  // ---- Exit: __mmu_notifier_release → hmm_release
  /** v5.2 RL4/RL7: down_write(MSEM); m := first mirror; list_del_init(m) — or leave the loop. */
  const takeFirst = (label: string) =>
    andThen(R.downWrite(label, msem, { ...inHmm, doc: `${label} down_write(&hmm->mirrors_sem); m = first mirror; list_del_init(m)` }), (d, th: Ctx<CursorLocals>) => {
      if (d.hmm.msem.writer !== th.id) return; // registered as a waiting writer
      th.local.cur = firstOnList(d);
      if (th.local.cur === n) return th.goto('RL8a');
      const m = d.mirror[th.local.cur]!;
      if (tch(d, m, 'UAF_MIRROR')) m.onList = false;
      th.goto('RL5');
    });
  const hmmRelease: StepDef<G, CursorLocals, string>[] = v52
    ? [
        ...mmGetHmm('RL1', 'E3'),
        takeFirst('RL4'),
        R.upWrite('RL5', msem, { ...inHmm, doc: 'RL5 up_write(&hmm->mirrors_sem) so ->release "can wait on any pending work" (H2)' }),
        guarded(
          {
            label: 'RL6',
            doc: 'RL6 m->ops->release(m)',
            effect: (d: G, th: Ctx<CursorLocals>) => {
              const m = d.mirror[th.local.cur]!;
              if (tch(d, m, 'UAF_MIRROR')) {
                m.rel++;
                hooks.onRelease?.(d, th.local.cur);
              }
              th.goto('RL7');
            },
          },
          hooks.releaseGuard,
        ),
        takeFirst('RL7'),
        andThen(R.upWrite('RL8a', msem, { ...inHmm, doc: 'RL8 up_write(&hmm->mirrors_sem)' }), (_d, th: Ctx<CursorLocals>) => void (th.local.cur = n)),
        hmmPut('RL8b', 'FR1', 'E3', 'RL8 hmm_put(hmm)'),
        ...hmmFree('E3'),
      ]
    : citedAs(fixedRelease, [
        andThen(R.downRead('RL4', msem, { ...inHmm, doc: 'RL4 down_read(&hmm->mirrors_sem), held across the loop (14331726a3c4)' }), (_d, th: Ctx<CursorLocals>) => void (th.local.cur = 0)),
        guarded(
          {
            label: 'RL6',
            doc: 'RL6 list_for_each_entry(mirror, &hmm->mirrors): mirror->ops->release(mirror)',
            effect: (d: G, th: Ctx<CursorLocals>) => {
              const m = d.mirror[th.local.cur]!;
              if (m.onList && tch(d, m, 'UAF_MIRROR')) {
                m.rel++;
                hooks.onRelease?.(d, th.local.cur);
              }
              th.local.cur++;
              if (th.local.cur < n) th.goto('RL6');
            },
          },
          hooks.releaseGuard,
        ),
        andThen(R.upRead('RL8a', msem, { ...inHmm, doc: 'RL8 up_read(&hmm->mirrors_sem)' }), (_d, th: Ctx<CursorLocals>) => void (th.local.cur = n)),
      ]);
  /** mm exit's call into the notifiers (§1.2 E1…E4) around hmm_release; it ends at done. */
  const exit: StepDef<G, CursorLocals, string>[] = exitReleaseSection<G, string, CursorLocals>([
    dispatch('E2', v52 ? 'RL1a' : 'RL4', 'E3', 'E2 for each notifier still LINKED: ->release(mn) = hmm_release'),
    ...hmmRelease,
    M.critical('E3', (s) => s.subs, (d) => void (d.hmm.node === 'LINKED' && tch(d, d.hmm, 'UAF_HMM') && (d.hmm.node = 'UNHASHED')), {
      doc: 'E3 SUBS: hlist_del_init_rcu of every notifier still linked',
    }),
  ]);

  // ---- Unreg[i]: hmm_mirror_unregister, then the driver frees the mirror; it ends at done
  const unregisterReleases = mutant === 'mutant-unregister-calls-release';
  const mu2Doc = unregisterReleases
    ? 'mutant: MU2 down_write(&hmm->mirrors_sem); if on the list: mirror->ops->release(mirror); list_del_init(&mirror->list); mirror->hmm = NULL; up_write'
    : 'MU2 down_write(&hmm->mirrors_sem); list_del_init(&mirror->list); mirror->hmm = NULL; up_write';
  const unreg: StepDef<G, unknown, string>[] = [
    {
      label: 'MU1',
      doc: 'MU1 hmm := READ_ONCE(mirror->hmm); if NULL return',
      effect: (d: G, th: Ctx<unknown>) => {
        const m = d.mirror[th.self]!;
        if (tch(d, m, 'UAF_MIRROR') && !m.hmmPtr) th.goto('MF');
      },
    },
    // ⟨down_write; …; up_write⟩ in one step: every field it touches is guarded by MSEM (`holds`).
    withHolds(
      andThen(R.downWrite('MU2', msem, { ...inHmm, doc: mu2Doc }), (d, th: Ctx<unknown>) => {
        if (d.hmm.msem.writer !== th.id) return;
        const m = d.mirror[th.self]!;
        if (tch(d, m, 'UAF_MIRROR')) {
          if (unregisterReleases && m.onList) {
            m.rel++;
            hooks.onRelease?.(d, th.self);
          }
          m.onList = false;
          m.hmmPtr = false;
        }
        rwsemUpWrite(d, d.hmm.msem, th.id);
      }),
      msem,
    ),
    v52
      ? { label: 'MU3', doc: 'MU3 hmm_put(hmm)', src: HMM_V52('mm/hmm.c', 'hmm_mirror_unregister', 316), effect: (d: G, th: Ctx<unknown>) => void (krefPut<HmmState>(d, d.hmm, 'UAF_HMM') && th.goto('FR1')) }
      : M.critical('MU3', (s) => s.subs, (d) => {
          // mmu_notifier_put (§1.6): users-- under SUBS; the last user unlinks and frees via call_srcu.
          if (krefPut<HmmState>(d, d.hmm, 'UAF_HMM')) {
            d.hmm.node = 'UNHASHED';
            if (mutant === 'mutant-put-frees-without-grace-period') kfree<HmmState>(d, d.hmm, 'UAF_HMM');
            else srcuCall(d.srcu, 'free_notifier');
          }
        }, {
          doc: mutant === 'mutant-put-frees-without-grace-period'
            ? 'mutant: MU3 mmu_notifier_put(&hmm->mmu_notifier): last user → unlink, kfree(hmm) at once'
            : 'MU3 mmu_notifier_put(&hmm->mmu_notifier): last user → unlink, call_srcu(free)',
        }),
    { label: 'MF', doc: 'the driver frees its mirror (kfree(svmm))', effect: (d: G, th: Ctx<unknown>) => (kfree<HmmState>(d, d.mirror[th.self]!, 'UAF_MIRROR'), th.goto('done')) },
    ...(v52 ? hmmFree('MF') : []),
  ];

  // ---- Inv: one invalidate_range_start through the notifier list; it ends at done
  const pre = hooks.preSync ?? [];
  const syncCur = guarded(
    {
      label: 'IS6',
      doc: 'IS6 for each mirror: mirror->ops->sync_cpu_device_pagetables(mirror)',
      effect: (d: G, th: Ctx<CursorLocals>) => {
        const m = d.mirror[th.local.cur]!;
        if (m.onList && tch(d, m, 'UAF_MIRROR')) hooks.onSync?.(d, th.local.cur);
        th.local.cur++;
        if (th.local.cur < n) th.goto('IS6');
      },
    },
    hooks.syncGuard,
  );
  /** IS5–IS7: the mirrors_sem read section around the callbacks. */
  const syncSection: StepDef<G, CursorLocals, string>[] = [
    andThen(R.downRead('IS5', msem, { ...inHmm, doc: 'IS5 down_read(&hmm->mirrors_sem)' }), (_d, th: Ctx<CursorLocals>) => void (th.local.cur = 0)),
    syncCur,
    andThen(R.upRead('IS7', msem, { ...inHmm, doc: v52 ? 'IS7 up_read(&hmm->mirrors_sem); hmm_put(hmm)' : 'IS7 up_read(&hmm->mirrors_sem)' }), (d, th: Ctx<CursorLocals>) => {
      th.local.cur = n;
      if (v52 && krefPut<HmmState>(d, d.hmm, 'UAF_HMM')) th.goto('FR1');
      else th.goto('V3');
    }),
  ];
  const inv: StepDef<G, CursorLocals, string>[] = [
    U.readLock('V1', (s) => s.srcu, 'V1 srcu_read_lock'),
    dispatch('V2', v52 ? 'IS1a' : (pre[0]?.label ?? 'IS5'), 'V3', 'V2 for each notifier still LINKED: ->invalidate_range_start = hmm_invalidate_range_start'),
    ...(v52 ? mmGetHmm('IS1', 'V3') : []),
    ...pre,
    ...(v52 ? syncSection : citedAs(fixedInvalidate, syncSection)),
    ...(v52 ? hmmFree('V3') : []),
    U.readUnlock('V3', (s) => s.srcu, 'V3 srcu_read_unlock'),
  ];

  return { exit, unreg, inv, hmmFree, mmGetHmm, hmmPut, dispatch };
}

/** The call_srcu callback of `mmu_notifier_put` (v5.4): `ops->free_notifier` → kfree(hmm), after the grace period. */
export function freeNotifier<G extends HmmState>() {
  return {
    doc: 'call_srcu callback of mmu_notifier_put: ops->free_notifier → kfree(hmm), after the grace period',
    guard: (s: G) => srcuCallbackReady(s.srcu, 'free_notifier'),
    effect: (d: G) => {
      srcuCallbackDone(d.srcu, 'free_notifier');
      kfree<HmmState>(d, d.hmm, 'UAF_HMM');
    },
  };
}
