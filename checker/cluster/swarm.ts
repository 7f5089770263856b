/**
 * `simulate --cluster URL --workers K`: the swarm's K members (engine/swarm.ts) run on cluster
 * workers instead of local threads, each in a worker thread there. A worker returns its member's
 * result without traces (states do not survive JSON); the coordinator rebuilds each finding's
 * trace by running that member's seed and configuration up to the finding's trace on one
 * thread, which is exactly the printed one-worker reproduce command. The first finding stops the
 * other members (unless --continue), as in a local swarm.
 */
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConstValue } from '../../spec/model';
import { CompiledSpec } from '../engine/compiled';
import { InternalLimitError } from '../engine/errors';
import { findingKey, simulate, type Finding, type SimulationResult } from '../engine/simulate';
import { runWorkerThread, type WorkerInput } from '../engine/swarm';
import { VERSION } from '../cli/version';
import { UsageError } from '../engine/errors';
import type { Spec } from '../../spec/spec';
import { connectCluster, redacted, type ClusterAddress } from './connection';
import { discoverWorkers } from './discover';
import { materialize, shipModel, type ShippedModel } from './shippedModel';
import { simulationStop, workerSubject, type WorkerInfo } from './subjects';
import { ask, encodeJson } from './wire';

export interface SimulationRequest {
  readonly op: 'simulate';
  readonly run: string;
  readonly model: ShippedModel;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly opts: WorkerInput['opts'];
  readonly version: string;
}

/** A finding without its trace, as it travels. */
type Bare<T> = T extends { trace?: unknown } ? Omit<T, 'trace'> : T;

/** On a worker: runs one swarm member in a thread; a stop on the run's subject ends it after its current trace. */
export async function runSimulationTask(nc: NatsConnection, req: SimulationRequest, cacheDir: string, log: (line: string) => void): Promise<SimulationResult> {
  if (req.version !== VERSION) throw new UsageError(`the coordinator runs hmmcheck ${req.version}, this worker ${VERSION}; run the same version everywhere`);
  const stop = new SharedArrayBuffer(4);
  const sub = nc.subscribe(simulationStop(req.run), { callback: () => void Atomics.store(new Int32Array(stop), 0, 1) });
  log(`simulation ${req.run}: seed ${req.opts.seed}, swarm config ${req.opts.swarm}, ${req.opts.traces} traces`);
  try {
    const r = await runWorkerThread({ job: { model: materialize(req.model, cacheDir), variant: req.variant, constants: req.constants }, opts: req.opts, stop });
    if (r.kind === 'none') return r;
    const bare = (f: Finding) => {
      const { trace: _trace, ...rest } = f;
      return rest as Bare<Finding>;
    };
    return { ...r, first: bare(r.first), findings: r.findings.map(bare) } as unknown as SimulationResult;
  } finally {
    sub.unsubscribe();
  }
}

/**
 * The swarm's runner on a cluster: member k goes to worker k mod W. Findings come back with
 * traces rebuilt here from the member's seed and configuration.
 */
export function clusterSwarmRunner(nc: NatsConnection, workers: readonly WorkerInfo[], spec: Spec, req: Omit<SimulationRequest, 'op' | 'run' | 'opts' | 'version'>, log: (line: string) => void) {
  const run = randomBytes(6).toString('hex');
  const cs = new CompiledSpec(spec);
  return async (input: WorkerInput, k: number): Promise<SimulationResult> => {
    const w = workers[k % workers.length]!;
    const m: SimulationRequest = { op: 'simulate', run, ...req, opts: input.opts, version: VERSION };
    let r: SimulationResult;
    try {
      r = await ask<SimulationResult>(nc, workerSubject(w.id), m, 24 * 3600 * 1000);
    } catch (e) {
      throw e instanceof Error && e.constructor.name === 'PeerLost' ? new InternalLimitError(`cluster worker ${w.id} was lost during swarm member ${k}: ${e.message}; run again`) : e;
    }
    log(`swarm member ${k} ran on worker ${w.id}`);
    if (r.kind === 'none') return r;
    if (!input.opts.continueAfterViolation) nc.publish(simulationStop(run), encodeJson({}));
    // Each finding's trace: the member's run up to that trace, on this thread.
    const withTrace = (f: Finding): Finding => {
      const again = simulate(cs, { ...input.opts, timeBudgetMs: undefined, traces: f.traceIndex + 1 });
      const same = again.kind === 'found' ? again.findings.find((g) => findingKey(g) === findingKey(f) && g.traceIndex === f.traceIndex) : undefined;
      if (!same) throw new InternalLimitError(`swarm member ${k}'s finding (${findingKey(f)} at trace #${f.traceIndex}) did not reproduce on this machine; is the model deterministic?`);
      return same;
    };
    const findings = r.findings.map(withTrace);
    return { ...r, first: findings.find((f) => findingKey(f) === findingKey(r.first)) ?? withTrace(r.first), findings };
  };
}

/** Runs `swarm` with a runner that sends its members to the cluster's workers (at most `members` of them used). */
export async function onClusterSwarm<T>(
  address: ClusterAddress,
  modelArg: string,
  spec: Spec,
  job: { readonly variant: string; readonly constants: Readonly<Record<string, ConstValue>> },
  members: number,
  log: (line: string) => void,
  swarm: (runner: (input: WorkerInput, k: number) => Promise<SimulationResult>) => Promise<T>,
): Promise<T> {
  const nc = await connectCluster(address, 'hmmcheck simulate coordinator');
  try {
    const workers = await discoverWorkers(nc, members, 30_000, log);
    if (workers.length === 0) throw new UsageError(`no hmmcheck worker answered on ${redacted(address.url)} within 30 s; start one with: hmmcheck worker --nats ${redacted(address.url)}`);
    return await swarm(clusterSwarmRunner(nc, workers, spec, { model: shipModel(modelArg), variant: job.variant, constants: job.constants }, log));
  } finally {
    await nc.close();
  }
}
