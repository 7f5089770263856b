/**
 * `hmmcheck worker --nats URL`: a long-running process that takes work from the cluster and runs it
 * with the existing engines: partitions of exhaustive searches (partitionHost.ts), nightly jobs
 * from the JetStream work queue (nightlyWorker.ts, `--concurrency` at a time) and simulation
 * swarm members (swarm.ts). It answers discovery and pings on its own subjects; it stops
 * on SIGINT/SIGTERM (a nightly job it was running is redelivered to another worker, which resumes
 * it from its last checkpoint).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { VERSION } from '../cli/version';
import { projectRoot } from '../cli/trustBoundary';
import { connectCluster, redacted, type ClusterAddress } from './connection';
import { NightlyWorker } from './nightlyWorker';
import { PartitionHost } from './partitionHost';
import type { WorkerRequest } from './protocol';
import { runSimulationTask, type SimulationRequest } from './swarm';
import { CHECKPOINT_BUCKET, DISCOVER, workerSubject, type WorkerInfo } from './subjects';
import { answer, decodeJson } from './wire';

export interface WorkerOptions {
  readonly address: ClusterAddress;
  /** Nightly jobs run at the same time. */
  readonly concurrency: number;
  readonly log: (line: string) => void;
  /** Resolves to stop the worker (SIGINT/SIGTERM in the command). */
  readonly stop: Promise<void>;
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  const id = `${hostname().replace(/[^\w-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const info: WorkerInfo = { id, host: hostname(), pid: process.pid, version: VERSION, concurrency: o.concurrency };
  const nc = await connectCluster(o.address, `hmmcheck worker ${id}`);
  const log = (line: string) => o.log(`worker ${id}: ${line}`);
  // Shipped spec modules are written here, named by their hash (shippedModel.ts).
  const cacheDir = join(projectRoot(), '.hmmcheck', 'cluster-specs');
  mkdirSync(cacheDir, { recursive: true });
  let store: Promise<ObjectStore> | undefined;
  const checkpoints = () => (store ??= new Objm(nc).create(CHECKPOINT_BUCKET));
  const host = new PartitionHost(nc, checkpoints, cacheDir, log);
  nc.subscribe(DISCOVER, { callback: (_e, m) => void answer(m, () => info) });
  nc.subscribe(workerSubject(id), {
    callback: (_e, m) =>
      void answer(m, async () => {
        const req = decodeJson<WorkerRequest | SimulationRequest>(m.data);
        switch (req.op) {
          case 'ping':
            if (req.run !== undefined) host.touch(req.run);
            return { id };
          case 'open':
            return host.open(req);
          case 'close':
            host.close(req.run);
            return {};
          case 'simulate':
            return runSimulationTask(nc, req, cacheDir, log);
        }
      }),
  });
  const nightly = new NightlyWorker(nc, id, checkpoints, cacheDir, o.concurrency, log);
  const jobs = nightly.start();
  await nc.flush();
  log(`listening on ${redacted(o.address.url)} (hmmcheck ${VERSION}, ${o.concurrency} nightly job${o.concurrency > 1 ? 's' : ''} at a time)`);
  // Partitions of a run whose coordinator has gone (no ping for a while) are dropped.
  const expiry = setInterval(() => host.dropIdle(), 60_000);
  await Promise.race([o.stop, nc.closed()]);
  clearInterval(expiry);
  nightly.stop();
  await nc.close().catch(() => {});
  await jobs.catch(() => {});
  log('stopped');
}
