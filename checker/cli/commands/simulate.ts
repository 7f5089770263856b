/**
 * `hmmcheck simulate <model>`: random simulation (checker/engine/simulate.ts) with a seed, a trace
 * budget and a depth bound; with `--workers K` a swarm of K independent simulations in worker
 * threads. Prints what was found (the union over the workers, by property), the first
 * counterexample with the seed and swarm configuration that reproduce it, and traces/s; `--out`
 * saves that counterexample as an ITF trace that `hmmcheck replay` re-executes.
 *
 * Finding nothing is not a proof: the exit code is then 0, and the report says so.
 */
import { reviveTrace } from '../../state/revive';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { CompiledSpec } from '../../engine/compiled';
import { UsageError } from '../../engine/errors';
import {
  DEFAULT_SEED,
  findingKey,
  describeSwarmConfig,
  makeSwarmConfig,
  simulate,
  type SimStats,
  type SimulationResult,
  type Finding,
} from '../../engine/simulate';
import { simulateSwarm, type SwarmFinding } from '../../engine/swarm';
import { instantiate } from '../../model/instantiate';
import { formatTrace, stepDocs } from '../../report/traceText';
import { metaProperty } from '../../trace/itfOf';
import { traceToItf, type TraceMeta } from '../../trace/itf';
import { EXIT } from '../exitCodes';
import { progress, type Progress } from '../progress';
import { loadModel } from '../loadModel';
import { VERSION } from '../version';
import { parseConstFlags } from './check';
import { assertWritable } from '../writablePath';

export interface SimulateArgs {
  model: string;
  variant?: string;
  const?: string[];
  seed?: number;
  traces?: number;
  depth?: number;
  workers?: number;
  swarmConfig?: number;
  out?: string;
  timeBudget?: number;
  deadlock?: boolean;
  continue?: boolean;
  full?: boolean;
  /** NATS URL: the swarm's members run on the cluster's workers (checker/cluster/swarm.ts). */
  cluster?: string;
  creds?: string;
}

export const SIMULATE_DEFAULTS = { traces: 10_000, depth: 100, workers: 1 } as const;

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function intArg(name: string, v: number | undefined, min: number, max?: number): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min || (max !== undefined && v > max)) {
    throw new UsageError(`--${name} must be an integer ${max !== undefined ? `in ${min}..${max}` : `>= ${min}`}, got ${v}`);
  }
}

export function findingLine(f: Finding): string {
  switch (f.kind) {
    case 'violation': return `Error: ${f.propertyKind === 'action' ? 'action property' : 'invariant'} ${f.property} is violated.`;
    case 'deadlock': return 'Error: deadlock reached (no enabled action and not every thread is done).';
    case 'error': return `Error: model evaluation failed: ${f.message}`;
  }
}

function exitCodeOfFinding(f: Finding): number {
  switch (f.kind) {
    case 'violation': return EXIT.SAFETY;
    case 'deadlock': return EXIT.DEADLOCK;
    case 'error': return EXIT.MODEL_ERROR;
  }
}

function statsLines(s: Pick<SimStats, 'traces' | 'steps' | 'generated'> & Partial<SimStats> & { workerTracesPerSec?: number }, elapsedMs: number, workers: number): string[] {
  const secs = elapsedMs / 1000;
  const mean = s.traces > 0 ? (s.steps / s.traces).toFixed(1) : '0';
  const ends = s.endings ? `; ${fmt(s.endings.terminal)} ended with no successor, ${fmt(s.endings.depth)} at the depth bound, ${fmt(s.endings.constraint)} cut by a constraint` : '';
  const distinct = s.distinct !== undefined ? `, ${fmt(s.distinct)}${s.distinctCapped ? '+' : ''} distinct states visited` : '';
  return [
    `${fmt(s.traces)} traces, ${fmt(s.steps)} steps (mean ${mean}${s.maxLength !== undefined ? `, longest ${s.maxLength}` : ''}${ends}), ${fmt(s.generated)} states generated${distinct}.`,
    `Time ${secs.toFixed(2)} s${workers > 1 ? ` (wall clock, ${workers} workers)` : ''}, ${fmt(Math.round(secs > 0 ? s.traces / secs : 0))} traces/s, ${fmt(Math.round(secs > 0 ? s.steps / secs : 0))} steps/s${
      s.workerTracesPerSec !== undefined ? ` (${fmt(Math.round(s.workerTracesPerSec))} traces/s summed over the workers' own run times, thread start-up excluded)` : ''
    }.`,
  ];
}

/** Progress on stderr for long runs (one worker). */
function progressLine(stream?: NodeJS.WriteStream): Progress<SimStats> {
  return progress(
    (s: SimStats) =>
      `${fmt(s.traces)} traces, ${fmt(s.steps)} steps, ${fmt(s.distinct)} distinct states, ${fmt(Math.round(s.tracesPerSec))} traces/s, ${(s.elapsedMs / 1000).toFixed(0)} s`,
    stream,
  );
}

export async function simulateCommand(args: SimulateArgs, print: (s: string) => void): Promise<number> {
  if (args.out) assertWritable('--out', args.out);
  const { model, path } = await loadModel(args.model);
  const consts = parseConstFlags(args.const);
  const inst = instantiate(model, args.variant ?? 'fixed', consts);
  intArg('seed', args.seed, 0, 0xffffffff);
  intArg('traces', args.traces, 1);
  intArg('depth', args.depth, 1);
  intArg('workers', args.workers, 1, 1024);
  intArg('swarm-config', args.swarmConfig, 0, 0xffffffff);
  if (args.timeBudget !== undefined && !(args.timeBudget > 0)) throw new UsageError(`--time-budget must be a positive number of seconds, got ${args.timeBudget}`);
  const seed = args.seed ?? DEFAULT_SEED;
  const traces = args.traces ?? SIMULATE_DEFAULTS.traces;
  const depth = args.depth ?? SIMULATE_DEFAULTS.depth;
  const workers = args.workers ?? SIMULATE_DEFAULTS.workers;
  if (args.swarmConfig !== undefined && workers > 1) throw new UsageError('--swarm-config reproduces one worker: use it with --workers 1 (each swarm worker derives its own)');
  const timeBudgetMs = args.timeBudget !== undefined ? args.timeBudget * 1000 : undefined;
  const common = { depth, checkDeadlock: args.deadlock, timeBudgetMs, continueAfterViolation: args.continue };

  const constText = Object.entries(inst.constants).map(([k, x]) => `${k}=${x}`).join(' ');
  const budget = `${fmt(traces)} traces of up to ${depth} steps${timeBudgetMs !== undefined ? ` or ${args.timeBudget} s` : ''}`;
  print(`hmmcheck ${VERSION}: ${model.name} variant ${inst.variant}${constText ? ` (${constText})` : ''}, simulate: seed ${seed}${args.seed === undefined ? ' (default)' : ''}, ${budget}, ${workers} worker${workers > 1 ? 's' : ''}`);

  // Run: one simulation on this thread, or a swarm. Either way: findings with their worker.
  let findings: SwarmFinding[];
  let totals: Parameters<typeof statsLines>[0];
  let elapsedMs: number;
  let stopped: SimulationResult['stoppedBy'] | undefined;
  if (args.cluster === undefined && args.creds !== undefined) throw new UsageError('--creds needs --cluster');
  if (args.cluster !== undefined && args.swarmConfig !== undefined) throw new UsageError('--swarm-config reproduces one worker on this machine: leave out --cluster');
  if (workers === 1 && args.cluster === undefined) {
    const cs = new CompiledSpec(inst.spec);
    const swarm = makeSwarmConfig(inst.spec, args.swarmConfig ?? 0);
    if (swarm.id !== 0) print(`Swarm configuration ${swarm.id}: ${describeSwarmConfig(swarm)}`);
    const progress = progressLine();
    const r = simulate(cs, { ...common, seed, traces, swarm, onProgress: progress.onProgress, progressMs: progress.progressMs });
    progress.done();
    findings = r.kind === 'found' ? r.findings.map((f) => ({ ...f, worker: 0, seed, swarmConfig: swarm.id, workerTraces: traces })) : [];
    totals = r.stats;
    elapsedMs = r.stats.elapsedMs;
    stopped = r.stoppedBy;
  } else {
    const job = { model: path ?? model.name, variant: inst.variant, constants: inst.constants };
    const swarmOpts = { ...common, seed, traces, workers };
    const sw =
      args.cluster === undefined
        ? await simulateSwarm(job, swarmOpts)
        : await (await import('../../cluster/swarm')).onClusterSwarm({ url: args.cluster, creds: args.creds }, args.model, inst.spec, job, workers, (l) => process.stderr.write(`cluster: ${l}\n`), (runWorker) => simulateSwarm(job, { ...swarmOpts, runWorker }));
    for (const w of sw.workers) {
      const r = w.result;
      const cfg = describeSwarmConfig(r.swarm);
      const what = r.kind === 'found' ? `found ${[...new Set(r.findings.map((f) => (f.kind === 'violation' ? f.property : f.kind)))].join(', ')} (first at trace #${r.first.traceIndex})` : 'found nothing';
      print(`  worker ${w.worker}: seed ${w.seed}, swarm config ${w.swarmConfig} (${cfg}); ${fmt(r.stats.traces)} of ${fmt(w.traces)} traces, ${fmt(Math.round(r.stats.tracesPerSec))} traces/s; ${what}${r.stoppedBy === 'interrupted' ? ' (stopped: another worker found a violation)' : r.stoppedBy === 'time' ? ' (time budget)' : ''}`);
    }
    // Findings from worker threads were cloned: their states' ValueSets and Bags need their classes back.
    findings = sw.findings.map((f) => ('trace' in f && f.trace ? { ...f, trace: reviveTrace(inst.spec.schema, f.trace) } : f));
    totals = sw.stats;
    elapsedMs = sw.stats.elapsedMs;
    stopped = sw.workers.some((w) => w.result.stoppedBy === 'time') ? 'time' : undefined;
  }

  if (findings.length === 0) {
    print(`No violation found in ${fmt(totals.traces)} traces${stopped === 'time' ? ' (time budget reached)' : ''}.`);
    for (const l of statsLines(totals, elapsedMs, workers)) print(l);
    print(`Simulation is not a proof: behaviours not sampled may still violate a property. Use 'hmmcheck check' for an exhaustive verdict.`);
    return EXIT.OK;
  }

  const first = findings[0]!;
  if (findings.length > 1 || workers > 1) {
    print(`Found ${findings.length} distinct problem${findings.length > 1 ? 's' : ''}${workers > 1 ? ' (union over the workers)' : ''}:`);
    for (const f of findings) {
      print(`  ${f.kind === 'violation' ? `${f.propertyKind} ${f.property}` : f.kind === 'deadlock' ? 'deadlock' : 'model error'}: worker ${f.worker}, seed ${f.seed}, swarm config ${f.swarmConfig}, trace #${f.traceIndex}${f.trace ? `, ${f.trace.steps.length - 1} steps` : ''}`);
    }
  }
  if (first.kind === 'error') process.stderr.write(`hmmcheck: model error: ${first.message}\n`);
  print(findingLine(first));
  const flags = [
    `--variant ${inst.variant}`,
    ...(args.const ?? []).map((c) => `--const ${c}`),
    `--seed ${first.seed}`,
    ...(first.swarmConfig !== 0 ? [`--swarm-config ${first.swarmConfig}`] : []),
    `--traces ${first.traceIndex + 1}`,
    `--depth ${depth}`,
    ...(args.deadlock === undefined ? [] : [args.deadlock ? '--deadlock' : '--no-deadlock']),
    ...(args.continue ? ['--continue'] : []),
  ];
  print(`Found by trace #${first.traceIndex} of seed ${first.seed}${first.swarmConfig !== 0 ? `, swarm config ${first.swarmConfig}` : ''}; reproduce with: hmmcheck simulate ${args.model} ${flags.join(' ')}`);
  if (first.trace) {
    const trace = first.trace;
    const what = first.kind === 'error' ? 'The error happened in a successor of the last state of this trace' : `Counterexample (${trace.steps.length - 1} steps)`;
    print(`${what}:`);
    print(formatTrace(inst.spec.schema, trace, { full: args.full, docs: stepDocs(inst.spec), violated: first.kind === 'error' ? undefined : findingKey(first) }));
    if (args.out) {
      const meta: TraceMeta & { simulation: Record<string, number> } = {
        model: model.name,
        ...(path ? { modelPath: relative(process.cwd(), path) } : {}),
        variant: inst.variant,
        constants: inst.constants,
        ...metaProperty(first),
        strategy: 'simulate',
        version: VERSION,
        simulation: { seed: first.seed, swarmConfig: first.swarmConfig, trace: first.traceIndex, depth },
      };
      const desc = `${findingLine(first)} Found by simulation: seed ${first.seed}, swarm config ${first.swarmConfig}, trace #${first.traceIndex}.`;
      writeFileSync(args.out, JSON.stringify(traceToItf(inst.spec.schema, trace, meta, desc), null, 1) + '\n');
      print(`Trace written to ${args.out}`);
    }
  }
  for (const l of statsLines(totals, elapsedMs, workers)) print(l);
  return exitCodeOfFinding(first);
}
