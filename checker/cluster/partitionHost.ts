/**
 * The partitions a worker hosts for partitioned exhaustive runs: `open` builds the run's spec (once
 * per run) and the partitions, empty or restored from the object store; each partition answers
 * its control requests (init, expand, commit with an optional checkpoint, parent records) and
 * stores the batches of states sent to it. A newer epoch of a run (after a recovery) replaces the
 * older one: its partitions stop at their next chunk, and stale batches are refused.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ObjectStore } from '@nats-io/obj';
import { CompiledSpec } from '../engine/compiled';
import { UsageError } from '../engine/errors';
import { instantiate } from '../model/instantiate';
import { loadModel } from '../cli/loadModel';
import { VERSION } from '../cli/version';
import { B_EPOCH, batchWords } from './batch';
import { Partition } from './partition';
import { getCheckpoint, putCheckpoint } from './objectCheckpoint';
import { checkpointObject, type ClusterJob, type PartitionRequest, type WorkerRequest } from './protocol';
import { materialize } from './shippedModel';
import { partitionControl, partitionStates } from './subjects';
import { answer, askBinary, decodeJson } from './wire';

/** How long a sender waits for an owner to store a batch before it takes the owner for lost. */
const BATCH_TIMEOUT_MS = 120_000;

/** A run whose coordinator has not pinged for this long has gone: its partitions are dropped. */
const IDLE_RUN_MS = 10 * 60_000;

interface HostedRun {
  readonly epoch: number;
  /** When its coordinator last showed it is alive. */
  lastSeen: number;
  readonly partitions: Map<number, Partition>;
  readonly subs: Subscription[];
}

export class PartitionHost {
  private readonly runs = new Map<string, HostedRun>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly checkpoints: () => Promise<ObjectStore>,
    private readonly cacheDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Partitions hosted now, for the worker's status line. */
  get hosted(): number {
    let n = 0;
    for (const r of this.runs.values()) n += r.partitions.size;
    return n;
  }

  async open(m: Extract<WorkerRequest, { op: 'open' }>): Promise<{ bytes: number }> {
    this.close(m.run);
    if (m.job.version !== VERSION) throw new UsageError(`the coordinator runs hmmcheck ${m.job.version}, this worker ${VERSION}; run the same version everywhere`);
    const cs = await compile(m.job, this.cacheDir);
    const run: HostedRun = { epoch: m.epoch, lastSeen: Date.now(), partitions: new Map(), subs: [] };
    this.runs.set(m.run, run);
    let bytes = 0;
    for (const q of m.partitions) {
      const p = new Partition(cs, q, m.of, m.job.checkDeadlock);
      if (m.restoreLevel !== undefined) {
        const file = await getCheckpoint(await this.checkpoints(), checkpointObject(m.run, m.restoreLevel, q));
        if (!file) throw new Error(`no checkpoint of partition ${q} at level ${m.restoreLevel}`);
        p.restore(file.parts);
      }
      bytes += p.bytes;
      run.partitions.set(q, p);
      run.subs.push(this.nc.subscribe(partitionControl(m.run, q), { callback: (_e, msg) => void answer(msg, () => this.control(m.run, run, p, decodeJson<PartitionRequest>(msg.data))) }));
      run.subs.push(
        this.nc.subscribe(partitionStates(m.run, q), {
          callback: (_e, msg) =>
            void answer(msg, () => {
              const batch = batchWords(msg.data);
              if (batch[B_EPOCH] !== run.epoch || p.aborted) throw new Error(`stale batch for partition ${q} (epoch ${batch[B_EPOCH]}, now ${run.epoch})`);
              return p.receive(batch);
            }),
        }),
      );
    }
    // The subscriptions are in place on the server before the coordinator starts the run.
    await this.nc.flush();
    this.log(`run ${m.run}: hosting partitions ${m.partitions.join(', ')} of ${m.of}${m.restoreLevel !== undefined ? `, restored from the checkpoint of level ${m.restoreLevel}` : ''}`);
    return { bytes };
  }

  /** The coordinator of `runId` is alive. */
  touch(runId: string): void {
    const run = this.runs.get(runId);
    if (run) run.lastSeen = Date.now();
  }

  /** Drops the runs whose coordinators have not been heard of for IDLE_RUN_MS. */
  dropIdle(): void {
    for (const [id, run] of this.runs) {
      if (Date.now() - run.lastSeen > IDLE_RUN_MS) {
        this.log(`run ${id}: no word from its coordinator for ${IDLE_RUN_MS / 60_000} minutes; its partitions are dropped`);
        this.close(id);
      }
    }
  }

  close(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    for (const p of run.partitions.values()) p.aborted = true;
    for (const s of run.subs) s.unsubscribe();
    this.runs.delete(runId);
  }

  private async control(runId: string, run: HostedRun, p: Partition, m: PartitionRequest): Promise<unknown> {
    if (m.epoch !== run.epoch || p.aborted) throw new Error(`stale request for partition ${p.self} (epoch ${m.epoch}, now ${run.epoch})`);
    switch (m.op) {
      case 'init':
        return p.init();
      case 'expand':
        return p.expand(run.epoch, async (dest, batch) => {
          await askBinary<number>(this.nc, partitionStates(runId, dest), batch, BATCH_TIMEOUT_MS);
        });
      case 'commit': {
        const report = p.commit();
        if (m.checkpointLevel === undefined) return report;
        const stored = await putCheckpoint(await this.checkpoints(), checkpointObject(runId, m.checkpointLevel, p.self), { run: { run: runId, partition: p.self }, parts: p.dump() });
        return { ...report, checkpointBytes: stored };
      }
      case 'parent':
        return p.parent(m.index);
    }
  }
}

/** The run's spec, from the registry or the shipped module. */
async function compile(job: ClusterJob, cacheDir: string): Promise<CompiledSpec> {
  const { model } = await loadModel(materialize(job.model, cacheDir));
  const inst = instantiate(model, job.variant, job.constants);
  return new CompiledSpec(inst.spec, job.effects, job.reductions);
}
