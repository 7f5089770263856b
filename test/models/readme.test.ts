import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIDELITY_HEADING, modelFidelity } from '../../checker/report/fidelity';
import { registry } from '../../models';

// Its verdict table is checked with the runs of test/models/registry.test.ts.
describe('models/README.md', () => {
  it("has every model's fidelity table: era, pinned commits, cited functions, abstractions (one bullet each)", () => {
    const [, fidelity] = readFileSync('models/README.md', 'utf8').split(FIDELITY_HEADING);
    for (const m of registry.filter((x) => x.abstractions?.length)) {
      const part = fidelity!.split(`### \`${m.name}\``)[1]!.split('\n### ')[0]!;
      expect(part.split('\n').filter((l) => l.startsWith('- ')), m.name).toEqual(m.abstractions!.map((a) => `- ${a.what} Could hide: ${a.couldHide}`));
    }
    for (const m of registry) expect(fidelity, m.name).toContain(modelFidelity(m).join('\n'));
  });
});
