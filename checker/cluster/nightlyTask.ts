/** A nightly job as it travels on the JetStream work queue, and its stored result. */
import type { NightlyJob } from '../nightly/jobs';
import type { JobResult } from '../nightly/run';
import type { ShippedModel } from './shippedModel';

export interface NightlyTask {
  /** The cluster nightly run (results are keyed by it) and the job's place in the job list. */
  readonly run: string;
  readonly index: number;
  readonly date: string;
  readonly job: NightlyJob;
  readonly model: ShippedModel;
  readonly checkpointEverySec: number;
  /** The consumer's ack wait: the worker reports progress well within it. */
  readonly ackWaitSec: number;
  readonly version: string;
}

/** What a worker stores before it acknowledges the job. */
export interface NightlyTaskResult {
  readonly worker: string;
  /** The job resumed from a checkpoint another worker kept (its first worker was lost). */
  readonly resumed: boolean;
  readonly result?: JobResult;
  /** A job that could not run (an unknown model, a checkpoint of another definition): one line. */
  readonly error?: string;
}

/** The object holding a running job's latest checkpoint. */
export const nightlyCheckpointObject = (run: string, index: number) => `nightly/${run}/job${index}`;
