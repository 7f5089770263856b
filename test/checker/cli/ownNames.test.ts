/**
 * Names from users and files are looked up as own properties only: a variant or constant named
 * like an Object.prototype member is unknown (exit 150, listing the valid names) on the command line,
 * in a trace file's metadata and in a corpus entry.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../support/mainInProcess';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-own-names-'));

describe('own-property lookups of names', () => {
  it.each([
    [['--variant', '__proto__'], "hmmcheck: model reference/twophase has no variant '__proto__'; valid: fixed"],
    [['--variant', 'constructor'], "hmmcheck: model reference/twophase has no variant 'constructor'; valid: fixed"],
    [['--const', 'toString=3'], "hmmcheck: model reference/twophase has no constant 'toString'; valid: RM (1..10)"],
    [['--const', 'constructor=1'], "hmmcheck: model reference/twophase has no constant 'constructor'; valid: RM (1..10)"],
    [['--const', '__proto__=1'], "hmmcheck: model reference/twophase has no constant '__proto__'; valid: RM (1..10)"],
  ])('check %j exits 150 listing the valid names', async (flags, message) => {
    const r = await runMain(['check', 'reference/twophase', ...flags, '--workers', '1']);
    expect(r.code).toBe(150);
    expect(r.stderr).toBe(`${message}\n`);
  });

  it.each([
    ['variant', '__proto__', "model reference/diehard has no variant '__proto__'; valid: fixed"],
    ['variant', 'toString', "model reference/diehard has no variant 'toString'; valid: fixed"],
    ['constants', { constructor: 1 }, "model reference/diehard has no constant 'constructor'; valid: (none)"],
  ])('replay and view refuse a trace whose %s is %j', async (field, value, message) => {
    const doc = JSON.parse(readFileSync('results/corpus/reference_diehard--fixed.itf.json', 'utf8'));
    doc['#meta'].hmmcheck[field] = value;
    const file = join(tmp, `${field}-${JSON.stringify(value).replace(/\W/g, '')}.json`);
    writeFileSync(file, JSON.stringify(doc));
    for (const cmd of ['replay', 'view']) {
      const r = await runMain([cmd, file, ...(cmd === 'view' ? ['--text'] : [])]);
      expect(r.code, cmd).toBe(150);
      expect(r.stderr).toBe(`hmmcheck: ${message}\n`);
    }
  });

  it('regress fails a corpus entry naming such a variant or constant, and runs the others', async () => {
    const dir = join(tmp, 'corpus');
    mkdirSync(dir);
    const entry = { model: 'reference/twophase', variant: 'fixed', constants: { RM: 2 }, strategy: 'bfs', expect: { verdict: 'holds', distinct: 42, generated: 100 } };
    writeFileSync(join(dir, 'a-proto.json'), JSON.stringify({ ...entry, variant: 'constructor' }));
    writeFileSync(join(dir, 'b-const.json'), JSON.stringify({ ...entry, constants: { toString: 3 } }));
    writeFileSync(join(dir, 'c-proto-const.json'), JSON.stringify({ ...entry, constants: {} }).replace('"constants":{}', '"constants":{"__proto__":3}'));
    const r = await runMain(['regress', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL: cannot instantiate: model reference/twophase has no variant 'constructor'; valid: fixed");
    expect(r.stdout).toContain("FAIL: cannot instantiate: model reference/twophase has no constant 'toString'; valid: RM (1..10)");
    expect(r.stdout).toContain("FAIL: cannot instantiate: model reference/twophase has no constant '__proto__'; valid: RM (1..10)");
    expect(r.stdout).toContain('3 of 3 corpus entries drifted.');
  });
});
