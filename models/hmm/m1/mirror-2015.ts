/**
 * hmm/m1-mirror-2015 — M1b, 2015 era (hmm-domain.md §1.3, §2 H1, §3 M1b): HMM v8's mirror and
 * device lifetime against mm teardown, as posted in "HMM (Heterogeneous Memory Management) v8"
 * (<1432236705-4209-1-git-send-email-j.glisse@gmail.com>, 21 May 2015, patch 05/36) and reviewed
 * by Mark Hairgrove (<alpine.DEB.2.00.1506081222270.27796@mdh-linux64-2.nvidia.com>, 8 Jun 2015).
 *
 * Threads: Unreg (thread A, file close: `hmm_mirror_unregister` K1–K5, then
 * `hmm_device_unregister` DV1–DV3, spinning while it returns -EBUSY, then the driver frees the
 * device) and Exit (thread B, process exit: `__mmu_notifier_release`'s SRCU read section E1/E4
 * around `hmm_notifier_release` X1–X4). Whichever thread drops the mirror's last reference runs
 * `hmm_mirror_destroy` X5–X7b, whose `mutex_unlock(&device->mutex)` is split into (a) ownership
 * released and (b) the slow path still touching the mutex (§1.1, Hairgrove 10 Jun 2015).
 *
 * Mutants (not kernel bugs: they show that INV-UAF-M and INV-REL1 can fail): the driver freeing a
 * mirror it never unregistered; hmm_mirror_unregister calling `->release` itself.
 *
 * Abstracted away: the `hmm` object's own lifetime (Exit and Unreg only use `HRW`, which stays
 * valid: its refcount is not where H1 lives), the mm's pages and the rest of exit_mmap (the core's
 * unlink E3 and synchronize E5 come after the read section and touch no HMM object), the device's
 * other mirrors (1 mirror, 1 device: the doc's smallest instance), and what `->release` does
 * inside the driver except that it frees the mirror ("HMM will not access the mirror struct after
 * this call … safe for the device driver to free it", v8 comment).
 */
import type { ThreadCtx } from '../../../spec/builder';
import { spec } from '../../../spec/builder';
import { errType, forbid, freeableFields, kfree, noError, touch } from '../../../spec/kernel/errors';
import { krefFields, krefSteps } from '../../../spec/kernel/kref';
import { mutexSteps, mutexType } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemSteps, rwsemType } from '../../../spec/kernel/rwsem';
import { srcuInit, srcuType } from '../../../spec/kernel/srcu';
import { andThen } from '../../../spec/kernel/steps';
import { defineModel } from '../../../spec/model';
import { leadsTo } from '../../../spec/temporal';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { mutantVariant, selectMutant } from '../mutants';
import { checkQuiesceConstant, exitReleaseSection, INV, notifierSync } from './common';
import { citeSteps } from '../../../spec/citation';
import { MIRROR_2015_SOURCES } from './sources';

const IDS = ['Unreg', 'Exit'] as const;

const fields = {
  err: errType('UAF_DEV', 'UAF_MIRROR'),
  /** `hmm->rwsem` (HRW), guarding the hmm's mirror list. */
  hrw: rwsemType(IDS),
  /** The global mmu-notifier SRCU domain. */
  srcu: srcuType(IDS),
  /** The mirror: kref (the hmm's list holds one reference, the driver one), on the hmm's hlist. */
  mirror: t.record({ ...krefFields(2), linked: t.bool(), released: t.int(0, 2) }),
  /** The hmm_device: DEVM and its list of mirrors (`mirrors` = length of `dev->mirrors`). */
  dev: t.record({ ...freeableFields(), mutex: mutexType(IDS), mirrors: t.int(0, 1) }),
};
type State = Infer<RecordType<typeof fields>>;

interface UnregLocals {
  /** K2 unlinked the mirror (then K4 drops the list's reference). */
  unlinked: boolean;
  /** DV2 saw a non-empty device list: -EBUSY, retry. */
  busy: boolean;
  /** Where `hmm_mirror_destroy` returns to (it runs from K4 or K5). */
  ret: 'K5' | 'DV1';
}
interface ExitLocals {
  /** Exit took a mirror off the list at X2 and still uses it. */
  m: boolean;
}

const R = rwsemSteps<State>();
const M = mutexSteps<State>();
const K = krefSteps<State>();
const inDev = { in: (s: State) => s.dev, uaf: 'UAF_DEV' } as const;

/** The mutants (see the module header), each named `mutant-<what>`. */
const MUTANTS = ['mutant-driver-frees-registered-mirror', 'mutant-unregister-calls-release'] as const;

/**
 * `hmm_mirror_destroy` (X5–X7b), run by whichever thread drops the last mirror reference;
 * `releaseFrees`: the driver frees the mirror in `->release` (else later, with its device).
 */
function mirrorDestroy<L>(after: (d: State, th: ThreadCtx<L, string>) => void, releaseFrees: boolean) {
  return [
    M.lock('X5', (s) => s.dev.mutex, { ...inDev, doc: 'X5 mutex_lock(&device->mutex)' }),
    {
      label: 'X6',
      doc: releaseFrees
        ? 'X6 list_del_init(&mirror->dlist); device->ops->release(mirror) (the driver frees the mirror)'
        : 'X6 list_del_init(&mirror->dlist); device->ops->release(mirror) (the driver keeps the mirror until its device goes)',
      effect: (d: State) => {
        if (!touch(d, d.dev, 'UAF_DEV') || !touch(d, d.mirror, 'UAF_MIRROR')) return;
        d.dev.mirrors--;
        d.mirror.released++;
        if (releaseFrees) kfree(d, d.mirror, 'UAF_MIRROR');
      },
    },
    ...M.unlock2('X7a', 'X7b', (s) => s.dev.mutex, { ...inDev, doc: 'X7 mutex_unlock(&device->mutex)' }),
  ].map((step, i, all) => (i === all.length - 1 ? andThen(step, after) : step));
}

function build(cfg: { readonly constants: { checkQuiesce: boolean }; readonly variant: string }) {
  const mutant = selectMutant(cfg.variant, MUTANTS);
  // The mutants change the fixed design.
  const fixed = cfg.variant === 'fixed' || mutant !== null;
  const releaseFrees = mutant !== 'mutant-unregister-calls-release';
  /** K4 runs only if K2 unlinked the mirror. */
  const afterK3 = (_d: State, th: ThreadCtx<UnregLocals, string>) => th.goto(th.local.unlinked ? 'K4' : 'K5');
  const k3 = R.upWrite('K3', (s) => s.hrw, { doc: 'K3 up_write(&hmm->rwsem)' });
  const [ks1, ks2] = notifierSync<State, 'KS1', 'KS2'>('KS1', 'KS2', 'synchronize_srcu between unlinking and the final unref (H1 fix)');

  const unreg = [
    mutant === 'mutant-driver-frees-registered-mirror'
      ? {
          label: 'K1',
          doc: 'mutant: the driver kfree()s its mirror without hmm_mirror_unregister (still on the hmm list, still referenced), then unregisters its device',
          effect: (d: State, th: ThreadCtx<UnregLocals, string>) => (kfree(d, d.mirror, 'UAF_MIRROR'), th.goto('DV1')),
        }
      : R.downWrite('K1', (s) => s.hrw, { doc: 'K1 down_write(&hmm->rwsem)' }),
    {
      label: 'K2',
      doc:
        mutant === 'mutant-unregister-calls-release'
          ? 'mutant: K2 if (!hlist_unhashed(&mirror->mlist)) { hlist_del_init(&mirror->mlist); device->ops->release(mirror) }'
          : 'K2 if (!hlist_unhashed(&mirror->mlist)) hlist_del_init(&mirror->mlist)',
      effect: (d: State, th: ThreadCtx<UnregLocals, string>) => {
        th.local.unlinked = touch(d, d.mirror, 'UAF_MIRROR') && d.mirror.linked;
        if (th.local.unlinked) d.mirror.linked = false;
        if (th.local.unlinked && mutant === 'mutant-unregister-calls-release') d.mirror.released++;
      },
    },
    // v8: straight on to the unrefs. Fixed (Hairgrove's proposal): synchronize_srcu first.
    ...(fixed ? [k3, ks1, andThen(ks2, afterK3)] : [andThen(k3, afterK3)]),
    andThen(K.put('K4', (s) => s.mirror, { uaf: 'UAF_MIRROR', onZero: 'X5', otherwise: 'K5', doc: 'K4 hmm_mirror_unref (the list reference)' }), (_d, th: ThreadCtx<UnregLocals, string>) => {
      th.local.ret = 'K5';
    }),
    andThen(K.put('K5', (s) => s.mirror, { uaf: 'UAF_MIRROR', onZero: 'X5', otherwise: 'DV1', doc: 'K5 hmm_mirror_unref (the driver reference); unregister returns' }), (_d, th: ThreadCtx<UnregLocals, string>) => {
      th.local.ret = 'DV1';
    }),
    M.lock('DV1', (s) => s.dev.mutex, { ...inDev, doc: 'DV1 hmm_device_unregister: mutex_lock(&device->mutex)' }),
    {
      label: 'DV2',
      doc: 'DV2 if (!list_empty(&device->mirrors)) → -EBUSY (the driver retries)',
      effect: (d: State, th: ThreadCtx<UnregLocals, string>) => {
        if (touch(d, d.dev, 'UAF_DEV')) th.local.busy = d.dev.mirrors > 0;
      },
    },
    andThen(M.unlock('DV3', (s) => s.dev.mutex, { ...inDev, doc: 'DV3 mutex_unlock(&device->mutex); return -EBUSY or 0' }), (_d, th: ThreadCtx<UnregLocals, string>) => {
      if (th.local.busy) th.goto('DV1');
    }),
    { label: 'DVfree', doc: 'the driver frees the hmm_device', effect: (d: State, th: ThreadCtx<UnregLocals, string>) => (kfree(d, d.dev, 'UAF_DEV'), th.goto('done')) },
    ...mirrorDestroy<UnregLocals>((_d, th) => th.goto(th.local.ret), releaseFrees),
  ];

  const exit = exitReleaseSection<State, string, ExitLocals>([
    R.downWrite('X1', (s) => s.hrw, { doc: 'X1 hmm_notifier_release: down_write(&hmm->rwsem)' }),
    {
      label: 'X2',
      doc: 'X2 take the first mirror off the list: hlist_del_init(&mirror->mlist)',
      effect: (d: State, th: ThreadCtx<ExitLocals, string>) => {
        th.local.m = d.mirror.linked && touch(d, d.mirror, 'UAF_MIRROR');
        if (th.local.m) d.mirror.linked = false;
      },
    },
    andThen(R.upWrite('X3', (s) => s.hrw, { doc: 'X3 up_write(&hmm->rwsem) (list empty: leave the loop)' }), (_d, th: ThreadCtx<ExitLocals, string>) => {
      if (!th.local.m) th.goto('E4');
    }),
    andThen(K.put('X4', (s) => s.mirror, { uaf: 'UAF_MIRROR', onZero: 'X5', otherwise: 'X1', doc: 'X4 hmm_mirror_unref (the list reference)' }), (d, th: ThreadCtx<ExitLocals, string>) => {
      if (d.mirror.count > 0) th.local.m = false; // not the last reference: done with this mirror
    }),
    ...mirrorDestroy<ExitLocals>((_d, th) => {
      th.local.m = false;
      th.goto('X1');
    }, releaseFrees),
  ]);

  let b = spec(fields)
    .access({
      // The hmm's mirror list is walked and changed under HRW; the device's list under DEVM;
      // the mirror's kref is an atomic; the ->release count is the invariants' bookkeeping.
      'mirror.linked': { guardedBy: 'hrw' },
      'mirror.count': 'atomic',
      'mirror.released': 'ghost',
      'dev.mirrors': { guardedBy: 'dev.mutex' },
    })
    .init(() => ({
      err: null,
      hrw: rwsemInit(),
      srcu: srcuInit(IDS),
      mirror: { count: 2, freed: false, linked: true, released: 0 },
      dev: { freed: false, mutex: { owner: null }, mirrors: 1 },
    }))
    .thread('Unreg', {
      instances: ['Unreg'],
      locals: { unlinked: t.bool(), busy: t.bool(), ret: t.enum('K5', 'DV1') },
      initLocals: (): UnregLocals => ({ unlinked: false, busy: false, ret: 'DV1' }),
      steps: citeSteps(unreg, MIRROR_2015_SOURCES),
    })
    .thread('Exit', {
      instances: ['Exit'],
      locals: { m: t.bool() },
      initLocals: (): ExitLocals => ({ m: false }),
      steps: citeSteps(exit, MIRROR_2015_SOURCES),
    })
    .invariant(INV.UAF_D, forbid('UAF_DEV'), 'a freed device is never touched (H1: the mutex-unlock slow path)')
    .invariant(INV.UAF_M, forbid('UAF_MIRROR'), 'a freed mirror is never touched')
    .invariant(INV.REL1, (s) => s.mirror.released <= 1, '->release(mirror) at most once');
  if (cfg.constants.checkQuiesce) {
    const returned = new Set(['DV1', 'DV2', 'DV3', 'DVfree', 'done']);
    b = b.invariant(INV.QUIESCE, (s) => !(returned.has(s.Unreg[0]!.pc) && s.Exit[0]!.m), 'hmm_mirror_unregister returned ⇒ Exit no longer uses the mirror');
  }
  return b
    .invariant(INV.NOERR, noError)
    // REL0: exit started while the mirror was registered ⇒ ->release(mirror) eventually runs.
    .liveness(INV.REL0, leadsTo((s: State & { Exit: { pc: string }[] }) => s.Exit[0]!.pc !== 'E1' && s.mirror.linked, (s: State) => s.mirror.released >= 1))
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}

export const m1Mirror2015 = defineModel<{ checkQuiesce: boolean }>({
  name: 'hmm/m1-mirror-2015',
  title: 'M1b (2015): HMM v8 mirror unregister and device unregister vs mm exit',
  source: 'HMM v8 patch 05/36 <1432236705-4209-1-git-send-email-j.glisse@gmail.com>; review <alpine.DEB.2.00.1506081222270.27796@mdh-linux64-2.nvidia.com>; hmm-domain.md §1.3, §2 H1',
  constants: {
    checkQuiesce: checkQuiesceConstant,
  },
  variants: {
    fixed: {
      doc: 'hmm_mirror_unregister does synchronize_srcu between unlinking and the final unref, so it returns only after Exit has left its SRCU read section (and with it hmm_mirror_destroy)',
      ref: 'Hairgrove, <alpine.DEB.2.00.1506081222270.27796@mdh-linux64-2.nvidia.com> ("hmm_mirror_unregister wants to do a synchronize_srcu on the mmu_notifier srcu")',
      expect: { verdict: 'holds' },
    },
    'v8-unregister-race': {
      doc: 'H1: the v8 code as reviewed; unregister returns while Exit still destroys the mirror, the driver frees the device, and the mutex-unlock slow path touches it',
      ref: '<alpine.DEB.2.00.1506081222270.27796@mdh-linux64-2.nvidia.com> + <alpine.DEB.2.00.1506101757580.8383@…> (Hairgrove, 8/10 Jun 2015)',
      expect: { verdict: 'violation', property: INV.UAF_D },
    },
    'mutant-driver-frees-registered-mirror': mutantVariant(
      INV.UAF_M,
      'the driver frees a mirror it never unregistered',
      "the fixed design, but the driver's close kfree()s its mirror without hmm_mirror_unregister, so exit's release walks the hmm list onto the freed mirror",
    ),
    'mutant-unregister-calls-release': mutantVariant(
      INV.REL1,
      'hmm_mirror_unregister calls ->release itself',
      "the fixed design, but hmm_mirror_unregister calls device->ops->release on the mirror it unlinks (as mmu_notifier_unregister does for notifiers) and hmm_mirror_destroy calls it again; the driver's ->release here keeps the mirror until its device goes, so the second call is not also a use-after-free",
    ),
  },
  abstractions: [
    {
      what: "The hmm object's own lifetime and refcount (HRW stays valid), the mm's pages and exit_mmap after the read section (E3, E5, E6).",
      couldHide: 'a use-after-free of the hmm itself, and anything the core unlink or synchronize does after the release loop.',
    },
    {
      what: "One mirror on one device; the driver's ->release frees the mirror and touches nothing else.",
      couldHide: 'races between two mirrors of a device on its list (DV2 with a second mirror being destroyed), and what a real driver does in ->release (waiting on its own work).',
    },
  ],
  build,
});
