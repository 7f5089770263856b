/**
 * A worker killed with SIGKILL in the middle of a partitioned search: the level in progress is
 * abandoned, the partitions are handed out again over the two workers left and restored from the
 * last per-level checkpoint in the JetStream object store, and the run ends with the counts of an
 * uninterrupted single-process run.
 */
import { connect } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../../support/cliAsync';
import { CHECKPOINT_BUCKET } from '../../../checker/cluster/subjects';
import { natsServerMissing, startCluster, type Cluster } from './harness';

const counts = (stdout: string) => /[\d,]+ states generated, [\d,]+ distinct states found, depth \d+ \(bfs\)\./.exec(stdout)?.[0];

describe.skipIf(natsServerMissing)('check --cluster when a worker dies', () => {
  let cluster: Cluster | undefined;
  afterAll(async () => cluster?.stop());

  it('SIGKILL one of three workers mid-search: the run resumes from the last level checkpoint with identical counts', async () => {
    cluster = await startCluster();
    const workers = await Promise.all([cluster.worker(), cluster.worker(), cluster.worker()]);
    const nc = await connect({ servers: cluster.url.slice('nats://'.length) });
    const store = await new Objm(nc).create(CHECKPOINT_BUCKET);
    // The level reached by the checkpoints in the store (each level's replaces the one before).
    let level = 0;
    let killedAt: number | undefined;
    const watch = setInterval(async () => {
      for (const o of await store.list().catch(() => [])) {
        const m = /^check\/\w+\/L(\d+)\/p\d+$/.exec(o.name);
        if (m && !o.deleted) level = Math.max(level, Number(m[1]));
      }
      if (killedAt === undefined && level >= 4) {
        killedAt = level;
        workers[1]!.child.kill('SIGKILL');
      }
    }, 100);
    try {
      const r = await runCliAsync(['check', 'reference/n-peterson', '--const', 'N=4', '--cluster', cluster.url, '--partitions', '3', '--checkpoint-every', '0.3', '--no-coverage']);
      expect(killedAt).toBeGreaterThanOrEqual(4);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/cluster: lost a worker \(.*\); level \d+ starts again from its checkpoint on 2 worker\(s\)/);
      expect(r.stdout).toMatch(/Cluster: 3 partitions on 2 worker\(s\)/);
      expect(r.stdout).toContain('1 recovery(ies) after a lost worker');
      // What `check reference/n-peterson --const N=4 --workers 1` reports.
      expect(counts(r.stdout)).toBe('89,125 states generated, 22,281 distinct states found, depth 47 (bfs).');
    } finally {
      clearInterval(watch);
      await nc.close();
    }
  }, 60_000);
});
