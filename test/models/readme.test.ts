import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeCells, REDUCTIONS_HEADING, runSuite } from '../../checker/cli/commands/suite';
import { FIDELITY_HEADING, modelFidelity } from '../../checker/report/fidelity';
import { registry } from '../../models';
import { tableRows } from '../support/markdown';

describe('models/README.md', () => {
  it('matches the models: regenerate with `npx hmmcheck suite --write models/README.md`', () => {
    const rows = runSuite();
    expect(rows.every((r) => r.ok)).toBe(true);
    const [verdicts] = readFileSync('models/README.md', 'utf8').split(REDUCTIONS_HEADING);
    expect(tableRows(verdicts!, 6)).toEqual(rows.map(readmeCells));
  });

  it("has every model's fidelity table: era, pinned commits, cited functions, abstractions (one bullet each)", () => {
    const [, fidelity] = readFileSync('models/README.md', 'utf8').split(FIDELITY_HEADING);
    for (const m of registry.filter((x) => x.abstractions?.length)) {
      const part = fidelity!.split(`### \`${m.name}\``)[1]!.split('\n### ')[0]!;
      expect(part.split('\n').filter((l) => l.startsWith('- ')), m.name).toEqual(m.abstractions!.map((a) => `- ${a.what} Could hide: ${a.couldHide}`));
    }
    for (const m of registry) expect(fidelity, m.name).toContain(modelFidelity(m).join('\n'));
  });
});
