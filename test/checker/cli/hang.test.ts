/**
 * A guard that never returns (test/fixtures/hangs.ts) cannot hold the run hostage: SIGINT or
 * SIGTERM stops `check` within 2 s with exit 20 and one line saying where it was stuck and what
 * can be resumed (a parallel search stopped while it searches again for one worker's
 * counterexample keeps the verdict it found), and `--step-timeout` reports it as a model error
 * (exit 75) naming the action, with the trace to the state it was evaluated in.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCliSignalled } from '../../support/interrupt';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-hang-'));
const hangs = 'test/fixtures/hangs.ts';
let runs = 0;

/** Runs `check args` and signals it once the fixture's guard has started looping. */
function checkStuck(args: readonly string[], signal: NodeJS.Signals) {
  const marker = join(tmp, `stuck-${runs++}`);
  return runCliSignalled(['check', hangs, ...args], () => existsSync(marker), signal, { HANG_MARKER: marker });
}

describe('a search stuck in model code', () => {
  it('stops on SIGINT within 2 s, exit 20, naming the action it was stuck in (one worker thread)', async () => {
    const r = await checkStuck(['--workers', '1'], 'SIGINT');
    expect(r.code).toBe(20);
    expect(r.stderr).toBe(
      'hmmcheck: interrupted: the model code did not return (action Spin in state #3), so the search was stopped without a final checkpoint; nothing was saved (no --checkpoint)\n',
    );
    expect(r.stopMs).toBeLessThan(2000);
  }, 60_000);

  it('stops on SIGTERM within 2 s, exit 20, on parallel workers too', async () => {
    const r = await checkStuck(['--workers', '2'], 'SIGTERM');
    expect(r.code, r.stderr).toBe(20);
    expect(r.stdout).toContain('Stopped before a verdict: interrupted.');
    expect(r.stdout).toContain('Warning: interrupted mid-level: the counts are those of the last complete level');
    expect(r.stopMs).toBeLessThan(2000);
  }, 60_000);

  it("keeps a parallel search's verdict when it is interrupted while searching again for one worker's counterexample", async () => {
    // Without temporal properties a violation is found again by an ordered second pass: the
    // fixture's guard hangs there, and Ctrl-C prints the first pass's counterexample.
    const r = await checkStuck(['--variant', 'again', '--workers', '2'], 'SIGINT');
    expect(r.code, r.stderr).toBe(12);
    expect(r.stdout).toContain('Error: invariant AIsNot2 is violated.');
    expect(r.stdout).toContain('Counterexample (2 steps):');
    expect(r.stdout).toContain(
      'Warning: interrupted while searching again for the counterexample one worker finds: this one is as the workers found it (it may differ from run to run)',
    );
    expect(r.stopMs).toBeLessThan(2000);
  }, 60_000);

  it('leaves the last periodic checkpoint resumable, and says so', async () => {
    const ckpt = join(tmp, 'late.ckpt');
    const r = await checkStuck(['--variant', 'late', '--checkpoint', ckpt, '--checkpoint-every', '0.02'], 'SIGINT');
    expect(r.code).toBe(20);
    expect(r.stderr).toBe(
      `hmmcheck: interrupted: the model code did not return (action Spin in state #90600), so the search was stopped without a final checkpoint; the last periodic checkpoint ${ckpt} is resumable (add --resume)\n`,
    );
    expect(r.stopMs).toBeLessThan(2000);
    // Resumed, the search reaches the same stuck guard again, now caught by the step timeout.
    const resumed = runCli(['check', hangs, '--variant', 'late', '--checkpoint', ckpt, '--resume', '--step-timeout', '1', '--no-coverage']);
    expect(resumed.stderr).toBe('hmmcheck: model error: action Spin did not return within 1 s (--step-timeout)\n');
    expect(resumed.code).toBe(75);
    expect(resumed.stdout).toContain('90,601 distinct states found');
  }, 60_000);
});

describe('--step-timeout', () => {
  it('reports an action that does not return as a model error (exit 75) with the trace to its state', () => {
    const r = runCli(['check', hangs, '--step-timeout', '1', '--no-coverage']);
    expect(r.stderr).toBe('hmmcheck: model error: action Spin did not return within 1 s (--step-timeout)\n');
    expect(r.code).toBe(75);
    expect(r.stdout).toContain('Error: model evaluation failed: action Spin did not return within 1 s (--step-timeout)');
    // The trace ends in the state Spin's guard was evaluated in: a = 3.
    expect(r.stdout).toMatch(/3 {2}IncA\n {7}a: 2 -> 3\n/);
    expect(r.stdout).toContain('4 distinct states found');
  }, 60_000);

  it('is refused with parallel workers', () => {
    const r = runCli(['check', hangs, '--step-timeout', '1', '--workers', '2']);
    expect(r.stderr).toBe('hmmcheck: --workers > 1 works with --strategy bfs and without --checkpoint/--resume/--por/--step-timeout\n');
    expect(r.code).toBe(150);
  });
});
