/**
 * `check --cluster` finding a violation: the counterexample is as long as the single-process one
 * (the search stops at the end of the first level with a verdict) and `replay` accepts it; a
 * user's spec module travels to the workers by content.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCliAsync } from '../../support/cliAsync';
import { natsServerMissing, withTwoWorkers } from './harness';

const steps = (stdout: string) => /Counterexample \((\d+) steps\)/.exec(stdout)?.[1];

describe.skipIf(natsServerMissing)('hmmcheck check --cluster counterexamples', () => {
  const cluster = withTwoWorkers();

    it('a violating HMM variant: a counterexample as long as the single-process one, which replay accepts', async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'hmmcheck-cluster-')), 't.json');
      const args = ['check', 'hmm/m2-device-fault', '--variant', 'range-valid-not-sticky'];
      const r = await runCliAsync([...args, '--cluster', cluster().url, '--partitions', '2', '--out', out]);
      expect(r.code).toBe(12);
      expect(r.stdout).toContain('Error: invariant INV-NOSTALE is violated.');
      const one = runCli([...args, '--workers', '1']);
      expect(one.code).toBe(12);
      expect(steps(r.stdout)).toBe(steps(one.stdout));
      const replay = runCli(['replay', out, '--quiet']);
      expect([replay.code, replay.stdout]).toEqual([12, `Replayed hmm/m2-device-fault variant range-valid-not-sticky: ${steps(one.stdout)} steps. Reproduced: invariant INV-NOSTALE is violated at the last state.\n`]);
    }, 60_000);

    it('a spec module of the user is shipped by content and checked like in one process', async () => {
      const r = await runCliAsync(['check', 'test/fixtures/jugs.ts', '--cluster', cluster().url, '--partitions', '3', '--no-coverage']);
      const one = runCli(['check', 'test/fixtures/jugs.ts', '--workers', '1', '--no-coverage']);
      expect([r.code, one.code]).toEqual([12, 12]);
      expect(steps(r.stdout)).toBe(steps(one.stdout));
      expect(r.stdout).toContain('Cluster: 3 partitions on 2 worker(s)');
    }, 60_000);
});
