/**
 * Runs the CLI's main(argv) in this process, capturing what it writes: much faster than a child
 * process, for runs that end before any search (usage errors) or are tiny. Signals need runCli.
 */
import { vi } from 'vitest';
import type { CliRun } from './cli';

// main.ts runs itself when imported, unless told not to. Only this import is told: the CLI child
// processes that later test files of the same fork spawn inherit the environment.
process.env.HMMCHECK_NO_MAIN = '1';
const { main } = await import('../../checker/cli/main');
delete process.env.HMMCHECK_NO_MAIN;

export async function runMain(argv: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await main([...argv]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
