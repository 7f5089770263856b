/** Control messages of a partitioned exhaustive search, between the coordinator and the workers' partitions. */
import type { ConstValue } from '../../spec/model';
import type { EffectMode, Reductions } from '../engine/compiled';
import type { ShippedModel } from './shippedModel';

/** What every worker needs to rebuild the spec of a run. */
export interface ClusterJob {
  readonly model: ShippedModel;
  readonly variant: string;
  readonly constants: Readonly<Record<string, string | ConstValue>>;
  readonly effects?: EffectMode;
  readonly reductions?: Reductions;
  readonly checkDeadlock?: boolean;
  /** The coordinator's hmmcheck version: a worker of another version refuses the run. */
  readonly version: string;
}

/** To a worker's own subject. */
export type WorkerRequest =
  /** Alive? `run`: the coordinator of that run is alive too (its partitions are kept). */
  | { readonly op: 'ping'; readonly run?: string }
  /** Host these partitions of a run (dropping any it held), empty or restored from the checkpoint of `restoreLevel`. */
  | { readonly op: 'open'; readonly run: string; readonly epoch: number; readonly job: ClusterJob; readonly partitions: readonly number[]; readonly of: number; readonly restoreLevel?: number }
  | { readonly op: 'close'; readonly run: string };

/** To one partition's control subject; `epoch` names the attempt (a recovery starts a new one). */
export type PartitionRequest = { readonly epoch: number } & (
  | { readonly op: 'init' }
  | { readonly op: 'expand' }
  | { readonly op: 'commit'; readonly checkpointLevel?: number }
  | { readonly op: 'parent'; readonly index: number }
);

/** The object holding partition `p`'s checkpoint at the start of BFS level `level`. */
export const checkpointObject = (run: string, level: number, p: number) => `check/${run}/L${level}/p${p}`;
