/**
 * The simulation swarm (`simulate --workers K`): K independent simulations in worker threads, each
 * with its own seed and action weighting derived from the base seed, and the union of what they
 * find. Worker 0 runs the base seed with uniform weights, so one worker reproduces a plain run.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ConstValue } from '../../spec/model';
import { looksLikePath } from '../cli/modelArgument';
import { CompiledSpec } from './compiled';
import { UsageError } from './errors';
import { deriveSeed, simulate, checkSeed, type Finding, type SimStats, type SimulationResult, type SimulateOptions, findingKey } from './simulate';
import { errorFromMessage, startTsWorker, type ErrorMessage } from './workerBoot';
import { instantiate } from '../model/instantiate';
import { loadModel } from '../cli/loadModel';

/** Worker k's seed and swarm configuration id: worker 0 is the base seed, uniform. */
export function workerPlan(seed: number, k: number): { seed: number; swarmConfig: number } {
  if (k === 0) return { seed, swarmConfig: 0 };
  return { seed: deriveSeed(seed, `worker/${k}`), swarmConfig: deriveSeed(seed, `swarm/${k}`) || 1 };
}

/** What a worker needs to rebuild the spec on its own thread. */
export interface SwarmJob {
  /** Registry name, or the path of a spec module (made absolute before it is sent). */
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
}

export interface SwarmOptions {
  seed: number;
  /** Total traces, split between the workers. */
  traces: number;
  depth: number;
  workers: number;
  checkDeadlock?: boolean;
  timeBudgetMs?: number;
  continueAfterViolation?: boolean;
  /**
   * Run the workers one after another on this thread instead of in worker threads (same results
   * for the same per-worker budgets; no parallelism). Without continueAfterViolation a finding
   * does not stop the remaining workers here.
   */
  inProcess?: boolean;
  /**
   * Runs worker k's simulation elsewhere (a cluster worker: checker/cluster/swarm.ts) instead of
   * in a worker thread; its findings must carry their traces.
   */
  runWorker?: (input: WorkerInput, k: number) => Promise<SimulationResult>;
}

/** What one worker ran and found. */
export interface WorkerReport {
  readonly worker: number;
  readonly seed: number;
  readonly swarmConfig: number;
  /** Its share of the traces. */
  readonly traces: number;
  readonly result: SimulationResult;
}

/** A finding with the worker that made it (its seed and configuration reproduce it). */
export type SwarmFinding = Finding & { readonly worker: number; readonly seed: number; readonly swarmConfig: number; readonly workerTraces: number };

export interface SwarmResult {
  readonly seed: number;
  readonly workers: readonly WorkerReport[];
  /** One finding per property, from the lowest-numbered worker that found it, in worker order. */
  readonly findings: readonly SwarmFinding[];
  /** Totals over the workers; elapsed is wall-clock for the whole swarm. */
  readonly stats: {
    traces: number;
    steps: number;
    generated: number;
    elapsedMs: number;
    /** Over the wall-clock time, worker start-up (loading the model in each thread) included. */
    tracesPerSec: number;
    /** The sum of the workers' own rates (start-up excluded). */
    workerTracesPerSec: number;
  };
}

/** The message a worker posts back. */
export type WorkerMessage =
  | { readonly type: 'done'; readonly result: SimulationResult }
  | ErrorMessage;

/** What a worker receives as workerData. */
export interface WorkerInput {
  readonly job: SwarmJob;
  readonly opts: Omit<SimulateOptions, 'shouldStop' | 'onProgress' | 'swarm'> & { swarm: number };
  /** Int32Array view: non-zero = stop after the current trace. */
  readonly stop: SharedArrayBuffer;
}

/** Traces of worker k out of n. */
export function workerShare(traces: number, workers: number, k: number): number {
  return Math.floor(traces / workers) + (k < traces % workers ? 1 : 0);
}

/** Runs one swarm member's simulation in a worker thread. */
export function runWorkerThread(input: WorkerInput): Promise<SimulationResult> {
  return new Promise((resolvePromise, reject) => {
    const w = startTsWorker('simulateWorker', input);
    let settled = false;
    w.on('message', (m: WorkerMessage) => {
      settled = true;
      if (m.type === 'done') resolvePromise(m.result);
      else reject(errorFromMessage(m));
    });
    w.on('error', (e) => {
      settled = true;
      reject(e);
    });
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`simulation worker exited with code ${code} before reporting`));
    });
  });
}

/** Runs one worker's simulation on this thread (what simulateWorker.ts does in its thread). */
export async function runWorkerInline(input: WorkerInput): Promise<SimulationResult> {
  // Imported lazily: the model loader belongs to the CLI layer.
  const [{ loadModel }, { instantiate }] = await Promise.all([import('../cli/loadModel'), import('../model/instantiate')]);
  const { model } = await loadModel(input.job.model);
  const inst = instantiate(model, input.job.variant, input.job.constants);
  const stop = new Int32Array(input.stop);
  return simulate(new CompiledSpec(inst.spec), { ...input.opts, shouldStop: () => Atomics.load(stop, 0) !== 0 });
}

export async function simulateSwarm(job: SwarmJob, opts: SwarmOptions): Promise<SwarmResult> {
  checkSeed(opts.seed);
  if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new UsageError(`workers must be a positive integer, got ${opts.workers}`);
  const model = looksLikePath(job.model) && !isAbsolute(job.model) ? resolve(job.model) : job.model;
  const stopBuf = new SharedArrayBuffer(4);
  const stop = new Int32Array(stopBuf);
  const plans = Array.from({ length: opts.workers }, (_, k) => ({ worker: k, ...workerPlan(opts.seed, k), traces: workerShare(opts.traces, opts.workers, k) }));
  const inputs: WorkerInput[] = plans.map((p) => ({
    job: { ...job, model },
    opts: {
      seed: p.seed,
      traces: p.traces,
      depth: opts.depth,
      swarm: p.swarmConfig,
      checkDeadlock: opts.checkDeadlock,
      timeBudgetMs: opts.timeBudgetMs,
      continueAfterViolation: opts.continueAfterViolation,
    },
    stop: stopBuf,
  }));
  const start = performance.now();
  let results: SimulationResult[];
  if (opts.inProcess) {
    results = [];
    for (const input of inputs) results.push(await runWorkerInline(input));
  } else {
    results = await Promise.all(
      inputs.map((input, k) =>
        (opts.runWorker ? opts.runWorker(input, k) : runWorkerThread(input)).then((r) => {
          // Without --continue the first finding stops the swarm (the others finish their trace).
          if (r.kind === 'found' && !opts.continueAfterViolation) Atomics.store(stop, 0, 1);
          return r;
        }),
      ),
    ).catch((e) => {
      Atomics.store(stop, 0, 1);
      throw e;
    });
  }
  const elapsedMs = performance.now() - start;
  const workers: WorkerReport[] = plans.map((p, k) => ({ worker: k, seed: p.seed, swarmConfig: p.swarmConfig, traces: p.traces, result: results[k]! }));
  const findings: SwarmFinding[] = [];
  const keys = new Set<string>();
  for (const w of workers) {
    if (w.result.kind !== 'found') continue;
    for (const f of w.result.findings) {
      const key = findingKey(f);
      if (keys.has(key)) continue;
      keys.add(key);
      findings.push({ ...f, worker: w.worker, seed: w.seed, swarmConfig: w.swarmConfig, workerTraces: w.traces });
    }
  }
  const sum = (f: (s: SimStats) => number) => workers.reduce((a, w) => a + f(w.result.stats), 0);
  const traces = sum((s) => s.traces);
  return {
    seed: opts.seed,
    workers,
    findings,
    stats: {
      traces,
      steps: sum((s) => s.steps),
      generated: sum((s) => s.generated),
      elapsedMs,
      tracesPerSec: elapsedMs > 0 ? (traces * 1000) / elapsedMs : 0,
      workerTracesPerSec: sum((s) => s.tracesPerSec),
    },
  };
}
