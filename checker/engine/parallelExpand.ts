/**
 * One slice of a parallel BFS level (parallelWorker.ts, and the coordinator itself for small
 * levels): expands the slice's records with an Explorer that deduplicates through the shared seen
 * set, and returns its new states (packed records, parents, transitions) and counters. When the
 * shared set passes half full it stops before its next state and returns the rest of the slice
 * too, so that the coordinator can grow the set (the grow barrier). For a spec with temporal
 * properties it also records its part of the state graph (liveness/edgeRecorder.ts), for an
 * ordered pass of others the edges that order the level's new states (levelOrder.ts).
 */
import type { StatePred } from '../../spec/temporal';
import { SliceRecording } from '../liveness/edgeRecorder';
import { FlatFrontier } from '../store/flatFrontier';
import { REC_INDEX, REC_WORDS } from '../store/frontier';
import type { SharedSeenSet } from '../store/sharedSeenSet';
import type { CompiledSpec } from './compiled';
import { ModelError } from './errors';
import { Explorer } from './explorer';
import { ClaimingSet } from './levelOrder';
import type { ToCoordinator } from './parallelProtocol';
import type { Verdict } from './result';

export type LevelResult = Extract<ToCoordinator, { type: 'level' }>;

/** What expanding a slice needs: the spec, the shared seen set, and the job's choices. */
export interface SliceContext {
  readonly cs: CompiledSpec;
  readonly shared: SharedSeenSet;
  readonly checkDeadlock?: boolean;
  /** The temporal properties' state predicates, when the job records the state graph. */
  readonly livePreds?: readonly StatePred[];
  /** Else, whether to record the edges that order the level's new states (levelOrder.ts). */
  readonly ordered?: boolean;
}

/**
 * Expands one slice of a level. Verdicts are returned with global indices. Without a recorded
 * graph the slice stops at its first verdict. With one it goes on, keeping each state's first
 * verdict: a level may be expanded in an order other than its final one (parallel.ts starts it
 * before the previous level's merge, and splits again what is left after a growth), and from the
 * verdicts and the recorded edges the coordinator reports the one a single worker would have
 * found (liveness/levelVerdict.ts), so that the counterexample is one worker's.
 */
export function expandSlice(ctx: SliceContext, records: Uint32Array): LevelResult {
  const { cs: spec, shared, checkDeadlock, livePreds, ordered } = ctx;
  const words = spec.codec.words;
  const width = REC_WORDS + words;
  const recording = livePreds ? new SliceRecording(shared, livePreds, spec.instances.length) : undefined;
  const ordering = !recording && ordered ? new ClaimingSet(shared, records.length / width) : undefined;
  const ex = new Explorer(spec, { checkDeadlock, graph: recording?.graph }, recording?.set ?? ordering ?? shared);
  const next = new FlatFrontier(width, Math.max(16, records.length / width));
  const parent = new Uint32Array(words);
  const verdicts: Verdict[] = [];
  const violated: number[] = [];
  const ranks: number[] = [];
  let off = 0;
  for (; off < records.length && (recording || verdicts.length === 0) && !shared.wantsGrowth; off += width) {
    const current = records[off + REC_INDEX]!;
    let verdict: Verdict | undefined;
    ordering?.open(current);
    try {
      verdict = ex.expandRecord(records, off, next, parent);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      verdict = { kind: 'error', message: e.message, at: { last: current } };
    }
    if (!verdict) continue;
    // A violation in a new state refers to this worker's local log: make it parent + transition.
    let local = -1;
    if (verdict.kind === 'violation' && verdict.at.then === undefined && verdict.propertyKind === 'invariant') {
      local = verdict.at.last;
      verdict = { ...verdict, at: { last: ex.log.parent(local), then: ex.log.transition(local) } };
    }
    verdicts.push(verdict);
    violated.push(local);
    ranks.push(ordering?.rank ?? 0);
  }
  const n = ex.log.size;
  const parents = new Uint32Array(n);
  const transitions = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    parents[i] = ex.log.parent(i);
    transitions[i] = ex.log.transition(i);
  }
  return {
    type: 'level',
    records: next.records().slice(),
    parents,
    transitions,
    generated: ex.stats.generated,
    expanded: ex.stats.expanded,
    coverage: ex.coverage.map((c) => [c.generated, c.distinct] as [number, number]),
    verdicts,
    violated,
    rest: records.slice(off),
    graph: recording?.take(),
    order: ordering?.take(n, ranks),
  };
}
