/** hmm/m3-migrate-device under `hmmcheck lint --strict`: every variant, and the fixed code in every configuration no variant runs by default. */
import { describe, expect, it } from 'vitest';
import { lintSpec } from '../../../../checker/lint/audit';
import { instantiate } from '../../../../checker/model/instantiate';
import { MD_CONFIGS, MD_DEFAULT_CONFIG, m3MigrateDevice } from '../../../../models/hmm/m3/migrateDevice';

/** The nightly configuration is too big to lint in a test. */
const NIGHTLY_ONLY = ['all-threads'];
const runs: [string, Record<string, string>][] = [
  ...Object.keys(m3MigrateDevice.variants).map((v): [string, Record<string, string>] => [v, {}]),
  ...MD_CONFIGS.filter((c) => !NIGHTLY_ONLY.includes(c) && !Object.values(MD_DEFAULT_CONFIG).includes(c)).map((config): [string, Record<string, string>] => ['fixed', { config }]),
];

describe('hmmcheck lint --strict on hmm/m3-migrate-device', () => {
  it('covers every configuration but the nightly one, through a variant or the fixed code', () => {
    const covered = new Set([...Object.values(MD_DEFAULT_CONFIG), ...runs.map(([, c]) => c.config).filter(Boolean)]);
    expect([...MD_CONFIGS].filter((c) => !covered.has(c))).toEqual(NIGHTLY_ONLY);
  });

  it.each(runs)('%s %j: no finding or warning; the exceptions are justified steps', (variant, consts) => {
    const { items, complete } = lintSpec(instantiate(m3MigrateDevice, variant, consts).spec, { strict: true });
    expect(complete).toBe(true);
    expect(items.filter((i) => i.severity !== 'justified').map((i) => `${i.step}: ${i.message}`)).toEqual([]);
    expect(items.filter((i) => i.severity === 'justified').length).toBeGreaterThan(0);
  }, 60_000);
});
