/**
 * `nightly --cluster URL`: the coordinator publishes every job to the JetStream work-queue stream
 * (deduplicated by run and job, so a job is queued once), waits until a worker has stored each
 * job's result (nightlyWorker.ts), and writes the usual results/nightly/<date>.json, in job-list
 * order. Interrupted, it withdraws the jobs not yet taken; jobs already running finish on their
 * workers.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { UsageError } from '../engine/errors';
import { VERSION } from '../cli/version';
import type { NightlyJob } from '../nightly/jobs';
import { writeNightlyResults, type JobResult, type NightlyOutcome } from '../nightly/run';
import { connectCluster, type ClusterAddress } from './connection';
import type { NightlyTask, NightlyTaskResult } from './nightlyTask';
import { shipModel } from './shippedModel';
import { NIGHTLY_CONSUMER, NIGHTLY_RESULTS_BUCKET, NIGHTLY_STREAM, nightlyJobSubject, nightlyResultKey } from './subjects';
import { decodeJson, encodeJson } from './wire';

export interface ClusterNightlyOptions {
  readonly address: ClusterAddress;
  readonly jobs: readonly NightlyJob[];
  readonly outDir: string;
  readonly date: string;
  readonly checkpointEveryMs: number;
  /** Seconds a worker may stay silent on a job before the job is redelivered to another worker. */
  readonly ackWaitSec: number;
  readonly interrupted: () => boolean;
  readonly log: (line: string) => void;
}

/** The stream and its shared consumer, created or brought to this run's ack wait. */
async function ensureQueue(jsm: JetStreamManager, ackWaitSec: number): Promise<void> {
  const stream = { name: NIGHTLY_STREAM, subjects: ['hmmcheck.nightly.>'], retention: RetentionPolicy.Workqueue };
  try {
    await jsm.streams.info(NIGHTLY_STREAM);
  } catch {
    await jsm.streams.add(stream);
  }
  const consumer = { durable_name: NIGHTLY_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: ackWaitSec * 1e9, max_deliver: -1 };
  try {
    await jsm.consumers.info(NIGHTLY_STREAM, NIGHTLY_CONSUMER);
    await jsm.consumers.update(NIGHTLY_STREAM, NIGHTLY_CONSUMER, { ack_wait: ackWaitSec * 1e9 });
  } catch {
    await jsm.consumers.add(NIGHTLY_STREAM, consumer);
  }
}

export async function runNightlyOnCluster(o: ClusterNightlyOptions): Promise<NightlyOutcome> {
  if (!(o.ackWaitSec > 0)) throw new UsageError(`--ack-wait must be a positive number of seconds, got ${o.ackWaitSec}`);
  const tasks: NightlyTask[] = [];
  const run = `${o.date}-${randomBytes(4).toString('hex')}`;
  o.jobs.forEach((job, index) =>
    tasks.push({ run, index, date: o.date, job, model: shipModel(job.model), checkpointEverySec: o.checkpointEveryMs / 1000, ackWaitSec: o.ackWaitSec, version: VERSION }),
  );
  const nc = await connectCluster(o.address, 'hmmcheck nightly coordinator');
  try {
    const jsm = await jetstreamManager(nc);
    await ensureQueue(jsm, o.ackWaitSec);
    const kv = await new Kvm(nc).create(NIGHTLY_RESULTS_BUCKET);
    const js = jetstream(nc);
    for (const t of tasks) await js.publish(nightlyJobSubject(run, t.index), encodeJson(t), { msgID: `${run}/${t.index}` });
    o.log(`run ${run}: ${tasks.length} job(s) queued on ${NIGHTLY_STREAM}`);
    const results = new Map<number, NightlyTaskResult>();
    while (results.size < tasks.length) {
      if (o.interrupted()) {
        await jsm.streams.purge(NIGHTLY_STREAM, { filter: `hmmcheck.nightly.${run}.>` });
        return { status: 'interrupted' };
      }
      for (const t of tasks) {
        if (results.has(t.index)) continue;
        const e = await kv.get(nightlyResultKey(run, t.index));
        if (!e || e.length === 0) continue;
        const r = decodeJson<NightlyTaskResult>(e.value);
        results.set(t.index, r);
        const what = r.result ? `${r.result.verdict}${r.result.stopped ? ` (${r.result.stopped})` : ''}, ${r.result.distinct.toLocaleString('en-US')} distinct, ${r.result.seconds.toFixed(1)} s` : `could not run: ${r.error}`;
        o.log(`${t.job.name}: ${what} (worker ${r.worker}${r.resumed ? ', resumed from a checkpoint' : ''})`);
        await kv.delete(nightlyResultKey(run, t.index));
      }
      if (results.size < tasks.length) await new Promise((r) => setTimeout(r, 250));
    }
    const failed = tasks.filter((t) => results.get(t.index)!.error !== undefined);
    if (failed.length > 0) throw new UsageError(`nightly job ${failed[0]!.job.name} could not run on the cluster: ${results.get(failed[0]!.index)!.error}`);
    const done: JobResult[] = tasks.map((t) => results.get(t.index)!.result!);
    mkdirSync(o.outDir, { recursive: true });
    return { status: 'done', results: done, path: writeNightlyResults(o.outDir, o.date, done) };
  } finally {
    await nc.close();
  }
}
