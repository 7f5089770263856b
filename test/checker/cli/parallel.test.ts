/** `check --workers N` through the CLI: a limit of the parallel engine is an internal error, never the model's. */
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../checker/cli/version';
import { runCli } from '../../support/cli';

describe('hmmcheck check --workers 2', () => {
  it('reports a state with more new successors than the shared seen set can take as an internal limit (exit 255), not a model error', () => {
    const r = runCli(['check', 'test/fixtures/wideFanOut.ts', '--workers', '2']);
    // Only the banner, printed before the run.
    expect([r.code, r.stdout]).toEqual([255, `hmmcheck ${VERSION}: test/fixtures/wideFanOut.ts variant fixed, bfs, 2 workers\nChecking no property (the spec declares none and deadlock is off).\n`]);
    expect(r.stderr).toBe(
      'hmmcheck: internal error: the shared seen set (65,536 slots) filled up while the workers were expanding one state each (it grows only between states, so the new successors of the states being expanded must fit); run with --workers 1, whose seen set grows at any time (run with --debug for the stack trace)\n',
    );
    const one = runCli(['check', 'test/fixtures/wideFanOut.ts', '--workers', '1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('70,001 states generated, 70,001 distinct states found, depth 2 (bfs).');
  });
});
