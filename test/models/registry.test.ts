/**
 * Every variant of every model in the registry at its default bound: the expected verdict (BFS,
 * temporal properties included), DFS's identical state space where nothing is violated, and the
 * generated verdict table of models/README.md (from the same runs, so the models run once).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../checker/check';
import { readmeCells, REDUCTIONS_HEADING, suiteRow, type SuiteRow } from '../../checker/cli/commands/suite';
import { instantiate } from '../../checker/model/instantiate';
import { registry } from '../../models';
import { tableRows } from '../support/markdown';

const cases = registry.flatMap((model) => Object.keys(model.variants).map((variant) => ({ model, variant })));

describe('every model in the registry, every variant, at default constants', () => {
  const rows = new Map<string, SuiteRow>();

  it('has unique names and a fixed variant', () => {
    expect(new Set(registry.map((m) => m.name)).size).toBe(registry.length);
    for (const m of registry) expect(Object.keys(m.variants)).toContain('fixed');
  });

  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))('%s gives its expected verdict', (name, { model, variant }) => {
    const row = suiteRow(model, variant);
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
    expect(tableRows(verdicts!, 6)).toEqual(cases.map((c) => readmeCells(rows.get(`${c.model.name} ${c.variant}`)!)));
  });
});
