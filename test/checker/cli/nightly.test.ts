import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCliSignalled } from '../../support/interrupt';

describe('hmmcheck nightly', () => {
  it('an interrupted job (TwoPhase RM=7, 296k states) resumed gives the results of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-nightly-'));
    const jobs = join(dir, 'jobs.json');
    writeFileSync(jobs, JSON.stringify({ jobs: [{ name: 'small', model: 'hmm/m1-mirror-2015' }, { name: 'big', model: 'reference/twophase', constants: { RM: 7 } }] }));
    const out = join(dir, 'out');
    // Stopped once big's first periodic checkpoint exists (every 0.2 s; the job takes over a second).
    const ckpt = join(out, 'checkpoints', '2026-01-02--big.ckpt');
    const stopped = await runCliSignalled(['nightly', '--jobs', jobs, '--out', out, '--date', '2026-01-02', '--checkpoint-every', '0.2'], () => existsSync(ckpt), 'SIGINT');
    expect(stopped.code, stopped.stderr).toBe(20);
    const resumed = runCli(['nightly', '--jobs', jobs, '--out', out, '--date', '2026-01-02', '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('nightly: big: resuming from');
    // An uninterrupted run of the same jobs, on the day before, for comparison.
    expect(runCli(['nightly', '--jobs', jobs, '--out', out, '--date', '2026-01-01']).code).toBe(0);
    const load = (d: string) => JSON.parse(readFileSync(join(out, `${d}.json`), 'utf8')).jobs.map((j: any) => ({ name: j.name, verdict: j.verdict, distinct: j.distinct, generated: j.generated, depth: j.depth }));
    expect(load('2026-01-02')).toEqual(load('2026-01-01'));
    expect(load('2026-01-02')[1]).toEqual({ name: 'big', verdict: 'holds', distinct: 296_448, generated: 2_744_706, depth: 23 });
    // The uninterrupted run compares with nothing earlier; a re-run of the resumed date compares with it.
    expect(readFileSync(join(out, '2026-01-01.md'), 'utf8')).toContain('No earlier run to compare with.');
  }, 180_000);

  it('exits 1 when a run differs from the previous one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-nightly-'));
    const jobs = (consts: object) => {
      const f = join(dir, 'jobs.json');
      writeFileSync(f, JSON.stringify({ jobs: [{ name: 'tp', model: 'reference/twophase', constants: consts }] }));
      return f;
    };
    const out = join(dir, 'out');
    expect(runCli(['nightly', '--jobs', jobs({ RM: 3 }), '--out', out, '--date', '2026-01-01']).code).toBe(0);
    const r = runCli(['nightly', '--jobs', jobs({ RM: 4 }), '--out', out, '--date', '2026-01-02']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('- tp: state count changed: 288/1,146 -> 1,568/8,258 (distinct/generated)');
  });
});
