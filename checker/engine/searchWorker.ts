/**
 * The worker thread side of searchThread.ts: rebuilds the spec from the job (a registry name or
 * spec module path, as parallel workers do), runs the single-threaded search with the stop request
 * and heartbeat shared with the main thread, writes checkpoints, and posts progress and the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkSpecAsync } from '../check';
import { loadModel } from '../cli/loadModel';
import { instantiate } from '../model/instantiate';
import { writeCheckpoint } from '../store/checkpoint';
import { HB_CHECKPOINTING, HB_STOP, HB_STOPPING } from './heartbeat';
import type { FromSearch, SearchJob } from './searchThread';
import { errorToMessage } from './workerBoot';

const post = (m: FromSearch) => parentPort!.postMessage(m);

async function search(d: SearchJob & { heartbeat: Int32Array }): Promise<FromSearch> {
  const { model } = await loadModel(d.job.model);
  const inst = instantiate(model, d.job.variant, d.job.constants);
  const hb = d.heartbeat;
  const ck = d.checkpoint;
  const { result, trace, compiled } = await checkSpecAsync(inst.spec, {
    strategy: d.strategy,
    effects: d.job.effects,
    reductions: d.job.reductions,
    checkDeadlock: d.job.checkDeadlock,
    liveness: d.liveness,
    maxStates: d.maxStates,
    maxDepth: d.maxDepth,
    frontierMemoryBytes: d.frontierMemoryBytes,
    stepTimeoutMs: d.stepTimeoutMs,
    resume: d.resume,
    heartbeat: hb,
    shouldStop: () => {
      if (Atomics.load(hb, HB_STOP) === 0) return false;
      Atomics.store(hb, HB_STOPPING, 1);
      return true;
    },
    onCheckpoint: ck
      ? (parts) => {
          Atomics.store(hb, HB_CHECKPOINTING, 1);
          writeCheckpoint(ck.path, { run: ck.run, parts });
          Atomics.store(hb, HB_CHECKPOINTING, 0);
          post({ type: 'checkpoint' });
        }
      : undefined,
    checkpointEveryMs: ck?.everyMs,
    onProgress: (stats) => post({ type: 'progress', stats }),
    progressMs: d.progressMs,
  });
  return { type: 'done', result, trace, por: compiled.por?.summary };
}

search(workerData).then(post, (e) => post(errorToMessage(e)));
