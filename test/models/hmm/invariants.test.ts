/**
 * No vacuous invariants: every invariant (and action property, e.g. M6's ACT-NO-OVERWRITE) of every
 * HMM model is violated, checked alone, by some variant — a historical bug where one violates it,
 * else a mutant (`mutant-…`, models/hmm/mutants.ts), with the constants that switch the invariant
 * on where it is behind one (checkQuiesce).
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { hmmModels } from '../../../models/hmm';
import type { ConstantDef, ModelDef } from '../../../spec/model';

type Row = readonly [model: string, invariant: string, variant: string, constants: Readonly<Record<string, string>>];

/** For every invariant of every model: a variant (and constants) violating it when checked alone. */
const MAPPING: readonly Row[] = [
  ['hmm/m1-notifier-core', 'INV-NOSTALE', 'mutant-exit-frees-pages-before-release', {}],
  ['hmm/m1-notifier-core', 'INV-QUIESCE', 'mutant-unregister-inverted-unhashed-test', {}],
  ['hmm/m1-notifier-core', 'INV-REL1', 'fixed', {}], // the calibration: ->release twice by design
  ['hmm/m1-notifier-core', 'INV-NOERR', 'mutant-unregister-skips-srcu-read-lock', {}],

  ['hmm/m1-mirror-2015', 'INV-UAF-D', 'v8-unregister-race', {}],
  ['hmm/m1-mirror-2015', 'INV-UAF-M', 'mutant-driver-frees-registered-mirror', {}],
  ['hmm/m1-mirror-2015', 'INV-REL1', 'mutant-unregister-calls-release', {}],
  ['hmm/m1-mirror-2015', 'INV-QUIESCE', 'v8-unregister-race', { checkQuiesce: 'true' }],
  ['hmm/m1-mirror-2015', 'INV-NOERR', 'v8-unregister-race', {}],

  ['hmm/m1-mirror-2019', 'INV-UAF-H', 'mutant-put-frees-without-grace-period', {}],
  ['hmm/m1-mirror-2019', 'INV-UAF-M', 'release-drops-mirrors-sem', {}],
  ['hmm/m1-mirror-2019', 'INV-REL1', 'mutant-unregister-calls-release', {}],
  ['hmm/m1-mirror-2019', 'INV-QUIESCE', 'release-drops-mirrors-sem', { checkQuiesce: 'true' }],
  ['hmm/m1-mirror-2019', 'INV-NOERR', 'release-drops-mirrors-sem', {}],

  ['hmm/m2-device-fault', 'INV-MMAPOWN', 'mmap-lock-ownership', {}],
  ['hmm/m2-device-fault', 'INV-SUBFREE', 'interval-remove-lockless-wait', {}],
  ['hmm/m2-device-fault', 'INV-NOSTALE', 'range-valid-not-sticky', {}],
  ['hmm/m2-device-fault', 'INV-NOTIFIERS', 'nonblock-leaks-notifiers', {}],
  ['hmm/m2-device-fault', 'INV-NOERR', 'mmap-lock-ownership', {}],

  ['hmm/m3-migration', 'INV-MIG1', 'restore-page-shift', {}],
  ['hmm/m3-migration', 'INV-MIG2', 'unmap-restore-skipped', {}],
  ['hmm/m3-migration', 'INV-REF', 'restore-page-shift', {}],
  ['hmm/m3-migration', 'INV-DATA', 'collect-drops-dirty-bit', {}],
  ['hmm/m3-migration', 'INV-PGMAP', 'swap-fault-no-page-ref', {}],
  ['hmm/m3-migration', 'INV-DEVMAP', 'mutant-device-map-unchecked', {}],
  ['hmm/m3-migration', 'INV-NOERR', 'swap-fault-no-page-ref', {}],

  ['hmm/m3-migrate-device', 'INV-MIG1', 'mutant-restore-loop-skips-remove-migration-ptes', {}],
  ['hmm/m3-migrate-device', 'INV-MIG2', 'mutant-collect-leaks-mapping-reference', {}],
  ['hmm/m3-migrate-device', 'INV-REF', 'mutant-remove-migration-pte-without-ref', {}],
  ['hmm/m3-migrate-device', 'INV-DATA', 'split-window-zap', {}],
  ['hmm/m3-migrate-device', 'INV-TLB', 'mutant-collect-skips-tlb-flush', {}],
  ['hmm/m3-migrate-device', 'INV-SRC', 'split-restart-table-freed', {}],
  ['hmm/m3-migrate-device', 'INV-PIN', 'mutant-collect-shares-pinned-page', {}],
  ['hmm/m3-migrate-device', 'INV-NOERR', 'split-window-zap', {}],

  ['hmm/m4-2019', 'INV-UAF-H', 'mutant-put-frees-without-grace-period', {}],
  ['hmm/m4-2019', 'INV-UAF-M', 'release-drops-mirrors-sem', {}],
  ['hmm/m4-2019', 'INV-REL1', 'mutant-unregister-calls-release', {}],
  ['hmm/m4-2019', 'INV-MMAPOWN', 'mmap-lock-ownership', {}],
  ['hmm/m4-2019', 'INV-NOSTALE', 'range-valid-not-sticky', {}],
  ['hmm/m4-2019', 'INV-MIG1', 'mutant-collect-skips-folio-lock', {}],
  ['hmm/m4-2019', 'INV-MIG2', 'mutant-unmap-relocks-collected-page', {}],
  ['hmm/m4-2019', 'INV-REF', 'mutant-restore-pte-without-ref', {}],
  ['hmm/m4-2019', 'INV-TEARDOWN', 'range-valid-not-sticky', {}],
  ['hmm/m4-2019', 'INV-RELEASE-ONCE', 'release-drops-mirrors-sem', {}],
  ['hmm/m4-2019', 'INV-NOERR', 'mmap-lock-ownership', {}],

  ['hmm/m4-now', 'INV-MMAPOWN', 'mutant-retry-unlocks-mmap-twice', {}],
  ['hmm/m4-now', 'INV-SUBFREE', 'interval-remove-lockless-wait', {}],
  ['hmm/m4-now', 'INV-NOSTALE', 'mutant-fault-skips-read-retry', {}],
  ['hmm/m4-now', 'INV-MIG1', 'mutant-collect-skips-folio-lock', {}],
  ['hmm/m4-now', 'INV-MIG2', 'mutant-unmap-relocks-collected-page', {}],
  ['hmm/m4-now', 'INV-REF', 'mutant-restore-pte-without-ref', {}],
  ['hmm/m4-now', 'INV-DATA', 'mutant-driver-skips-copy', {}],
  ['hmm/m4-now', 'INV-PGMAP', 'swap-fault-no-page-ref', {}],
  ['hmm/m4-now', 'INV-TEARDOWN', 'mutant-unbind-frees-mapped-device-page', {}],
  ['hmm/m4-now', 'INV-RELEASE-ONCE', 'mutant-release-walk-skips-first', {}],
  ['hmm/m4-now', 'INV-NOERR', 'interval-remove-lockless-wait', {}],

  ['hmm/m6-gup-fast-pfnmap', 'INV-NO-STRUCT-PAGE', 'huge-pfn-no-special', {}],
  ['hmm/m6-gup-fast-pfnmap', 'INV-FOREIGN-REF', 'rfc-pgmap-registered-late', {}],
  ['hmm/m6-gup-fast-pfnmap', 'INV-UAF-MEM', 'mutant-gup-fast-no-recheck', {}],
  ['hmm/m6-gup-fast-pfnmap', 'INV-PIN-COW', 'fork-gup-fast-no-seqcount', {}],
  ['hmm/m6-gup-fast-pfnmap', 'INV-NOERR', 'huge-pfn-no-special', {}],
  ['hmm/m6-gup-fast-pfnmap', 'ACT-NO-OVERWRITE', 'mutant-walker-populates-without-recheck', {}], // at its walker=true

  // Each variant at its own bound (expect.at): v2-fini-directory at levels=3.
  ['hmm/m5-hmm-pt', 'INV-UAF-DIR', 'v2-fini-directory', {}],
  ['hmm/m5-hmm-pt', 'INV-BUG', 'mutant-caller-skips-bottom-ref', {}],
  ['hmm/m5-hmm-pt', 'INV-REACH', 'mutant-unref-clears-unconditionally', {}],
  ['hmm/m5-hmm-pt', 'INV-COUNT', 'mutant-caller-skips-bottom-ref', {}],
  ['hmm/m5-hmm-pt', 'INV-NOLEAK', 'v2-fini-directory', {}],
  ['hmm/m5-hmm-pt', 'INV-NOERR', 'mutant-free-without-synchronize-rcu', {}],
];

const model = (name: string) => {
  const m = hmmModels.find((x) => x.name === name);
  if (!m) throw new Error(`no model ${name}`);
  return m;
};

/**
 * The constant settings to look for invariants in: the defaults, and each constant alone set to each
 * of its other values (a bool flipped, every enum value, an int's bounds), so that an invariant
 * behind a switch such as checkQuiesce is found too.
 */
function settings(m: ModelDef<any>): Record<string, string>[] {
  const out: Record<string, string>[] = [{}];
  for (const [k, def] of Object.entries(m.constants as Record<string, ConstantDef>)) {
    const values = def.kind === 'bool' ? [!def.default] : def.kind === 'enum' ? def.values : [def.min, def.max];
    for (const v of values) if (v !== def.default) out.push({ [k]: String(v) });
  }
  return out;
}

/** The invariant and action-property names a variant declares under `constants`; none if the variant does not exist there. */
function declaredInvariants(m: ModelDef<any>, variant: string, constants: Record<string, string>): string[] {
  try {
    const { spec } = instantiate(m, variant, constants);
    return [...spec.invariants, ...spec.actionProperties].map((i) => i.name);
  } catch {
    return []; // e.g. an M3 variant in a configuration its step switch does not exist in
  }
}

describe('every HMM invariant is violated by some variant (no vacuous invariants)', () => {
  it('the table covers every invariant of every variant of every model (at the defaults and with any one constant changed), once', () => {
    const declared = new Set<string>();
    for (const m of hmmModels) {
      for (const consts of settings(m)) {
        for (const variant of Object.keys(m.variants)) {
          for (const inv of declaredInvariants(m, variant, consts)) declared.add(`${m.name} ${inv}`);
        }
      }
    }
    const rows = MAPPING.map(([m, inv]) => `${m} ${inv}`);
    expect(new Set(rows).size, 'one row per model and invariant').toBe(rows.length);
    expect([...rows].sort()).toEqual([...declared].sort());
    for (const [m, , variant] of MAPPING) expect(Object.keys(model(m).variants), m).toContain(variant);
  });

  it.each(MAPPING)('%s %s: violated by %s %o', (name, invariant, variant, constants) => {
    const { spec } = instantiate(model(name), variant, constants);
    expect([...spec.invariants, ...spec.actionProperties].map((i) => i.name)).toContain(invariant);
    const alone = {
      ...spec,
      invariants: spec.invariants.filter((i) => i.name === invariant),
      actionProperties: spec.actionProperties.filter((p) => p.name === invariant),
      checkDeadlock: false,
    };
    const { result } = checkSpec(alone, { liveness: false });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: invariant });
  });
});
