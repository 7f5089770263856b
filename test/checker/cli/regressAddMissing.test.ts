/** `hmmcheck regress --add-missing --filter`: entries are recorded only for the models the filter names. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regressCommand } from '../../../checker/cli/commands/regress';
import { EXIT } from '../../../checker/cli/exitCodes';

describe('regress --add-missing --filter', () => {
  it('records the missing entries of the selected models only, then checks them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-addmissing-'));
    const out: string[] = [];
    const code = await regressCommand({ dir, addMissing: true, filter: 'reference/tcommit' }, (s) => out.push(s));
    expect(code).toBe(EXIT.OK);
    expect(readdirSync(dir)).toEqual(['reference_tcommit--fixed.json']);
    expect(out[0]).toBe(`recorded ${join(dir, 'reference_tcommit--fixed.json')}`);
    expect(out.at(-1)).toBe('\nAll 1 corpus entries hold.');
  });
});
