import { describe, expect, it } from 'vitest';
import { lintCommand } from '../../../checker/cli/commands/lint';
import { runCli } from '../../support/cli';

const FIXTURE = './test/fixtures/lintPair.ts';

describe('hmmcheck lint', () => {
  it('reports a step reading two shared fields lock-free (exit 1), with step label, fields and locks', () => {
    const r = runCli(['lint', FIXTURE, '--variant', 'two-lockless-reads']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('test/lint-pair two-lockless-reads: 9 states, 3 thread steps — 1 finding, 0 warnings, 0 justified');
    expect(lines[1]).toBe('  finding   R.R1: 2 lock-free accesses in one step: a, b; locks held: none');
    expect(lines[2]).toMatch(/^lint: 1 finding, 0 warnings, 0 justified exceptions in 1 variant of 1 model \(\d+\.\d s\)$/);
  });

  it('passes the same step under a declared lock guarding both fields (exit 0)', () => {
    const r = runCli(['lint', FIXTURE, '--variant', 'fixed']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('test/lint-pair fixed: 13 states, 6 thread steps — 0 findings, 0 warnings, 0 justified');
  });

  it('lints every variant of a model without --variant and prints the justified exception', async () => {
    const out: string[] = [];
    const code = await lintCommand({ model: FIXTURE }, (s) => out.push(s));
    expect(code).toBe(1);
    expect(out.filter((l) => !l.startsWith('  ')).map((l) => l.split(':')[0])).toEqual(['test/lint-pair fixed', 'test/lint-pair two-lockless-reads', 'test/lint-pair justified', 'lint']);
    expect(out).toContain('  justified R.R1: atomic by justification: "a and b live in one word read by a single load"');
  });

  it('--json prints the same report as data', async () => {
    const out: string[] = [];
    expect(await lintCommand({ model: FIXTURE, variant: 'two-lockless-reads', json: true }, (s) => out.push(s))).toBe(1);
    const doc = JSON.parse(out.join('\n'));
    expect(doc.totals).toEqual({ finding: 1, warning: 0, justified: 0 });
    expect(doc.variants[0].lint.items).toEqual([
      { severity: 'finding', code: 'lockfree-accesses', step: 'R.R1', locks: [], fields: ['a', 'b'], message: '2 lock-free accesses in one step' },
    ]);
  });

  it('usage errors exit 150 with one line', () => {
    const r = runCli(['lint', '--variant', 'fixed']);
    expect(r.code).toBe(150);
    expect(r.stderr).toBe('hmmcheck: --variant and --const need a model: hmmcheck lint <model> --variant V\n');
    const bad = runCli(['lint', 'no/such-model']);
    expect(bad.code).toBe(150);
    expect(bad.stderr.split('\n')[0]).toMatch(/^hmmcheck: unknown model 'no\/such-model'/);
  });
});
