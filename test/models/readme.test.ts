import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeCells, runSuite } from '../../checker/cli/commands/suite';

describe('models/README.md', () => {
  it('matches the models: regenerate with `npx hmmcheck suite --write models/README.md`', () => {
    const rows = runSuite();
    expect(rows.every((r) => r.ok)).toBe(true);
    const lines = readFileSync('models/README.md', 'utf8').split('\n').filter((l) => l.startsWith('| `'));
    const inFile = lines.map((l) => l.split(' | ').map((c) => c.replace(/^\| /, '').trim()).slice(0, 6));
    expect(inFile).toEqual(rows.map(readmeCells));
  });
});
