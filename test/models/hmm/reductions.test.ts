/**
 * Issue #6's must-show 2: on every HMM model and variant, each reduction (symmetry where declared,
 * partial-order reduction, both) gives the unreduced verdict, and its counterexample replays on the
 * unreduced model; the table in models/README.md is these rows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDUCTIONS_HEADING } from '../../../checker/cli/commands/suite';
import { reductionCells, runReductionRows } from '../../../checker/report/reductionTable';
import { tableRows } from '../../support/markdown';

describe('reductions on the HMM models', () => {
  const rows = runReductionRows((m) => m.startsWith('hmm/'));

  it('give the same verdicts, with counterexamples that replay, on every variant', () => {
    const bad = rows.filter((r) => ![r.symmetry, r.por, r.both].every((c) => c === undefined || c.agrees));
    expect(bad.map((r) => `${r.model} ${r.variant}`)).toEqual([]);
    expect(rows.length).toBeGreaterThan(40);
  });

  it('reduce where they apply: symmetry on M2, partial-order reduction on M1-2015 and M2', () => {
    const fixed = (m: string) => rows.find((r) => r.model === m && r.variant === 'fixed')!;
    expect(fixed('hmm/m2-device-fault').symmetry!.distinct).toBeLessThan(fixed('hmm/m2-device-fault').distinct);
    expect(fixed('hmm/m2-device-fault').por.distinct).toBeLessThan(fixed('hmm/m2-device-fault').distinct);
    expect(fixed('hmm/m1-mirror-2015').por.distinct).toBeLessThan(fixed('hmm/m1-mirror-2015').distinct);
  });

  it('are the table in models/README.md: regenerate with `npx hmmcheck suite --write models/README.md`', () => {
    const [, after] = readFileSync('models/README.md', 'utf8').split(REDUCTIONS_HEADING);
    const section = (after ?? '').split(/\n## /)[0]!; // up to the next section (the fidelity tables)
    expect(tableRows(section, 8)).toEqual(rows.map(reductionCells));
  });
});
