/**
 * What a parallel BFS worker records of the state graph for the temporal properties
 * (parallelWorker.ts): the out-edges of each state it expands, and the predicate labels and
 * fingerprints of the states it stores. An edge names its target by index where the worker knows
 * it: a state whose level the coordinator has merged (its index is in the shared seen set), or a
 * state cut by a constraint (OUTSIDE); else by fingerprint (a state new in this level, or in the
 * one being merged), which the coordinator resolves at the level barrier (parallelGraph.ts).
 */
import { packTransition } from '../engine/explorer';
import type { SharedSeenSet } from '../store/sharedSeenSet';
import { EdgeStore, GrowableU32 } from '../store/edgeStore';
import { LiveGraph } from './graph';
import type { StatePred } from '../../spec/temporal';

/** The target field of an edge whose target is to be looked up by its fingerprint. */
export const BY_FINGERPRINT = 0xfffffffe;
/** Words per recorded edge: target fingerprint (hi, lo), packed transition, target (or BY_FINGERPRINT). */
export const EDGE_WORDS = 4;

/** One worker's record of one slice of a level, sent to the coordinator. */
export interface RecordedGraph {
  /** Global index of each state expanded, in expansion order (increasing, unless the level was expanded under provisional indices). */
  readonly sources: Uint32Array;
  /** Out-degree of each expanded state: its edges are the next `degree` in `edges`. */
  readonly degrees: Uint32Array;
  /** EDGE_WORDS per edge. */
  readonly edges: Uint32Array;
  /** Fingerprint (hi, lo) of each state this worker stored, in its local index order. */
  readonly fingerprints: Uint32Array;
  /** The shared table's slot of each state this worker stored, when stored (SharedSeenSet.setIndex's hint). */
  readonly slots: Uint32Array;
  /** Predicate bits of each state this worker stored, in its local index order. */
  readonly labels: Uint32Array;
}

/**
 * The shared seen set, remembering the fingerprint of the last insert whose target must be found
 * by fingerprint, and those of the new states.
 */
class RecordingSet {
  hi = 0;
  lo = 0;
  /** Whether the last insert's target is to be named by fingerprint (not yet recorded as an edge). */
  byFingerprint = false;
  readonly fresh = new GrowableU32();
  readonly slots = new GrowableU32();

  constructor(private readonly inner: SharedSeenSet) {}

  insert(hi: number, lo: number, _at: number): number {
    const r = this.inner.insertRef(hi, lo);
    if (r >= 0) return r; // its index: the explorer passes it to the edge as the target
    this.hi = hi;
    this.lo = lo;
    this.byFingerprint = true;
    if (r === -1) {
      this.fresh.push(hi);
      this.fresh.push(lo);
      this.slots.push(this.inner.lastSlot);
      return -1;
    }
    return 0; // stored, index not written yet: any index will do, the edge names the fingerprint
  }
}

/**
 * Stands in for the EdgeStore of a worker's LiveGraph: the explorer opens each state it expands
 * and adds one edge per successor (after visiting it, so the set above says whether it was hashed).
 */
class EdgeRecorder extends EdgeStore {
  readonly sources = new GrowableU32();
  readonly degrees = new GrowableU32();
  readonly words = new GrowableU32();
  private instance = -1;
  private ordinal = 0;

  constructor(
    private readonly set: RecordingSet,
    private readonly nInstances: number,
  ) {
    super();
  }

  override open(state: number): void {
    this.sources.push(state);
    this.degrees.push(0);
    this.instance = -1;
    this.set.byFingerprint = false;
  }

  override add(target: number, action: number): void {
    // An instance's successors arrive together, numbered 0, 1, … (as their transitions are).
    this.ordinal = action === this.instance ? this.ordinal + 1 : 0;
    this.instance = action;
    const { set, words } = this;
    const byFp = set.byFingerprint;
    words.push(byFp ? set.hi : 0);
    words.push(byFp ? set.lo : 0);
    words.push(packTransition(action, this.ordinal, this.nInstances));
    words.push(byFp ? BY_FINGERPRINT : target);
    set.byFingerprint = false;
    this.degrees.data[this.degrees.length - 1]!++;
  }

  override get edges(): number {
    return this.words.length / EDGE_WORDS;
  }
}

/** A worker's graph recording for one slice: give `set` and `graph` to its Explorer, then take(). */
export class SliceRecording {
  readonly set: RecordingSet;
  readonly graph: LiveGraph;
  private readonly recorder: EdgeRecorder;

  constructor(shared: SharedSeenSet, preds: readonly StatePred[], nInstances: number) {
    this.set = new RecordingSet(shared);
    this.graph = new LiveGraph(preds);
    this.recorder = new EdgeRecorder(this.set, Math.max(1, nInstances));
    this.graph.edges = this.recorder;
  }

  /** The record, in arrays of their own (to be transferred). */
  take(): RecordedGraph {
    const r = this.recorder;
    return {
      sources: r.sources.used().slice(),
      degrees: r.degrees.used().slice(),
      edges: r.words.used().slice(),
      fingerprints: this.set.fresh.used().slice(),
      slots: this.set.slots.used().slice(),
      labels: this.graph.labelBits().slice(),
    };
  }
}

/** The buffers of a record, for postMessage's transfer list. */
export function recordedBuffers(g: RecordedGraph): ArrayBuffer[] {
  return [g.sources, g.degrees, g.edges, g.fingerprints, g.slots, g.labels].map((a) => a.buffer as ArrayBuffer);
}
