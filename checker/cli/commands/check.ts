/**
 * `hmmcheck check <model>`: instantiate, explore, print the verdict, the counterexample and the
 * statistics; optionally save the counterexample as ITF (`--out`) or print JSON (`--json`).
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { idleCores } from '../idleCores';
import type { Reductions } from '../../engine/compiled';
import type { Stats } from '../../engine/result';
import type { Verdict } from '../../engine/result';
import { runSearch, type SearchPlan, type SearchResult } from '../runSearch';
import { assertWritable } from '../writablePath';
import { instantiate } from '../../model/instantiate';
import { coverageLines, statsLines, verdictLine, violatedProperty } from '../../report/summary';
import { formatTrace, stepDocs } from '../../report/traceText';
import { itfOf } from '../../trace/itfOf';
import { EXIT } from '../exitCodes';
import { loadModel } from '../loadModel';
import { bannerLines, progressReporter } from '../progress';
import { VERSION } from '../version';
import { checkResultJson, errorJson, formatJson } from '../jsonOutput';
import { checkedProperties, holdsLine, temporalSkipWarning } from '../../report/checkedProperties';
import { lassoCycleText } from '../../report/lassoText';
import { sourceUrlTemplate } from '../../view/sourceLinks';
import { writeTraceHtml } from '../../view/writeHtml';
import { recordEntry } from '../../regress/regress';
import { DEFAULT_CORPUS } from './regress';
import { UsageError } from '../../engine/errors';
import { describeFairness } from '../../liveness/fairness';
import { readCheckpoint } from '../../store/checkpoint';
import type { PorSummary } from '../../por/independence';

export interface CheckArgs {
  model: string;
  variant?: string;
  const?: string[];
  strategy?: 'bfs' | 'dfs';
  maxStates?: number;
  maxDepth?: number;
  deadlock?: boolean;
  out?: string;
  json?: boolean;
  full?: boolean;
  coverage?: boolean;
  effects?: 'fast' | 'immer';
  /** Checkpoint file: written every `checkpointEvery` seconds and when interrupted (SIGINT/SIGTERM). */
  checkpoint?: string;
  checkpointEvery?: number;
  /** Continue from `checkpoint`. */
  resume?: boolean;
  /** Write the counterexample as a self-contained HTML trace page. */
  html?: string;
  /** URL template linking the HTML page's steps to their kernel source (view/sourceLinks.ts). */
  sourceUrl?: string;
  /** Symmetry reduction over the model's symmetric domains. */
  symmetry?: boolean;
  /** Fingerprint by the model's VIEW. */
  view?: boolean;
  /** Partial-order reduction (invariants and deadlock; temporal properties are then not checked). */
  por?: boolean;
  /** Also run without reductions and report the ratio. */
  compare?: boolean;
  /** Parallel BFS worker threads (default: the idle cores when the run can use them, else 1). */
  workers?: number;
  /** BFS frontier memory budget in MiB before it spills to temporary files. */
  frontierMemory?: number;
  /** Record the result as a regression-corpus entry in this folder (default results/corpus). */
  save?: string | boolean;
  /** Seconds an expansion may run before it is reported as a model error naming its action. */
  stepTimeout?: number;
  /** NATS URL: run a partitioned search on the cluster's workers (checker/cluster/). */
  cluster?: string;
  /** Partitions of a cluster search (default 2). */
  partitions?: number;
  /** NATS credentials file for --cluster. */
  creds?: string;
}

/** What the partial-order reduction found it could do, and did. */
function porLine(p: PorSummary, stats: Stats): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const analysis = `${fmt(p.runs)} probe runs, ${(p.ms / 1000).toFixed(1)} s`;
  const blind = p.unanalysed.length ? `; not analysable within budget, so taken to touch everything: ${p.unanalysed.slice(0, 6).join(', ')}${p.unanalysed.length > 6 ? ', …' : ''}` : '';
  if (p.safe === 0) return `partial-order (inactive: no thread step is invisible and independent${blind}; ${analysis})`;
  return `partial-order (${p.safe} of ${p.transitions} transitions can form an ample set; ${fmt(stats.reduced ?? 0)} of ${fmt(stats.expanded)} states expanded by one${blind}; ${analysis})`;
}

export function exitCodeOf(v: Verdict): number {
  switch (v.kind) {
    case 'holds': return EXIT.OK;
    case 'violation': return EXIT.SAFETY;
    case 'deadlock': return EXIT.DEADLOCK;
    case 'liveness': return EXIT.LIVENESS;
    case 'error': return EXIT.MODEL_ERROR;
    case 'incomplete': return EXIT.INCOMPLETE;
  }
}

/**
 * Parses repeated `--const k=v` flags, strictly: no spaces, a value for every flag (a bare `--const`
 * is an error, not nothing), and a name given twice only with the same value.
 */
export function parseConstFlags(flags?: readonly string[]): Record<string, string> {
  if (flags !== undefined && flags.length === 0) throw new UsageError('--const expects name=value, got nothing');
  // No prototype: `--const __proto__=1` must be an own (and then unknown) name, not a prototype write.
  const out: Record<string, string> = Object.create(null);
  for (const f of flags ?? []) {
    const m = /^([A-Za-z_][\w-]*)=(\S+)$/.exec(f);
    if (!m) throw new UsageError(`--const expects name=value${/\s/.test(f) ? ' without spaces' : ''}, got '${f}'`);
    const [, name, value] = m as unknown as [string, string, string];
    if (name in out && out[name] !== value) throw new UsageError(`--const ${name} is given twice with different values ('${out[name]}' and '${value}')`);
    out[name] = value;
  }
  return out;
}


/**
 * Worker threads for a run: as asked, else the idle cores (idleCores.ts) for a BFS that can use
 * them (not DFS, checkpoints, --por or --step-timeout); never more than the cores, which would
 * only cost start-up time and memory.
 */
function chooseWorkers(args: CheckArgs): number {
  const parallelOk = (args.strategy ?? 'bfs') === 'bfs' && !args.checkpoint && !args.resume && !args.por && args.stepTimeout === undefined;
  if (args.workers === undefined) return parallelOk ? idleCores() : 1;
  if (!Number.isInteger(args.workers) || args.workers < 1) throw new UsageError(`--workers must be a positive integer, got ${args.workers}`);
  if (args.workers > 1 && !parallelOk) throw new UsageError('--workers > 1 works with --strategy bfs and without --checkpoint/--resume/--por/--step-timeout');
  // More threads than cores only add start-up time and memory (the counts do not depend on N).
  const cores = availableParallelism();
  if (args.workers > cores) {
    process.stderr.write(`hmmcheck: warning: --workers ${args.workers} is more than the ${cores} cores; using ${cores}\n`);
    return cores;
  }
  return args.workers;
}

function reductionsOf(args: CheckArgs): Reductions {
  return { symmetry: args.symmetry, view: args.view, por: args.por };
}

/** Reads and verifies a checkpoint to resume from (damage is a CheckpointError, exit 150), refusing one written by a different run. */
function loadResume(path: string | undefined, runId: Record<string, unknown>) {
  if (!path) throw new UsageError('--resume needs --checkpoint FILE');
  const ck = readCheckpoint(path);
  if (JSON.stringify(ck.run) !== JSON.stringify(runId)) {
    throw new UsageError(`checkpoint ${path} belongs to another run (${JSON.stringify(ck.run)}); resume with the same model, variant, constants, strategy and version`);
  }
  return ck.parts;
}

export async function checkCommand(args: CheckArgs, print: (s: string) => void): Promise<number> {
  // Before any work: a path that cannot be written would otherwise lose the result at the end.
  for (const [flag, file] of [['--out', args.out], ['--html', args.html], ['--checkpoint', args.checkpoint]] as const) if (file) assertWritable(flag, file);
  const sourceUrl = args.html ? sourceUrlTemplate(args.sourceUrl) : undefined;
  const { model, path } = await loadModel(args.model);
  const inst = instantiate(model, args.variant ?? 'fixed', parseConstFlags(args.const));
  if (args.maxStates !== undefined && !(args.maxStates > 0)) throw new UsageError('--max-states must be a positive number');
  if (args.maxDepth !== undefined && !(args.maxDepth > 0)) throw new UsageError('--max-depth must be a positive number');
  const progress = progressReporter();
  const strategy = args.strategy ?? 'bfs';
  const runId = { model: model.name, variant: inst.variant, constants: inst.constants, strategy, effects: args.effects ?? 'fast', symmetry: Boolean(args.symmetry), view: Boolean(args.view), por: Boolean(args.por), version: VERSION };
  const resume = args.resume ? loadResume(args.checkpoint, runId) : undefined;
  const checkpoint = args.checkpoint;
  // The cluster modules (and the NATS client) load only for --cluster.
  const cluster = args.cluster !== undefined ? await import('../../cluster/search') : undefined;
  if (cluster) cluster.refuseWithCluster({ ...args });
  else if (args.partitions !== undefined || args.creds !== undefined) throw new UsageError('--partitions and --creds need --cluster');
  const workers = args.cluster !== undefined ? 1 : chooseWorkers(args);
  // Said before the run, so nobody reads "every property holds" of properties it does not check.
  const properties = checkedProperties(inst.spec, { strategy, por: args.por, deadlock: args.deadlock, cluster: args.cluster !== undefined });
  const partitions = cluster ? cluster.partitionCount(args) : undefined;
  if (!args.json) for (const l of bannerLines({ model: model.name, variant: inst.variant, constants: inst.constants, strategy, workers, ...(partitions !== undefined ? { partitions } : {}), properties })) print(l);
  const plan: SearchPlan = {
    model: args.model,
    inst,
    strategy,
    workers,
    effects: args.effects,
    reductions: reductionsOf(args),
    checkDeadlock: args.deadlock,
    maxStates: args.maxStates,
    maxDepth: args.maxDepth,
    frontierMemoryBytes: (args.frontierMemory ?? 4096) * 2 ** 20,
    stepTimeoutMs: args.stepTimeout === undefined ? undefined : args.stepTimeout * 1000,
  };
  const searched: SearchResult & { readonly clusterLines?: readonly string[] } = cluster ? await cluster.clusterSearch(plan, { cluster: args.cluster!, partitions: args.partitions, creds: args.creds, checkpointEvery: args.checkpointEvery }) : await runSearch({ ...plan, resume, checkpoint: checkpoint ? { path: checkpoint, run: runId, everyMs: (args.checkpointEvery ?? 60) * 1000 } : undefined }, progress);
  progress.done();
  // Stopped while stuck in model code: there is no result to report, only where it was.
  if (searched.kind === 'abandoned') {
    process.stderr.write(`hmmcheck: ${searched.message}\n`);
    if (args.json) print(formatJson(errorJson('check', 'interrupted', searched.message, EXIT.INCOMPLETE)));
    return EXIT.INCOMPLETE;
  }
  const { result, trace, compiled, por } = searched;
  const v = result.verdict;
  // The one-line error for scripts; the report on stdout still shows where it happened.
  if (v.kind === 'error') process.stderr.write(`hmmcheck: model error: ${v.message}\n`);
  const itf = trace ? itfOf(inst, result, trace, path ? relative(process.cwd(), path) : undefined) : undefined;
  if (args.out && itf) writeFileSync(args.out, JSON.stringify(itf, null, 1) + '\n');
  if (args.html && itf) writeTraceHtml(itf, inst.spec, args.html, { sourceUrl });

  const saving = args.save !== undefined && args.save !== false;
  const save = () => {
    if (v.kind === 'error' || v.kind === 'incomplete') throw new UsageError(`--save records a verdict; this run ended with ${v.kind}`);
    const dir = typeof args.save === 'string' && args.save !== '' ? args.save : DEFAULT_CORPUS;
    return recordEntry(dir, inst, { result, trace, compiled }, path ? relative(process.cwd(), path) : undefined);
  };
  const verdictText = v.kind === 'holds' ? holdsLine(properties) : verdictLine(v);
  // Said up front (banner and verdict line), so not again as a warning.
  const skipWarning = properties.notChecked ? temporalSkipWarning(properties.notChecked.reason) : undefined;
  const warnings = result.warnings.filter((w) => w !== skipWarning);
  if (args.json) {
    const modelPath = path ? relative(process.cwd(), path) : undefined;
    const run = { model: model.name, modelPath, variant: inst.variant, constants: inst.constants, workers, reductions: { symmetry: Boolean(args.symmetry), view: Boolean(args.view), por: Boolean(args.por) }, properties };
    const corpusEntry = saving ? save() : undefined;
    print(formatJson({ ...checkResultJson(run, { ...result, warnings }, verdictText, itf, exitCodeOf(v)), ...(corpusEntry ? { corpusEntry } : {}) }));
    return exitCodeOf(v);
  }
  print(verdictText);
  if (trace) {
    const what =
      v.kind === 'error'
        ? 'The error happened while expanding the last state of this trace (in a guard, an effect or a successor)'
        : v.kind === 'liveness'
          ? `Counterexample: a lasso of ${trace.steps.length - 1} steps; ${lassoCycleText(trace.loop ?? trace.steps.length - 1, trace.steps.length - 1)}`
          : `Counterexample (${trace.steps.length - 1} steps)`;
    print(`${what}:`);
    print(formatTrace(inst.spec.schema, trace, { full: args.full, docs: stepDocs(compiled.spec), violated: violatedProperty(v) }));
  }
  if (args.out && itf) print(`Trace written to ${args.out}`);
  if (args.html && itf) print(`Trace page written to ${args.html}`);
  if (saving) print(`Corpus entry written to ${save()}`);
  if (v.kind === 'incomplete' && v.reason === 'interrupted') {
    print(checkpoint ? `Interrupted. Checkpoint written to ${checkpoint}; continue with the same command plus --resume.` : 'Interrupted (no --checkpoint given, so nothing was saved).');
  }
  for (const w of warnings) print(`Warning: ${w}`);
  for (const l of statsLines(result)) print(l);
  for (const l of searched.clusterLines ?? []) print(l);
  const reductions = [
    ...(compiled.canon ? [`symmetry over ${compiled.canon.domains.map((d) => `${d.name} (${d.values.length} values)`).join(', ')}`] : []),
    ...(compiled.view ? ['VIEW (states with the same view are one state: an abstraction that can hide bugs)'] : []),
    ...(por ? [porLine(por, result.stats)] : []),
  ];
  print(`Reductions: ${reductions.length ? reductions.join('; ') : 'none'}.`);
  if (args.compare && reductions.length) {
    // The same properties as the reduced run: under --por, temporal properties are left out.
    const unreduced = await runSearch({ ...plan, workers: 1, reductions: {}, liveness: !args.por }, { ...progress, onProgress: () => {} });
    if (unreduced.kind === 'abandoned') {
      process.stderr.write(`hmmcheck: --compare: ${unreduced.message}\n`);
      return EXIT.INCOMPLETE;
    }
    const plain = unreduced;
    const same = plain.result.verdict.kind === v.kind;
    print(`Without reductions: ${plain.result.stats.distinct.toLocaleString('en-US')} distinct states, verdict ${plain.result.verdict.kind}${same ? '' : ' (DIFFERENT)'}; reduction ratio ${(plain.result.stats.distinct / result.stats.distinct).toFixed(2)}x.`);
  }
  if (result.stats.edges > 0 && (v.kind === 'holds' || v.kind === 'liveness')) {
    print(`Temporal properties: ${inst.spec.liveness.map((p) => p.name).filter((n, i, a) => a.indexOf(n) === i).join(', ')}; fairness: ${describeFairness(inst.spec.fairness)}; state graph ${result.stats.edges.toLocaleString('en-US')} edges at 8 bytes/edge.`);
  }
  if (args.coverage !== false) for (const l of coverageLines(result)) print(l);
  return exitCodeOf(v);
}
