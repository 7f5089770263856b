/**
 * The single-threaded search of `check`, run in a worker thread (searchWorker.ts) so that the main
 * thread stays free to see SIGINT/SIGTERM. Signals reach only the main thread's event loop, which a
 * guard or effect stuck in an infinite loop would never return to; from here a stuck search can be
 * terminated (Worker.terminate interrupts even an infinite loop).
 *
 * On the first signal the search is asked to stop (heartbeat.ts): it stops at its next poll, writes
 * a fresh checkpoint and returns the usual incomplete result. If it has not acknowledged the request
 * within GRACE_MS (and is not writing a periodic checkpoint) it is stuck, in model code or in a phase
 * that does not poll; it is terminated and the outcome says what it was evaluating and whether the
 * last periodic checkpoint can be resumed. A second signal terminates it at once (a checkpoint being
 * written is then abandoned: the previous one stays intact, as checkpoints are renamed into place).
 */
import type { Trace } from '../trace/trace';
import type { Parts } from '../store/checkpoint';
import type { PorSummary } from '../por/independence';
import type { ParallelJob } from './parallelProtocol';
import type { CheckResult, ProgressStats } from './result';
import { HB_ACTION, HB_CHECKPOINTING, HB_IDLE, HB_STATE, HB_STOP, HB_STOPPING, heartbeatAction, newHeartbeat } from './heartbeat';
import { errorFromMessage, startTsWorker, type ErrorMessage } from './workerBoot';

/** How long a search may take to acknowledge a stop request before it is taken to be stuck. */
export const GRACE_MS = 1000;

/** Everything the search thread needs: what to check and how (all structured-cloneable). */
export interface SearchJob {
  readonly job: ParallelJob;
  readonly strategy: 'bfs' | 'dfs';
  /** Check temporal properties (default: when the spec has any). */
  readonly liveness?: boolean;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly frontierMemoryBytes?: number;
  readonly stepTimeoutMs?: number;
  readonly progressMs?: number;
  /** Where and how often to checkpoint, and the run identity written with it. */
  readonly checkpoint?: { readonly path: string; readonly run: Record<string, unknown>; readonly everyMs: number };
  /** A verified checkpoint's parts to continue from (their buffers are transferred to the thread). */
  readonly resume?: Readonly<Record<string, Parts>>;
}

/** Sent by searchWorker.ts. */
export type FromSearch =
  | { readonly type: 'progress'; readonly stats: ProgressStats }
  | { readonly type: 'checkpoint' }
  | { readonly type: 'done'; readonly result: CheckResult; readonly trace?: Trace; readonly por?: PorSummary }
  | ErrorMessage;

export type SearchOutcome =
  | { readonly kind: 'done'; readonly result: CheckResult; readonly trace?: Trace; readonly por?: PorSummary }
  /** Interrupted while stuck: the thread was terminated; `message` says where and what was saved. */
  | { readonly kind: 'abandoned'; readonly message: string };

export interface SearchHooks {
  readonly onProgress?: (stats: ProgressStats) => void;
  /** An action instance's label (`A.spin`, `Send(r1)`), to name where a stuck search was. */
  readonly labelOf: (instance: number) => string;
}

/**
 * The search thread's young generation, in MiB (V8's default lets it grow to tens of MiB): the search's
 * short-lived objects (decoded states, choice contexts) die young at any size, and the default's
 * pages stayed resident at the run's memory peak, ~29 MiB of it on n_peterson N=6 (issue #16: peak
 * RSS growth per state), with no search measurably slower at this size.
 */
const SEARCH_HEAP = { maxYoungGenerationSizeMb: 6 };

/** Runs `job` in a worker thread, stoppable by SIGINT/SIGTERM whatever the model code does. */
export function searchInThread(job: SearchJob, hooks: SearchHooks): Promise<SearchOutcome> {
  const hb = newHeartbeat(true);
  const transfer = Object.values(job.resume ?? {}).flatMap((p) => p.arrays.map((a) => a.buffer as ArrayBuffer));
  const worker = startTsWorker('searchWorker', { ...job, heartbeat: hb }, transfer, SEARCH_HEAP);
  // A resumed run's checkpoint file is itself resumable until the first new one replaces it.
  let checkpointed = job.resume !== undefined;
  return new Promise<SearchOutcome>((resolve, reject) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void worker.terminate();
      f();
    };
    const abandon = () => settle(() => resolve({ kind: 'abandoned', message: stuckMessage(hb, hooks.labelOf, job.checkpoint?.path, checkpointed) }));
    // Stuck: neither winding down nor writing a periodic checkpoint (which may take a while).
    const checkStuck = () => {
      if (Atomics.load(hb, HB_STOPPING) !== 0) return;
      if (Atomics.load(hb, HB_CHECKPOINTING) !== 0) grace = setTimeout(checkStuck, GRACE_MS);
      else abandon();
    };
    const onSignal = () => {
      if (Atomics.load(hb, HB_STOP) !== 0) return abandon();
      Atomics.store(hb, HB_STOP, 1);
      grace = setTimeout(checkStuck, GRACE_MS);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    worker.on('message', (m: FromSearch) => {
      if (m.type === 'progress') hooks.onProgress?.(m.stats);
      else if (m.type === 'checkpoint') checkpointed = true;
      else if (m.type === 'done') settle(() => resolve({ kind: 'done', result: m.result, trace: m.trace, por: m.por }));
      else settle(() => reject(errorFromMessage(m)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the search thread exited with code ${code} before its result`))));
  });
}

/** The one line for a search terminated after a stop request it did not acknowledge. */
function stuckMessage(hb: Int32Array, labelOf: (i: number) => string, checkpoint: string | undefined, checkpointed: boolean): string {
  const saved = !checkpoint
    ? 'nothing was saved (no --checkpoint)'
    : checkpointed
      ? `the last periodic checkpoint ${checkpoint} is resumable (add --resume)`
      : `no checkpoint had been written yet to ${checkpoint}`;
  const state = hb[HB_STATE]!;
  if (hb[HB_ACTION] !== HB_IDLE) {
    const where = state >= 0 ? ` in state #${state}` : '';
    return `interrupted: the model code did not return (${heartbeatAction(hb, labelOf)}${where}), so the search was stopped without a final checkpoint; ${saved}`;
  }
  if (state < 0) return `interrupted before the search started; ${saved}`;
  return `interrupted: the search did not stop within ${GRACE_MS / 1000} s (after state #${state}, outside model code) and was terminated; ${saved}`;
}
