/**
 * hmm/m2-device-fault — M2 (hmm-domain.md §1.4–1.5, §1.7–1.8, §2 H3/H4/H5/H11, §3 M2, App. A.2):
 * a device page fault (F) against invalidations of the same page p (Inv1..Invk, which do not hold
 * MMAP: reclaim, migration, NUMA balancing, §4), in two eras chosen by the variant.
 *
 * - Sequence era (`fixed`, `write-fault-ro-vma-loop`, `interval-remove-lockless-wait`):
 *   mmu_interval_notifier (v5.5+; `mm/mmu_notifier.c` v5.8–v5.17 with 319561669a59 applied in
 *   `fixed`), the test_hmm `dmirror_range_fault` loop (`lib/test_hmm.c` v5.8) and the current
 *   `hmm_range_fault` (v5.14–v6.4, with c18ce674d548's -EPERM). Threads F (optionally inserting
 *   its own subscription first), Inv1..Invk, Rm (removes and frees another mirror's
 *   subscription). See ./sequence.ts.
 * - Legacy era (`range-valid-not-sticky`, `mmap-lock-ownership`, `nonblock-leaks-notifiers`):
 *   `struct hmm` with `range->valid`, `notifiers` and `mirrors_sem` (`mm/hmm.c` v5.2) and the
 *   nouveau fault path (`nouveau_svm.c` v5.3-rc). Threads F, Inv1..Invk and, with `nonblock`, the
 *   OOM reaper's non-blockable invalidation Oom (no interval notifier, so no Rm and no insert). See ./legacy.ts.
 *
 * Abstracted away, and why: one page p whose CPU PTE is a page version (each invalidation's PTE
 * change I3 installs a new one; PTE permissions, holes and faults that populate the PTE are not
 * modelled, except the write fault of H5, whose only effect is -EBUSY or -EPERM); the device is
 * an asynchronous reader of its PTE with no program counter (§4), so INV-NOSTALE is checked in
 * every state; one fault attempt per F (nouveau cancels a failed fault and the GPU replays it
 * later: a new F); the mm's lifetime (no teardown, so `mmget_not_zero`/`mmput`, `mm_get_hmm`,
 * `hmm->dead` and the release path are left to M1/M4); non-blockable invalidations in the
 * sequence era (trylock, -EAGAIN; the legacy era has them with `nonblock`) and H4(b)'s FAULT_FLAG_ALLOW_RETRY (the page is always present, so L3 only faults for
 * H5's write, which handle_mm_fault answers without sleeping); the timeouts, unless the
 * `timeouts` constant is set. Granularity choices are explained at the top of each era's module.
 */
import { defineModel } from '../../../spec/model';
import { INV, m2Constants, type M2Consts } from './common';
import { buildLegacy } from './legacy';
import { buildSequence } from './sequence';

export const m2DeviceFault = defineModel<M2Consts>({
  name: 'hmm/m2-device-fault',
  title: 'M2: device fault vs invalidation (range->valid era and the mmu_interval_notifier sequence era)',
  source: 'hmm-domain.md §1.4–1.5, §1.7–1.8, §2 H3/H4/H5/H11, §3 M2; mm/hmm.c v5.2 + nouveau_svm.c v5.3-rc; mm/mmu_notifier.c v5.8–v5.17, lib/test_hmm.c v5.8, mm/hmm.c v5.14–v6.4',
  constants: m2Constants,
  variants: {
    fixed: {
      doc: 'sequence era, current design: read_begin / check_retry / read_retry under DLOCK, -EPERM for a write fault in a read-only VMA, removal waits for the deferred list under SUBS',
      ref: '99cb252f5e68 (mmu_interval_notifier) with 319561669a59 and c18ce674d548; lib/test_hmm.c dmirror_range_fault',
      expect: { verdict: 'holds' },
    },
    'range-valid-not-sticky': {
      doc: "H3: legacy era with H4's fixes applied; IE2 makes range->valid true again, so a snapshot taken before an invalidation is programmed into the device after it",
      ref: '04ec32fbc2b2; <20190527195829.GB18019@mellanox.com>',
      expect: { verdict: 'violation', property: INV.NOSTALE },
    },
    'mmap-lock-ownership': {
      // In this era H3 is present too, but its counterexample is 12 steps and this one 7, so BFS
      // reports INV-MMAPOWN first; INV-MMAPOWN is also declared before INV-NOSTALE, so a state
      // violating both would be reported as INV-MMAPOWN.
      doc: 'H4: legacy era as written: L2 up_reads MMAP and returns -EAGAIN, nouveau_range_fault passes it on as -EBUSY without unlocking, NV8 up_reads unconditionally → unlock of a lock not held',
      ref: '2bcbeaefde2f; <20190703184502.16234-5-hch@lst.de>; <20190510195258.9930-3-Felix.Kuehling@amd.com>',
      expect: { verdict: 'violation', property: INV.MMAPOWN },
    },
    'nonblock-leaks-notifiers': {
      doc: "legacy era (H4's fixes applied) with the OOM reaper's non-blockable invalidation: nouveau's sync_cpu_device_pagetables answers -EAGAIN, and v5.2 hmm_invalidate_range_start returns -EAGAIN after notifiers++ without undoing it (the same on a failed down_read_trylock of mirrors_sem); the caller sends no invalidate_range_end, so hmm->notifiers stays incremented, range->valid never becomes true again and every later fault waits in hmm_range_wait_until_valid until it times out",
      ref: '"mm/hmm: Fix error flows in hmm_invalidate_range_start" (Gunthorpe, v5.3; <20190614004450.20252-13-jgg@ziepe.ca>)',
      expect: { verdict: 'violation', property: INV.NOTIFIERS },
    },
    'write-fault-ro-vma-loop': {
      doc: 'H5: sequence era with the walk before c18ce674d548: a write fault in a VMA without VM_WRITE makes handle_mm_fault fail to upgrade the PTE, the walk returns -EBUSY and hmm_range_fault loops (HF1 ⇄ HF2) for ever. A livelock: every safety property holds, and the liveness property LIVE-TERMINATION (under weak fairness per thread) fails with a lasso. The micro instance of the doc is `--const invalidations=0 --const remove=false --const insert=false --const access=write-ro`',
      ref: 'c18ce674d548; <20190823221753.2514-3-rcampbell@nvidia.com>',
      expect: { verdict: 'liveness', property: INV.TERMINATION },
    },
    'interval-remove-lockless-wait': {
      doc: 'H11: sequence era with the lock-free wait of mmu_interval_notifier_remove: Y2 sees the seq++ of I4 before I4 processed the deferred removal, so the caller frees a subscription still in the tree',
      ref: '319561669a59; <20220420043734.476348-1-apopple@nvidia.com>',
      expect: { verdict: 'violation', property: INV.SUBFREE },
    },
    'mutant-fault-recursive-mmap-read': {
      doc: 'mutation, not a kernel bug (it shows that a recursive read acquisition of MMAP is modelled as the kernel runs it): legacy era (H4\u2019s fixes applied) where a helper of the fault path takes down_read(MMAP) again while NV1 holds it, and a munmap thread Mu queues down_write(MMAP) in between: the second down_read waits behind the writer, the writer for F — a deadlock (rwsem_down_read_slowpath does not let a reader steal a reader-owned lock from a waiting writer)',
      ref: 'mutation (not a kernel bug): the fault path takes mmap_sem for read recursively; kernel/locking/rwsem.c rwsem_down_read_slowpath (spec/kernel/rwsem.ts, readDepth)',
      expect: { verdict: 'deadlock' },
    },
  },
  abstractions: [
    {
      what: 'One page p whose CPU PTE is a version number; the PTE lock is not modelled (the walk and each PTE change make one access each), and PTE permissions, holes and populating faults only appear as H5\'s write fault.',
      couldHide: 'a walk that reads two entries of one range at different times (a range of several pages half old, half new), and faults that populate a hole while an invalidation runs.',
    },
    {
      what: "The device reads its PTE asynchronously (no program counter); one fault attempt per F; no teardown (mmget_not_zero, mm_get_hmm, hmm->dead and the release path are M1's and M4's).",
      couldHide: "a device that caches a translation beyond the zap (its own TLB), and races of a fault with mm exit.",
    },
    {
      what: "Sequence era: blockable invalidations only; the other mirror's callback (I2) is one step without its lock; F's subscription is never removed. Legacy era: the non-blockable path only as the OOM reaper's thread Oom (its mm-exiting and mmap_lock preconditions not modelled), no mirror (un)registration, so MSEM is never held for write; munmap (thread Mu) only in mutant-fault-recursive-mmap-read, and only its mmap_lock (no zap, no invalidation of its own).",
      couldHide: "a non-blockable interval invalidation (mn_itree_invalidate's -EAGAIN) leaving seq odd, and down_read_trylock failures of mirrors_sem against a registering mirror (the same leak as nonblock-leaks-notifiers, by another path).",
    },
    {
      what: "Two locked sections are single steps justified by lint's `atomic` (IN2: the insert under subscriptions->lock; I4c: the deferred list applied after the last end), and NV5 reads range->valid and unregisters in one HLOCK step.",
      couldHide: 'only what the justifications rule out: a lock-free tree walker during the deferred list (none can run while active == 0).',
    },
  ],
  build: ({ constants, variant }) => {
    switch (variant) {
      case 'range-valid-not-sticky':
        return buildLegacy(constants, false);
      case 'mmap-lock-ownership':
        return buildLegacy(constants, true);
      case 'nonblock-leaks-notifiers':
        return buildLegacy(constants, false, true);
      case 'mutant-fault-recursive-mmap-read':
        return buildLegacy(constants, false, false, true);
      default:
        return buildSequence(constants, {
          h5: variant === 'write-fault-ro-vma-loop',
          h11: variant === 'interval-remove-lockless-wait',
        });
    }
  },
});
