/**
 * The loop shared by the exhaustive strategies: pop a packed record, decode, expand, until the
 * frontier is empty, a verdict is reached, or a bound or interrupt stops the run.
 */
import { REC_DEPTH, REC_INDEX } from '../store/frontier';
import type { CompiledSpec } from './compiled';
import { ModelError } from './errors';
import { Explorer, type ExploreOptions, type Frontier } from './explorer';
import type { CheckResult, Verdict } from './result';
import type { Parts } from '../store/checkpoint';
import { checkLiveness, livenessCaveats } from '../liveness/check';
import { describeFairness } from '../liveness/fairness';
import { DeadlineExceeded, runWithin, SLICE_MS, stepTimeoutMessage } from './deadline';
import { HB_STATE, heartbeatAction } from './heartbeat';

export interface PoppableFrontier extends Frontier {
  pop(): boolean;
  readonly length: number;
  readonly bytes: number;
  dump?(): Parts;
  dispose?(): void;
  readonly spills?: number;
}

export interface RunOutcome {
  result: CheckResult;
  explorer: Explorer;
}

/** Yielded before a phase that runs no model code (a checkpoint write, the liveness check): it is not timed. */
const UNTIMED = 'untimed';
type Steps = Generator<typeof UNTIMED | undefined, RunOutcome>;

/** Runs a search to the end without yielding (library use, tests). */
export function runExhaustive(cs: CompiledSpec, opts: ExploreOptions, strategy: 'bfs' | 'dfs', frontier: PoppableFrontier): RunOutcome {
  const steps = exploreSteps(new Explorer(cs, opts), opts, strategy, frontier);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs a search in slices of about SLICE_MS, returning to the event loop between them so that
 * messages, signal handlers and timers run during long searches. With `stepTimeoutMs`, each slice
 * runs under a watchdog (deadline.ts) and one that overruns ends the run with a model error naming
 * the action the heartbeat says was being evaluated, at the state being expanded.
 */
export async function runExhaustiveAsync(cs: CompiledSpec, opts: ExploreOptions, strategy: 'bfs' | 'dfs', frontier: PoppableFrontier): Promise<RunOutcome> {
  const ex = new Explorer(cs, opts);
  const steps = exploreSteps(ex, opts, strategy, frontier);
  const slice = (): IteratorResult<typeof UNTIMED | undefined, RunOutcome> => {
    const start = performance.now();
    for (;;) {
      const r = steps.next();
      if (r.done || r.value === UNTIMED || performance.now() - start > SLICE_MS) return r;
    }
  };
  const limit = opts.stepTimeoutMs;
  const start = performance.now();
  let untimedNext = false;
  for (;;) {
    let r;
    try {
      r = limit === undefined ? slice() : untimedNext ? steps.next() : runWithin(limit, slice);
    } catch (e) {
      if (!(e instanceof DeadlineExceeded)) throw e;
      ex.stats.elapsedMs = performance.now() - start;
      return timedOut(ex, strategy, frontier, limit!);
    }
    if (r.done) return r.value;
    untimedNext = r.value === UNTIMED;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The outcome of a run whose slice overran --step-timeout: the search was abandoned mid-expansion. */
function timedOut(ex: Explorer, strategy: 'bfs' | 'dfs', frontier: PoppableFrontier, limitMs: number): RunOutcome {
  const what = heartbeatAction(ex.heartbeat, (i) => ex.cs.instances[i]!.label);
  const state = ex.heartbeat[HB_STATE]!;
  ex.stats.storeBytes = ex.storeBytes(frontier.bytes);
  frontier.dispose?.();
  const verdict: Verdict = { kind: 'error', message: stepTimeoutMessage(what, limitMs), at: state >= 0 ? { last: state } : undefined };
  return { result: { verdict, stats: ex.stats, coverage: ex.coverage, strategy, warnings: [] }, explorer: ex };
}

/**
 * The search, as a generator that yields at its polling points (every 256 expansions, or every
 * 16 when a step timeout needs the slices short), and yields UNTIMED before phases that run no
 * model code.
 */
function* exploreSteps(ex: Explorer, opts: ExploreOptions, strategy: 'bfs' | 'dfs', frontier: PoppableFrontier): Steps {
  const cs = ex.cs;
  // Short slices keep a step timeout exact to within SLICE_MS plus 16 expansions.
  const pollMask = opts.stepTimeoutMs === undefined ? 255 : 15;
  const warnings: string[] = ex.graph ? livenessCaveats(cs) : [];
  // expandRecord copies each popped record here first (a DFS push may overwrite it).
  const parent = new Uint32Array(cs.codec.words);
  const start = performance.now();
  const progressMs = opts.progressMs ?? 1000;
  let nextProgress = start + progressMs;
  let nextCheckpoint = opts.checkpointEveryMs !== undefined ? start + opts.checkpointEveryMs : Infinity;
  let verdict: Verdict | undefined;
  /** The state being expanded, for a model error's trace (-1 before the first expansion). */
  let current = -1;
  let pruned = false;
  // Time already spent before a checkpoint this run resumes from.
  let earlierMs = 0;
  const dump = (): Record<string, Parts> => {
    ex.stats.elapsedMs = earlierMs + performance.now() - start;
    return { ...ex.dump(), frontier: frontier.dump!(), run: { meta: { pruned }, arrays: [] } };
  };
  try {
    if (opts.resume) {
      yield UNTIMED;
      ex.restore(opts.resume);
      pruned = Boolean(opts.resume.run?.meta.pruned);
      earlierMs = ex.stats.elapsedMs;
    } else {
      verdict = ex.addInitial(frontier);
    }
    let n = 0;
    // BFS level sizes for the progress line's ETA: when the first state of a level is popped, all
    // of the level is stored and none of the next. A resumed run starts mid-level, at no boundary.
    const levelSizes: number[] = [];
    let levelDepth = -1;
    let levelBase = opts.resume ? -1 : 0;
    while (!verdict && frontier.pop()) {
      const buf = frontier.buf;
      const off = frontier.off;
      const index = buf[off + REC_INDEX]!;
      const depth = buf[off + REC_DEPTH]!;
      if (strategy === 'bfs' && depth !== levelDepth) {
        if (levelDepth !== -1 || !opts.resume) {
          if (levelBase >= 0) levelSizes.push(ex.stats.distinct - levelBase);
          levelBase = ex.stats.distinct;
        }
        levelDepth = depth;
      }
      current = index;
      if (opts.maxDepth !== undefined && depth >= opts.maxDepth) {
        pruned = true;
        continue;
      }
      verdict = ex.expandRecord(buf, off, frontier, parent);
      if (verdict) break;
      if (opts.maxStates !== undefined && ex.stats.distinct >= opts.maxStates && frontier.length > 0) {
        verdict = { kind: 'incomplete', reason: 'max-states' };
        break;
      }
      if ((++n & pollMask) === 0) {
        yield;
        const now = performance.now();
        if (opts.shouldStop?.()) {
          verdict = { kind: 'incomplete', reason: 'interrupted' };
          if (opts.onCheckpoint) {
            yield UNTIMED;
            opts.onCheckpoint(dump());
          }
          break;
        }
        if (opts.onCheckpoint && now >= nextCheckpoint) {
          yield UNTIMED;
          opts.onCheckpoint(dump());
          nextCheckpoint = performance.now() + opts.checkpointEveryMs!;
          yield;
        }
        if (opts.onProgress && now >= nextProgress) {
          ex.stats.elapsedMs = earlierMs + now - start;
          const levels = strategy === 'bfs' && levelBase >= 0 ? { levelSizes: [...levelSizes], levelBase } : {};
          opts.onProgress({ ...ex.stats, storeBytes: ex.storeBytes(frontier.bytes), queue: frontier.length, ...levels });
          nextProgress = now + progressMs;
        }
      }
    }
    if (!verdict) verdict = pruned ? { kind: 'incomplete', reason: 'max-depth' } : { kind: 'holds' };
    if (verdict.kind === 'holds' && ex.graph) {
      yield UNTIMED;
      const live = checkLiveness(cs, ex.graph, ex.log);
      if (live) verdict = { kind: 'liveness', property: live.property, lasso: live.lasso, fairness: describeFairness(cs.spec.fairness) };
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    verdict = { kind: 'error', message: e.message, at: current >= 0 ? { last: current } : undefined };
  }
  ex.stats.elapsedMs = earlierMs + performance.now() - start;
  ex.stats.storeBytes = ex.storeBytes(frontier.bytes);
  if (frontier.spills) ex.stats.spilledChunks = frontier.spills;
  if (ex.stats.distinct > 0) ex.stats.bytesPerState = (ex.seen.bytes + ex.log.bytes) / ex.stats.distinct;
  if (ex.seen.fingerprintBits < 64) ex.stats.fingerprintBits = ex.seen.fingerprintBits;
  frontier.dispose?.();
  ex.stats.edges = ex.graph?.edges.edges ?? 0;
  return { result: { verdict, stats: ex.stats, coverage: ex.coverage, strategy, warnings }, explorer: ex };
}
