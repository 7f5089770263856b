/** Messages between the parallel BFS coordinator (parallel.ts) and its workers (parallelWorker.ts). */
import type { ConstValue } from '../../spec/model';
import type { RecordedGraph } from '../liveness/edgeRecorder';
import type { SliceOrder } from './levelOrder';
import type { EffectMode, Reductions } from './compiled';
import type { Verdict } from './result';
import type { ErrorMessage } from './workerBoot';
import type { SharedSeenBuffers } from '../store/sharedSeenSet';

/** What a worker needs to rebuild the spec: a registry name or spec module path, and choices. */
export interface ParallelJob {
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, string | ConstValue>>;
  readonly effects?: EffectMode;
  readonly reductions?: Reductions;
  readonly checkDeadlock?: boolean;
  /** Record the state graph for the temporal properties (default: when the spec has any). */
  readonly liveness?: boolean;
}

export type ToWorker =
  | { readonly type: 'job'; readonly job: ParallelJob; readonly seen: SharedSeenBuffers }
  | { readonly type: 'seen'; readonly seen: SharedSeenBuffers }
  | { readonly type: 'level'; readonly records: Uint32Array; readonly ordered: boolean }
  | { readonly type: 'close' };

export type ToCoordinator =
  | { readonly type: 'ready' }
  | {
      readonly type: 'level';
      /** New states' frontier records, their index field local to this worker (0, 1, …). */
      readonly records: Uint32Array;
      /** Per new state: the parent's global index and the transition (of the edge that stored it). */
      readonly parents: Uint32Array;
      readonly transitions: Uint32Array;
      readonly generated: number;
      readonly expanded: number;
      /** Per action: [generated, distinct]. */
      readonly coverage: [number, number][];
      /**
       * Verdicts with global indices (a violation, deadlock or model error), in slice order: the
       * first only, or with a recorded graph the first of every state expanded (parallelExpand.ts).
       */
      readonly verdicts: Verdict[];
      /** Per verdict: the local index of the new state an invariant failed on, else -1 (liveness/levelVerdict.ts). */
      readonly violated: number[];
      /** The records of the slice not expanded: the worker stopped for the seen set to grow (or at its verdict, without a graph: the search stops there). */
      readonly rest: Uint32Array;
      /** The slice's part of the state graph, when the job records it. */
      readonly graph?: RecordedGraph;
      /** Else the edges that order the level's new states as one worker does (levelOrder.ts). */
      readonly order?: SliceOrder;
    }
  | ErrorMessage;
