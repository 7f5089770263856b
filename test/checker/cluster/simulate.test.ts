/**
 * `simulate --cluster URL --workers K`: the swarm's members run on real cluster workers and the
 * report (the union of findings, each with its one-worker reproduce command, and the first
 * counterexample) is the one a local swarm of K threads prints.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCliAsync } from '../../support/cliAsync';
import { natsServerMissing, withTwoWorkers } from './harness';

/** The report from the union of findings to the end of the counterexample (timings excluded). */
const findings = (stdout: string) => stdout.slice(stdout.indexOf('Found '), stdout.search(/^(Trace written to |[\d,]+ traces, )/m));

describe.skipIf(natsServerMissing)('simulate --cluster', () => {
  const cluster = withTwoWorkers();

  it('spreads the swarm over the workers and reports what a local swarm reports, with a trace replay accepts', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hmmcheck-cluster-sim-')), 'sim.json');
    const args = ['simulate', 'hmm/m2-device-fault', '--variant', 'range-valid-not-sticky', '--seed', '7', '--traces', '400', '--depth', '60', '--workers', '2', '--continue'];
    const [remote, local] = await Promise.all([runCliAsync([...args, '--cluster', cluster().url, '--out', out]), runCliAsync(args)]);
    expect([remote.code, local.code]).toEqual([12, 12]);
    expect(remote.stderr).toMatch(/cluster: swarm member 0 ran on worker \S+\ncluster: swarm member 1 ran on worker \S+|cluster: swarm member 1 ran on worker \S+\ncluster: swarm member 0 ran on worker \S+/);
    expect(findings(remote.stdout)).toContain('reproduce with: hmmcheck simulate hmm/m2-device-fault --variant range-valid-not-sticky --seed ');
    expect(findings(remote.stdout)).toBe(findings(local.stdout));
    const replay = runCli(['replay', out, '--quiet']);
    expect(replay.code).toBe(12);
  }, 60_000);
});
