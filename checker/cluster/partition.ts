/**
 * One partition of a partitioned exhaustive search (run by a worker, checker/cluster/worker.ts):
 * the states whose fingerprints it owns (batch.ts ownerOf), with their slice of the seen set, their
 * parent records (partitionLog.ts) and their frontier. A BFS level: the partition expands its
 * frontier with the engine's Explorer; a successor it owns is deduplicated here, one another
 * partition owns is checked here (invariants, schema) and sent to its owner in a batch of packed
 * states, which deduplicates it and stores it for the next level. The coordinator (coordinator.ts)
 * runs the levels and their barriers.
 */
import { Explorer, unpackTransition, type FingerprintSet } from '../engine/explorer';
import type { CompiledSpec } from '../engine/compiled';
import { ModelError } from '../engine/errors';
import type { TraceRef, Verdict } from '../engine/result';
import type { Parts } from '../store/checkpoint';
import { FlatFrontier } from '../store/flatFrontier';
import { REC_DEPTH, REC_INDEX, REC_WORDS } from '../store/frontier';
import { SeenSet } from '../store/seenSet';
import { NO_PARENT } from '../store/stateLog';
import { B_COUNT, B_DEPTH, BATCH_HEADER, BATCH_REC, Outbox, ownerOf } from './batch';
import { PartitionLog, type ParentRecord } from './partitionLog';

/** States expanded between returns to the event loop (so batches and pings are answered). */
const CHUNK_STATES = 256;
/** Batches in flight to one destination before the sender waits for a reply. */
const MAX_IN_FLIGHT = 4;

/** A verdict found in a partition; its trace reference is local to `part`. */
export interface PartVerdict {
  readonly part: number;
  readonly verdict: Verdict;
}

/** What expanding a level (or the initial states) did. */
export interface LevelReport {
  readonly generated: number;
  readonly expanded: number;
  /** Per action: successors generated. */
  readonly coverage: number[];
  readonly verdict?: PartVerdict;
  readonly sentStates: number;
  readonly sentBytes: number;
}

/** The partition after a level barrier. */
export interface CommitReport {
  /** States stored (distinct) in this partition. */
  readonly distinct: number;
  /** States in its frontier for the next level. */
  readonly frontier: number;
  /** Per action: new states it stored that the action reached first. */
  readonly coverageDistinct: number[];
  /** Bytes of its seen set, log and frontier. */
  readonly bytes: number;
  /** Fingerprint bits its seen set compares (store/seenSet.ts). */
  readonly fingerprintBits: number;
}

/** Sends a batch to the partition that owns its states; resolves when the owner has stored them. */
export type SendBatch = (dest: number, batch: Uint8Array) => Promise<void>;

/** Deduplicates what this partition owns; marks what another owns as new, routed to its owner. */
class Router implements FingerprintSet {
  /** Per index in the level's explorer log: the owner (this partition or another) and fingerprint. */
  dest: number[] = [];
  hi: number[] = [];
  lo: number[] = [];
  /** Fingerprints already sent to each partition this level (sent once is enough). */
  sent: SeenSet[];

  constructor(
    private readonly p: Partition,
    partitions: number,
  ) {
    this.sent = Array.from({ length: partitions }, () => new SeenSet(1 << 10));
  }

  insert(hi: number, lo: number, at: number): number {
    const owner = ownerOf(hi, this.p.partitions);
    if (owner === this.p.self) {
      const r = this.p.seen.insert(hi, lo, 0);
      if (r === -1) this.dest[at] = owner;
      return r;
    }
    if (!this.sent[owner]!.add(hi, lo)) return 0;
    this.dest[at] = owner;
    this.hi[at] = hi;
    this.lo[at] = lo;
    return -1;
  }
}

export class Partition {
  seen = new SeenSet(1 << 12);
  log = new PartitionLog();
  /** The frontier being expanded: records [index, depth, ...words]. */
  current: Uint32Array = new Uint32Array(0);
  /** The next level, filled by this partition and by batches from the others. */
  next: FlatFrontier;
  coverageDistinct: number[];
  aborted = false;
  private readonly words: number;
  private readonly actionOf: (transition: number) => number;

  constructor(
    readonly cs: CompiledSpec,
    readonly self: number,
    readonly partitions: number,
    private readonly checkDeadlock: boolean | undefined,
  ) {
    this.words = cs.codec.words;
    this.next = new FlatFrontier(REC_WORDS + this.words);
    this.coverageDistinct = cs.spec.actions.map(() => 0);
    const n = Math.max(1, cs.instances.length);
    this.actionOf = (t) => cs.instances[unpackTransition(t, n).instance]!.actionIndex;
  }

  /** Generates the initial states and keeps those this partition owns (each partition computes them all). */
  init(): LevelReport {
    const ex = new Explorer(this.cs, { checkDeadlock: this.checkDeadlock }, {
      insert: (hi, lo) => (ownerOf(hi, this.partitions) === this.self ? this.seen.insert(hi, lo, 0) : 0),
    });
    const frontier = new FlatFrontier(REC_WORDS + this.words);
    let verdict: Verdict | undefined;
    try {
      verdict = ex.addInitial(frontier);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      verdict = { kind: 'error', message: e.message };
    }
    this.drainLocal(ex, frontier, 1, () => true);
    return {
      generated: this.self === 0 ? ex.stats.generated : 0,
      expanded: 0,
      coverage: this.coverageDistinct.map(() => 0),
      ...(verdict ? { verdict: { part: this.self, verdict: this.globalRef(ex, verdict) } } : {}),
      sentStates: 0,
      sentBytes: 0,
    };
  }

  /** Expands the frontier (one BFS level), sending successors to their owners; resolves once every batch is stored. */
  async expand(epoch: number, send: SendBatch): Promise<LevelReport> {
    const { cs, words } = this;
    const width = REC_WORDS + words;
    const router = new Router(this, this.partitions);
    const ex = new Explorer(cs, { checkDeadlock: this.checkDeadlock }, router);
    const records = this.current;
    const parent = new Uint32Array(words);
    const outboxes = this.outboxes(width);
    const inFlight: Promise<void>[][] = outboxes.map(() => []);
    let sentStates = 0;
    let sentBytes = 0;
    let failure: unknown;
    const depth = records.length > 0 ? records[REC_DEPTH]! + 1 : 0;
    const flush = async (dest: number) => {
      const box = outboxes[dest]!;
      if (box.length === 0) return;
      sentStates += box.length;
      const batch = box.take(epoch, depth);
      sentBytes += batch.length;
      const q = inFlight[dest]!;
      const p = send(dest, batch).catch((e) => {
        failure ??= e;
      });
      q.push(p);
      if (q.length >= MAX_IN_FLIGHT) await q.shift();
    };
    let verdict: Verdict | undefined;
    // One explorer (and log of candidates) per level; new states leave it chunk by chunk.
    for (let off = 0; off < records.length && !verdict; ) {
      const frontier = new FlatFrontier(width);
      const end = Math.min(records.length, off + CHUNK_STATES * width);
      let current = 0;
      try {
        for (; off < end && !verdict; off += width) {
          current = records[off + REC_INDEX]!;
          verdict = ex.expandRecord(records, off, frontier, parent);
        }
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        verdict = { kind: 'error', message: e.message, at: { last: current } };
      }
      if (verdict) verdict = this.globalRef(ex, verdict);
      // New states of this chunk: ours into the next level, the others' into their outboxes.
      const recs = frontier.records();
      this.drainLocal(ex, frontier, depth, (i) => router.dest[i] === this.self);
      for (let r = 0; r < recs.length; r += width) {
        const i = recs[r + REC_INDEX]!;
        const dest = router.dest[i]!;
        if (dest === this.self) continue;
        outboxes[dest]!.add(router.hi[i]!, router.lo[i]!, this.self, ex.log.parent(i), ex.log.transition(i), recs, r + REC_WORDS, words);
        if (outboxes[dest]!.full) await flush(dest);
      }
      if (failure !== undefined) throw failure;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.aborted) throw new Error('the level was aborted');
    }
    for (let d = 0; d < outboxes.length; d++) await flush(d);
    await Promise.all(inFlight.flat());
    if (failure !== undefined) throw failure;
    return {
      generated: ex.stats.generated,
      expanded: ex.stats.expanded,
      coverage: ex.coverage.map((c) => c.generated),
      ...(verdict ? { verdict: { part: this.self, verdict } } : {}),
      sentStates,
      sentBytes,
    };
  }

  /** Stores the states of a batch that are new here in the next level; returns how many were. */
  receive(batch: Uint32Array): number {
    const words = this.words;
    const width = BATCH_REC + words;
    const depth = batch[B_DEPTH]!;
    const n = batch[B_COUNT]!;
    let fresh = 0;
    for (let k = 0, at = BATCH_HEADER; k < n; k++, at += width) {
      if (this.seen.insert(batch[at]!, batch[at + 1]!, 0) !== -1) continue;
      const t = batch[at + 4]!;
      this.store(batch[at + 2]!, batch[at + 3]!, t, depth, batch, at + BATCH_REC);
      fresh++;
    }
    return fresh;
  }

  /** The level barrier: the next level becomes the frontier. */
  commit(): CommitReport {
    this.current = this.next.records().slice();
    this.next = new FlatFrontier(REC_WORDS + this.words);
    return { distinct: this.log.size, frontier: this.current.length / (REC_WORDS + this.words), coverageDistinct: [...this.coverageDistinct], bytes: this.bytes, fingerprintBits: this.seen.fingerprintBits };
  }

  parent(i: number): ParentRecord {
    return this.log.get(i);
  }

  /** Everything needed to continue from the last barrier, for a checkpoint (store/checkpoint.ts). */
  dump(): Record<string, Parts> {
    return {
      seen: this.seen.dump(),
      log: this.log.dump(),
      frontier: { meta: { width: REC_WORDS + this.words }, arrays: [this.current] },
      counters: { meta: { coverageDistinct: this.coverageDistinct, self: this.self, partitions: this.partitions }, arrays: [] },
    };
  }

  restore(parts: Readonly<Record<string, Parts>>): void {
    const meta = parts.counters!.meta as { coverageDistinct: number[]; self: number; partitions: number };
    if (meta.self !== this.self || meta.partitions !== this.partitions || parts.frontier!.meta.width !== REC_WORDS + this.words) {
      throw new Error(`checkpoint of partition ${meta.self}/${meta.partitions} does not fit partition ${this.self}/${this.partitions}`);
    }
    this.seen = SeenSet.load(parts.seen!);
    this.log = PartitionLog.load(parts.log!);
    this.current = parts.frontier!.arrays[0] ?? new Uint32Array(0);
    this.next = new FlatFrontier(REC_WORDS + this.words);
    this.coverageDistinct = [...meta.coverageDistinct];
  }

  /** Bytes held by the seen set, log and frontiers. */
  get bytes(): number {
    return this.seen.bytes + this.log.bytes + this.current.byteLength + this.next.data.byteLength;
  }

  private outboxes(width: number): Outbox[] {
    // Batches stay under NATS's default 1 MiB payload limit.
    const capacity = Math.max(1, Math.min(8192, Math.floor((900 * 1024) / (4 * (width - REC_WORDS + BATCH_REC)))));
    return Array.from({ length: this.partitions }, () => new Outbox(BATCH_REC + width - REC_WORDS, capacity));
  }

  /** Moves the explorer's new states that `mine` selects from its chunk log into this partition. */
  private drainLocal(ex: Explorer, frontier: FlatFrontier, depth: number, mine: (i: number) => boolean): void {
    const width = REC_WORDS + this.words;
    const recs = frontier.records();
    for (let r = 0; r < recs.length; r += width) {
      const i = recs[r + REC_INDEX]!;
      if (!mine(i)) continue;
      this.store(this.self, ex.log.parent(i), ex.log.transition(i), depth, recs, r + REC_WORDS);
    }
  }

  private store(part: number, index: number, transition: number, depth: number, words: Uint32Array, from: number): void {
    const i = this.log.push(part, index, transition);
    if (index !== NO_PARENT) this.coverageDistinct[this.actionOf(transition)]!++;
    const next = this.next;
    next.pushSlot();
    next.buf[next.off + REC_INDEX] = i;
    next.buf[next.off + REC_DEPTH] = depth;
    next.buf.set(words.subarray(from, from + this.words), next.off + REC_WORDS);
  }

  /**
   * A verdict's trace reference in partition terms: a violating new state exists only in the
   * explorer's chunk log, so it becomes its parent (a state of this partition) plus the transition.
   */
  private globalRef(ex: Explorer, v: Verdict): Verdict {
    if (v.kind === 'violation' && v.at.then === undefined && v.propertyKind === 'invariant') {
      const local = v.at.last;
      const at: TraceRef = { last: ex.log.parent(local), then: ex.log.transition(local) };
      return { ...v, at };
    }
    return v;
  }
}
