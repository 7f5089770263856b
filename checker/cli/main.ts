/**
 * The command line. Kept thin: parse flags with yargs, call a command, and at this edge only turn
 * errors into one line and an exit code (stack traces only with --debug). Each command's module is
 * imported by its handler, so a run loads only the code of the command it runs (start-up time).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ModelError, UsageError } from '../engine/errors';
import { TYPECHECK_DESCRIBE, typecheckModelArg } from './specLoading/typecheck';
import { DEFAULT_SEED } from '../engine/simulate';
import { EXIT } from './exitCodes';
import { VERSION } from './version';
import { integerFlag, positiveFlag } from './numbers';
import { errorJson, formatJson, jsonCommandOf, type JsonErrorClass } from './jsonOutput';

const print = (s: string) => process.stdout.write(s + '\n');

/**
 * The one-line error on stderr and its exit code; under `--json` (jsonCommand set) also the error
 * document on stdout, so a script reading stdout always gets one JSON document.
 */
function fail(e: unknown, debug: boolean, jsonCommand?: string): number {
  const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  // The cause too: e.g. why a spec module failed to load (loadModel.ts).
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n${e.cause instanceof Error ? `caused by: ${e.cause.stack}\n` : ''}`);
  const [errorClass, code, line]: [JsonErrorClass, number, string] =
    e instanceof UsageError
      ? ['usage', EXIT.USAGE, `hmmcheck: ${msg}`]
      : e instanceof ModelError
        ? ['model', EXIT.MODEL_ERROR, `hmmcheck: model error: ${msg}`]
        : ['internal', EXIT.INTERNAL, `hmmcheck: internal error: ${msg}${debug ? '' : ' (run with --debug for the stack trace)'}`];
  process.stderr.write(`${line}\n`);
  if (jsonCommand !== undefined) process.stdout.write(`${formatJson(errorJson(jsonCommand, errorClass, msg, code))}\n`);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const json = jsonCommandOf(argv);
  let code: number = EXIT.OK;
  const run = (f: () => Promise<number> | number) => async () => {
    try {
      code = await f();
    } catch (e) {
      code = fail(e, debug, json);
    }
  };
  const parser = yargs(argv)
    .scriptName('hmmcheck')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'name a command: init, list, check, simulate, replay, view, graph, lint, regress, nightly, suite or worker')
    .option('debug', { type: 'boolean', describe: 'print stack traces of errors' })
    .command('list', 'list the models, their variants and constants', {}, (a) => run(async () => (print((await import('./commands/list')).listCommand()), EXIT.OK))())
    .command(
      'init [dir]',
      'scaffold a project of your own: package.json, tsconfig.json, an example model with a bug variant and its test (never overwrites a file)',
      (y) => y.positional('dir', { type: 'string', default: '.', describe: 'project folder (created if missing)' }),
      (a) => run(async () => (await import('./commands/init')).initCommand({ dir: a.dir }, print))(),
    )
    .command(
      'check <model>',
      'explore a model exhaustively and check its properties',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'registry name (see list) or path of a .ts/.js spec module' })
          .option('variant', { type: 'string', default: 'fixed', describe: 'model variant' })
          .option('const', { type: 'string', array: true, describe: 'override a constant: --const name=value (repeatable)' })
          .option('strategy', { choices: ['bfs', 'dfs'] as const, default: 'bfs' as const, describe: 'bfs gives shortest counterexamples' })
          .option('max-states', { type: 'string', coerce: integerFlag('--max-states'), describe: 'stop after this many distinct states (exit 20)' })
          .option('max-depth', { type: 'string', coerce: integerFlag('--max-depth'), describe: 'do not expand states at this depth (exit 20 if any were cut)' })
          .option('deadlock', { type: 'boolean', describe: 'check for deadlock (default: the model\'s setting); --no-deadlock switches it off' })
          .option('out', { type: 'string', describe: 'write the counterexample as an ITF JSON trace' })
          .option('html', { type: 'string', describe: 'write the counterexample as a self-contained HTML trace page (see view)' })
          .option('source-url', { type: 'string', describe: 'URL template for the HTML page\'s source links: {file} {line} {commit} {fn} (default: $HMMCHECK_SOURCE_URL, else the stable tree on git.kernel.org)' })
          .option('save', { type: 'string', describe: 'record the result in the regression corpus (default folder results/corpus)' })
          .option('json', { type: 'boolean', describe: 'print the result (or the error) as one JSON document on stdout, schema docs/hmmcheck-result.schema.json' })
          .option('full', { type: 'boolean', describe: 'print full states in the trace, not just changes' })
          .option('effects', { choices: ['fast', 'immer'] as const, default: 'fast' as const, describe: 'run effects on packed words, else on decoded copies (fast), or on immer drafts (reference)' })
          .option('coverage', { type: 'boolean', default: true, describe: 'print per-action coverage (--no-coverage hides it)' })
          .option('frontier-memory', { type: 'string', coerce: positiveFlag('--frontier-memory', 'MiB'), describe: 'MiB of BFS frontier kept in memory before it spills to temporary files (default 4096)' })
          .option('workers', { type: 'string', coerce: integerFlag('--workers'), describe: 'parallel BFS worker threads (default: the idle cores, i.e. all cores less the 1-minute load average, at least 1; 1 for DFS, checkpoints, --por and --step-timeout; at most the number of cores)' })
          .option('symmetry', { type: 'boolean', describe: "symmetry reduction over the model's symmetric domains (scalarsets)" })
          .option('view', { type: 'boolean', describe: "fingerprint states by the model's VIEW (an abstraction: can hide bugs)" })
          .option('por', { type: 'boolean', describe: 'partial-order reduction (ample sets from recorded accesses); checks invariants and deadlock, not temporal properties' })
          .option('compare', { type: 'boolean', describe: 'also run without the reductions and report the reduction ratio' })
          .option('checkpoint', { type: 'string', describe: 'checkpoint file, written periodically and on SIGINT/SIGTERM (bfs)' })
          .option('checkpoint-every', { type: 'string', default: 60, coerce: positiveFlag('--checkpoint-every', 'seconds'), describe: 'seconds between checkpoints' })
          .option('resume', { type: 'boolean', describe: 'continue from --checkpoint' })
          .option('step-timeout', { type: 'string', coerce: positiveFlag('--step-timeout', 'seconds'), describe: 'seconds an expansion may run before it is a model error naming the action that did not return (one worker)' })
          .option('cluster', { type: 'string', describe: 'NATS URL (nats://host:4222): a search partitioned over the cluster\'s hmmcheck workers (docs/cluster.md); checkpoints per level every --checkpoint-every seconds' })
          .option('partitions', { type: 'string', coerce: integerFlag('--partitions', 1, 4096), describe: 'with --cluster: partitions of the state space, spread over the workers (default 2)' })
          .option('creds', { type: 'string', describe: 'with --cluster: NATS credentials file (JWT and nkey)' })
          .option('typecheck', { type: 'boolean', describe: TYPECHECK_DESCRIBE }),
      (a) =>
        run(async () => {
          if (a.typecheck) typecheckModelArg(a.model);
          return (await import('./commands/check')).checkCommand({ ...a, model: a.model! }, print);
        })(),
    )
    .command(
      'simulate <model>',
      'random simulation: sample behaviours reproducibly from a seed and check every property along them (not a proof)',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'registry name (see list) or path of a .ts/.js spec module' })
          .option('variant', { type: 'string', default: 'fixed', describe: 'model variant' })
          .option('const', { type: 'string', array: true, describe: 'override a constant: --const name=value (repeatable)' })
          .option('seed', { type: 'string', coerce: integerFlag('--seed', 0, 0xffffffff), describe: `random seed 0..4294967295 (default ${DEFAULT_SEED}); the same seed gives the same traces` })
          .option('traces', { type: 'string', default: 10000, coerce: integerFlag('--traces'), describe: 'number of traces (split between the workers)' })
          .option('depth', { type: 'string', default: 100, coerce: integerFlag('--depth'), describe: 'maximum steps per trace' })
          .option('frontier-memory', { type: 'string', coerce: positiveFlag('--frontier-memory', 'MiB'), describe: 'MiB of BFS frontier kept in memory before it spills to temporary files (default 4096)' })
          .option('workers', { type: 'string', default: 1, coerce: integerFlag('--workers', 1, 1024), describe: 'swarm: K independent simulations in worker threads, each with its own seed and action weights' })
          .option('swarm-config', { type: 'string', coerce: integerFlag('--swarm-config', 0, 0xffffffff), describe: 'the action weights of a swarm worker, to reproduce its finding (with --workers 1)' })
          .option('time-budget', { type: 'string', coerce: positiveFlag('--time-budget', 'seconds'), describe: 'stop starting new traces after this many seconds' })
          .option('continue', { type: 'boolean', describe: 'keep simulating after a violation to find other properties violated' })
          .option('deadlock', { type: 'boolean', describe: "check for deadlock (default: the model's setting); --no-deadlock switches it off" })
          .option('out', { type: 'string', describe: 'write the first counterexample as an ITF JSON trace (replay it with hmmcheck replay)' })
          .option('full', { type: 'boolean', describe: 'print full states in the trace, not just changes' })
          .option('cluster', { type: 'string', describe: "NATS URL: run the swarm's --workers members on the cluster's hmmcheck workers (docs/cluster.md)" })
          .option('creds', { type: 'string', describe: 'with --cluster: NATS credentials file (JWT and nkey)' }),
      (a) => run(async () => (await import('./commands/simulate')).simulateCommand({ ...a, model: a.model! }, print))(),
    )
    .command(
      'replay <file>',
      're-execute a saved ITF trace against its model',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true })
          .option('spec', { type: 'string', describe: 'the spec module a trace of your own spec was recorded from (a trace never loads code)' })
          .option('full', { type: 'boolean', describe: 'print full states' })
          .option('quiet', { type: 'boolean', describe: 'print only the verdict line' }),
      (a) => run(async () => (await import('./commands/replay')).replayCommand({ file: a.file!, spec: a.spec, full: a.full, quiet: a.quiet }, print))(),
    )
    .command(
      'view <file>',
      'draw a saved ITF trace as a self-contained HTML page (a lane per thread, locks held, the state at every step), or as text',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'ITF trace written by check --out' })
          .option('spec', { type: 'string', describe: 'the spec module a trace of your own spec was recorded from (a trace never loads code)' })
          .option('out', { alias: 'o', type: 'string', describe: 'HTML file to write (default: the trace path with .html for .json)' })
          .option('text', { type: 'boolean', describe: 'print the trace as text instead (lanes as columns when they fit)' })
          .option('width', { type: 'string', coerce: integerFlag('--width', 40), describe: 'line width for --text (default 100)' })
          .option('source-url', { type: 'string', describe: 'URL template linking each step to its kernel source: {file} {line} {commit} {fn}, e.g. file:///src/linux/{file} (default: $HMMCHECK_SOURCE_URL, else the stable tree on git.kernel.org)' }),
      (a) => run(async () => (await import('./commands/view')).viewCommand({ file: a.file!, spec: a.spec, out: a.out, text: a.text, width: a.width, sourceUrl: a.sourceUrl }, print))(),
    )
    .command(
      'graph <model>',
      'write the whole state graph of a small model as Graphviz DOT or JSON',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'registry name (see list) or path of a .ts/.js spec module' })
          .option('variant', { type: 'string', default: 'fixed', describe: 'model variant' })
          .option('const', { type: 'string', array: true, describe: 'override a constant: --const name=value (repeatable)' })
          .option('format', { choices: ['dot', 'json'] as const, describe: 'output format (default: json if --out ends in .json, else dot)' })
          .option('out', { alias: 'o', type: 'string', describe: 'file to write (default: stdout)' })
          .option('max-states', { type: 'string', default: 10_000, coerce: integerFlag('--max-states'), describe: 'refuse state spaces with more states than this' })
          .option('highlight-trace', { type: 'boolean', describe: 'draw the counterexample BFS finds (as check reports it) in red' })
          .option('deadlock', { type: 'boolean', describe: "mark deadlocks (default: the model's setting); --no-deadlock switches it off" }),
      (a) =>
        run(async () =>
          (await import('./commands/graph')).graphCommand(
            { model: a.model!, variant: a.variant, const: a.const, format: a.format, out: a.out, maxStates: a.maxStates, highlightTrace: a.highlightTrace, deadlock: a.deadlock },
            print,
          ),
        )(),
    )
    .command(
      'regress',
      'replay every saved counterexample and re-check every expectation in the corpus',
      (y) =>
        y
          .option('dir', { type: 'string', default: 'results/corpus', describe: 'corpus folder' })
          .option('update', { type: 'boolean', describe: 're-record every entry from a fresh check' })
          .option('add-missing', { type: 'boolean', describe: 'record an entry for every registry model variant that has none' })
          .option('filter', { type: 'string', describe: 'only entries (and, with --add-missing, models) whose model name contains this' }),
      (a) => run(async () => (await import('./commands/regress')).regressCommand({ dir: a.dir, update: a.update, addMissing: a.addMissing, filter: a.filter }, print))(),
    )
    .command(
      'nightly',
      'run the declared exhaustive jobs at large bounds, compare with the previous run',
      (y) =>
        y
          .option('jobs', { type: 'string', default: 'results/nightly.jobs.json', describe: 'job list' })
          .option('out', { type: 'string', default: 'results/nightly', describe: 'results folder' })
          .option('date', { type: 'string', describe: 'run date (YYYY-MM-DD; default today)' })
          .option('resume', { type: 'boolean', describe: 'continue an interrupted run of that date' })
          .option('only', { type: 'string', describe: 'run only the job with this name' })
          .option('checkpoint-every', { type: 'string', default: 60, coerce: positiveFlag('--checkpoint-every', 'seconds'), describe: 'seconds between checkpoints' })
          .option('cluster', { type: 'string', describe: 'NATS URL: queue the jobs on JetStream for the cluster\'s hmmcheck workers (docs/cluster.md)' })
          .option('creds', { type: 'string', describe: 'with --cluster: NATS credentials file (JWT and nkey)' })
          .option('ack-wait', { type: 'string', default: 60, coerce: positiveFlag('--ack-wait', 'seconds'), describe: 'with --cluster: seconds a silent worker keeps a job before it goes to another worker' }),
      (a) =>
        run(async () =>
          (await import('./commands/nightly')).nightlyCommand({ jobs: a.jobs, out: a.out, date: a.date, resume: a.resume, only: a.only, checkpointEvery: a.checkpointEvery, cluster: a.cluster, creds: a.creds, ackWait: a.ackWait }, print),
        )(),
    )
    .command(
      'worker',
      'serve a NATS cluster: partitions of check --cluster searches, nightly --cluster jobs and simulate --cluster swarm members (docs/cluster.md)',
      (y) =>
        y
          .option('nats', { type: 'string', demandOption: true, describe: 'NATS URL (nats://host:4222; tls:// for TLS; user:password@ allowed)' })
          .option('concurrency', { type: 'string', default: 1, coerce: integerFlag('--concurrency', 1, 64), describe: 'nightly jobs run at the same time' })
          .option('creds', { type: 'string', describe: 'NATS credentials file (JWT and nkey)' }),
      (a) => run(async () => (await import('./commands/worker')).workerCommand({ nats: a.nats!, concurrency: a.concurrency, creds: a.creds }))(),
    )
    .command(
      'lint [model]',
      'atomicity audit: report thread steps with more than one lock-free access to shared state (every registry model and variant without a model)',
      (y) =>
        y
          .positional('model', { type: 'string', describe: 'registry name (see list) or path of a .ts/.js spec module; default: every registry model' })
          .option('variant', { type: 'string', describe: 'only this variant (default: every variant)' })
          .option('const', { type: 'string', array: true, describe: 'override a constant: --const name=value (repeatable)' })
          .option('max-states', { type: 'number', describe: 'audit at most this many reachable states per variant (default 200,000)' })
          .option('strict', { type: 'boolean', describe: 'count accesses to undeclared fields as lock-free (their warnings become findings)' })
          .option('json', { type: 'boolean', describe: 'print the report (or the error) as one JSON document on stdout, schema docs/hmmcheck-result.schema.json' })
          .option('typecheck', { type: 'boolean', describe: TYPECHECK_DESCRIBE }),
      (a) =>
        run(async () => {
          if (a.typecheck) typecheckModelArg(a.model);
          return (await import('./commands/lint')).lintCommand({ model: a.model, variant: a.variant, const: a.const, maxStates: a.maxStates, strict: a.strict, json: a.json }, print);
        })(),
    )
    .command(
      'suite',
      'check every model and variant at default bounds and print one table (npm start)',
      (y) =>
        y
          .option('filter', { type: 'string', describe: 'only models whose name contains this' })
          .option('write', { type: 'string', describe: 'also write the models table as Markdown to this file (models/README.md)' }),
      (a) => run(async () => (await import('./commands/suite')).suiteCommand({ filter: a.filter, write: a.write }, print))(),
    )
    .epilogue('Exit codes: 0 holds, 1 suite/regress/nightly mismatch or lint findings, 11 deadlock, 12 safety violation, 13 liveness violation, 20 incomplete (bound or interrupt), 21 trace does not replay, 75 model error, 150 usage error, 255 internal error.')
    .fail((msg, err) => {
      // Throwing stops yargs before any command handler runs.
      throw new UsageError(`${(msg ?? err?.message ?? 'usage error').split('\n')[0]} (see hmmcheck --help)`);
    })
    .help();
  // yargs lays out the whole help text after every command it runs (to show it on a later failure,
  // which .fail above never does): ~40 ms of wrapping per run that only --help prints, and ~13 ms
  // more to build the unwrapped text, skipped through yargs' internal hook as Angular's CLI does
  // (angular/angular-cli#34087; absent in another yargs version, the text is built as before).
  if (!argv.some((a) => a === '--help' || a === '-h')) {
    parser.wrap(null);
    const usage = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
    if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    return fail(e, debug, json);
  }
  return code;
}

// Run when executed directly (bin/hmmcheck.mjs imports this module).
if (process.env.HMMCHECK_NO_MAIN !== '1') {
  // A reader that closes early (`| head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(hideBin(process.argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = fail(e, process.argv.includes('--debug'), jsonCommandOf(hideBin(process.argv)));
    },
  );
}
