/** Runs the real CLI and sends it a signal once `ready()` holds; resolves with the run and the time it took to stop. */
import { runCliAsync } from './cliAsync';

export async function runCliSignalled(args: readonly string[], ready: () => boolean, signal: NodeJS.Signals, env: Record<string, string> = {}) {
  const r = await runCliAsync(args, { env, interrupt: { when: ready, signal } });
  return { ...r, stopMs: r.stopMs ?? Infinity };
}
