import { describe, expect, it } from 'vitest';
import { instantiate } from '../../../checker/model/instantiate';
import { hmmModels } from '../../../models/hmm';

describe('models/hmm registry', () => {
  it('exports the models under the names and variant names of hmm-domain.md', () => {
    const names = Object.fromEntries(hmmModels.map((m) => [m.name, Object.keys(m.variants)]));
    expect(names).toMatchObject({
      'hmm/m1-notifier-core': ['fixed', 'mutant-exit-frees-pages-before-release', 'mutant-unregister-inverted-unhashed-test', 'mutant-unregister-skips-srcu-read-lock'],
      'hmm/m1-mirror-2015': ['fixed', 'v8-unregister-race', 'mutant-driver-frees-registered-mirror', 'mutant-unregister-calls-release'],
      'hmm/m1-mirror-2019': ['fixed', 'release-drops-mirrors-sem', 'mm-get-hmm-use-after-free', 'mutant-put-frees-without-grace-period', 'mutant-unregister-calls-release'],
      'hmm/m2-device-fault': ['fixed', 'range-valid-not-sticky', 'mmap-lock-ownership', 'nonblock-leaks-notifiers', 'write-fault-ro-vma-loop', 'interval-remove-lockless-wait', 'mutant-fault-recursive-mmap-read'],
      'hmm/m3-migration': ['fixed', 'restore-page-shift', 'unmap-restore-skipped', 'collect-drops-dirty-bit', 'swap-fault-no-page-ref', 'migrate-lock-abba', 'mutant-device-map-unchecked'],
      'hmm/m3-migrate-device': [
        'fixed',
        'split-window-zap',
        'fix-flush-before-split',
        'split-unlocked-folio-zap',
        'split-restart-table-freed',
        'fix-split-path',
        'drain-waits-for-zap',
        'evict-races-fault',
        'fault-v6.1',
        'gup-pin-races-collect',
        'zero-page-hole',
        'huge-zero-split',
        'mutant-collect-skips-tlb-flush',
        'mutant-collect-flushes-after-unlock',
        'mutant-restore-loop-skips-remove-migration-ptes',
        'mutant-collect-leaks-mapping-reference',
        'mutant-remove-migration-pte-without-ref',
        'mutant-swap-fault-no-page-ref',
        'mutant-collect-pinned-restore-skipped',
        'mutant-collect-shares-pinned-page',
        'mutant-insert-page-skips-zero-flush',
      ],
      'hmm/m5-hmm-pt': [
        'fixed',
        'v2-fini-directory',
        'mutant-unref-clears-unconditionally',
        'mutant-free-without-synchronize-rcu',
        'mutant-walker-plain-inc',
        'mutant-populate-no-recheck',
        'mutant-caller-skips-bottom-ref',
      ],
      'hmm/m6-gup-fast-pfnmap': [
        'fixed',
        'huge-pfn-no-special',
        'rfc-devmap-trick',
        'rfc-devmap-no-arch-support',
        'rfc-pgmap-registered-late',
        'fork-gup-fast-no-seqcount',
        'mutant-gup-fast-no-recheck',
        'mutant-flush-without-irq-wait',
        'mutant-walker-populates-without-recheck',
      ],
    });
  });

  it('every variant names its kernel reference and expectation; bug variants expect a named property', () => {
    for (const m of hmmModels) {
      expect(m.source).toMatch(/hmm-domain\.md/);
      for (const [name, v] of Object.entries(m.variants)) {
        expect(v.ref, `${m.name} ${name}`).toBeTruthy();
        if (name === 'fixed') continue;
        if (v.expect.verdict === 'deadlock') continue;
        if (v.expect.verdict === 'holds') continue; // a proposed design that holds (M6's rfc-devmap-trick)
        expect(v.expect).toMatchObject({ verdict: expect.stringMatching(/^(violation|liveness)$/), property: expect.stringMatching(/^(INV|LIVE|ACT)-/) });
      }
    }
  });

  it('every model and variant instantiates at its default constants, with thread steps labelled as in the doc', () => {
    const wanted: Record<string, string[]> = {
      'hmm/m1-notifier-core': ['E.E1', 'E.E2', 'E.E3', 'E.E4', 'E.E6', 'U.U1', 'U.U3', 'U.U5', 'R.R1'],
      'hmm/m1-mirror-2015': ['Unreg.K1', 'Unreg.K5', 'Unreg.DV1', 'Unreg.DV3', 'Exit.X1', 'Exit.X4', 'Exit.X7a', 'Exit.X7b'],
      'hmm/m1-mirror-2019': ['Exit.RL4', 'Exit.RL6', 'Exit.RL8a', 'Unreg.MU1', 'Unreg.MU2', 'Unreg.MU3', 'Inv.IS5', 'Inv.IS6'],
      'hmm/m5-hmm-pt': ['W.R1', 'W.R2', 'W.W3', 'W.U1', 'W.U3', 'F.F3', 'F.F5s', 'F.F9', 'Teardown.Z1', 'Teardown.Z3'],
    };
    // M2's eras have different threads: its steps are asserted in test/models/hmm/m2.
    for (const m of hmmModels) {
      for (const variant of Object.keys(m.variants)) {
        const actions = instantiate(m, variant).spec.actions.map((a) => a.name);
        if (wanted[m.name]) expect(actions).toEqual(expect.arrayContaining(wanted[m.name]!));
      }
    }
  });
});
