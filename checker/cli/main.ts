/**
 * The command line. Kept thin: parse flags with yargs, call a command, and at this edge only turn
 * errors into one line and an exit code (stack traces only with --debug).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ModelError, UsageError } from '../engine/errors';
import { checkCommand } from './commands/check';
import { listCommand } from './commands/list';
import { replayCommand } from './commands/replay';
import { suiteCommand } from './commands/suite';
import { EXIT } from './exitCodes';
import { VERSION } from './version';

const print = (s: string) => process.stdout.write(s + '\n');

function fail(e: unknown, debug: boolean): number {
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  if (e instanceof UsageError) {
    process.stderr.write(`hmmcheck: ${msg}\n`);
    return EXIT.USAGE;
  }
  if (e instanceof ModelError) {
    process.stderr.write(`hmmcheck: model error: ${msg}\n`);
    return EXIT.MODEL_ERROR;
  }
  process.stderr.write(`hmmcheck: internal error: ${msg}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  return EXIT.INTERNAL;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let code: number = EXIT.OK;
  const run = (f: () => Promise<number> | number) => async () => {
    try {
      code = await f();
    } catch (e) {
      code = fail(e, debug);
    }
  };
  const parser = yargs(argv)
    .scriptName('hmmcheck')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'name a command: list, check, replay or suite')
    .option('debug', { type: 'boolean', describe: 'print stack traces of errors' })
    .command('list', 'list the models, their variants and constants', {}, (a) => run(() => (print(listCommand()), EXIT.OK))())
    .command(
      'check <model>',
      'explore a model exhaustively and check its properties',
      (y) =>
        y
          .positional('model', { type: 'string', demandOption: true, describe: 'registry name (see list) or path of a .ts/.js spec module' })
          .option('variant', { type: 'string', default: 'fixed', describe: 'model variant' })
          .option('const', { type: 'string', array: true, describe: 'override a constant: --const name=value (repeatable)' })
          .option('strategy', { choices: ['bfs', 'dfs'] as const, default: 'bfs' as const, describe: 'bfs gives shortest counterexamples' })
          .option('max-states', { type: 'number', describe: 'stop after this many distinct states (exit 20)' })
          .option('max-depth', { type: 'number', describe: 'do not expand states at this depth (exit 20 if any were cut)' })
          .option('deadlock', { type: 'boolean', describe: 'check for deadlock (default: the model\'s setting); --no-deadlock switches it off' })
          .option('out', { type: 'string', describe: 'write the counterexample as an ITF JSON trace' })
          .option('json', { type: 'boolean', describe: 'print the result as JSON' })
          .option('full', { type: 'boolean', describe: 'print full states in the trace, not just changes' })
          .option('effects', { choices: ['fast', 'immer'] as const, default: 'fast' as const, describe: 'run effects on generated copies (fast) or on immer drafts (reference)' })
          .option('coverage', { type: 'boolean', default: true, describe: 'print per-action coverage (--no-coverage hides it)' }),
      (a) => run(() => checkCommand({ ...a, model: a.model! }, print))(),
    )
    .command(
      'replay <file>',
      're-execute a saved ITF trace against its model',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true })
          .option('full', { type: 'boolean', describe: 'print full states' })
          .option('quiet', { type: 'boolean', describe: 'print only the verdict line' }),
      (a) => run(() => replayCommand({ file: a.file!, full: a.full, quiet: a.quiet }, print))(),
    )
    .command(
      'suite',
      'check every model and variant at default bounds and print one table (npm start)',
      (y) => y.option('filter', { type: 'string', describe: 'only models whose name contains this' }),
      (a) => run(() => suiteCommand({ filter: a.filter }, print))(),
    )
    .epilogue('Exit codes: 0 holds, 1 suite mismatch, 11 deadlock, 12 safety violation, 13 liveness violation, 20 incomplete (bound or interrupt), 21 trace does not replay, 75 model error, 150 usage error, 255 internal error.')
    .fail((msg, err) => {
      // Throwing stops yargs before any command handler runs.
      throw new UsageError(`${(msg ?? err?.message ?? 'usage error').split('\n')[0]} (see hmmcheck --help)`);
    })
    .help();
  try {
    await parser.parseAsync();
  } catch (e) {
    return fail(e, debug);
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
      process.exitCode = fail(e, process.argv.includes('--debug'));
    },
  );
}
