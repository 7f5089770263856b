/**
 * How `check` runs a search: on one worker thread (engine/searchThread.ts) or on N parallel BFS
 * workers (engine/parallel.ts); either way off the main thread, so that SIGINT/SIGTERM always
 * stop it, even when a guard or effect never returns.
 */
import { reviveTrace } from '../state/revive';
import type { CheckOutcome } from '../check';
import { CompiledSpec, type EffectMode, type Reductions } from '../engine/compiled';
import { ParallelPool } from '../engine/parallel';
import type { ParallelJob } from '../engine/parallelProtocol';
import type { ProgressStats, Stats } from '../engine/result';
import { searchInThread, type SearchJob } from '../engine/searchThread';
import type { Instance } from '../model/instantiate';
import type { PorSummary } from '../por/independence';

/** What to search and how: the search thread's options (SearchJob), plus what the job is built from. */
export interface SearchPlan extends Omit<SearchJob, 'job' | 'progressMs'> {
  /** The model argument as given (registry name or spec module path): the threads load it again. */
  readonly model: string;
  readonly inst: Instance;
  readonly workers: number;
  readonly effects?: EffectMode;
  readonly reductions: Reductions;
  readonly checkDeadlock?: boolean;
}

export type SearchResult =
  | (CheckOutcome & { readonly kind: 'done'; readonly por?: PorSummary })
  /** Stopped while stuck: nothing to report but `message` (where it was, what was saved). */
  | { readonly kind: 'abandoned'; readonly message: string };

export interface SearchProgress {
  readonly onProgress: (stats: ProgressStats) => void;
  readonly progressMs: number;
}

export async function runSearch(plan: SearchPlan, progress: SearchProgress): Promise<SearchResult> {
  return plan.workers > 1 ? runParallel(plan, progress.onProgress) : runInThread(plan, progress);
}

function jobOf(plan: SearchPlan): ParallelJob {
  const { inst } = plan;
  return { model: plan.model, variant: inst.variant, constants: inst.constants, effects: plan.effects, reductions: plan.reductions, checkDeadlock: plan.checkDeadlock, liveness: plan.liveness };
}

/**
 * The spec compiled on the main thread for the report (step docs, reductions) and to name actions:
 * without partial-order reduction, whose analysis runs model code (the thread reports its summary).
 */
function reportSpec(plan: SearchPlan): CompiledSpec {
  return new CompiledSpec(plan.inst.spec, plan.effects, { ...plan.reductions, por: false });
}

async function runInThread(plan: SearchPlan, progress: SearchProgress): Promise<SearchResult> {
  const compiled = reportSpec(plan);
  const { strategy, liveness, maxStates, maxDepth, frontierMemoryBytes, stepTimeoutMs, checkpoint, resume } = plan;
  const job: SearchJob = { job: jobOf(plan), strategy, liveness, maxStates, maxDepth, frontierMemoryBytes, stepTimeoutMs, progressMs: progress.progressMs, checkpoint, resume };
  const out = await searchInThread(job, { onProgress: progress.onProgress, labelOf: (i) => compiled.instances[i]?.label ?? `#${i}` });
  // The trace's states were cloned across the thread boundary: their ValueSets and Bags need their classes back.
  return out.kind === 'abandoned' ? out : { kind: 'done', result: out.result, trace: reviveTrace(plan.inst.spec.schema, out.trace), por: out.por, compiled };
}

/**
 * The parallel search, abandoned on SIGINT/SIGTERM: the workers are terminated mid-level (stuck or
 * not; parallel runs keep no checkpoint) and the counts reported are those of the last complete
 * level, or, during the second pass after a verdict (parallel.ts), that verdict as first found.
 */
async function runParallel(plan: SearchPlan, onProgress: (s: ProgressStats) => void): Promise<SearchResult> {
  const pool = new ParallelPool(plan.workers);
  let last: Stats = { distinct: 0, generated: 0, depth: 0, expanded: 0, elapsedMs: 0, storeBytes: 0, edges: 0 };
  let first: CheckOutcome | undefined;
  let onSignal = () => {};
  const interrupted = new Promise<undefined>((resolve) => {
    onSignal = () => resolve(undefined);
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const run = pool.run(jobOf(plan), {
      maxStates: plan.maxStates,
      maxDepth: plan.maxDepth,
      // Model code runs only on the worker threads, never on this thread, so a step that does not
      // return can still be interrupted (the small-level shortcut would run it here).
      localBelow: 0,
      onProgress: (s) => {
        // The result's stats are Stats only (no queue or level sizes): they go into --json output.
        const { queue: _queue, levelSizes: _sizes, levelBase: _base, againToDepth: _again, ...stats } = s;
        last = stats;
        onProgress(s);
      },
      onFirstPass: (found) => (first = found),
    });
    run.catch(() => {}); // once abandoned, its outcome no longer matters
    const done = await Promise.race([run, interrupted]);
    if (done) return { kind: 'done', ...done };
    if (first) {
      // Stopped while searching again for one worker's counterexample: the verdict stands.
      const warning = 'interrupted while searching again for the counterexample one worker finds: this one is as the workers found it (it may differ from run to run)';
      return { kind: 'done', ...first, result: { ...first.result, warnings: [...first.result.warnings, warning] } };
    }
    const result = {
      verdict: { kind: 'incomplete', reason: 'interrupted' } as const,
      stats: last,
      coverage: [],
      strategy: 'bfs' as const,
      warnings: ['interrupted mid-level: the counts are those of the last complete level'],
    };
    return { kind: 'done', result, compiled: reportSpec(plan) };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.close();
  }
}
