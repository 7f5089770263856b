/**
 * A worker's side of `nightly --cluster`: takes jobs from the JetStream work queue (`concurrency`
 * at a time), runs each with the nightly runner (checker/nightly/run.ts), copies every checkpoint
 * it writes to the object store, tells the server it is still working well within the ack wait,
 * stores the result in the results bucket and only then acknowledges the job. A job redelivered
 * because its worker died resumes from the checkpoint in the object store; a job whose result is
 * already stored (its worker died between storing and acknowledging) is acknowledged unrun.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import { loadModel } from '../cli/loadModel';
import { VERSION } from '../cli/version';
import { checkpointPath, runJob, type NightlyOptions } from '../nightly/run';
import { deleteObjects, fetchCheckpointFile, putCheckpointFile } from './objectCheckpoint';
import { nightlyCheckpointObject, type NightlyTask, type NightlyTaskResult } from './nightlyTask';
import { materialize } from './shippedModel';
import { NIGHTLY_CONSUMER, NIGHTLY_RESULTS_BUCKET, NIGHTLY_STREAM, nightlyResultKey } from './subjects';
import { decodeJson, encodeJson } from './wire';

export class NightlyWorker {
  private stopping = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly id: string,
    private readonly checkpoints: () => Promise<ObjectStore>,
    private readonly cacheDir: string,
    private readonly concurrency: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs `concurrency` job loops until stop(). */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.concurrency }, () => this.loop()));
  }

  stop(): void {
    this.stopping = true;
  }

  private async loop(): Promise<void> {
    const js = jetstream(this.nc);
    let kv: KV | undefined;
    while (!this.stopping) {
      try {
        // The queue and its consumer exist once a coordinator has published a nightly run.
        const consumer = await js.consumers.get(NIGHTLY_STREAM, NIGHTLY_CONSUMER);
        kv ??= await new Kvm(this.nc).create(NIGHTLY_RESULTS_BUCKET);
        const m = await consumer.next({ expires: 2000 });
        if (m) await this.handle(m, kv);
      } catch (e) {
        if (this.stopping || this.nc.isClosed()) return;
        if (!/stream not found|consumer not found/i.test((e as Error).message)) this.log(`nightly queue: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async handle(m: JsMsg, kv: KV): Promise<void> {
    const task = decodeJson<NightlyTask>(m.data);
    const key = nightlyResultKey(task.run, task.index);
    const name = task.job.name;
    if (await kv.get(key)) {
      this.log(`nightly job ${name}: its result is already stored; acknowledged`);
      m.ack();
      return;
    }
    if (task.version !== VERSION) {
      await this.store(kv, key, { worker: this.id, resumed: false, error: `the coordinator runs hmmcheck ${task.version}, this worker ${VERSION}` });
      m.ack();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-nightly-'));
    const store = await this.checkpoints();
    const object = nightlyCheckpointObject(task.run, task.index);
    const keepAlive = setInterval(() => m.working(), Math.max(200, (task.ackWaitSec * 1000) / 3));
    const uploads: Promise<void>[] = [];
    try {
      const o: NightlyOptions = {
        jobs: [task.job],
        outDir: dir,
        date: task.date,
        resume: false,
        checkpointEveryMs: task.checkpointEverySec * 1000,
        resolve: async () => (await loadModel(materialize(task.model, this.cacheDir))).model,
        interrupted: () => this.stopping,
        log: (l) => this.log(`nightly ${l}`),
        // Uploads in order; each is the latest checkpoint when it lands.
        onCheckpointWritten: (path) => void uploads.push((uploads.at(-1) ?? Promise.resolve()).then(async () => void (await putCheckpointFile(store, object, path)))),
      };
      const ckpt = checkpointPath(o, task.job);
      mkdirSync(dirname(ckpt), { recursive: true });
      const resumed = await fetchCheckpointFile(store, object, ckpt);
      this.log(`nightly job ${name} (delivery ${m.info.deliveryCount})${resumed ? ': resuming from the checkpoint in the object store' : ''}`);
      let outcome: NightlyTaskResult;
      try {
        const r = await runJob({ ...o, resume: resumed }, task.job);
        if (r === 'interrupted') {
          // This worker is stopping: the job goes back to the queue and resumes elsewhere.
          await Promise.all(uploads);
          m.nak();
          return;
        }
        outcome = { worker: this.id, resumed, result: r };
      } catch (e) {
        outcome = { worker: this.id, resumed, error: (e as Error).message.split('\n')[0] };
      }
      await Promise.all(uploads);
      await this.store(kv, key, outcome);
      await m.ackAck();
      await deleteObjects(store, object);
      this.log(`nightly job ${name}: ${outcome.result ? outcome.result.verdict : `error: ${outcome.error}`}; result stored`);
    } finally {
      clearInterval(keepAlive);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async store(kv: KV, key: string, r: NightlyTaskResult): Promise<void> {
    await kv.put(key, encodeJson(r));
  }
}
