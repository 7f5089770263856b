/**
 * The nightly run: the jobs in order, each an exhaustive BFS with a time and a memory budget,
 * checkpointed periodically. An interrupt checkpoints the job in progress and records the jobs
 * already done (results/nightly/<date>.partial.json), so `--resume` continues to exactly the
 * results an uninterrupted run would have given.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelDef } from '../../spec/model';
import { checkSpecAsync } from '../check';
import { UsageError } from '../engine/errors';
import { instantiate } from '../model/instantiate';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoint';
import { VERSION } from '../cli/version';
import { verdictSummary, violatedProperty } from '../report/summary';
import type { NightlyJob } from './jobs';

export interface JobResult {
  readonly name: string;
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, unknown>>;
  /** As report/summary.ts verdictSummary: `holds`, `violates P`, `deadlock`, `model error: …`, `incomplete (why)`. */
  readonly verdict: string;
  readonly steps?: number;
  readonly distinct: number;
  readonly generated: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSec: number;
  readonly peakRssMiB: number;
  /** Set when the job ran out of its budget before a verdict. */
  readonly stopped?: 'time budget' | 'memory budget';
}

export interface NightlyOptions {
  readonly jobs: readonly NightlyJob[];
  readonly outDir: string;
  readonly date: string;
  readonly resume: boolean;
  readonly checkpointEveryMs: number;
  readonly resolve: (model: string) => Promise<ModelDef<any>>;
  /** Polled during the runs: true stops the nightly with a checkpoint (SIGINT/SIGTERM). */
  readonly interrupted: () => boolean;
  readonly log: (line: string) => void;
  /** Called after each checkpoint file is written (a cluster worker copies it to the object store). */
  readonly onCheckpointWritten?: (path: string) => void;
}

export type NightlyOutcome = { readonly status: 'interrupted' } | { readonly status: 'done'; readonly results: JobResult[]; readonly path: string };

const partialPath = (o: NightlyOptions) => join(o.outDir, `${o.date}.partial.json`);
/** Where a job's checkpoint file goes (a cluster worker puts a fetched one there to resume). */
export const checkpointPath = (o: Pick<NightlyOptions, 'outDir' | 'date'>, job: NightlyJob) => join(o.outDir, 'checkpoints', `${o.date}--${job.name.replace(/[^\w.-]/g, '_')}.ckpt`);

/** Runs one job to a result, resuming from its checkpoint file when `o.resume` and it exists. */
export async function runJob(o: NightlyOptions, job: NightlyJob): Promise<JobResult | 'interrupted'> {
  const inst = instantiate(await o.resolve(job.model), job.variant, job.constants);
  const ckpt = checkpointPath(o, job);
  const runId = { job: job.name, model: job.model, variant: job.variant, constants: inst.constants, version: VERSION };
  const resume = o.resume && existsSync(ckpt) ? readCheckpoint(ckpt) : undefined;
  if (resume && JSON.stringify(resume.run) !== JSON.stringify(runId)) {
    throw new UsageError(`checkpoint ${ckpt} belongs to another definition of job ${job.name} (model, variant, constants or version changed); delete it to start the job afresh`);
  }
  if (resume) o.log(`${job.name}: resuming from ${ckpt}`);
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  let stopped: JobResult['stopped'];
  const earlierMs = resume ? ((resume.parts.counters!.meta as { stats: { elapsedMs: number } }).stats.elapsedMs ?? 0) : 0;
  const { result, trace } = await checkSpecAsync(inst.spec, {
    resume: resume?.parts,
    checkpointEveryMs: o.checkpointEveryMs,
    onCheckpoint: (parts) => {
      mkdirSync(join(o.outDir, 'checkpoints'), { recursive: true });
      writeCheckpoint(ckpt, { run: runId, parts });
      o.onCheckpointWritten?.(ckpt);
    },
    shouldStop: () => {
      if (o.interrupted()) return true;
      const rss = process.memoryUsage.rss();
      if (rss > peakRss) peakRss = rss;
      if (rss / 2 ** 20 > job.memoryBudgetMiB) stopped = 'memory budget';
      else if ((earlierMs + performance.now() - started) / 1000 > job.timeBudgetSec) stopped = 'time budget';
      return stopped !== undefined;
    },
  });
  const v = result.verdict;
  if (v.kind === 'incomplete' && v.reason === 'interrupted' && !stopped) return 'interrupted';
  rmSync(ckpt, { force: true });
  const s = result.stats;
  const verdict = verdictSummary(v);
  return {
    name: job.name,
    model: job.model,
    variant: job.variant,
    constants: inst.constants,
    verdict,
    ...(trace && violatedProperty(v) !== undefined ? { steps: trace.steps.length - 1 } : {}),
    distinct: s.distinct,
    generated: s.generated,
    depth: s.depth,
    seconds: s.elapsedMs / 1000,
    statesPerSec: Math.round(s.distinct / Math.max(s.elapsedMs / 1000, 1e-9)),
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    ...(stopped ? { stopped } : {}),
  };
}

export async function runNightly(o: NightlyOptions): Promise<NightlyOutcome> {
  mkdirSync(o.outDir, { recursive: true });
  const done: JobResult[] = o.resume && existsSync(partialPath(o)) ? JSON.parse(readFileSync(partialPath(o), 'utf8')).done : [];
  for (const job of o.jobs) {
    if (done.some((r) => r.name === job.name)) continue;
    o.log(`${job.name}: ${job.model} ${job.variant} ${JSON.stringify(job.constants)}`);
    const r = await runJob(o, job);
    if (r === 'interrupted') {
      writeFileSync(partialPath(o), JSON.stringify({ date: o.date, done }, null, 1) + '\n');
      return { status: 'interrupted' };
    }
    o.log(`${job.name}: ${r.verdict}${r.stopped ? ` (${r.stopped})` : ''}, ${r.distinct.toLocaleString('en-US')} distinct, ${r.seconds.toFixed(1)} s`);
    done.push(r);
    writeFileSync(partialPath(o), JSON.stringify({ date: o.date, done }, null, 1) + '\n');
  }
  const path = writeNightlyResults(o.outDir, o.date, done);
  rmSync(partialPath(o), { force: true });
  return { status: 'done', results: done, path };
}

/** Writes results/nightly/<date>.json; returns its path. */
export function writeNightlyResults(outDir: string, date: string, results: readonly JobResult[]): string {
  const path = join(outDir, `${date}.json`);
  writeFileSync(path, JSON.stringify({ date, version: VERSION, jobs: results }, null, 1) + '\n');
  return path;
}

/** The results of the latest nightly run before `date`, if any. */
export function previousRun(outDir: string, date: string): { date: string; jobs: JobResult[] } | undefined {
  if (!existsSync(outDir)) return undefined;
  const dates = readdirSync(outDir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .map((f) => f.slice(0, 10))
    .filter((d) => d < date)
    .sort();
  const last = dates.at(-1);
  return last ? JSON.parse(readFileSync(join(outDir, `${last}.json`), 'utf8')) : undefined;
}
