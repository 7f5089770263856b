/**
 * Issue #6's must-show 2, shared by the reductions*.test.ts files (each a share of the HMM models,
 * so no file runs long): on every variant, each reduction (symmetry where declared, partial-order
 * reduction, both) gives the unreduced verdict, its counterexample replays on the unreduced model,
 * and the rows are models/README.md's reductions table. One test per variant, in registry order.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { REDUCTIONS_HEADING } from '../../../checker/cli/commands/suite';
import { reductionCells, reductionRow, type ReductionRow } from '../../../checker/report/reductionTable';
import type { ModelDef } from '../../../spec/model';
import { tableRows } from '../../support/markdown';

/** Registers the tests for `models` inside the caller's describe block; returns their rows (filled as the tests run). */
export function reductionTests(models: readonly ModelDef<any>[]): ReductionRow[] {
  const cases = models.flatMap((model) => Object.keys(model.variants).map((variant) => ({ model, variant })));
  const rows: ReductionRow[] = [];

  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))('%s: the same verdict, with counterexamples that replay', (_name, { model, variant }) => {
    const row = reductionRow(model, variant);
    rows.push(row);
    expect([row.symmetry, row.por, row.both].filter((c) => c !== undefined && !c.agrees)).toEqual([]);
  });

  it('are their rows of the table in models/README.md: regenerate with `npx hmmcheck suite --write models/README.md`', () => {
    expect(rows.length, 'every variant ran above').toBe(cases.length);
    const [, after] = readFileSync('models/README.md', 'utf8').split(REDUCTIONS_HEADING);
    const section = (after ?? '').split(/\n## /)[0]!; // up to the next section (the fidelity tables)
    const names = new Set(models.map((m) => `\`${m.name}\``));
    expect(tableRows(section, 8).filter((cells) => names.has(cells[0]!))).toEqual(rows.map(reductionCells));
  });
  return rows;
}
