/** NATS subjects, streams and buckets of the cluster, in one place. */

/** Every worker answers a discovery request here with its WorkerInfo. */
export const DISCOVER = 'hmmcheck.discover';
/** One worker's own control subject (ping, open a run's partitions, simulate). */
export const workerSubject = (id: string) => `hmmcheck.worker.${id}`;
/** Control requests for one partition of an exhaustive run. */
export const partitionControl = (run: string, p: number) => `hmmcheck.run.${run}.p${p}.ctl`;
/** Batches of packed states sent to the partition that owns them. */
export const partitionStates = (run: string, p: number) => `hmmcheck.run.${run}.p${p}.states`;
/** Stop signal for a cluster simulation. */
export const simulationStop = (run: string) => `hmmcheck.sim.${run}.stop`;

/** Object store bucket of per-level partition checkpoints and nightly job checkpoints. */
export const CHECKPOINT_BUCKET = 'hmmcheck-checkpoints';
/** Work-queue stream of nightly jobs, and the durable consumer the workers share. */
export const NIGHTLY_STREAM = 'HMMCHECK_NIGHTLY';
export const NIGHTLY_CONSUMER = 'hmmcheck-nightly-workers';
export const nightlyJobSubject = (run: string, i: number) => `hmmcheck.nightly.${run}.job${i}`;
/** Key-value bucket where a worker stores a nightly job's result before it acknowledges the job. */
export const NIGHTLY_RESULTS_BUCKET = 'hmmcheck-nightly-results';
export const nightlyResultKey = (run: string, i: number) => `${run}.job${i}`;

/** What a worker says about itself when discovered. */
export interface WorkerInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  readonly concurrency: number;
}
