/**
 * Runs the real CLI in a child process without blocking the test worker (for runs of many
 * seconds), optionally sending it a signal once a condition holds, as a user's Ctrl-C would.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface AsyncCliOptions {
  /** Extra environment variables for the child. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working folder of the child (default: the checkout). */
  readonly cwd?: string;
  /** Send `signal` once `when()` holds (polled every 10 ms). */
  readonly interrupt?: { readonly when: () => boolean; readonly signal: NodeJS.Signals };
}

/** A finished run; `stopMs` is the time from the signal to the exit (when one was sent). */
export interface AsyncCliRun extends CliRun {
  readonly stopMs?: number;
}

export function runCliAsync(args: readonly string[], opts: AsyncCliOptions = {}): Promise<AsyncCliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}bin/hmmcheck.mjs`, ...args], { cwd: opts.cwd ?? root, env: { ...process.env, FORCE_COLOR: '0', ...opts.env } });
    let stdout = '';
    let stderr = '';
    let signalledAt: number | undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const { interrupt } = opts;
    const poll = interrupt
      ? setInterval(() => {
          if (interrupt.when()) {
            clearInterval(poll);
            signalledAt = performance.now();
            child.kill(interrupt.signal);
          }
        }, 10)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code: code ?? -1, stdout, stderr, ...(signalledAt !== undefined ? { stopMs: performance.now() - signalledAt } : {}) });
    });
  });
}

/**
 * `hmmcheck check …` with `--checkpoint file --checkpoint-every 0.2`, interrupted (SIGINT) once its
 * first periodic checkpoint exists: a run of a second or more (TwoPhase RM=7) is stopped early on
 * any machine, without a delay that a fast machine could outrun.
 */
export function runCheckInterrupted(checkArgs: readonly string[], checkpoint: string): Promise<AsyncCliRun> {
  return runCliAsync([...checkArgs, '--checkpoint', checkpoint, '--checkpoint-every', '0.2'], { interrupt: { when: () => existsSync(checkpoint), signal: 'SIGINT' } });
}
