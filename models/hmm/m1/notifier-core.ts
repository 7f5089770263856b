/**
 * hmm/m1-notifier-core — M1a (hmm-domain.md §1.2, §3 M1a, Appendix A.1): the current
 * mmu_notifier core's release / unregister / invalidate dispatch (`mm/mmu_notifier.c`, v5.8–v5.17
 * era: `__mmu_notifier_release` / `mn_hlist_release`, `mmu_notifier_unregister`) with one
 * notifier over one page.
 *
 * Threads: E (exit_mmap: E1–E6), U (the driver's `mmu_notifier_unregister`: U1–U6; U1 reads the
 * node lock-free, which is why `->release` can run twice), R (reclaim: clear the CPU PTE, the
 * invalidate dispatch V1–V3 — the SRCU read section, the lock-free read of the node V2 and the
 * callback V2cb as separate steps — then free the page). E2 likewise reads the node (E2) and
 * calls `->release` (E2r) in two steps: the hlist walk under SRCU is lock-free.
 *
 * Calibration, not a bug: the core calls `->release` twice when U1 reads LINKED before E3 unlinks
 * the node; this is accepted by design (§1.2) and drivers must tolerate it. So `fixed` — the only
 * kernel variant — is expected to violate INV-REL1 ("release at most once"), while every
 * use-after-free and staleness invariant holds: run it with `checkRel1=false` to explore the whole
 * state space against them.
 *
 * Mutants (not kernel bugs: they show that INV-NOSTALE, INV-QUIESCE and INV-NOERR can fail): exit
 * freeing the pages before `->release`, an inverted U1 test, an unregister without U2's lock.
 *
 * Abstracted away: `mmgrab`/`mmdrop` (U7; the caller's mm_count reference keeps the subscriptions
 * alive, nothing here frees them), register (R1–R4 of §1.2; the notifier starts registered), the
 * other notifier methods, and the pages beyond one; the SUBS critical sections are single steps
 * (each writes the node once); the CPU PTE's lock (each step makes one access to it) and the
 * driver's lock inside a callback (each callback is one step writing the secondary MMU's mapping).
 */
import { spec } from '../../../spec/builder';
import { before } from '../../../spec/kernel/compose';
import { errType, noError, raise, type ErrState } from '../../../spec/kernel/errors';
import { mutexInit, mutexSteps, mutexType } from '../../../spec/kernel/mutex';
import { srcuInit, srcuSteps, srcuType } from '../../../spec/kernel/srcu';
import { constant, defineModel } from '../../../spec/model';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { mutantVariant, selectMutant } from '../mutants';
import { exitReleaseSection, INV, notifierSync } from './common';
import { NOTIFIER_CORE_SOURCES } from './sources';

const IDS = ['E', 'U', 'R'] as const;

const fields = {
  err: errType('TOUCH_FREED'),
  /** The notifier's hlist node on the mm's subscription list. */
  node: t.enum('LINKED', 'UNHASHED'),
  /** SUBS: `mmu_notifier_mm->lock` / `notifier_subscriptions->lock`. */
  subs: mutexType(IDS),
  srcu: srcuType(IDS),
  /** The process's CPU mapping of the page, what the secondary MMU maps, and the page itself. */
  cpuPte: t.enum('mapped', 'none'),
  smmu: t.enum('mapped', 'none'),
  page: t.enum('inuse', 'freed'),
  /** Number of `->release` calls so far. */
  relCount: t.int(0, 2),
};
type State = Infer<RecordType<typeof fields>>;

/**
 * A callback of the secondary MMU (`->release`, or the invalidate callback): it may touch the
 * page (accessed/dirty bits) while it still maps it, then drops the mapping.
 */
function secondaryMmuDrop(d: State & ErrState): void {
  if (d.smmu === 'mapped' && d.page === 'freed') raise(d, 'TOUCH_FREED');
  d.smmu = 'none';
}

function release(d: State): void {
  secondaryMmuDrop(d);
  d.relCount++;
}

/** exit_mmap's unmap_vmas + free_pgtables: the CPU PTE is zapped and the page freed. */
function zapAndFree(d: State): void {
  d.cpuPte = 'none';
  d.page = 'freed';
}

/** The mutants (see the module header), each named `mutant-<what>`. */
const MUTANTS = ['mutant-exit-frees-pages-before-release', 'mutant-unregister-inverted-unhashed-test', 'mutant-unregister-skips-srcu-read-lock'] as const;

const M = mutexSteps<State>();
const U = srcuSteps<State>();

/**
 * The notifier has a callback running or about to run: a thread about to read the node while it
 * is linked, or one that read it linked and is at its callback step.
 */
function callbackPending(s: State & { E: { pc: string }[]; U: { pc: string }[]; R: { pc: string }[] }): boolean {
  const e = s.E[0]!.pc;
  const r = s.R[0]!.pc;
  return (s.node === 'LINKED' && (e === 'E2' || r === 'V2')) || e === 'E2r' || r === 'V2cb' || s.U[0]!.pc === 'U3';
}

function build(cfg: { readonly constants: { checkRel1: boolean }; readonly variant: string }) {
  const mutant = selectMutant(cfg.variant, MUTANTS);
  const exit = exitReleaseSection<State, string, unknown>([
    {
      label: 'E2',
      doc: 'E2 mn_hlist_release (mm/mmu_notifier.c v5.8–v5.17): hlist_for_each_entry_rcu — a lock-free read of the node under SRCU; LINKED → its ->release (E2r)',
      effect: (d, th) => void (d.node === 'LINKED' || th.goto('E3')),
    },
    { label: 'E2r', doc: 'E2 mn_hlist_release: subscription->ops->release(subscription, mm)', effect: (d) => release(d) },
    M.critical('E3', (s) => s.subs, (d) => void (d.node = 'UNHASHED'), { doc: 'E3 SUBS: hlist_del_init_rcu of every notifier' }),
  ]).map((st) =>
    st.label === 'E1' && mutant === 'mutant-exit-frees-pages-before-release'
      ? before(st, zapAndFree, 'mutant: exit_mmap zaps and frees the pages first, then E1 srcu_read_lock (__mmu_notifier_release)')
      : st,
  );
  const inverted = mutant === 'mutant-unregister-inverted-unhashed-test';
  const b = spec(fields)
    .access({
      // The hlist node is written under SUBS (E3, U5) and read lock-free (U1; the SRCU list walks E2, V2).
      node: { guardedBy: 'subs', lockfreeReads: true },
      // The CPU PTE (its PTL is not modelled: each step makes one access) and the secondary MMU's
      // mapping (each callback writes it once; the driver's lock inside the callback is collapsed).
      cpuPte: 'lockless',
      smmu: 'lockless',
      // The page's freed flag (the error convention of spec/kernel/errors.ts) and the ->release count: bookkeeping.
      page: 'ghost',
      relCount: 'ghost',
    })
    .sources(NOTIFIER_CORE_SOURCES)
    .init(() => ({
      err: null,
      node: 'LINKED' as const,
      subs: mutexInit(),
      srcu: srcuInit(IDS),
      cpuPte: 'mapped' as const,
      smmu: 'mapped' as const,
      page: 'inuse' as const,
      relCount: 0,
    }))
    .thread('E', {
      instances: ['E'],
      steps: [
        ...exit,
        ...notifierSync<State, 'E5a', 'E5b'>('E5a', 'E5b', 'E5 synchronize_srcu'),
        { label: 'E6', doc: 'E6 exit_mmap: unmap_vmas zaps the PTE, then the page is freed', effect: zapAndFree },
      ],
    })
    .thread('U', {
      instances: ['U'],
      steps: [
        {
          label: 'U1',
          doc: inverted ? 'mutant: U1 if (hlist_unhashed(&mn->hlist)) — the lock-free test inverted' : 'U1 if (!hlist_unhashed(&mn->hlist)) — a lock-free read',
          effect: (d, th) => void ((d.node === 'LINKED') !== inverted || th.goto('U6a')),
        },
        mutant === 'mutant-unregister-skips-srcu-read-lock' ? { label: 'U2', doc: 'mutant: U2 srcu_read_lock left out (U4 still unlocks)' } : U.readLock('U2', (s) => s.srcu, 'U2 srcu_read_lock'),
        { label: 'U3', doc: 'U3 ->release(mn)', effect: (d) => release(d) },
        U.readUnlock('U4', (s) => s.srcu, 'U4 srcu_read_unlock'),
        M.critical('U5', (s) => s.subs, (d) => void (d.node = 'UNHASHED'), { doc: 'U5 SUBS: hlist_del_init_rcu(&mn->hlist) (idempotent)' }),
        ...notifierSync<State, 'U6a', 'U6b'>('U6a', 'U6b', 'U6 synchronize_srcu'),
      ],
    })
    .thread('R', {
      instances: ['R'],
      steps: [
        { label: 'R1', doc: 'reclaim clears the CPU PTE', effect: (d) => void (d.cpuPte = 'none') },
        U.readLock('V1', (s) => s.srcu, 'V1 __mmu_notifier_invalidate_range_start: srcu_read_lock'),
        {
          label: 'V2',
          doc: 'V2 mn_hlist_invalidate_range_start: hlist_for_each_entry_rcu — a lock-free read of the node; LINKED → its callback (V2cb)',
          effect: (d, th) => void (d.node === 'LINKED' || th.goto('V3')),
        },
        { label: 'V2cb', doc: 'V2 ops->invalidate_range_start(subscription, range): the secondary MMU drops its mapping', effect: (d) => secondaryMmuDrop(d) },
        U.readUnlock('V3', (s) => s.srcu, 'V3 srcu_read_unlock'),
        // R1 cleared the PTE and nothing maps the page again, so the page is unmapped here.
        { label: 'R3', doc: 'reclaim frees the page (no CPU PTE maps it since R1)', effect: (d) => void (d.page = 'freed') },
      ],
    })
    .invariant(INV.NOSTALE, (s) => s.err !== 'TOUCH_FREED' && !(s.page === 'freed' && s.smmu === 'mapped'), 'the secondary MMU never maps or touches a freed page')
    .invariant(INV.QUIESCE, (s) => s.U[0]!.pc !== 'done' || (s.node === 'UNHASHED' && !callbackPending(s)), 'unregister returned ⇒ no callback running or to come');
  const withRel1 = cfg.constants.checkRel1 ? b.invariant(INV.REL1, (s) => s.relCount <= 1, 'calibration: ->release at most once (violated by design)') : b;
  return withRel1.invariant(INV.NOERR, noError).terminates(INV.TERMINATION).fair('weak', 'eachThread').build();
}

export const m1NotifierCore = defineModel<{ checkRel1: boolean }>({
  name: 'hmm/m1-notifier-core',
  title: 'M1a: mmu_notifier core release / unregister / invalidate (calibration: double ->release)',
  source: 'mm/mmu_notifier.c (v5.8–v5.17 era: __mmu_notifier_release, mmu_notifier_unregister); hmm-domain.md §1.2, §3 M1a, App. A.1',
  constants: {
    checkRel1: constant.bool(true, 'check the calibration property INV-REL1; false explores the whole state space against the other invariants'),
  },
  variants: {
    fixed: {
      doc: 'the current core; ->release may run twice (exit and unregister) by design, so INV-REL1 must be reported violated while every use-after-free / staleness invariant holds',
      ref: 'mm/mmu_notifier.c mmu_notifier_unregister ("->release may be called twice" behaviour, hmm-domain.md §1.2)',
      expect: { verdict: 'violation', property: INV.REL1 },
    },
    'mutant-exit-frees-pages-before-release': mutantVariant(
      INV.NOSTALE,
      'exit_mmap frees the pages before calling ->release',
      'exit_mmap zaps and frees the pages before __mmu_notifier_release, so the secondary MMU still maps a freed page',
    ),
    'mutant-unregister-inverted-unhashed-test': mutantVariant(
      INV.QUIESCE,
      'mmu_notifier_unregister with its unhashed test inverted',
      'U1 tests hlist_unhashed instead of !hlist_unhashed, so unregistering a linked notifier skips ->release and the unlink and returns with callbacks to come',
    ),
    'mutant-unregister-skips-srcu-read-lock': mutantVariant(
      INV.NOERR,
      'mmu_notifier_unregister calls ->release without srcu_read_lock',
      'U2 srcu_read_lock is left out but U4 still unlocks: an unbalanced SRCU read section',
    ),
  },
  abstractions: [
    {
      what: 'One notifier over one page; register (R1–R4), mmgrab/mmdrop (U7) and the notifier methods other than ->release and invalidate_range_start are left out.',
      couldHide: 'races between two notifiers of one mm (the hlist walk past an unlinked neighbour), register racing exit, and a use of the mm after the last mmdrop.',
    },
    {
      what: "The CPU PTE's lock is not modelled (each step makes one access to the PTE), and the driver's lock inside a callback is collapsed: each callback is one step writing the secondary MMU's mapping.",
      couldHide: "a callback that re-reads the page after dropping its own lock, and reclaim's unmap racing a fault that re-populates the PTE (nothing maps the page again here).",
    },
    {
      what: 'The page is freed or not (its freed flag is bookkeeping, as in spec/kernel/errors.ts); accessed/dirty bits are a touch of that flag.',
      couldHide: 'lost dirty bits when the secondary MMU drops its mapping after the CPU PTE was zapped.',
    },
  ],
  build,
});
