/**
 * Validate before working: bad numbers, `--const` flags and output paths are one-line usage errors
 * (exit 150) before any search starts, and `--workers` above the core count is capped with a warning.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../checker/cli/version';
import { runMain } from '../../support/mainInProcess';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-validate-'));
const tiny = ['check', 'reference/twophase', '--const', 'RM=2', '--no-coverage'];

/** Expects `argv` to stop at once: exit 150, nothing on stdout, exactly `line` on stderr. */
async function refused(argv: readonly string[], line: string) {
  const r = await runMain(argv);
  expect({ argv, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ argv, code: 150, stdout: '', stderr: `hmmcheck: ${line}\n` });
}

describe('numeric options are parsed strictly', () => {
  const help = ' (see hmmcheck --help)';
  it.each([
    [['--frontier-memory', '-1'], "--frontier-memory must be a positive number of MiB, got '-1'"],
    [['--checkpoint-every', 'abc'], "--checkpoint-every must be a positive number of seconds, got 'abc'"],
    [['--max-states', '0.5'], "--max-states must be a positive integer, got '0.5'"],
    [['--max-depth', '2.5'], "--max-depth must be a positive integer, got '2.5'"],
    [['--workers', '0'], "--workers must be a positive integer, got '0'"],
    [['--workers', 'two'], "--workers must be a positive integer, got 'two'"],
    [['--step-timeout', '0'], "--step-timeout must be a positive number of seconds, got '0'"],
  ])('check %j', async (flags, message) => refused([...tiny, ...flags], message + help));

  it.each([
    [['--traces', '1.5'], "--traces must be a positive integer, got '1.5'"],
    [['--seed', '-1'], "--seed must be an integer from 0 to 4294967295, got '-1'"],
    [['--time-budget', 'soon'], "--time-budget must be a positive number of seconds, got 'soon'"],
  ])('simulate %j', async (flags, message) => refused(['simulate', 'reference/twophase', ...flags], message + help));

  it('nightly, view and graph too', async () => {
    await refused(['nightly', '--checkpoint-every', '-5'], `--checkpoint-every must be a positive number of seconds, got '-5'${help}`);
    await refused(['view', 't.json', '--text', '--width', '20'], `--width must be an integer >= 40, got '20'${help}`);
    await refused(['graph', 'reference/twophase', '--max-states', '1e2.5'], `--max-states must be a positive integer, got '1e2.5'${help}`);
  });
});

describe('--const is strict', () => {
  it('refuses spaces, a bare flag and a name given twice with different values', async () => {
    await refused([...tiny, '--const', 'RM= 3'], "--const expects name=value without spaces, got 'RM= 3'");
    await refused([...tiny, '--const', 'RM=3 '], "--const expects name=value without spaces, got 'RM=3 '");
    await refused([...tiny, '--const', 'RM=3'], "--const RM is given twice with different values ('2' and '3')");
    await refused(['check', 'reference/twophase', '--const'], '--const expects name=value, got nothing');
  });

  it('accepts the same value given twice', async () => {
    const r = await runMain([...tiny, '--const', 'RM=2', '--workers', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reference/twophase variant fixed (RM=2)');
  });
});

describe('output and checkpoint paths are checked before the search', () => {
  const missing = join(tmp, 'no-such-folder');
  mkdirSync(join(tmp, 'a-folder'));
  it('refuses a missing folder, a folder, and a file used as a folder (nothing is left behind)', async () => {
    await refused([...tiny, '--out', join(missing, 't.json')], `cannot write --out ${missing}/t.json: the folder ${missing} does not exist`);
    await refused([...tiny, '--html', tmp], `cannot write --html ${tmp}: it is a folder; give a file path`);
    await refused([...tiny, '--checkpoint', join(missing, 'x.ckpt')], `cannot write --checkpoint ${missing}/x.ckpt: the folder ${missing} does not exist`);
    await refused([...tiny, '--checkpoint', tmp], `cannot write --checkpoint ${tmp}: it is a folder; give a file path`);
    await refused(['simulate', 'reference/twophase', '--out', join(missing, 's.json')], `cannot write --out ${missing}/s.json: the folder ${missing} does not exist`);
    await refused(['nightly', '--out', join('package.json', 'nightly')], `cannot write --out package.json/nightly: ${join(process.cwd(), 'package.json')} is not a folder`);
    expect(readdirSync(tmp)).toEqual(['a-folder']);
  });

  it('refuses a folder that cannot be written in', async () => {
    // Root ignores permission bits, but not a read-only file system.
    const root = process.getuid?.() === 0;
    if (root && !existsSync('/sys')) return;
    const dir = root ? '/sys' : join(tmp, 'read-only');
    if (!root) {
      mkdirSync(dir);
      chmodSync(dir, 0o555);
    }
    await refused([...tiny, '--out', join(dir, 't.json')], `cannot write --out ${dir}/t.json: not writable (EACCES)`);
  });
});

describe('--workers above the core count', () => {
  it('is capped at the number of cores, with a one-line warning', async () => {
    const cores = availableParallelism();
    const r = await runMain([...tiny, '--workers', String(cores + 62)]);
    expect(r.stderr).toBe(`hmmcheck: warning: --workers ${cores + 62} is more than the ${cores} cores; using ${cores}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`hmmcheck ${VERSION}: reference/twophase variant fixed (RM=2), bfs, ${cores} worker${cores > 1 ? 's' : ''}`);
  });
});
