import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeCells, REDUCTIONS_HEADING, runSuite } from '../../checker/cli/commands/suite';
import { tableRows } from '../support/markdown';

describe('models/README.md', () => {
  it('matches the models: regenerate with `npx hmmcheck suite --write models/README.md`', () => {
    const rows = runSuite();
    expect(rows.every((r) => r.ok)).toBe(true);
    const [verdicts] = readFileSync('models/README.md', 'utf8').split(REDUCTIONS_HEADING);
    expect(tableRows(verdicts!, 6)).toEqual(rows.map(readmeCells));
  });
});
