/**
 * The ordered pass of a parallel BFS without a recorded graph (parallel.ts, after a search that
 * stopped at a verdict): a level's new states numbered as one worker numbers them, so that each
 * keeps the parent one worker gives it and the counterexample is one worker's, whatever the number
 * of workers and whichever worker stored a state first.
 *
 * One worker meets the edges of a level in order of (source, rank): the index of the state
 * expanded, then the successor's place among those it inserted into the seen set (generation
 * order). It stores each new state from its least edge and numbers the level's new states in that
 * order. In parallel, the worker that stores a state writes its source into the shared table's
 * slot and keeps its edge (rank and transition) with it; a worker that reaches a stored state from
 * a lesser source (SharedSeenSet.insertFrom) records its edge as a claim. An edge of a lesser source
 * than the one that stored a state finds it stored (else it would have stored it), so a state's
 * least edge is its least claim, or else the edge that stored it. At the end of the level the
 * coordinator sorts the new states by their least edges (orderLevel), and of the workers' verdicts
 * reports the one whose edge comes first (firstVerdict).
 */
import { GrowableU32 } from '../store/edgeStore';
import type { FlatFrontier } from '../store/flatFrontier';
import { SeenSet } from '../store/seenSet';
import { FROM_GREATER, type SharedSeenSet } from '../store/sharedSeenSet';
import type { StateLog } from '../store/stateLog';
import type { ActionInstance } from './compiled';
import type { FingerprintSet } from './explorer';
import type { LevelResult } from './parallelExpand';
import { traceRefOf, type ActionCoverage, type Verdict } from './result';

/** A worker's edges for the ordering of one slice's new states (sent with its LevelResult). */
export interface SliceOrder {
  /** Per new state, in the worker's local order: fingerprint (hi, lo) and the rank of the edge that stored it. */
  readonly fresh: Uint32Array;
  /** Per claim: fingerprint (hi, lo), source, rank, transition (CLAIM_WORDS). */
  readonly claims: Uint32Array;
  /** Per verdict: the successors the expansion it was found in had inserted before it (its rank). */
  readonly ranks: readonly number[];
}

const FRESH_WORDS = 3;
const CLAIM_WORDS = 5;

/**
 * A worker's seen set: the shared table, remembering the edge that stored each new state and the
 * claims (edges to a state stored before from a greater source). Tell it which state is expanded
 * (`open`) before each expansion.
 */
export class ClaimingSet implements FingerprintSet {
  private source = 0;
  /** Successors of `source` inserted so far. */
  rank = 0;
  private readonly fresh: GrowableU32;
  private readonly claims = new GrowableU32();

  /** `expected`: about how many new states the slice will find (room for them from the start). */
  constructor(
    private readonly shared: SharedSeenSet,
    expected: number,
  ) {
    this.fresh = new GrowableU32(FRESH_WORDS * expected);
  }

  /** Starts the expansion of state `source` (its global index). */
  open(source: number): void {
    this.source = source;
    this.rank = 0;
  }

  insert(hi: number, lo: number, _at: number, transition: number): number {
    const rank = this.rank++;
    const r = this.shared.insertFrom(hi, lo, this.source);
    if (r === -1) {
      const f = this.fresh;
      f.push(hi);
      f.push(lo);
      f.push(rank);
      return -1;
    }
    if (r === FROM_GREATER) {
      const c = this.claims;
      c.push(hi);
      c.push(lo);
      c.push(this.source);
      c.push(rank);
      c.push(transition);
    }
    return 0;
  }

  /**
   * The record (views of arrays of its own, to be transferred), for the first `stored` new states
   * (a state the explorer gave up on after inserting it, at a model error, is not one).
   */
  take(stored: number, ranks: readonly number[]): SliceOrder {
    return { fresh: this.fresh.data.subarray(0, stored * FRESH_WORDS), claims: this.claims.used(), ranks };
  }
}

/** What a worker returned for one slice, as far as the ordering needs it. */
export type OrderedSlice = Pick<LevelResult, 'records' | 'parents' | 'transitions' | 'verdicts' | 'violated' | 'order'>;

/** A level's new states after orderLevel: each one's least edge, by position among the slices' states taken one slice after another. */
export interface OrderedLevel {
  readonly source: Uint32Array;
  readonly rank: Uint32Array;
  readonly transition: Uint32Array;
  /** Position of each slice's first state. */
  readonly sliceStart: Uint32Array;
}

/**
 * Appends a level's new states (the workers' results for every round of it, in any order) to
 * `log` and `next` (their frontier records; none for a state an invariant
 * failed on) in one-worker order, each with the
 * parent and transition of its least edge, and counts each for that edge's action in `coverage`.
 * The level's states are indices first … first + count - 1 of the log.
 */
export function orderLevel(
  slices: readonly OrderedSlice[],
  level: { readonly first: number; readonly count: number },
  out: { readonly log: StateLog; readonly next: FlatFrontier; readonly coverage: ActionCoverage[]; readonly instances: readonly ActionInstance[] },
): OrderedLevel {
  const sliceStart = new Uint32Array(slices.length + 1);
  slices.forEach((s, i) => (sliceStart[i + 1] = sliceStart[i]! + s.parents.length));
  const n = sliceStart[slices.length]!;
  const source = new Uint32Array(n);
  const rank = new Uint32Array(n);
  const transition = new Uint32Array(n);
  const owner = new Uint32Array(n);
  const won = claimsWon(slices);
  slices.forEach((s, i) => {
    const fresh = s.order!.fresh;
    for (let k = 0, p = sliceStart[i]!; k < s.parents.length; k++, p++) {
      owner[p] = i;
      const first = won ? won.set.lookup(fresh[FRESH_WORDS * k]!, fresh[FRESH_WORDS * k + 1]!) : -1;
      if (first >= 0) {
        const c = won!.winner[first]!;
        source[p] = won!.claims[CLAIM_WORDS * c + 2]!;
        rank[p] = won!.claims[CLAIM_WORDS * c + 3]!;
        transition[p] = won!.claims[CLAIM_WORDS * c + 4]!;
      } else {
        source[p] = s.parents[k]!;
        rank[p] = fresh[FRESH_WORDS * k + 2]!;
        transition[p] = s.transitions[k]!;
      }
    }
  });
  const order = sortByEdge(source, rank, level);
  const { log, next, coverage, instances } = out;
  const nInstances = Math.max(1, instances.length);
  for (let j = 0; j < n; j++) {
    const p = order[j]!;
    const i = owner[p]!;
    const index = log.push(source[p]!, transition[p]!);
    coverage[instances[transition[p]! % nInstances]!.actionIndex]!.distinct++;
    // A state an invariant failed on has no record (it is not expanded): the worker's last one.
    const rec = slices[i]!.records;
    const at = (p - sliceStart[i]!) * next.width;
    if (at < rec.length) next.pushCopy(rec, at, index);
  }
  return { source, rank, transition, sliceStart };
}

/** The least claim on each claimed state, by fingerprint (undefined if there are no claims). */
function claimsWon(slices: readonly OrderedSlice[]): { set: SeenSet; claims: Uint32Array; winner: Uint32Array } | undefined {
  const all = slices.map((s) => s.order!.claims);
  const total = all.reduce((n, c) => n + c.length, 0);
  if (total === 0) return undefined;
  const claims = new Uint32Array(total);
  let at = 0;
  for (const c of all) {
    claims.set(c, at);
    at += c.length;
  }
  const count = total / CLAIM_WORDS;
  const set = new SeenSet(Math.max(1 << 10, 4 * count), true);
  // winner[the first claim on a state]: the least claim on it.
  const winner = new Uint32Array(count);
  const less = (a: number, b: number) => {
    const sa = claims[CLAIM_WORDS * a + 2]!;
    const sb = claims[CLAIM_WORDS * b + 2]!;
    return sa < sb || (sa === sb && claims[CLAIM_WORDS * a + 3]! < claims[CLAIM_WORDS * b + 3]!);
  };
  for (let c = 0; c < count; c++) {
    const first = set.insert(claims[CLAIM_WORDS * c]!, claims[CLAIM_WORDS * c + 1]!, c);
    if (first < 0) winner[c] = c;
    else if (less(c, winner[first]!)) winner[first] = c;
  }
  return { set, claims, winner };
}

/** Positions 0 … n-1 sorted by (source, rank): a counting sort on the level's sources, then each source's few by rank. */
function sortByEdge(source: Uint32Array, rank: Uint32Array, level: { readonly first: number; readonly count: number }): Uint32Array {
  const n = source.length;
  const start = new Uint32Array(level.count + 1);
  for (let p = 0; p < n; p++) {
    const b = source[p]! - level.first;
    if (b < 0 || b >= level.count) throw new Error(`parallel BFS: a new state's edge comes from state #${source[p]}, not from its level (#${level.first} to #${level.first + level.count - 1})`);
    start[b + 1]!++;
  }
  for (let b = 0; b < level.count; b++) start[b + 1]! += start[b]!;
  const fill = start.slice(0, level.count);
  const order = new Uint32Array(n);
  for (let p = 0; p < n; p++) order[fill[source[p]! - level.first]!++] = p;
  for (let b = 0; b < level.count; b++) {
    for (let j = start[b]! + 1; j < start[b + 1]!; j++) {
      const p = order[j]!;
      let i = j;
      for (; i > start[b]! && rank[order[i - 1]!]! > rank[p]!; i--) order[i] = order[i - 1]!;
      order[i] = p;
    }
  }
  return order;
}

/**
 * Of the workers' verdicts in an ordered level, the one a single worker reaches first: each at its
 * edge (a violated new state's at its least edge, which it is then reported after), the least.
 */
export function firstVerdict(slices: readonly OrderedSlice[], level: OrderedLevel): Verdict | undefined {
  let best: Verdict | undefined;
  let bestSource = Infinity;
  let bestRank = Infinity;
  slices.forEach((s, i) => {
    s.verdicts.forEach((v, j) => {
      let verdict = v;
      let source: number;
      let rank: number;
      const local = s.violated[j]!;
      if (local >= 0) {
        const p = level.sliceStart[i]! + local;
        source = level.source[p]!;
        rank = level.rank[p]!;
        verdict = { ...v, at: { last: source, then: level.transition[p]! } } as Verdict;
      } else {
        source = traceRefOf(v)?.last ?? -1;
        rank = s.order!.ranks[j]!;
      }
      if (source < bestSource || (source === bestSource && rank < bestRank)) {
        best = verdict;
        bestSource = source;
        bestRank = rank;
      }
    });
  });
  return best;
}

