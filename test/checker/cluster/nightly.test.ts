/**
 * `nightly --cluster` with two real workers: every job of the list runs exactly once, including
 * one whose worker is killed (SIGKILL) mid-job, which another worker resumes from the checkpoint
 * kept in the JetStream object store after the ack wait; the usual results/nightly/<date>.json
 * and .md are written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../../support/cliAsync';
import { CHECKPOINT_BUCKET } from '../../../checker/cluster/subjects';
import { natsServerMissing, startCluster, type Cluster } from './harness';

describe.skipIf(natsServerMissing)('nightly --cluster', () => {
  let cluster: Cluster | undefined;
  afterAll(async () => cluster?.stop());

  it('runs each job once, a job whose worker was killed resumes on the other worker, and writes the usual report', async () => {
    cluster = await startCluster();
    const workers = await Promise.all([cluster.worker(), cluster.worker()]);
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-cluster-nightly-'));
    const jobs = join(dir, 'jobs.json');
    writeFileSync(
      jobs,
      JSON.stringify({
        jobs: [
          { name: 'small', model: 'reference/twophase', constants: { RM: 3 } },
          { name: 'big', model: 'reference/twophase', constants: { RM: 8 } },
          { name: 'own-spec', model: 'test/fixtures/jugs.ts' },
        ],
      }),
    );
    const out = join(dir, 'out');
    const nc = await connect({ servers: cluster.url.slice('nats://'.length) });
    const store = await new Objm(nc).create(CHECKPOINT_BUCKET);
    let killed: number | undefined;
    // Once big's first checkpoint is in the object store, kill the worker running it. The job is
    // sized (RM=8: ~6 s on one core, checkpoints every 0.25 s) so that it cannot finish between the
    // two: at RM=7 (~0.9 s) a fast machine sometimes did (killed stayed undefined).
    const watch = setInterval(async () => {
      if (killed !== undefined) return;
      const saved = (await store.list().catch(() => [])).some((o) => /^nightly\/[\w-]+\/job1$/.test(o.name) && !o.deleted);
      const runner = workers.findIndex((w) => w.log().includes('nightly job big (delivery 1)'));
      if (saved && runner >= 0) {
        killed = runner;
        workers[runner]!.child.kill('SIGKILL');
      }
    }, 50);
    try {
      const r = await runCliAsync(['nightly', '--jobs', jobs, '--out', out, '--date', '2026-12-03', '--cluster', cluster.url, '--checkpoint-every', '0.25', '--ack-wait', '2']);
      expect(killed).toBeDefined();
      expect(r.code).toBe(0);
      const survivor = workers[1 - killed!]!.log();
      expect(survivor).toMatch(/nightly job big \(delivery 2\): resuming from the checkpoint in the object store/);
      // Delivery 2 finishes the job: no error sends it round again.
      expect(survivor).not.toMatch(/delivery 3|nightly queue:/);
      expect(r.stderr).toMatch(/nightly: big: holds, 1,745,408 distinct, [\d.]+ s \(worker \S+, resumed from a checkpoint\)/);
      // Each job reported once, and once in the results, in job-list order.
      for (const name of ['small', 'big', 'own-spec']) expect(r.stderr.split('\n').filter((l) => l.startsWith(`nightly: ${name}: `))).toHaveLength(1);
      const results = JSON.parse(readFileSync(join(out, '2026-12-03.json'), 'utf8'));
      expect(results.jobs.map((j: any) => [j.name, j.verdict, j.distinct, j.generated])).toEqual([
        ['small', 'holds', 288, 1_146],
        ['big', 'holds', 1_745_408, 18_507_778],
        ['own-spec', expect.stringMatching(/^violates /), expect.any(Number), expect.any(Number)],
      ]);
      expect(readFileSync(join(out, '2026-12-03.md'), 'utf8')).toContain('# Nightly run 2026-12-03');
      expect(r.stdout).toContain(`Results written to ${join(out, '2026-12-03.json')}`);
    } finally {
      clearInterval(watch);
      await nc.close();
    }
  }, 120_000);
});
