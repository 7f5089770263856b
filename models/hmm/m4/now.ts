/**
 * hmm/m4-now — M4 "all four at once", interval-notifier era (hmm-domain.md §3 M4, §1.7–1.10,
 * §2 H9/H11): mm teardown + mirror unregister + device fault + migration + a CPU thread + device
 * unbind, over one address `a` and one interval subscription sF covering it. Kernel versions: the
 * current mmu_interval_notifier (`mm/mmu_notifier.c` v5.8–v5.17 shape, with 319561669a59),
 * `hmm_range_fault` (v5.14–v6.4), `mm/migrate_device.c` (2025) and `do_swap_page`'s device-private
 * fault after 16ce101db85d (v6.1+); the driver is test_hmm/nouveau-shaped (§1.8).
 *
 * Threads — each is M1–M3's own step list, composed here (nothing is re-written):
 * - C: the process's CPU thread. Its access of `a` is M3's (../m3/pipeline.ts `cpuSteps`: on a
 *   device-private entry the §1.10 fault and a nested migrate-to-RAM, whose collect CO2 runs inside
 *   M2's invalidation I1–I4, ./notified.ts); then it exits (CX: mmput).
 * - Exit: X0 waits until mm_users is 0 (the last mmput's __mmput → exit_mmap). mmu_notifier_release
 *   → mn_itree_release: the RELEASE invalidation of every subscription — M2's invalidation I1–I4
 *   (../m2/interval.ts) without a PTE change, the driver's callback zapping its device PTE — then
 *   unmap_vmas: M2's invalidation again (XI1–XI4d) around X2, M3's zap of `a` (a device-private
 *   page's last reference → page_free).
 * - Unreg: the driver's close, once its fault and migrate ioctls have returned: DZ (tear down the
 *   device page table under DLOCK), then M2's mmu_interval_notifier_remove(sF) Y1–Y3 and the free.
 * - F: mmget_not_zero (F0), M2's device fault loop RD1–F9 (../m2/interval.ts) with a page walk over
 *   the real PTE (present → its pfn; the owner's device-private entry → its pfn, no fault; migration
 *   entry → HFw migration_entry_wait, then the walk again), mmput (F10).
 * - Mig: mmget_not_zero (M0); migrate_vma_setup's collect announced by a whole interval
 *   invalidation — M2's I1–I4 (the driver's callback sets sF's seq and zaps its device PTE under
 *   DLOCK) around M3's collect CO2 —, then CO5 (nothing collected → return) and M3's unmap …
 *   finalize MG5–MG9 (the driver maps D0 under DLOCK at MGdev if sF's seq did not move), mmput (M10).
 * - Ev: the driver's unbind, at any time: M3's eviction of D0 (migrate_device_range …; its
 *   try_to_migrate, `unmap`, inside M2's invalidation I1–I4), then memunmap_pages (pgmap dead).
 *
 * Variants: `fixed` (the current code); `swap-fault-no-page-ref` (H9: C's old device-private fault,
 * M3's switch); `interval-remove-lockless-wait` (H11: Unreg's lock-free Y2, M2's switch).
 *
 * Mutants (not kernel bugs, ../mutants.ts; one or two steps of `fixed` changed): M3's pipeline
 * mutants (INV-MIG1, INV-MIG2, INV-REF, INV-DATA), M2's fault loop without read_retry
 * (INV-NOSTALE) or with a second up_read on its retry path (INV-MMAPOWN), a release walk that skips
 * the first subscription (INV-RELEASE-ONCE), and an unbind that frees its device page without
 * evicting it (INV-TEARDOWN, which otherwise fails only together with INV-NOSTALE, declared first).
 *
 * Abstracted away, and why:
 * - The driver's callback runs for the migration's own MIGRATE events too (it sets sF's seq and
 *   zaps the device PTE). test_hmm's dmirror_interval_invalidate instead returns before
 *   mmu_interval_set_seq for MIGRATE events of its own device (Campbell, "Use the new
 *   MMU_NOTIFY_MIGRATE event to skip MMU invalidations of device private memory", lib/test_hmm.c);
 *   with that callback this model lets a fault that sampled `a` before Mig's collect program the
 *   page under migration (INV-NOSTALE in 15 steps, kept as a test). Whether a real test_hmm run can
 *   do so was not checked; the fixed design modelled here is the one whose seq always moves.
 * - Every invalidation runs the notifier protocol at step granularity (hmm-domain.md §4): range_start
 *   (I1, the driver's callback I2a–I2c), the PTE change as its own step, range_end (I4a–I4d). The
 *   last end (I4b) renumbers the live seq values (`renumberSeqs`: a canonical form, order,
 *   equalities and parities kept), so that H9's migrate-to-RAM retry loop stays finite. The check
 *   migrate_device_unmap makes after try_to_migrate (folio_mapped, migrate_vma_check_page) is read
 *   in Ev's PTE-change step, before range_end rather than after it. M3's driver section MGdev is
 *   one step under DLOCK, so it waits for DLOCK, which F holds across F6–F9.
 * - MMAP: only F takes it (for read; its up_read is checked, INV-MMAPOWN). Mig, C's faults and Ev
 *   would take it for read too and nothing here takes it for write (exit_mmap runs once every user
 *   is gone), so it has no effect on them.
 * - The mm's lifetime as in ./harness.ts (mm_users; mm_count not modelled); the mirror's `dead`
 *   flag (nothing reads it once mm_users is 0: F cannot start again); the driver's other mirrors and
 *   subscriptions (one sF), and everything of M3 that needs reclaim, pins, MADV_DONTNEED or a second
 *   CPU: so Mig's restore path and a failed MGdev sequence check are not reached here (M3 checks
 *   them). Pages are M3's S0–S2 + D0: S0 starts mapped, not in the swap cache; a migrate-back takes
 *   the first free system page, which is S0 again once Mig has freed it (so S1/S2 stay free).
 *
 * Instance: the doc's smallest — one mm, sF over one address, D0 + S0 (+ S1), threads {C/Exit,
 * Unreg, F, Mig} — plus Ev (H9 needs the unbind). Larger: `--const faults=2` (two concurrent device
 * faults), `--const cpu=wr`.
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { SpecBuilder } from '../../../spec/builder';
import { before, inline } from '../../../spec/kernel/compose';
import { errType } from '../../../spec/kernel/errors';
import { mutexFree, mutexInit, mutexType } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemType } from '../../../spec/kernel/rwsem';
import { andThen } from '../../../spec/kernel/steps';
import { constant, defineModel, type VariantDef } from '../../../spec/model';
import type { Spec } from '../../../spec/spec';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { INV as M2, mmapOwned } from '../m2/common';
import {
  faultLoopSteps,
  INTERVAL_MUTANTS,
  intervalAccess,
  intervalFields,
  invalidationSteps,
  removeSteps,
  renumberSeqs,
  subFree,
  type FaultLocals,
  type IntervalMutant,
  type InvLocals,
} from '../m2/interval';
import { quiescence } from '../m3/common';
import {
  cpuSteps,
  EVICT_MUTANTS,
  evictSteps,
  evInitLocals,
  evLocals,
  PIPE_CODES,
  PIPE_MUTANTS,
  pipeInitLocals,
  pipelineSteps,
  pipeLocalsType,
  pipeMutantDoc,
  pipeMutantVariants,
  pipeAccess,
  COLLECT_LABELS,
  zapInitLocals,
  zapLocals,
  zapPteSteps,
  type ZapL,
  type EvictMutant,
  type EvL,
  type Op,
  type PageName,
  type PipeDriver,
  type PL,
} from '../m3/pipeline';
import { mutantVariant, selectMutant } from '../mutants';
import * as H from './harness';
import { notified, replaceChain, replaceStep } from './notified';
import { M4_NOW_SOURCES } from './sources';

const IDS = ['C', 'Exit', 'Unreg', 'F', 'F2', 'Mig', 'Ev'] as const;
/** The threads that lock pages and hold page references. */
const PAGE_THREADS = ['Mig', 'C', 'Ev'] as const;
/** The threads that take the PTL of `a` (Exit's zap besides the page threads). */
const PTL_THREADS = ['Mig', 'C', 'Ev', 'Exit'] as const;
/** The one subscription, the driver's (sF, keyed F as in M2). */
const SUBS = ['F'] as const;
/**
 * Invalidations of `a` that may be in flight at once: Mig's collect, C's migrate-to-RAM collect and
 * Ev's try_to_migrate (Exit's run only once C, F and Mig dropped their mm_users references).
 */
const K = 3;
/**
 * Sequence values stay small: the last end of every invalidation (I4b) renumbers the live ones
 * (`renumberSeqs`: at most 11 cells, so ≤ 23), and the next I1 adds 1.
 */
const MAX_SEQ = 24;

function nowFields() {
  return {
    err: errType(...PIPE_CODES, 'MMAP_UNLOCK_NOT_HELD', 'UAF_SUB'),
    /** The driver's lock (DLOCK) and `mm->mmap_lock`. */
    dlock: mutexType(IDS),
    mmap: rwsemType(IDS),
    ...intervalFields(IDS, K, SUBS, MAX_SEQ),
    ...H.worldFields(PAGE_THREADS, PTL_THREADS, H.MAX_USERS + 1),
    /** RELEASE callbacks sF received. */
    rel: t.int(0, 2),
    /** Ghost: sF was in the tree when Exit's release invalidation started (it is due one RELEASE callback). */
    relDue: t.bool(),
  };
}
type State = Infer<RecordType<ReturnType<typeof nowFields>>>;
type FL = FaultLocals<PageName | null> & H.FaultPageL;
type Threads = { F: { r: number }[]; Mig: { r: number; cur: number }[]; Unreg: { w: number }[]; Exit: { cur: number; pc: string }[]; C: { r: number; cur: number }[]; Ev: { cur: number }[] };

export type NowConsts = { fault: boolean; migrate: boolean; cpu: string; unbind: boolean; faults: number };

/** The live sequence values renumbered (`renumberSeqs`): sF's, and every copy a thread saved. */
function renumber(d: State): void {
  const th = d as State & Threads;
  renumberSeqs(d.subs, [
    [d.sub.F, 'seq'],
    ...th.F.map((r) => [r, 'r'] as const),
    ...th.Mig.flatMap((r) => [[r, 'r'] as const, [r, 'cur'] as const]),
    ...th.Unreg.map((r) => [r, 'w'] as const),
    ...th.Exit.map((r) => [r, 'cur'] as const),
    ...th.C.flatMap((r) => [[r, 'r'] as const, [r, 'cur'] as const]),
    ...th.Ev.map((r) => [r, 'cur'] as const),
  ]);
}

/**
 * An invalidation's steps with the live sequence values renumbered at its last end (I4b), so that
 * H9's migrate-to-RAM retry loop, one invalidation per round, stays finite.
 */
function renumbered<L>(steps: readonly StepDef<State, L, string>[]): StepDef<State, L, string>[] {
  return steps.map((st) =>
    st.label !== 'I4b'
      ? st
      : {
          ...andThen(st, (d: State) => renumber(d)),
          atomic:
            "the kernel's access is the one seq++ of mn_itree_inv_end under subscriptions->lock (mm/mmu_notifier.c); renumbering the live sequence values after it is the model's canonical form (renumberSeqs keeps their order, equalities and parities), not a kernel access",
        },
  );
}

/** M2's invalidation around one step of M3's that changes the PTE of `a` (the driver's callback zaps its device PTE). */
const notifiedChange = <L extends InvLocals>(change: readonly StepDef<State, L, string>[], resume: (l: L) => string, doc: string) =>
  renumbered(notified<State, L>({ change: change.map((st, i) => (i === 0 ? { ...st, doc } : st)), resume, dlockSub: 'F', zap: H.zapDevice }));

/** The driver's interval notifier as M3's pipeline sees it: sF's seq (its callback runs on MIGRATE events too: ./notified.ts). */
const driver: PipeDriver = { seq: (d) => (d as State).sub.F.seq };
const dlockFree = (s: State) => mutexFree(s.dlock);
/** M3's driver section MGdev needs DLOCK free (F holds it across F6–F9). */
const driverSections = <L,>(steps: Parameters<typeof H.guardLabels<State, L>>[0]) => H.guardLabels<State, L>(steps, ['MGdev'], dlockFree);

/** F's page walk HF2 over the real PTE of `a`. */
const walk = {
  doc: 'HF2 walk (lock-free): present → pfns[a] := pfn; device-private entry of the owner → its pfn (no fault); migration entry → migration_entry_wait (HFw), -EBUSY, walk again',
  effect: (d: State, th: ThreadCtx<FaultLocals<PageName | null>, string>) => {
    if (H.walkAddress(d, th as unknown as ThreadCtx<FL, string>, 'HFw')) th.local.ret = 'ok';
  },
};

const CPU_OPS: Readonly<Record<string, readonly Op[]>> = { none: [], r: ['r'], w: ['w'], wr: ['w', 'r'] };

/** The variants of M2's and the eviction's mutants this model runs (M3's pipeline mutants word their own). */
const mutantVariants: Record<IntervalMutant | EvictMutant, VariantDef> = {
  'mutant-fault-skips-read-retry': mutantVariant(
    M2.NOSTALE,
    'the driver programs the device without mmu_interval_read_retry',
    "the fixed design, but the fault's F7 does not check mmu_interval_read_retry under DLOCK: a walk taken before the migration's collect is programmed after it, onto the page being migrated",
  ),
  'mutant-retry-unlocks-mmap-twice': mutantVariant(
    M2.MMAPOWN,
    "the fault's retry path up_reads mmap_lock a second time",
    'the fixed design, but when mmu_interval_read_retry fails the driver also calls mmap_read_unlock, which F5 already did',
  ),
  'mutant-release-walk-skips-first': mutantVariant(
    H.INV.RELEASE_ONCE,
    "mn_itree_release's tree walk skips the first subscription",
    "the fixed design, but the release invalidation's walk starts after the first overlapping subscription (an off-by-one), so sF never gets its RELEASE callback",
  ),
  'mutant-unbind-frees-mapped-device-page': mutantVariant(
    H.INV.TEARDOWN,
    'the driver unbind frees its device memory without evicting it',
    'the fixed design, but the unbind skips migrate_device_range: a device page no migration or fault holds is freed with the device memory while the process and the device still map it',
  ),
};

function build(cfg: { readonly constants: NowConsts; readonly variant: string }): Spec {
  const c = cfg.constants;
  const h9 = cfg.variant === 'swap-fault-no-page-ref';
  const h11 = cfg.variant === 'interval-remove-lockless-wait';
  const pipeMutant = selectMutant(cfg.variant, PIPE_MUTANTS);
  const intervalMutant = selectMutant(cfg.variant, INTERVAL_MUTANTS);
  const skipFirst = intervalMutant === 'mutant-release-walk-skips-first';
  const ops = CPU_OPS[c.cpu]!;
  const pipe = { dropDirty: false, skipUnmapRestore: false, mapCheck: true, driver, mutant: pipeMutant, collectEnd: 'I4a' };

  // C: M3's CPU thread; its migrate-to-RAM collect (CO2) runs inside M2's invalidation.
  const cpu = replaceChain(cpuSteps(ops, { oldFault: h9, pipe }) as StepDef<State, PL & InvLocals, string>[], COLLECT_LABELS, (collect) =>
    notifiedChange<PL & InvLocals>(
      collect,
      (l) => (l.src === null ? (h9 ? 'Cret' : 'Cunl') : 'MG5'),
      'CO2 migrate_to_ram → migrate_vma_setup → migrate_vma_collect (mm/migrate_device.c @022a12deda53), between range_start(MIGRATE) = I1–I2c and range_end = I4: ⟨spin_lock(PTL); device-private entry of the owner: folio_get; fault_folio or folio_trylock⟩, then COmig (the PTL held)',
    ),
  );
  const cSteps = [
    ...(ops.length ? inline(driverSections(cpu), { exit: 'CX' }) : []),
    H.mmput<State>('CX', 'CX the process exits: mmput(mm); the last reference runs exit_mmap (Exit)'),
  ];

  // Mig: migrate_vma_setup's collect is announced by a whole interval invalidation (I1–I4, M2's
  // steps) around M3's collect CO2; then, if a page was collected, M3's unmap … finalize.
  const pipeline = pipelineSteps({ ...pipe, driver: { seq: driver.seq }, dir: 'toDevice', after: 'done', faultPage: false });
  const collect = pipeline.filter((st) => COLLECT_LABELS.includes(st.label));
  const migrate = pipeline.filter((st) => !COLLECT_LABELS.includes(st.label));
  const migCollect = renumbered(invalidationSteps<State>({
    dlockSub: 'F',
    zap: H.zapDevice,
    announce: H.redoc(collect, 'CO2', pipeMutantDoc(pipeMutant, 'CO2', 'CO2 (after CO1 read_begin and the callbacks of CO0 = I1–I2) migrate_vma_collect_pmd: ⟨spin_lock(PTL); folio_get; folio_trylock⟩, then COmig (the PTL held); then CO4 = I4')),
  }));
  const migSteps = [
    H.mmgetNotZero<State>('M0', 'done'),
    ...inline(H.redoc(migCollect, 'I1', 'CO0 migrate_vma_setup → migrate_vma_collect: invalidate_range_start(MIGRATE) = I1 ⟨SUBS; active++; seq |= 1; cur := seq; unlock⟩'), { exit: 'CO5' }),
    {
      label: 'CO5',
      doc: 'CO5 migrate_vma_setup: no page collected → return; else migrate_device_unmap',
      effect: (_d: State, th: ThreadCtx<PL, string>) => void (th.local.src === null && th.goto('M10')),
    },
    ...inline(driverSections(migrate), { exit: 'M10' }),
    H.mmput<State>('M10'),
  ];

  const fSteps = [
    H.mmgetNotZero<State>('F0', 'done'),
    ...inline(
      faultLoopSteps<State, PageName | null>({ sub: 'F', insert: false, timeouts: false, walk, program: (d, snap) => void (d.devPte = snap), noSnap: null, mutant: intervalMutant }),
      { exit: 'F10' },
    ),
    H.migrationEntryWait<State>('HFw', 'HF1', 'migration_entry_wait: sleep until the page is unlocked; hmm_range_fault returns -EBUSY internally and walks again (HF1)'),
    H.mmput<State>('F10'),
  ];

  // Exit: X0 waits for the last mm_users reference; mn_itree_release is M2's invalidation without
  // a PTE change (its I1 records whether sF is due a RELEASE callback); unmap_vmas is M2's
  // invalidation again, around the zap of a (X2), under labels XI1 … XI4d.
  const release = renumbered(
    invalidationSteps<State>({
      dlockSub: 'F',
      skipFirst,
      zap: (d) => {
        H.zapDevice(d);
        d.rel++;
      },
    }),
  ).map((st) => (st.label === 'I1' ? before(st, (d: State) => void (d.relDue = d.sub.F.inTree)) : st));
  const unmapVmas = renumbered(
    invalidationSteps<State>({
      dlockSub: 'F',
      zap: H.zapDevice,
      // exit_mmap → unmap_vmas → unmap_single_vma … zap_pte_range, between range_start(UNMAP) = XI1–XI2c and range_end = XI4
      announce: zapPteSteps<ZapL>('I4a'),
    }),
  );
  const exitSteps = [
    H.afterLastUser<State, InvLocals>({
      label: 'X0',
      doc: 'X0 the last mmput: atomic_dec_and_test(&mm->mm_users) reached 0 → __mmput → exit_mmap (kernel/fork.c, mm/mmap.c)',
    }),
    ...inline(
      H.redoc(
        release,
        'I1',
        `I1 exit_mmap → mmu_notifier_release → mn_itree_release, once mm_users is 0: the RELEASE invalidation of [0, ULONG_MAX]: ⟨SUBS; active++; ${skipFirst ? 'mutant: the walk starts after the first subscription; if one is left' : 'if a subscription'}: seq |= 1; cur := seq; unlock⟩`,
      ),
      { exit: 'XI1' },
    ),
    ...inline(
      H.redoc(unmapVmas, 'I1', 'XI1 exit_mmap → unmap_vmas: mmu_notifier_invalidate_range_start(UNMAP, [0, ULONG_MAX]) → mn_itree_inv_start_range: ⟨SUBS; active++; if a subscription overlaps: seq |= 1; cur := seq; unlock⟩'),
      { exit: 'done', rename: (l) => (/^Z\d$/.test(l) ? l : `X${l}`) },
    ),
  ];

  const unregSteps = [H.deviceTeardown<any>(), ...removeSteps<State>({ sub: 'F', lockless: h11 })];

  // Ev: M3's eviction; its try_to_migrate (unmap) runs inside M2's invalidation (the notifier is
  // ours, so M3's hook does nothing).
  const evSteps = replaceStep(evictSteps(false, selectMutant(cfg.variant, EVICT_MUTANTS)) as StepDef<State, EvL & InvLocals, string>[], 'unmap', (unmap) =>
    notifiedChange<EvL & InvLocals>(
      [unmap],
      (l) => (l.mig ? 'copy' : 'restore'),
      'unmap migrate_device_unmap → try_to_migrate → try_to_migrate_one (mm/rmap.c @022a12deda53), between range_start(CLEAR) = I1–I2c and range_end = I4: ⟨PTL; device-private entry → migration entry⟩; then folio_mapped / migrate_vma_check_page (read here, before range_end) → restore',
    ),
  );

  const b = new SpecBuilder<State>(nowFields())
    .sources(M4_NOW_SOURCES)
    // M2's interval-notifier fields, M3's pipeline fields and the harness's: mm_users is an atomic;
    // the release counts are the invariants' bookkeeping.
    .access({ ...intervalAccess, ...pipeAccess, mmUsers: 'atomic', rel: 'ghost', relDue: 'ghost' })
    .init(() => ({
      err: null,
      dlock: mutexInit(),
      mmap: rwsemInit(),
      subs: { lock: mutexInit(), seq: 2, active: 0 },
      sub: { F: { seq: 1, inTree: true, deferred: false, freed: false } },
      ...H.initialWorld(),
      rel: 0,
      relDue: false,
    }))
    .thread('C', {
      instances: ['C'],
      locals: { ...pipeLocalsType(MAX_SEQ), cur: t.int(0, MAX_SEQ) },
      initLocals: () => ({ ...pipeInitLocals(), cur: 0 }),
      steps: cSteps,
    })
    .thread('Exit', { instances: ['Exit'], locals: { cur: t.int(0, MAX_SEQ), ...zapLocals }, initLocals: () => ({ cur: 0, ...zapInitLocals() }), steps: exitSteps })
    .thread('Unreg', { instances: ['Unreg'], locals: { w: t.int(0, MAX_SEQ) }, initLocals: () => ({ w: 0 }), steps: unregSteps })
    .thread('F', {
      instances: c.fault ? ['F', 'F2'].slice(0, c.faults) : [],
      // Identical faults (sub.F is the subscription, not the thread): --symmetry permutes them.
      symmetric: true,
      locals: { r: t.int(0, MAX_SEQ), ret: t.enum('ok', 'EBUSY', 'EPERM'), ...H.faultPageLocals },
      initLocals: (): FL => ({ r: 0, snap: null, ret: 'ok', wait: null }),
      steps: fSteps,
    })
    .thread('Mig', {
      instances: c.migrate ? ['Mig'] : [],
      locals: { ...pipeLocalsType(MAX_SEQ), cur: t.int(0, MAX_SEQ) },
      initLocals: () => ({ ...pipeInitLocals(), cur: 0 }),
      steps: migSteps,
    })
    .thread('Ev', {
      instances: c.unbind ? ['Ev'] : [],
      locals: { ...evLocals, cur: t.int(0, MAX_SEQ) },
      initLocals: () => ({ ...evInitLocals(), cur: 0 }),
      steps: evSteps,
    })
    .invariant(M2.MMAPOWN, mmapOwned, 'up_read(MMAP) only by a holder (H4)')
    .invariant(M2.SUBFREE, subFree(SUBS), 'a freed subscription is in neither the tree nor the deferred list, and is never touched (H11); so no callback after remove returned')
    .invariant(M2.NOSTALE, H.noStalePage, 'devPte[a] ∈ {none, the page the CPU maps (or, during a migration, its destination)}');
  return H.buildM4(b, quiescence(), PAGE_THREADS, {
    check: (s: State & Threads) => H.releasedOnce(s.rel, s.relDue, s.Exit[0]!.pc === 'done'),
    doc: 'sF gets at most one RELEASE callback, and exactly one if it was in the tree when the release began',
  });
}

export const m4Now = defineModel<NowConsts>({
  name: 'hmm/m4-now',
  title: 'M4 (now): mm teardown + interval-notifier removal + device fault + migration + CPU fault + unbind, one address',
  source: 'hmm-domain.md §3 M4, §1.7–1.10, §2 H9/H11; mm/mmu_notifier.c (v5.8–v5.17 + 319561669a59), mm/hmm.c (v5.14–v6.4), mm/migrate_device.c (2025), mm/memory.c do_swap_page (v6.1+)',
  constants: {
    ...H.harnessConstants,
    cpu: constant.enum(['none', 'r', 'w', 'wr'], 'r', "C's accesses of a before it exits: none, one read, one write, or a write then a read"),
    unbind: constant.bool(true, 'include Ev, the driver unbind (evict D0, memunmap_pages) at any time'),
    faults: constant.int(1, 2, 1, 'device faults running concurrently on the mirror (F, F2), each with its mm_users reference'),
  },
  variants: {
    fixed: {
      doc: 'current code: read_begin / read_retry under DLOCK, removal waiting for the deferred list under SUBS, the device-private fault with a reference and the page lock taken under the PTL (fault_page)',
      ref: '99cb252f5e68 with 319561669a59; mm/hmm.c hmm_range_fault (v5.14–v6.4); mm/migrate_device.c; 16ce101db85d',
      expect: { verdict: 'holds' },
    },
    'swap-fault-no-page-ref': {
      doc: 'H9: C takes the old device-private fault (no PTL re-check, no reference): the unbind evicts and frees D0 and migrate_to_ram runs on it',
      ref: '16ce101db85d "mm/memory.c: fix race when faulting a device private page" (CVE-2022-3523)',
      expect: { verdict: 'violation', property: 'INV-PGMAP' },
    },
    'interval-remove-lockless-wait': {
      doc: "H11: Unreg's mmu_interval_notifier_remove waits lock-free and returns while Exit's release invalidation still has sF on its deferred list; the driver frees sF",
      ref: '319561669a59 "mm/mmu_notifier.c: fix race in mmu_interval_notifier_remove()"; <20220420043734.476348-1-apopple@nvidia.com>',
      expect: { verdict: 'violation', property: M2.SUBFREE },
    },
    ...pipeMutantVariants,
    ...mutantVariants,
  },
  abstractions: [
    {
      what: "M2's interval-notifier protocol with one subscription (sF), blockable invalidations only; every invalidation (Mig's and C's collect, Ev's try_to_migrate, exit's release and unmap_vmas) at step granularity, its live seq values renumbered at the last end (I4b, a canonical form); Ev's migrate_vma_check_page read in its PTE-change step, before range_end.",
      couldHide: 'a second subscription interleaving with the removal, the non-blockable -EAGAIN path of mn_itree_invalidate, and a reference or mapping of D0 taken between try_to_migrate and its range_end (none of the modelled threads takes one there).',
    },
    {
      what: "M3's pipeline on the kernel primitives (pipeline/state.ts): the PTE one word under a PTL spinlock that collect (CO2 … COmig) and exit's zap (Z2 … Z3) hold across steps, PG_locked a lock (spec/kernel/page.ts lockdep), mm_users refcount.ts's atomic_inc_not_zero / atomic_dec_and_test; its several-access steps justified as in hmm/m3-migration (folio lock held, a private page, a freeing put). No TLB (the MMU reads the PTE in C's C0), no folio split (one-page folios): tlb.ts, folio.ts and cpu.ts are not used here.",
      couldHide: 'a stale TLB entry after collect or the zap cleared the PTE, and a large folio split during collect (both in hmm/m3-migrate-device).',
    },
  ],
  build,
});
