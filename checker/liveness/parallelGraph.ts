/**
 * The parallel BFS coordinator's state graph for the temporal properties (engine/parallel.ts):
 * at each level barrier it merges the workers' records (edgeRecorder.ts) into one LiveGraph,
 * numbering the level's new states as one worker would: in the order in which the edges of the
 * level's states, taken in index order, first reach them. Each new state's parent is therefore the
 * first state (in index order) that reaches it, and the log, graph and labels are exactly those of
 * a one-worker BFS, whatever the number of workers or which worker stored a state first: the
 * temporal verdicts and lassos are the same for every N, run to run.
 */
import type { ActionCoverage } from '../engine/result';
import type { CompiledSpec } from '../engine/compiled';
import type { FingerprintSet } from '../engine/explorer';
import type { FlatFrontier } from '../store/flatFrontier';
import { SeenSet } from '../store/seenSet';
import type { SharedSeenSet } from '../store/sharedSeenSet';
import type { StateLog } from '../store/stateLog';
import { livenessPredicates } from './check';
import { BY_FINGERPRINT, EDGE_WORDS, type RecordedGraph } from './edgeRecorder';
import { LiveGraph } from './graph';

/** What one worker returned for one slice: its new states' frontier records (local indices) and its record. */
export interface RecordedSlice {
  readonly records: Uint32Array;
  readonly graph: RecordedGraph;
}

export class ParallelGraph {
  readonly graph: LiveGraph;
  private readonly nInstances: number;

  constructor(private readonly cs: CompiledSpec) {
    this.graph = new LiveGraph(livenessPredicates(cs));
    this.nInstances = Math.max(1, cs.instances.length);
  }

  /** The coordinator's set for the initial states: the shared (indexed) set, each new state's index written at once. */
  indexing(shared: SharedSeenSet): FingerprintSet {
    return {
      insert: (hi, lo, at) => {
        const r = shared.insert(hi, lo, at);
        if (r < 0) shared.setIndex(hi, lo, at, shared.lastSlot);
        return r;
      },
    };
  }

  /**
   * Merges one complete level: every slice expanded in it, in any order. Appends the new states
   * to `log`, the graph's labels and `next` (their frontier records) in
   * one-worker order, counts each new state for the action of its first edge in `coverage`, and
   * writes each one's index into `shared` (an edge found by fingerprint and not new in the level
   * is looked up there: its level was merged before). With `finalOf`, also writes there the index
   * each new state got, by its position among the slices' records taken one slice after another
   * (its provisional index, engine/parallel.ts).
   */
  mergeLevel(slices: readonly RecordedSlice[], log: StateLog, next: FlatFrontier, coverage: ActionCoverage[], shared: SharedSeenSet, finalOf?: Uint32Array): void {
    const { graph, cs, nInstances } = this;
    // The level's new states by fingerprint: which slice stored each, and where.
    const count = slices.reduce((n, s) => n + s.graph.fingerprints.length / 2, 0);
    const fresh = new SeenSet(Math.max(1 << 10, 2 * count), true);
    const ownerSlice = new Uint32Array(count);
    const ownerLocal = new Uint32Array(count);
    // The index each new state gets, once an edge (in one-worker order) first reaches it.
    const indexOf = new Int32Array(count).fill(-1);
    let p = 0;
    slices.forEach((s, i) => {
      const fps = s.graph.fingerprints;
      for (let k = 0; k < fps.length; k += 2, p++) {
        fresh.insert(fps[k]!, fps[k + 1]!, p);
        ownerSlice[p] = i;
        ownerLocal[p] = k / 2;
      }
    });
    // The level's states are a run of indices; each was expanded by one slice (in a round after a
    // seen-set growth a slice may skip some): where each one's edges are.
    let first = Infinity;
    let expanded = 0;
    for (const { graph: rec } of slices) {
      // Not sorted when the level was expanded under provisional indices (then translated).
      for (let k = 0; k < rec.sources.length; k++) first = Math.min(first, rec.sources[k]!);
      expanded += rec.sources.length;
    }
    const bySource = new Int32Array(expanded).fill(-1);
    const edgeAt = new Uint32Array(expanded);
    const degree = new Uint32Array(expanded);
    slices.forEach(({ graph: rec }, i) => {
      let e = 0;
      for (let k = 0; k < rec.sources.length; k++) {
        const at = rec.sources[k]! - first;
        if (at >= expanded || bySource[at] !== -1) throw new Error(`parallel liveness: the level's expanded states are not one run of indices (#${rec.sources[k]})`);
        bySource[at] = i;
        edgeAt[at] = e;
        degree[at] = rec.degrees[k]!;
        e += rec.degrees[k]! * EDGE_WORDS;
      }
    });
    let stored = 0;
    for (let at = 0; at < expanded; at++) {
      const source = first + at;
      const { edges } = slices[bySource[at]!]!.graph;
      graph.edges.open(source);
      for (let e = edgeAt[at]!, end = e + degree[at]! * EDGE_WORDS; e < end; e += EDGE_WORDS) {
        const transition = edges[e + 2]!;
        let target = edges[e + 3]!;
        if (target === BY_FINGERPRINT) {
          const hi = edges[e]!;
          const lo = edges[e + 1]!;
          const p = fresh.lookup(hi, lo);
          if (p < 0) {
            target = shared.lookup(hi, lo);
            if (target < 0) throw new Error(`parallel liveness: state #${source} has a successor that is neither new in its level nor indexed`);
          } else if (indexOf[p]! >= 0) target = indexOf[p]!;
          else {
            target = log.push(source, transition);
            indexOf[p] = target;
            if (finalOf) finalOf[p] = target;
            const local = ownerLocal[p]!;
            const from = slices[ownerSlice[p]!]!;
            graph.pushLabel(from.graph.labels[local]!);
            next.pushCopy(from.records, local * next.width, target);
            coverage[cs.instances[transition % nInstances]!.actionIndex]!.distinct++;
            stored++;
          }
        }
        graph.edges.add(target, transition % nInstances);
      }
    }
    if (stored !== count) throw new Error(`parallel liveness: ${count} states stored in a level, ${stored} reached by its edges`);
    // Workers name these states by index from now on (the next level's may still be running).
    p = 0;
    for (const s of slices) {
      const { fingerprints: fps, slots } = s.graph;
      for (let k = 0; k < fps.length; k += 2, p++) shared.setIndex(fps[k]!, fps[k + 1]!, indexOf[p]!, slots[k / 2]!);
    }
  }

  /** Bytes of the graph. */
  get bytes(): number {
    return this.graph.usedBytes;
  }
}
