/**
 * Errors found in files and folders are one line with the documented exit code, never exit 255:
 * corpus entries are validated one by one (a FAIL row naming the entry and the field, the rest
 * still run), an empty selection is a usage error, a changed nightly job refuses its checkpoint, a
 * spec with a syntax error says where, and the ITF `loop` is an integer index.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { interruptNightly } from '../../support/interrupt';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-errors-'));

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('regress validates corpus entries one by one', () => {
  it('a malformed entry fails alone, naming itself and the field; the others still run; exit 1', () => {
    const dir = join(tmp, 'corpus');
    mkdirSync(dir);
    copyFileSync(join(root, 'results/corpus/reference_twophase--fixed.json'), join(dir, 'reference_twophase--fixed.json'));
    const base = { model: 'reference/twophase', variant: 'fixed', constants: {}, strategy: 'bfs' };
    writeFileSync(join(dir, 'a-hold.json'), JSON.stringify({ ...base, expect: { verdict: 'hold', distinct: 288, generated: 1146 } }));
    writeFileSync(join(dir, 'b-no-property.json'), JSON.stringify({ ...base, expect: { verdict: 'violation', maxSteps: 3, trace: 'x.itf.json' } }));
    writeFileSync(join(dir, 'c-no-trace.json'), JSON.stringify({ ...base, expect: { verdict: 'violation', property: 'TCConsistent', maxSteps: 3 } }));
    writeFileSync(join(dir, 'd-trace-elsewhere.json'), JSON.stringify({ ...base, expect: { verdict: 'deadlock', property: 'deadlock', maxSteps: 3, trace: '../../etc/x.itf.json' } }));
    writeFileSync(join(dir, 'e-not-json.json'), '{ "model": ');
    writeFileSync(join(dir, 'f-proto-variant.json'), JSON.stringify({ ...base, variant: '__proto__', expect: { verdict: 'holds', distinct: 1, generated: 1 } }));
    const r = runCli(['regress', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const cells = (l: string) => l.split('|').map((c) => c.trim()).filter(Boolean);
    const row = (entry: string) => r.stdout.split('\n').map(cells).find((c) => c[0] === entry)?.join(' ');
    expect(row('a-hold')).toBe('a-hold - - FAIL: invalid entry: field expect.verdict must be one of holds, violation, deadlock, liveness (got "hold")');
    expect(row('b-no-property')).toBe('b-no-property - - FAIL: invalid entry: field expect.property must name the violated property (missing)');
    expect(row('c-no-trace')).toBe('c-no-trace - - FAIL: invalid entry: field expect.trace must be the name of an .itf.json file beside the entry (missing)');
    expect(row('d-trace-elsewhere')).toBe('d-trace-elsewhere - - FAIL: invalid entry: field expect.trace must be the name of an .itf.json file beside the entry (got "../../etc/x.itf.json")');
    expect(row('e-not-json')).toMatch(/^e-not-json - - FAIL: invalid entry: not valid JSON: /);
    expect(row('f-proto-variant')).toBe("f-proto-variant holds, 1 distinct - FAIL: cannot instantiate: model reference/twophase has no variant '__proto__'; valid: fixed");
    expect(row('reference_twophase--fixed')).toBe('reference_twophase--fixed holds, 288 distinct holds, 288 distinct ok');
    expect(r.stdout).toContain('6 of 7 corpus entries drifted.');
  });

  it.each([
    [['regress', '--dir', join(tmp, 'no-such-corpus')], `hmmcheck: corpus folder ${join(tmp, 'no-such-corpus')} does not exist`],
    [['regress', '--filter', 'no-such-model'], "hmmcheck: no corpus entry in results/corpus has a model name containing 'no-such-model'"],
  ])('%j matches nothing: exit 150', (args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(150);
    expect(oneLine(r.stderr)).toBe(message);
  });
});


describe('nightly --resume', () => {
  it("refuses the checkpoint of a job whose constants changed since: one line, exit 150", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-nightly-changed-'));
    const jobs = join(dir, 'jobs.json');
    const write = (rm: number) => writeFileSync(jobs, JSON.stringify({ jobs: [{ name: 'big', model: 'reference/twophase', constants: { RM: rm } }] }));
    write(8);
    const out = join(dir, 'out');
    expect(await interruptNightly(['--jobs', jobs, '--out', out, '--date', '2026-01-03'], 1500)).toBe(20);
    write(7);
    const r = runCli(['nightly', '--jobs', jobs, '--out', out, '--date', '2026-01-03', '--resume']);
    expect(r.code).toBe(150);
    const ckpt = join(out, 'checkpoints', '2026-01-03--big.ckpt');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      `hmmcheck: checkpoint ${ckpt} belongs to another definition of job big (model, variant, constants or version changed); delete it to start the job afresh`,
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 120_000);
});

describe('a spec module that does not parse', () => {
  it('names the file, line and column and the compiler message (.ts through esbuild, .mjs through node)', () => {
    const dir = join(tmp, 'syntax');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'bad.ts'), "export default {\n  a: 1,\n  b: (2;\n};\n");
    writeFileSync(join(dir, 'bad.mjs'), 'export default {\n  a: 1,\n  b: ;\n};\n');
    const ts = runCli(['check', join(dir, 'bad.ts')]);
    expect(ts.code).toBe(150);
    expect(oneLine(ts.stderr)).toBe(`hmmcheck: cannot load spec module ${join(dir, 'bad.ts')}: ${join(dir, 'bad.ts')}:3:8: Expected ")" but found ";"`);
    const mjs = runCli(['check', join(dir, 'bad.mjs')]);
    expect(mjs.code).toBe(150);
    expect(oneLine(mjs.stderr)).toBe(`hmmcheck: cannot load spec module ${join(dir, 'bad.mjs')}: ${join(dir, 'bad.mjs')}:3:6: Unexpected token ';'`);
  });
});

describe('the ITF loop index', () => {
  it.each([1.5, '1', -1, 99])('loop %j: replay exits 150 with one line', (loop) => {
    const src = JSON.parse(readFileSync(join(root, 'results/corpus/reference_dining--unfair.itf.json'), 'utf8'));
    const file = join(tmp, `loop-${String(loop)}.json`);
    writeFileSync(file, JSON.stringify({ ...src, loop }));
    const r = runCli(['replay', file]);
    expect(r.code).toBe(150);
    expect(oneLine(r.stderr)).toBe(`hmmcheck: malformed trace file ${file}: loop must be the index of a state of the trace, an integer 0..${src.states.length - 1}; found ${JSON.stringify(loop)}`);
  });
});
