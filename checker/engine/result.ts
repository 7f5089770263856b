/**
 * The outcome of a check, as data: only the CLI turns it into text and exit codes.
 */
import type { Lasso } from '../liveness/lasso';

/** How to reach the state a verdict is about: a stored state, optionally plus one more transition. */
export interface TraceRef {
  /** Index of the last stored state on the path (NO_PARENT if the state is an initial one not stored). */
  readonly last: number;
  /** A final transition from `last` to an unstored state (a successor that failed a check). */
  readonly then?: number;
}

export type Verdict =
  | { readonly kind: 'holds' }
  | { readonly kind: 'violation'; readonly property: string; readonly propertyKind: 'invariant' | 'action'; readonly at: TraceRef }
  | { readonly kind: 'deadlock'; readonly at: TraceRef }
  | { readonly kind: 'liveness'; readonly property: string; readonly lasso: Lasso; readonly fairness: string }
  | { readonly kind: 'error'; readonly message: string; readonly at?: TraceRef }
  | { readonly kind: 'incomplete'; readonly reason: 'max-states' | 'max-depth' | 'interrupted' };

/** Where a verdict's counterexample ends (violation, deadlock, an error at a state), or undefined. */
export function traceRefOf(v: Verdict): TraceRef | undefined {
  return v.kind === 'violation' || v.kind === 'deadlock' || v.kind === 'error' ? v.at : undefined;
}

export interface ActionCoverage {
  readonly name: string;
  /** Successors produced by the action's instances (duplicates included). */
  generated: number;
  /** New distinct states first reached by the action. */
  distinct: number;
}

export interface Stats {
  distinct: number;
  generated: number;
  /** BFS: number of levels (initial states are level 1). DFS: deepest stack. */
  depth: number;
  /** States whose successors were computed. */
  expanded: number;
  elapsedMs: number;
  /** Bytes of the seen set, state log and frontier (and liveness graph) at the end. */
  storeBytes: number;
  /** Liveness: edges recorded (0 when no temporal property was checked). */
  edges: number;
  /** BFS frontier chunks written to disk because the frontier exceeded its memory budget. */
  spilledChunks?: number;
  /** Partial-order reduction: states expanded by an ample set alone, not by every enabled action. */
  reduced?: number;
  /** Bytes of the seen set and trace records (parent + transition) per distinct state. */
  bytesPerState?: number;
  /** Fingerprint bits the seen set compared, when fewer than 64 (store/seenSet.ts: 5-byte slots keep 60). */
  fingerprintBits?: number;
}

/**
 * Stats as reported while a search runs (the progress line, cli/progress.ts): the store bytes so
 * far, the states waiting to be expanded and, for BFS, the level sizes the ETA is estimated from.
 */
export interface ProgressStats extends Stats {
  /** States stored but not yet expanded (the BFS queue or DFS stack). */
  readonly queue?: number;
  /** BFS: sizes of the completely stored levels seen by this run, oldest first; the last is the level being expanded. */
  readonly levelSizes?: readonly number[];
  /** BFS: distinct states in the levels up to the one being expanded (the rest are in the next level). */
  readonly levelBase?: number;
  /**
   * Parallel BFS without temporal properties, after a verdict: the search runs again to this
   * depth, numbering states as one worker does, for that verdict's counterexample (parallel.ts).
   */
  readonly againToDepth?: number;
}

export interface CheckResult {
  readonly verdict: Verdict;
  readonly stats: Stats;
  readonly coverage: readonly ActionCoverage[];
  readonly strategy: 'bfs' | 'dfs';
  /** Caveats about this run's soundness (e.g. liveness under state constraints). */
  readonly warnings: readonly string[];
}

/** TLC's optimistic estimate of the probability of a fingerprint collision: n·(g−n)/2^b, b = the fingerprint bits compared (64 unless the seen set kept fewer). */
export function collisionProbability(stats: Stats): number {
  return (stats.distinct * Math.max(0, stats.generated - stats.distinct)) / 2 ** (stats.fingerprintBits ?? 64);
}
