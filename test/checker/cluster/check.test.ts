/**
 * `check --cluster URL --partitions K` against a real nats-server with real `hmmcheck worker`
 * processes: the partitioned search gives the single-process counts (counterexample.test.ts: its
 * counterexamples).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCliAsync } from '../../support/cliAsync';
import { natsServerMissing, withTwoWorkers } from './harness';

describe('hmmcheck check --cluster', () => {
  it('refuses flags it cannot honour, before connecting (one line, exit 150)', () => {
    const r = runCli(['check', 'reference/twophase', '--cluster', 'nats://127.0.0.1:1', '--por']);
    expect([r.code, r.stderr]).toEqual([150, 'hmmcheck: --cluster cannot be combined with --por\n']);
    const p = runCli(['check', 'reference/twophase', '--partitions', '2']);
    expect([p.code, p.stderr]).toEqual([150, 'hmmcheck: --partitions and --creds need --cluster\n']);
  });

  describe.skipIf(natsServerMissing)('with a NATS server and two workers', () => {
    const cluster = withTwoWorkers();

    it('n-peterson N=4 on 2 partitions: 22,281 distinct / 89,125 generated, as one process', async () => {
      const r = await runCliAsync(['check', 'reference/n-peterson', '--const', 'N=4', '--cluster', cluster().url, '--partitions', '2', '--no-coverage']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/reference\/n-peterson variant fixed \(N=4\), bfs, 2 partitions on the cluster$/);
      expect(r.stdout).toContain('89,125 states generated, 22,281 distinct states found, depth 47 (bfs).');
      const share = /Cluster: 2 partitions on 2 worker\(s\); distinct states per worker: \S+ \(partitions 0\) ([\d,]+); \S+ \(partitions 1\) ([\d,]+)\./.exec(r.stdout);
      expect(share).not.toBeNull();
      expect(Number(share![1]!.replace(/,/g, '')) + Number(share![2]!.replace(/,/g, ''))).toBe(22_281);
    }, 60_000);
  });
});
