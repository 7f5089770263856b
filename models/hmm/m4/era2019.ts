/**
 * hmm/m4-2019 — M4 "all four at once", hmm_mirror era (hmm-domain.md §3 M4, §1.4–1.5, §1.9,
 * §2 H2/H3/H4): mm teardown + hmm_mirror unregister + nouveau device fault + migration, over one
 * address `a` and one mirror. Kernel versions: `mm/hmm.c` v5.2 (the bug forms) and v5.3–v5.4 (the
 * era's fixes: 14331726a3c4, 2bcbeaefde2f, the `mmu_notifier_get/put` lifetime), `nouveau_svm.c`
 * v5.3-rc (with Hellwig's mmap_sem fix <20190703184502.16234-5-hch@lst.de> outside H4), and the
 * v4.14–v5.3 `migrate_vma` whose collect is bracketed by `mmu_notifier_invalidate_range_start/end`.
 *
 * Threads — each is M1–M3's own step list, composed here (nothing is re-written):
 * - C: the process; it exits (CX: mmput). No CPU access in this era (the device-private CPU fault
 *   and its bug, H9, are M4-now's).
 * - Exit: runs once mm_users is 0: M1's `__mmu_notifier_release` → `hmm_release` (../m1/hmm2019.ts,
 *   E1–E4 and RL1–RL8b), whose `->release(mirror)` is the driver's teardown of its device page
 *   table under DLOCK (the hmm_mirror_ops contract in include/linux/hmm.h: the callback "must
 *   ensure that all access to any pages obtained from this mirror is halted before the callback
 *   returns"); then X2, exit_mmap's zap of `a` (M3's; the hmm notifier is unlinked by then, so no
 *   callback).
 * - Unreg: the driver's close once its fault and migrate calls have returned: DZ (the device stops
 *   using its page table, under DLOCK — current nouveau's order; see ./harness.ts for v5.3's), then
 *   M1's `hmm_mirror_unregister` MU1–MU3 and the driver's free MF.
 * - F: mmget_not_zero (F0), M2's nouveau fault NV1–NV8 with the v5.2 `hmm_range_fault` L2–L4
 *   (../m2/rangeValid.ts) walking the real PTE (present → its pfn; the owner's device-private entry
 *   → its pfn; migration entry → L3w migration_entry_wait, -EBUSY), mmput (F10).
 * - Mig: mmget_not_zero (M0); `invalidate_range_start` through the notifier list — M1's V1–V3 with,
 *   between IS1 and IS5, M2's HLOCK section IS2–IS4 (range->valid := false), and the driver's IS6
 *   zapping its device PTE under DLOCK; M3's collect CO2; `invalidate_range_end` (VE1–VE3 around
 *   M2's IE2, which makes the range valid again); M3's unmap … finalize (without M3's driver section
 *   MGdev: v5.3's finalize_and_map leaves the device page table alone); mmput (M10).
 *
 * Variants and what `fixed` means here. The era has no bug-free form for H3: `range->valid` is
 * re-validated at the end of every invalidation in every released kernel of the era, and the fix
 * (99cb252f5e68 / 04ec32fbc2b2 / a22dd506400d) replaced the mechanism by the sequence count that
 * M4-now checks. So `fixed` is the era's best design — v5.3–v5.4 with H2's fix (mirrors_sem held
 * across the release loop, get/put lifetime) and H4's fixes — and, like M1a's calibration, it is
 * expected to violate INV-NOSTALE, by H3. `range-valid-not-sticky` selects the same step forms (the
 * stable variant name under which H3 is found here); `release-drops-mirrors-sem` (H2) switches
 * M1's threads to v5.2, `mmap-lock-ownership` (H4) switches M2's fault to the code as written. With
 * `--const fault=false` (no device fault, so no H3) `fixed` holds every invariant.
 *
 * Mutants (not kernel bugs, ../mutants.ts; one or two steps of `fixed` changed, each found before
 * H3's 21 steps): M1's `mutant-put-frees-without-grace-period` (INV-UAF-H) and
 * `mutant-unregister-calls-release` (INV-REL1), M3's pipeline mutants for INV-MIG1, INV-MIG2 and
 * INV-REF. INV-DATA and INV-PGMAP are not checked here: no thread of this era reads `a` or calls
 * migrate_to_ram, so no variant could violate them.
 *
 * Abstracted away, and why: `mm_count`, `hmm->dead` and RL2/RL3 (F cannot overlap Exit: it holds
 * an mm_users reference; Exit runs when there is none); register (the mirror starts registered);
 * the nouveau range's own refcount; non-blockable invalidations; MMAP for Mig (read side only, and
 * nothing takes it for write); the driver's skipping of its own migration events (none in this
 * era); the device-private PTE's fault on the device side (L3 records D0 as the owner's page);
 * pages beyond M3's S0–S2 + D0 (S0 mapped at first, not in the swap cache). Mig's restore path is
 * not reached (nothing pins S0 here; M3 checks it).
 *
 * Instance: one mm, one mirror and F's one range over one address, D0 + S0, threads {C/Exit, Unreg,
 * F, Mig}. There are no larger instances beyond switching F or Mig off (the doc's M1b counts two
 * mirrors; hmm/m1-mirror-2019 checks that).
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { SpecBuilder } from '../../../spec/builder';
import { inline } from '../../../spec/kernel/compose';
import { errType, forbid } from '../../../spec/kernel/errors';
import { mutexFree, mutexInit, mutexType } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemType } from '../../../spec/kernel/rwsem';
import { srcuInit, srcuSteps } from '../../../spec/kernel/srcu';
import { andThen } from '../../../spec/kernel/steps';
import { defineModel } from '../../../spec/model';
import type { Spec } from '../../../spec/spec';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { INV as M1 } from '../m1/common';
import { freeNotifier, HMM_MUTANTS, hmmAccess, hmmFields, hmmInit, hmmMutantVariants, hmmThreads, type CursorLocals } from '../m1/hmm2019';
import { INV as M2, mmapOwned } from '../m2/common';
import { rangeAccess, rangeFaultSteps, rangeFields, rangeInvalidateEnd, rangeInvalidateStart, type RangeFaultLocals } from '../m2/rangeValid';
import { INV as M3, quiescence } from '../m3/common';
import { COLLECT_LABELS, PIPE_CODES, pipeAccess, pipeInitLocals, pipelineSteps, pipeLocalsType, pipeMutantDoc, pipeMutantVariants, zapInitLocals, zapLocals, zapPteSteps, type PageName, type PL, type ZapL } from '../m3/pipeline';
import { selectMutant } from '../mutants';
import * as H from './harness';
import { M4_2019_SOURCES } from './sources';

const IDS = ['C', 'Exit', 'Unreg', 'F', 'Mig'] as const;
/** The threads that read the notifier SRCU: Exit's release, Mig's invalidations. */
const READERS = ['Exit', 'Mig'] as const;
const PAGE_THREADS = ['Mig'] as const;
/** The threads that take the PTL of `a`: Mig's collect and finalize, Exit's zap. */
const PTL_THREADS = ['Mig', 'Exit'] as const;
/** One mirror (the driver's), one range (F's). */
const N = 1;

function fields2019() {
  return {
    ...hmmFields(IDS, READERS, N),
    err: errType('UAF_HMM', 'UAF_MIRROR', 'MMAP_UNLOCK_NOT_HELD', ...PIPE_CODES),
    /** The driver's lock (nouveau `svmm->mutex`) and `mm->mmap_sem`. */
    dlock: mutexType(IDS),
    mmap: rwsemType(IDS),
    ...rangeFields(IDS, 1),
    ...H.worldFields(PAGE_THREADS, PTL_THREADS),
    /** Ghost: the mirror was on the list when hmm_release took mirrors_sem (it is due one ->release). */
    relDue: t.bool(),
  };
}
type State = Infer<RecordType<ReturnType<typeof fields2019>>>;
type FL = RangeFaultLocals<PageName | null> & H.FaultPageL;
type ML = PL & CursorLocals;

export type Era2019Consts = { fault: boolean; migrate: boolean };

const dlockFree = (s: State) => mutexFree(s.dlock);

/**
 * The driver's callbacks (nouveau's ->release and sync_cpu_device_pagetables take svmm->mutex, DLOCK,
 * around their device page-table update): `labels` wait for DLOCK (the hooks' guard, or here) and
 * hold it for the step.
 */
function underDlock<L>(steps: readonly StepDef<State, L, string>[], labels: readonly string[]): StepDef<State, L, string>[] {
  return H.guardLabels(steps, labels, dlockFree).map((st) => (labels.includes(st.label) ? { ...st, holds: [...(st.holds ?? []), (s: State) => s.dlock] } : st));
}

/** M3's pipeline mutants this era runs (no CPU access here, so not the INV-DATA one). */
const PIPE_MUTANTS = ['mutant-collect-skips-folio-lock', 'mutant-unmap-relocks-collected-page', 'mutant-restore-pte-without-ref'] as const;

/** F's page walk L3 over the real PTE of `a`. */
const walk = {
  doc: 'L3 walk (lock-free): present → pfns[a] := pfn; device-private entry of the owner → its pfn; migration entry → migration_entry_wait (L3w), -EBUSY (L4)',
  effect: (d: State, th: ThreadCtx<RangeFaultLocals<PageName | null>, string>) => {
    // hmm_range_fault returns the page count; nouveau_range_fault returns 0
    if (H.walkAddress(d, th as unknown as ThreadCtx<FL, string>, 'L3w')) th.goto('NV4');
  },
};

function build(cfg: { readonly constants: Era2019Consts; readonly variant: string }): Spec {
  const c = cfg.constants;
  const v52 = cfg.variant === 'release-drops-mirrors-sem';
  const h4 = cfg.variant === 'mmap-lock-ownership';
  const hmm = hmmThreads<State>({
    n: N,
    v52,
    // H2 as the v5.3 series left it just before its fix: 6d7c3cde93c1 already applied (see ../m1/mirror-2019.ts).
    srcuFreedHmm: true,
    mutant: selectMutant(cfg.variant, HMM_MUTANTS),
    hooks: {
      onRelease: H.zapDevice,
      releaseGuard: dlockFree,
      onSync: H.zapDevice,
      syncGuard: dlockFree,
      preSync: [rangeInvalidateStart<State>()],
    },
  });
  const U = srcuSteps<State>();

  // Exit: M1's release section, once mm_users is 0; RL4 records whether the mirror is due a ->release.
  const exitSteps = [
    ...inline(
      H.redoc(underDlock(hmm.exit, ['RL6']), 'E1', 'E1 exit_mmap → __mmu_notifier_release, once mm_users is 0: srcu_read_lock').map((st) => {
        if (st.label === 'E1') return H.afterLastUser(st);
        if (st.label !== 'RL4') return st;
        // fixed: the mirrors on the list when hmm_release takes mirrors_sem for read; v5.2: the one it takes off the list
        return andThen(st, (d: State, th: ThreadCtx<CursorLocals, string>) => {
          if (v52 ? d.hmm.msem.writer === th.id && th.local.cur < N : true) d.relDue = v52 || d.mirror[0]!.onList;
        });
      }),
      { exit: 'Z2' },
    ),
    // X2: exit_mmap → unmap_vmas → zap_pte_range (the hmm notifier is unlinked: no callback); free_pgtables
    ...zapPteSteps<ZapL>('done'),
  ];

  const fSteps = [
    H.mmgetNotZero<State>('F0', 'done'),
    ...inline(rangeFaultSteps<State, PageName | null>({ h4, timeouts: false, walk, program: (d, snap) => void (d.devPte = snap), noSnap: null }), { exit: 'F10' }),
    H.migrationEntryWait<State>('L3w', 'L4', 'migration_entry_wait: sleep until the page is unlocked, then -EBUSY (L4: walk again while the range is valid)'),
    H.mmput<State>('F10'),
  ];

  // Mig: migrate_vma's collect between invalidate_range_start (M1's dispatch with M2's IS2) and
  // _end (M2's IE2); then, if a page was collected, M3's unmap … finalize.
  const pipeMutant = selectMutant(cfg.variant, PIPE_MUTANTS);
  const pipeline = pipelineSteps({
    dir: 'toDevice',
    after: 'done',
    collectEnd: 'VE1',
    dropDirty: false,
    skipUnmapRestore: false,
    faultPage: false,
    mapCheck: false,
    driver: { seq: () => 0 },
    mutant: pipeMutant,
  });
  const collect = pipeline.filter((st) => COLLECT_LABELS.includes(st.label));
  // v5.3's nouveau_dmem_migrate_finalize_and_map waits for the copy and unmaps the DMA pages; it
  // does not touch the device page table (a "FIXME optimization" there), so M3's driver section
  // MGdev is not a step of this era: the device maps the page at its next fault.
  const migrate = pipeline.filter((st) => !COLLECT_LABELS.includes(st.label) && st.label !== 'MGdev');
  const rangeEnd: StepDef<State, ML, string>[] = [
    U.readLock('VE1', (s) => s.srcu, 'VE1 srcu_read_lock (__mmu_notifier_invalidate_range_end)'),
    hmm.dispatch('VE2', v52 ? 'IE1a' : 'IE2', 'VE3', 'VE2 for each notifier still LINKED: ->invalidate_range_end = hmm_invalidate_range_end'),
    ...(v52 ? hmm.mmGetHmm('IE1', 'VE3') : []),
    rangeInvalidateEnd<State>(),
    ...(v52 ? [hmm.hmmPut('IE3', 'EFR1', 'VE3', 'IE3 hmm_put(hmm)'), ...hmm.hmmFree('VE3', 'E')] : []),
    andThen(U.readUnlock('VE3', (s) => s.srcu, 'VE3 srcu_read_unlock; migrate_vma: no page collected → return, else unmap'), (_d: State, th: ThreadCtx<PL, string>) =>
      th.goto(th.local.src === null ? 'M10' : 'MG5'),
    ),
  ];
  const migSteps = [
    H.mmgetNotZero<State>('M0', 'done'),
    ...inline(underDlock(hmm.inv, ['IS6']), { exit: collect[0]!.label }),
    ...H.redoc(collect, 'CO2', pipeMutantDoc(pipeMutant, 'CO2', 'CO2 migrate_vma_collect (v4.14, between invalidate_range_start and _end): ⟨spin_lock(PTL); get_page; trylock_page⟩, then COmig (clear the PTE, set_page_dirty if it was dirty, migration entry, remove rmap, put_page; PTL unlock, then the flush: v4.14’s order; this model has no TLB)')),
    ...rangeEnd,
    ...inline(migrate, { exit: 'M10' }),
    H.mmput<State>('M10'),
  ];

  // the mutant's MU2 calls the driver's ->release, which takes DLOCK
  const unregSteps = [H.deviceTeardown<any>(), ...underDlock(hmm.unreg, cfg.variant === 'mutant-unregister-calls-release' ? ['MU2'] : [])];

  const b = new SpecBuilder<State>(fields2019())
    .sources(M4_2019_SOURCES)
    // M1's mirror-layer, M2's range fields and the harness's (the M3 pipeline's fields are not
    // declared yet): mm_users is an atomic; relDue is the invariants' bookkeeping.
    .access({ ...hmmAccess(v52), ...rangeAccess, ...pipeAccess, mmUsers: 'atomic', relDue: 'ghost' })
    .init(() => ({
      err: null,
      srcu: srcuInit(READERS, ['free_notifier']),
      subs: mutexInit(),
      mmptl: mutexInit(),
      ...hmmInit(N),
      dlock: mutexInit(),
      mmap: rwsemInit(),
      hlock: mutexInit(),
      notifiers: 0,
      range: { onList: false, valid: false },
      ...H.initialWorld(),
      relDue: false,
    }))
    .action('free_notifier', {}, freeNotifier<State>())
    .thread('C', { instances: ['C'], steps: [H.mmput<State>('CX', 'CX the process exits: mmput(mm); the last reference runs exit_mmap (Exit)')] })
    .thread('Exit', { instances: ['Exit'], locals: { cur: t.int(0, N), ...zapLocals }, initLocals: (): CursorLocals & ZapL => ({ cur: N, ...zapInitLocals() }), steps: exitSteps })
    .thread('Unreg', { instances: ['Unreg'], steps: unregSteps })
    .thread('F', {
      instances: c.fault ? ['F'] : [],
      locals: { ret: t.enum('none', 'EBUSY', 'EAGAIN'), ...H.faultPageLocals },
      initLocals: (): FL => ({ snap: null, ret: 'none', wait: null }),
      steps: fSteps,
    })
    .thread('Mig', {
      instances: c.migrate ? ['Mig'] : [],
      locals: { ...pipeLocalsType(0), cur: t.int(0, N) },
      initLocals: (): ML => ({ ...pipeInitLocals(), cur: N }),
      steps: migSteps,
    })
    .invariant(M1.UAF_H, forbid('UAF_HMM'), 'no access to a freed hmm')
    .invariant(M1.UAF_M, forbid('UAF_MIRROR'), 'a freed mirror is never touched (H2)')
    .invariant(M1.REL1, (s) => s.mirror.every((m) => m.rel <= 1), '->release(mirror) at most once')
    .invariant(M2.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(M2.NOSTALE, H.noStalePage, 'devPte[a] ∈ {none, the page the CPU maps (or, during a migration, its destination)} (H3)');
  return H.buildM4(
    b,
    quiescence(),
    PAGE_THREADS,
    {
      check: (s: State & { Exit: { pc: string }[] }) => H.releasedOnce(s.mirror[0]!.rel, s.relDue, s.Exit[0]!.pc === 'done'),
      doc: 'the mirror gets at most one ->release, and exactly one if hmm_release found it registered',
    },
    [M3.DATA, M3.PGMAP],
  );
}

export const m4Era2019 = defineModel<Era2019Consts>({
  name: 'hmm/m4-2019',
  title: 'M4 (2019): mm teardown + hmm_mirror unregister + nouveau device fault + migrate_vma, one address',
  source: 'hmm-domain.md §3 M4, §1.4–1.5, §1.9, §2 H2/H3/H4; mm/hmm.c v5.2 and v5.3–v5.4, nouveau_svm.c v5.3-rc, mm/migrate.c migrate_vma (v4.14–v5.3)',
  constants: H.harnessConstants,
  variants: {
    fixed: {
      doc: "the era's best design (v5.3–v5.4): mirrors_sem held across the ->release loop, mmu_notifier_get/put lifetime, hmm_range_fault keeps MMAP and nouveau unlocks once. range->valid is still re-validated at every invalidation's end (H3 has no fix in this era: the fix replaced the mechanism, see hmm/m4-now), so INV-NOSTALE is expected violated; --const fault=false holds",
      ref: '14331726a3c4; 2bcbeaefde2f; <20190703184502.16234-5-hch@lst.de>; mmu_notifier_get/put (v5.4); H3 left as in every release of the era (04ec32fbc2b2 replaced the mechanism)',
      expect: { verdict: 'violation', property: M2.NOSTALE },
    },
    'release-drops-mirrors-sem': {
      doc: "H2: v5.2 hmm_release drops mirrors_sem around ->release; the driver's close unregisters and frees the mirror before the callback runs on it",
      ref: '14331726a3c4 "mm/hmm: Remove confusing comment and logic from hmm_release" (the race is in its commit message)',
      expect: { verdict: 'violation', property: M1.UAF_M },
    },
    'range-valid-not-sticky': {
      doc: "H3 (the same step forms as fixed, which the era cannot avoid): F snapshots a's page, the migration's invalidate_range_start marks the range invalid and its _end valid again around the collect, and nouveau programs the page being migrated",
      ref: '04ec32fbc2b2; <20190527195829.GB18019@mellanox.com>',
      expect: { verdict: 'violation', property: M2.NOSTALE },
    },
    'mmap-lock-ownership': {
      doc: 'H4: hmm_range_fault up_reads MMAP on an invalid range and returns -EAGAIN, nouveau passes it on without unlocking, NV8 up_reads again',
      ref: '2bcbeaefde2f; <20190703184502.16234-5-hch@lst.de>; <20190510195258.9930-3-Felix.Kuehling@amd.com>',
      expect: { verdict: 'violation', property: M2.MMAPOWN },
    },
    ...hmmMutantVariants,
    ...Object.fromEntries(PIPE_MUTANTS.map((m) => [m, pipeMutantVariants[m]])),
  },
  abstractions: [
    {
      what: "M1's mirror layer with one mirror (hmm2019.ts: each of the driver's callbacks one step holding DLOCK) and M2's range protocol with one range; register and hmm_get_or_create are left out.",
      couldHide: 'races between two mirrors or two ranges of one hmm, and register racing teardown.',
    },
    {
      what: "release-drops-mirrors-sem runs v5.2 with 6d7c3cde93c1 applied (the hmm freed through SRCU, taken by container_of), so that H2 is not masked by v5.2's mm_get_hmm use-after-free, which ties with it at the same BFS depth here (hmm/m1-mirror-2019 mm-get-hmm-use-after-free shows that one).",
      couldHide: 'nothing of v5.2 that M1 does not show; the combination of both bugs in one run.',
    },
    {
      what: "The non-blockable invalidation path and mirrors_sem trylocks are not in M4 (they are M2's legacy era with `nonblock`); M3's pipeline steps are the current mainline ones (state.ts `pipeAccess`: PTE under the PTL, page locks, atomic counts) with the v4.14 collect's citations, and their several-access steps are justified as in hmm/m3-migration (folio lock held, a private page, a freeing put).",
      couldHide: "an OOM reaper racing migration's invalidation pair; v4.14's collect did not carry the PTE dirty bit to the page (fd35ca3d12cc, 2022), which the current steps do — no thread writes `a` in this model, so the difference cannot show.",
    },
  ],
  build,
});
