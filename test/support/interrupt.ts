/** Runs the real CLI and sends it a signal once `ready()` holds; resolves with the run and the time it took to stop. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCliAsync } from './cliAsync';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function runCliSignalled(args: readonly string[], ready: () => boolean, signal: NodeJS.Signals, env: Record<string, string> = {}) {
  const r = await runCliAsync(args, { env, interrupt: { when: ready, signal } });
  return { ...r, stopMs: r.stopMs ?? Infinity };
}

/**
 * Starts `hmmcheck nightly` and sends SIGINT `delayMs` after the job named `big` has started
 * (its "nightly: big:" line on stderr); resolves with the exit code.
 */
export function interruptNightly(args: readonly string[], delayMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${root}bin/hmmcheck.mjs`, 'nightly', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      if (!sent && chunk.toString().includes('nightly: big:')) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), delayMs);
      }
    });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}
