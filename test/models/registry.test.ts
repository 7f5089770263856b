/**
 * Every variant of every model in the registry at its default bound, and the regression corpus
 * (results/corpus), from one BFS each: `hmmcheck regress` re-checks every corpus entry and replays
 * its trace, and the entries at a variant's own bound are that variant's check — its expected
 * verdict (temporal properties included), DFS's identical state space where nothing is violated,
 * and the generated verdict table of models/README.md come from those runs: no variant is searched
 * by BFS twice.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSpec, type CheckOutcome } from '../../checker/check';
import { readmeCells, REDUCTIONS_HEADING, suiteRowOf, type SuiteRow } from '../../checker/cli/commands/suite';
import { instantiate, variantConstants } from '../../checker/model/instantiate';
import { runRegress, type RegressRow } from '../../checker/regress/regress';
import { findModel, registry } from '../../models';
import { tableRows } from '../support/markdown';

const cases = registry.flatMap((model) => Object.keys(model.variants).map((variant) => ({ model, variant })));
const key = (model: string, variant: string) => `${model} ${variant}`;

describe('every model in the registry, every variant, at default constants; the regression corpus', () => {
  let corpus: RegressRow[] = [];
  /** Each variant's check at its own bound, as regress ran it. */
  const checks = new Map<string, CheckOutcome>();
  const rows = new Map<string, SuiteRow>();

  beforeAll(async () => {
    corpus = await runRegress({
      dir: 'results/corpus',
      resolve: async (name) => findModel(name)!,
      onCheck: (inst, out) => {
        if (isDeepStrictEqual(inst.constants, variantConstants(inst.model, inst.variant))) checks.set(key(inst.model.name, inst.variant), out);
      },
    });
  }, 300_000);

  it('the corpus holds on main: every saved trace replays and every expectation re-checks', () => {
    expect(corpus.filter((r) => r.failure)).toEqual([]);
  });

  it('has unique names, a fixed variant each, and a corpus entry at its bound for every variant', () => {
    expect(new Set(registry.map((m) => m.name)).size).toBe(registry.length);
    for (const m of registry) expect(Object.keys(m.variants)).toContain('fixed');
    expect(cases.filter((c) => !checks.has(key(c.model.name, c.variant))).map((c) => key(c.model.name, c.variant))).toEqual([]);
  });

  it.each(cases.map((c) => [key(c.model.name, c.variant), c] as const))('%s gives its expected verdict', (name, { model, variant }) => {
    const row = suiteRowOf(model, variant, checks.get(name)!);
    rows.set(name, row);
    expect(row.verdict).toBe(row.expected);
    if (row.expected === 'holds') {
      // No violation: DFS must visit exactly the same state space.
      const dfs = checkSpec(instantiate(model, variant).spec, { strategy: 'dfs' }).result;
      expect(dfs.verdict.kind).toBe('holds');
      expect([dfs.stats.distinct, dfs.stats.generated]).toEqual([row.distinct, row.generated]);
    }
  });

  it('models/README.md has their verdict table: regenerate with `npx hmmcheck suite --write models/README.md`', () => {
    expect(rows.size, 'every variant ran above').toBe(cases.length);
    const [verdicts] = readFileSync('models/README.md', 'utf8').split(REDUCTIONS_HEADING);
    expect(tableRows(verdicts!, 6)).toEqual(cases.map((c) => readmeCells(rows.get(key(c.model.name, c.variant))!)));
  });
});
