/**
 * The coordinator of a partitioned exhaustive search (`check --cluster URL --partitions K`): it
 * finds the workers, gives each some of the K partitions, and runs level-synchronous BFS over
 * them. A level: every partition expands its frontier and sends successors to their owners
 * (partition.ts); when all have answered, every batch is stored, and a commit makes the next level
 * the frontier (the barrier). The search stops at the end of the first level that finds a
 * verdict, so a counterexample is a shortest one, rebuilt by asking the owners for parent records
 * (a parent reference carries its partition). Counts add up over the partitions; when every
 * property holds they equal the single-process run's.
 *
 * Fault tolerance: after a level's commit, at most every `checkpointEveryMs`, each partition
 * stores a checkpoint in the JetStream object store. A worker that stops answering (a ping
 * watchdog, or a peer that cannot deliver to it) ends the attempt: the partitions are handed out
 * again over the workers still there and restored from the last checkpoint (or started afresh),
 * with a new epoch so that nothing of the abandoned attempt is counted.
 */
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { CompiledSpec } from '../engine/compiled';
import { InternalLimitError, UsageError } from '../engine/errors';
import { traceRefOf, type ActionCoverage, type CheckResult, type Stats, type TraceRef, type Verdict } from '../engine/result';
import { NO_PARENT, StateLog } from '../store/stateLog';
import { rebuildTrace, type Trace } from '../trace/trace';
import { temporalSkipReason, temporalSkipWarning } from '../report/checkedProperties';
import { connectCluster, redacted, type ClusterAddress } from './connection';
import { discoverWorkers, isAlive } from './discover';
import { deleteObjects } from './objectCheckpoint';
import type { CommitReport, LevelReport, PartVerdict } from './partition';
import type { ParentRecord } from './partitionLog';
import { checkpointObject, type ClusterJob, type PartitionRequest, type WorkerRequest } from './protocol';
import { CHECKPOINT_BUCKET, partitionControl, workerSubject, type WorkerInfo } from './subjects';
import { ask, PeerLost } from './wire';

/** Recoveries in a row without a completed level before the run gives up. */
const MAX_RECOVERIES = 5;
/** How often the watchdog pings the workers during a phase, and how long a ping may take. */
const WATCHDOG_MS = 1000;
const PING_TIMEOUT_MS = 5000;
/** A phase (a whole level's expansion) may take this long. */
const PHASE_TIMEOUT_MS = 24 * 3600 * 1000;

export interface ClusterCheckOptions {
  readonly address: ClusterAddress;
  readonly partitions: number;
  /** Checkpoint after a level when this long has passed since the last one (always after the initial states). */
  readonly checkpointEveryMs: number;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  /** How long to wait for `partitions` workers to answer before starting with fewer (default 30 s). */
  readonly discoverMs?: number;
  readonly onProgress?: (p: ClusterProgress) => void;
  /** Polled at every level: true stops the run as incomplete (interrupted). */
  readonly interrupted?: () => boolean;
  readonly log: (line: string) => void;
}

/** One worker's part of the run: its partitions and the distinct states they hold. */
export interface WorkerShare {
  readonly worker: string;
  readonly partitions: readonly number[];
  readonly distinct: number;
}

export interface ClusterProgress {
  readonly stats: Stats;
  readonly shares: readonly WorkerShare[];
}

export interface ClusterSummary {
  readonly shares: readonly WorkerShare[];
  /** States sent to another partition (after the sender's per-level deduplication) and their bytes. */
  readonly sentStates: number;
  readonly sentBytes: number;
  readonly recoveries: number;
  readonly checkpoints: number;
}

export interface ClusterOutcome {
  readonly result: CheckResult;
  readonly trace?: Trace;
  readonly cluster: ClusterSummary;
}

/** Counters of the run up to a level barrier (what a checkpoint restores). */
interface Progress {
  /** The BFS level of the frontier to expand next. */
  level: number;
  distinct: number;
  generated: number;
  expanded: number;
  depth: number;
  frontier: number;
  coverageGenerated: number[];
  coverageDistinct: number[];
  partDistinct: number[];
  storeBytes: number;
  /** The fewest fingerprint bits a partition's seen set compares. */
  fingerprintBits: number;
  sentStates: number;
  sentBytes: number;
}

const copy = (p: Progress): Progress => ({ ...p, coverageGenerated: [...p.coverageGenerated], coverageDistinct: [...p.coverageDistinct], partDistinct: [...p.partDistinct] });

/** Partition q goes to worker q mod W: each worker holds ⌈K/W⌉ or ⌊K/W⌋ of them. */
function assign(workers: readonly WorkerInfo[], partitions: number): string[] {
  return Array.from({ length: partitions }, (_, q) => workers[q % workers.length]!.id);
}

export async function clusterCheck(job: ClusterJob, cs: CompiledSpec, o: ClusterCheckOptions): Promise<ClusterOutcome> {
  const K = o.partitions;
  if (!Number.isInteger(K) || K < 1 || K > 4096) throw new UsageError(`--partitions must be an integer in 1..4096, got ${K}`);
  const nc = await connectCluster(o.address, 'hmmcheck check coordinator');
  try {
    const store = await new Objm(nc).create(CHECKPOINT_BUCKET);
    return await new Coordinator(nc, store, job, cs, o).run();
  } finally {
    await nc.close();
  }
}

class Coordinator {
  private readonly runId = randomBytes(6).toString('hex');
  private epoch = 0;
  private owners: string[] = [];
  private checkpoints = 0;
  private readonly K: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly store: ObjectStore,
    private readonly job: ClusterJob,
    private readonly cs: CompiledSpec,
    private readonly o: ClusterCheckOptions,
  ) {
    this.K = o.partitions;
  }

  async run(): Promise<ClusterOutcome> {
    const { o, K } = this;
    const start = performance.now();
    let workers = await discoverWorkers(this.nc, K, o.discoverMs ?? 30_000, o.log);
    if (workers.length === 0) {
      throw new UsageError(`no hmmcheck worker answered on ${redacted(o.address.url)} within ${((o.discoverMs ?? 30_000) / 1000).toFixed(0)} s; start one with: hmmcheck worker --nats ${redacted(o.address.url)}`);
    }
    if (workers.length < K) o.log(`${workers.length} worker(s) for ${K} partitions: some hold several`);
    let committed: Progress | undefined;
    let lastCheckpoint = -Infinity;
    let recoveries = 0;
    let inARow = 0;
    for (;;) {
      this.owners = assign(workers, K);
      try {
        await this.openAll(committed?.level);
        let cur: Progress;
        let found: PartVerdict | undefined;
        if (committed) cur = copy(committed);
        else {
          ({ cur, found } = await this.initial());
          await this.commit(cur, !found);
          if (!found) {
            committed = copy(cur);
            lastCheckpoint = performance.now();
          }
        }
        let verdict: Verdict | undefined;
        let pruned = false;
        while (!found) {
          this.reportProgress(cur, start);
          if (cur.frontier === 0) break;
          if (o.maxDepth !== undefined && cur.level >= o.maxDepth) {
            pruned = true;
            break;
          }
          if (o.maxStates !== undefined && cur.distinct >= o.maxStates) {
            verdict = { kind: 'incomplete', reason: 'max-states' };
            break;
          }
          if (o.interrupted?.()) {
            verdict = { kind: 'incomplete', reason: 'interrupted' };
            break;
          }
          const reports = await this.phase<LevelReport>(() => ({ op: 'expand' }));
          this.addLevel(cur, reports);
          found = reports.find((r) => r.verdict)?.verdict;
          const due = !found && performance.now() - lastCheckpoint >= o.checkpointEveryMs;
          await this.commit(cur, due);
          inARow = 0;
          if (found) break;
          if (due) {
            await this.dropCheckpoint(committed!.level);
            committed = copy(cur);
            lastCheckpoint = performance.now();
          }
        }
        if (found) verdict = found.verdict;
        verdict ??= pruned ? { kind: 'incomplete', reason: 'max-depth' } : { kind: 'holds' };
        const at = found && traceRefOf(found.verdict);
        const trace = found && at ? await this.traceOf(found.part, at) : undefined;
        await this.closeAll();
        const stats = this.stats(cur, start);
        const coverage: ActionCoverage[] = this.cs.spec.actions.map((a, i) => ({ name: a.name, generated: cur.coverageGenerated[i]!, distinct: cur.coverageDistinct[i]! }));
        const warnings = this.cs.spec.liveness.length > 0 ? [temporalSkipWarning(temporalSkipReason({ strategy: 'bfs', cluster: true })!)] : [];
        const summary: ClusterSummary = { shares: this.shares(cur), sentStates: cur.sentStates, sentBytes: cur.sentBytes, recoveries, checkpoints: this.checkpoints };
        return { result: { verdict, stats, coverage, strategy: 'bfs', warnings }, trace, cluster: summary };
      } catch (e) {
        if (!(e instanceof PeerLost)) {
          await this.closeAll().catch(() => {});
          throw e;
        }
        recoveries++;
        if (++inARow > MAX_RECOVERIES) throw new InternalLimitError(`the cluster lost a worker ${MAX_RECOVERIES + 1} times in a row without completing a level (last: ${e.message}); check the workers' logs`);
        this.epoch++;
        const alive: WorkerInfo[] = [];
        for (const w of await discoverWorkers(this.nc, 1, 10_000, o.log)) if (await isAlive(this.nc, w.id, PING_TIMEOUT_MS)) alive.push(w);
        if (alive.length === 0) throw new UsageError(`the cluster lost its last worker (${e.message}); start workers and run again`);
        o.log(`lost a worker (${e.message}); level ${committed?.level ?? 1} starts again from ${committed ? 'its checkpoint' : 'the initial states'} on ${alive.length} worker(s)`);
        workers = alive;
      }
    }
  }

  /** Every worker hosts its partitions, empty or restored from the checkpoint of `level`. */
  private async openAll(restoreLevel: number | undefined): Promise<void> {
    const byWorker = new Map<string, number[]>();
    this.owners.forEach((w, q) => byWorker.set(w, [...(byWorker.get(w) ?? []), q]));
    await this.watched(
      Promise.all(
        [...byWorker].map(([w, partitions]) => {
          const m: WorkerRequest = { op: 'open', run: this.runId, epoch: this.epoch, job: this.job, partitions, of: this.K, ...(restoreLevel !== undefined ? { restoreLevel } : {}) };
          return ask(this.nc, workerSubject(w), m, PHASE_TIMEOUT_MS);
        }),
      ),
    );
  }

  /** Deletes the partitions' checkpoints of a level once a later one is complete. */
  private async dropCheckpoint(level: number): Promise<void> {
    for (let q = 0; q < this.K; q++) await this.store.delete(checkpointObject(this.runId, level, q)).catch(() => {});
  }

  private async closeAll(): Promise<void> {
    for (const w of new Set(this.owners)) await ask(this.nc, workerSubject(w), { op: 'close', run: this.runId }, PING_TIMEOUT_MS).catch(() => {});
    await deleteObjects(this.store, `check/${this.runId}/`);
  }

  /** Sends a request to every partition and waits for all answers, while the watchdog pings the workers. */
  private phase<T>(req: (q: number) => Omit<PartitionRequest, 'epoch'>): Promise<T[]> {
    const asks = this.owners.map((_, q) => ask<T>(this.nc, partitionControl(this.runId, q), { ...req(q), epoch: this.epoch }, PHASE_TIMEOUT_MS));
    return this.watched(Promise.all(asks));
  }

  /** `p`, or PeerLost as soon as one of the run's workers stops answering pings. */
  private async watched<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const watchdog = new Promise<never>((_, reject) => {
      const tick = async () => {
        for (const w of new Set(this.owners)) {
          if (stopped) return;
          if (!(await isAlive(this.nc, w, PING_TIMEOUT_MS, this.runId)) && !stopped) return reject(new PeerLost(`worker ${w} does not answer`));
        }
        if (!stopped) timer = setTimeout(tick, WATCHDOG_MS);
      };
      timer = setTimeout(tick, WATCHDOG_MS);
    });
    try {
      return await Promise.race([p, watchdog]);
    } finally {
      stopped = true;
      clearTimeout(timer);
    }
  }

  /** The initial states, each stored by its owner (the first commit makes them level 1). */
  private async initial(): Promise<{ cur: Progress; found?: PartVerdict }> {
    const n = this.cs.spec.actions.length;
    const reports = await this.phase<LevelReport>(() => ({ op: 'init' }));
    const cur: Progress = { level: 0, distinct: 0, generated: 0, expanded: 0, depth: 0, frontier: 0, coverageGenerated: new Array(n).fill(0), coverageDistinct: new Array(n).fill(0), partDistinct: [], storeBytes: 0, fingerprintBits: 64, sentStates: 0, sentBytes: 0 };
    this.addLevel(cur, reports);
    return { cur, found: reports.find((r) => r.verdict)?.verdict };
  }

  private addLevel(cur: Progress, reports: readonly LevelReport[]): void {
    for (const r of reports) {
      cur.generated += r.generated;
      cur.expanded += r.expanded;
      r.coverage.forEach((g, a) => (cur.coverageGenerated[a]! += g));
      cur.sentStates += r.sentStates;
      cur.sentBytes += r.sentBytes;
    }
  }

  /** The level barrier: the partitions' next levels become their frontiers (and are checkpointed). */
  private async commit(cur: Progress, checkpoint: boolean): Promise<void> {
    const next = cur.level + 1;
    const reports = await this.phase<CommitReport>(() => (checkpoint ? { op: 'commit', checkpointLevel: next } : { op: 'commit' }));
    cur.distinct = reports.reduce((a, r) => a + r.distinct, 0);
    cur.frontier = reports.reduce((a, r) => a + r.frontier, 0);
    cur.storeBytes = reports.reduce((a, r) => a + r.bytes, 0);
    cur.fingerprintBits = reports.reduce((a, r) => Math.min(a, r.fingerprintBits ?? 64), 64);
    cur.partDistinct = reports.map((r) => r.distinct);
    cur.coverageDistinct = cur.coverageDistinct.map((_, a) => reports.reduce((s, r) => s + r.coverageDistinct[a]!, 0));
    if (cur.frontier > 0) cur.depth = next;
    cur.level = next;
    if (checkpoint) this.checkpoints++;
  }

  /** The counterexample to `ref` (local to partition `part`), from the owners' parent records. */
  private async traceOf(part: number, ref: TraceRef): Promise<Trace> {
    const chain: number[] = [];
    for (let p = part, i = ref.last; i !== NO_PARENT; ) {
      const r = await ask<ParentRecord>(this.nc, partitionControl(this.runId, p), { op: 'parent', index: i, epoch: this.epoch }, 30_000);
      chain.push(r.transition);
      p = r.part;
      i = r.index;
    }
    chain.reverse();
    const log = new StateLog();
    chain.forEach((t, k) => log.push(k === 0 ? NO_PARENT : k - 1, t));
    return rebuildTrace(this.cs, log, { last: chain.length > 0 ? chain.length - 1 : NO_PARENT, ...(ref.then !== undefined ? { then: ref.then } : {}) });
  }

  private shares(cur: Progress): WorkerShare[] {
    const byWorker = new Map<string, number[]>();
    this.owners.forEach((w, q) => byWorker.set(w, [...(byWorker.get(w) ?? []), q]));
    return [...byWorker].map(([worker, partitions]) => ({ worker, partitions, distinct: partitions.reduce((a, q) => a + (cur.partDistinct[q] ?? 0), 0) }));
  }

  private stats(cur: Progress, start: number): Stats {
    return { distinct: cur.distinct, generated: cur.generated, depth: cur.depth, expanded: cur.expanded, elapsedMs: performance.now() - start, storeBytes: cur.storeBytes, edges: 0, ...(cur.fingerprintBits < 64 ? { fingerprintBits: cur.fingerprintBits } : {}) };
  }

  private reportProgress(cur: Progress, start: number): void {
    this.o.onProgress?.({ stats: this.stats(cur, start), shares: this.shares(cur) });
  }
}

