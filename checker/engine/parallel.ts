/**
 * Parallel exhaustive search (`--workers N`): level-synchronous BFS over worker threads that share
 * one lock-free seen set (store/sharedSeenSet.ts). Each level's records are split into N slices;
 * every worker expands its slice and returns its new states; the coordinator appends them to the
 * state log in worker order and builds the next level. Which worker stores a state found by two
 * at once may vary between runs, but the set of states per level cannot, so a complete search has
 * the same distinct and generated counts for every N, and a search stops at a verdict in the same
 * level. A worker stops at its first verdict while the others finish their slices, so the counts
 * at a violation depend on N (README, `--workers`). The counterexample does not: a search that
 * stops at a verdict is followed by an ordered pass to that level, which numbers each level's new
 * states as one worker does (levelOrder.ts) and reports the verdict one worker meets first; with a
 * recorded graph (below) the one pass is ordered. The only serial part is the coordinator's work
 * between levels. Small levels (fewer than SMALL_LEVEL records) the coordinator expands itself,
 * while the workers are still starting: a small model never waits for them (the CLI turns that
 * off, see README); levels of fewer than SPLIT_LEVEL go to one worker whole.
 *
 * For a spec with temporal properties the workers also record the edges they expand; at each level
 * barrier the coordinator merges them into one state graph numbered as one worker numbers it
 * (liveness/parallelGraph.ts), and checks the temporal properties on it after a complete search:
 * the same graph, verdicts and lassos for every N. The merge numbers the level's new states, but
 * the workers need not wait for it: the next level goes to them first, its records numbered
 * provisionally (in the order the workers returned them), and their results are renumbered once
 * the merge is done (`toFinal`). (With a core of its own the merge is then hidden; on 2 cores it
 * competes with two workers for them.)
 *
 * The shared seen set grows within a level too: once it is half full the workers stop before their
 * next state and return the rest of their slices; the coordinator takes what they found, rehashes
 * into a table twice the size and splits the rest of the level among the workers again.
 */
import type { Worker } from 'node:worker_threads';
import type { CheckOutcome } from '../check';
import { loadModel } from '../cli/loadModel';
import { instantiate } from '../model/instantiate';
import { FlatFrontier } from '../store/flatFrontier';
import { REC_DEPTH, REC_INDEX, REC_WORDS } from '../store/frontier';
import { SharedSeenSet } from '../store/sharedSeenSet';
import { rebuildIndexPath, rebuildTrace, type Trace } from '../trace/trace';
import { checkLiveness, livenessCaveats, recordsGraph } from '../liveness/check';
import { describeFairness } from '../liveness/fairness';
import { ParallelGraph } from '../liveness/parallelGraph';
import { levelVerdict } from '../liveness/levelVerdict';
import { firstVerdict, orderLevel } from './levelOrder';
import { CompiledSpec } from './compiled';
import { ModelError, UsageError } from './errors';
import { Explorer } from './explorer';
import { expandSlice, type LevelResult } from './parallelExpand';
import type { ParallelJob, ToCoordinator, ToWorker } from './parallelProtocol';
import { traceRefOf, type CheckResult, type ProgressStats, type Stats, type Verdict } from './result';
import { errorFromMessage, startTsWorker } from './workerBoot';

export interface ParallelOptions {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly onProgress?: (stats: ProgressStats) => void;
  /** Initial seen-set capacity (slots, at least 2^10); it doubles whenever it is half full. */
  readonly seenCapacity?: number;
  /** Rounds of fewer records are expanded by the coordinator itself (default SMALL_LEVEL; 0: all by the workers). */
  readonly localBelow?: number;
  /** Rounds of fewer records go to one worker, not split (default SPLIT_LEVEL; 0: always split). */
  readonly splitBelow?: number;
  /**
   * Without temporal properties, when the search stops at a verdict and runs again for one
   * worker's counterexample: the outcome as the workers found it (what to report if that second
   * pass is interrupted).
   */
  readonly onFirstPass?: (found: CheckOutcome) => void;
}

/**
 * Levels (and growth rounds) of fewer records than this are expanded by the coordinator itself: a
 * message round trip to the workers costs more than it saves, and a small model then finishes
 * without waiting for the workers to start (never slower than one worker).
 */
const SMALL_LEVEL = 256;

/**
 * Rounds of fewer records than this go to one worker: splitting them costs more than it saves (a
 * message and a result per worker, and every worker's compiler warming up on its share). BEEM
 * anderson.4 (29,641 states in 82 levels of at most 1,392) took 0.28-0.30 s of search on 2 workers
 * against 0.07 s on one, every level split; 0.22-0.23 s with none split.
 */
const SPLIT_LEVEL = 2048;

/** One run() of the pool: its job, and the workers' start and table, shared by its passes. */
interface Run {
  readonly job: ParallelJob;
  readonly opts: ParallelOptions;
  readonly cs: CompiledSpec;
  readonly boot: Promise<unknown>;
  readonly bootSeen: SharedSeenSet;
  /** The table the workers have, once they have started. */
  workerSeen: SharedSeenSet | undefined;
  readonly start: number;
}

/** What one pass of a run ended with. */
interface Pass {
  readonly verdict: Verdict;
  readonly ex: Explorer;
  readonly shared: SharedSeenSet;
  readonly live: ParallelGraph | undefined;
  readonly reorder: number | undefined;
}

/** A run's result, with the counterexample or lasso, from its last pass. */
function outcome(run: Run, pass: Pass): CheckOutcome {
  const { cs } = run;
  const { verdict, ex, shared, live } = pass;
  const stats = { ...ex.stats, elapsedMs: performance.now() - run.start, storeBytes: shared.bytes + ex.log.bytes + (live?.bytes ?? 0), edges: live?.graph.edges.edges ?? 0 };
  const warnings = live ? livenessCaveats(cs) : [];
  const result: CheckResult = { verdict, stats, coverage: ex.coverage, strategy: 'bfs', warnings };
  const at = traceRefOf(verdict);
  let trace: Trace | undefined;
  if (at) trace = rebuildTrace(cs, ex.log, at);
  if (verdict.kind === 'liveness') trace = rebuildIndexPath(cs, ex.log, shared, live!.graph.edges, verdict.lasso.path, verdict.lasso.loop);
  return { result, trace, compiled: cs };
}

/** A pool of worker threads, reused across runs (a test checks many models with one pool). */
export class ParallelPool {
  private readonly workers: Worker[];
  private pending: ((m: ToCoordinator) => void)[] = [];
  /** The workers' start on the previous run's job, if that run never needed them (awaited before the next). */
  private booting: Promise<unknown> = Promise.resolve();

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new UsageError(`--workers must be a positive integer, got ${size}`);
    this.workers = Array.from({ length: size }, () => startTsWorker('parallelWorker', undefined));
    this.workers.forEach((w, i) => {
      w.on('message', (m: ToCoordinator) => this.pending[i]!(m));
      w.on('error', (e) => this.pending[i]?.({ type: 'error', name: 'Error', message: e.message, stack: e.stack }));
    });
  }

  /** Sends one message to every worker (or `msgs[i]` to worker i, to the first msgs.length workers) and waits for their replies. */
  private async all(msgs: ToWorker | ToWorker[], transfer?: (i: number) => ArrayBuffer[]): Promise<ToCoordinator[]> {
    const to = Array.isArray(msgs) ? this.workers.slice(0, msgs.length) : this.workers;
    const replies = to.map(
      (_, i) =>
        new Promise<ToCoordinator>((resolve) => {
          this.pending[i] = resolve;
        }),
    );
    to.forEach((w, i) => w.postMessage(Array.isArray(msgs) ? msgs[i]! : msgs, transfer?.(i) ?? []));
    const out = await Promise.all(replies);
    const err = out.find((m) => m.type === 'error');
    if (err?.type === 'error') throw errorFromMessage(err);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Checks the safety properties of `job` exhaustively with every worker of the pool. */
  async run(job: ParallelJob, opts: ParallelOptions = {}): Promise<CheckOutcome> {
    const { model } = await loadModel(job.model);
    const inst = instantiate(model, job.variant, job.constants);
    const cs = new CompiledSpec(inst.spec, job.effects, job.reductions);
    // The initial states go in before any worker runs, so the table starts with room for them.
    let initial = 0;
    cs.forEachInit(() => initial++);
    const capacity = Math.max(opts.seenCapacity ?? 1 << 16, 4 * initial);
    // A graph's merge writes indices into the table's slots; other first passes need two words.
    const bootSeen = SharedSeenSet.create(capacity, recordsGraph(cs, job.liveness) ? 3 : 2);
    await this.booting;
    // The workers start while the coordinator expands the first (small) levels.
    const boot = this.all({ type: 'job', job, seen: bootSeen.buffers });
    this.booting = boot.catch(() => {});
    const run: Run = { job, opts, cs, boot, bootSeen, workerSeen: undefined, start: performance.now() };
    let pass = await this.pass(run, bootSeen, undefined, opts.maxDepth);
    // Without a graph, the states were numbered as the workers found them: a counterexample is
    // found again by a pass that numbers them as one worker does, up to the verdict's level.
    if (pass.reorder !== undefined) {
      opts.onFirstPass?.(outcome(run, pass));
      // The verdict's state is in the level expanded, or (a successor's) in the next one.
      const again = pass.reorder + (traceRefOf(pass.verdict)?.then !== undefined ? 1 : 0);
      pass = await this.pass(run, SharedSeenSet.create(capacity, 3), again, pass.reorder + 1);
      if (pass.verdict.kind === 'holds' || pass.verdict.kind === 'incomplete') throw new Error(`parallel BFS: the ordered pass ended with "${pass.verdict.kind}" where the first one found a verdict`);
    }
    return outcome(run, pass);
  }

  /**
   * One breadth-first search of `run` from the initial states, over the empty table `shared`, to
   * `maxDepth`. `again`: this pass finds again a verdict of that depth, numbering each level's new
   * states as one worker does (levelOrder.ts; with a graph they always are). `reorder` is set when
   * a first pass stopped at a verdict whose counterexample needs that: the depth of the level whose
   * expansion found it.
   */
  private async pass(run: Run, shared: SharedSeenSet, again: number | undefined, maxDepth: number | undefined): Promise<Pass> {
    const { job, opts, cs } = run;
    const ordered = again !== undefined;
    const live = recordsGraph(cs, job.liveness) ? new ParallelGraph(cs) : undefined;
    const ex = new Explorer(cs, { checkDeadlock: job.checkDeadlock, graph: live?.graph }, live ? live.indexing(shared) : shared);
    const width = REC_WORDS + cs.codec.words;
    const localBelow = opts.localBelow ?? SMALL_LEVEL;
    const splitBelow = opts.splitBelow ?? SPLIT_LEVEL;
    const expand = { cs, checkDeadlock: job.checkDeadlock, livePreds: live?.graph.preds, ordered };
    let level = new FlatFrontier(width);
    let verdict: Verdict | undefined = ex.addInitial(level);
    let reorder: number | undefined;
    const stats = ex.stats;
    const levelSizes = [level.length];
    let pruned = false;
    // With a graph, a level's first round can start before the previous level's merge (which numbers
    // its states) has run: `early` is that round, on records whose indices are provisional (base + their
    // position in the workers' results), and `finalOf` maps each position to the merge's index.
    let early: { round: Promise<LevelResult[]>; base: number; finalOf: Uint32Array } | undefined;
    try {
      while (!verdict && level.length > 0) {
        const records = level.records();
        const depth = records[REC_DEPTH]!;
        if (maxDepth !== undefined && depth >= maxDepth) {
          pruned = true;
          break;
        }
        if (opts.maxStates !== undefined && stats.distinct >= opts.maxStates) {
          verdict = { kind: 'incomplete', reason: 'max-states' };
          break;
        }
        const next = new FlatFrontier(width, Math.max(16, level.length));
        // With a graph or ordered, the level's new states are appended once all of it is expanded.
        const held: LevelResult[] = [];
        // Rounds: all of the level, then what the workers left when they stopped for growth. With a
        // graph, a verdict does not stop the level: the workers go on (parallelExpand.ts); ordered,
        // only the states before the least one a verdict was found at are left to expand.
        for (let todo = records; todo.length > 0 && !(verdict && !live && !ordered); ) {
          let results: LevelResult[];
          if (early) {
            results = await early.round;
            results.forEach((r) => toFinal(r, early!.base, early!.finalOf, width));
            early = undefined;
          } else {
            if (shared.wantsGrowth) shared = shared.grown();
            if (todo.length / width < localBelow) {
              results = [expandSlice({ ...expand, shared }, todo)];
            } else {
              run.workerSeen = await this.workersOn(shared, run);
              results = await this.expandRound(todo, width, splitBelow, ordered);
            }
          }
          todo = concatWords(results.map((r) => r.rest));
          const found = countRound(results, ex);
          verdict ??= found;
          if (live || ordered) held.push(...results);
          else {
            countDistinct(results, ex);
            appendStates(results, ex, next);
          }
          if (verdict && ordered) todo = expandedBefore(todo, width, held);
        }
        if (!live) {
          if (ordered) {
            const numbered = orderLevel(held, { first: records[REC_INDEX]!, count: records.length / width }, { log: ex.log, next, coverage: ex.coverage, instances: cs.instances });
            if (verdict) verdict = firstVerdict(held, numbered);
          } else if (verdict && traceRefOf(verdict)) reorder = depth;
        } else if (verdict) {
          // The verdict one worker would have found; the counterexample needs only this level's
          // states, which go in as the workers found them.
          verdict = levelVerdict(held);
          countDistinct(held, ex);
          appendStates(held, ex, next);
        } else {
          const fresh = held.reduce((n, r) => n + r.records.length / width, 0);
          // The next level goes to the workers now, under provisional indices, unless it is small or
          // the search stops before it; the merge below then runs while they expand it.
          const stops = (maxDepth !== undefined && depth + 1 >= maxDepth) || (opts.maxStates !== undefined && ex.log.size + fresh >= opts.maxStates);
          let finalOf: Uint32Array | undefined;
          if (run.workerSeen && fresh >= localBelow && !stops) {
            const base = ex.log.size;
            const provisional = concatWords(held.map((r) => r.records));
            for (let p = 0, off = 0; off < provisional.length; p++, off += width) provisional[off + REC_INDEX] = base + p;
            if (shared.wantsGrowth) shared = shared.grown();
            run.workerSeen = await this.workersOn(shared, run);
            finalOf = new Uint32Array(fresh);
            early = { round: this.expandRound(provisional, width, splitBelow, false), base, finalOf };
          }
          live.mergeLevel(held.map((r) => ({ records: r.records, graph: r.graph! })), ex.log, next, ex.coverage, shared, finalOf);
        }
        stats.distinct = ex.log.size;
        if (next.length > 0) stats.depth = Math.max(stats.depth, depth + 1);
        level = next;
        stats.elapsedMs = performance.now() - run.start;
        // A level is complete here: the next one is the queue, and the last level size.
        levelSizes.push(next.length);
        opts.onProgress?.({ ...stats, storeBytes: shared.bytes + ex.log.bytes + level.data.byteLength + (live?.bytes ?? 0), queue: level.length, levelSizes: [...levelSizes], levelBase: stats.distinct, againToDepth: again });
      }
      if (!verdict) verdict = pruned ? { kind: 'incomplete', reason: 'max-depth' } : { kind: 'holds' };
      if (verdict.kind === 'holds' && live) {
        const found = checkLiveness(cs, live.graph, ex.log);
        if (found) verdict = { kind: 'liveness', property: found.property, lasso: found.lasso, fairness: describeFairness(cs.spec.fairness) };
      }
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      verdict = { kind: 'error', message: e.message };
      reorder = undefined;
    } finally {
      // A round started early and not taken (an error on the way): the pool is idle again before reuse.
      if (early) await early.round.catch(() => {});
    }
    return { verdict, ex, shared, live, reorder };
  }

  /**
   * The workers' seen set, once `shared`: waits for their start (run.boot, with run.bootSeen) the
   * first time, and tells them whenever the coordinator has another table since.
   */
  private async workersOn(shared: SharedSeenSet, run: Run): Promise<SharedSeenSet> {
    let current = run.workerSeen;
    if (!current) {
      await run.boot;
      current = run.bootSeen;
    }
    if (current !== shared) await this.all({ type: 'seen', seen: shared.buffers });
    return shared;
  }

  /**
   * Splits `records` into contiguous slices in level order (worker i takes the i-th) and expands
   * them; fewer than `splitBelow` records go to the first worker alone.
   */
  private async expandRound(records: Uint32Array, width: number, splitBelow: number, ordered: boolean): Promise<LevelResult[]> {
    const n = records.length / width;
    const parts = n < splitBelow ? 1 : this.size;
    const cut = (i: number) => Math.floor((n * i) / parts) * width;
    const slices = this.workers.slice(0, parts).map((_, i) => records.slice(cut(i), cut(i + 1)));
    return (await this.all(
      slices.map((r) => ({ type: 'level', records: r, ordered }) as ToWorker),
      (i) => [slices[i]!.buffer as ArrayBuffer],
    )) as LevelResult[];
  }
}

/** Adds the workers' counters (but new states per action: the level's ordering counts those); returns the first verdict in worker order. */
function countRound(results: readonly LevelResult[], ex: Explorer): Verdict | undefined {
  let verdict: Verdict | undefined;
  for (const r of results) {
    ex.stats.generated += r.generated;
    ex.stats.expanded += r.expanded;
    r.coverage.forEach(([g], a) => (ex.coverage[a]!.generated += g));
    verdict ??= r.verdicts[0];
  }
  return verdict;
}

/**
 * The records of `todo` that one worker would expand before reaching any verdict found so far
 * (without a graph): those before the least state a verdict was found at.
 */
function expandedBefore(todo: Uint32Array, width: number, held: readonly LevelResult[]): Uint32Array {
  let least = Infinity;
  for (const r of held) for (const v of r.verdicts) least = Math.min(least, traceRefOf(v)?.last ?? -1);
  const keep: Uint32Array[] = [];
  for (let off = 0; off < todo.length; off += width) if (todo[off + REC_INDEX]! < least) keep.push(todo.subarray(off, off + width));
  return concatWords(keep);
}

/** Adds the workers' new states per action to the coverage (as they found them). */
function countDistinct(results: readonly LevelResult[], ex: Explorer): void {
  for (const r of results) r.coverage.forEach(([, d], a) => (ex.coverage[a]!.distinct += d));
}

/** Appends the workers' new states to the log and the next level, in worker order. */
function appendStates(results: readonly LevelResult[], ex: Explorer, next: FlatFrontier): void {
  for (const r of results) {
    const base = ex.log.size;
    for (let k = 0; k < r.parents.length; k++) ex.log.push(r.parents[k]!, r.transitions[k]!);
    for (let off = 0; off < r.records.length; off += next.width) next.pushCopy(r.records, off, base + r.records[off + REC_INDEX]!);
  }
}

/**
 * Rewrites a round's result from provisional indices (`base` + position among the records, see
 * run()) to the indices the level's merge gave (`finalOf[position]`): the states it expanded, the
 * parents of the states it stored, the records it left, its verdict. Edge targets that name an index need none:
 * a worker names a target by index only once the shared table holds it, which the merge writes
 * (liveness/edgeRecorder.ts).
 */
function toFinal(r: LevelResult, base: number, finalOf: Uint32Array, width: number): void {
  const map = (i: number) => (i >= base && i - base < finalOf.length ? finalOf[i - base]! : i);
  const sources = r.graph!.sources;
  for (let k = 0; k < sources.length; k++) sources[k] = map(sources[k]!);
  for (let k = 0; k < r.parents.length; k++) r.parents[k] = map(r.parents[k]!);
  for (let off = 0; off < r.rest.length; off += width) r.rest[off + REC_INDEX] = map(r.rest[off + REC_INDEX]!);
  const verdicts = r.verdicts;
  for (let k = 0; k < verdicts.length; k++) {
    const v = verdicts[k]!;
    const at = traceRefOf(v);
    if (at) verdicts[k] = { ...v, at: { ...at, last: map(at.last) } } as Verdict;
  }
}

/** The arrays one after another in one array. */
function concatWords(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
