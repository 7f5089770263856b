/**
 * Worker threads: starting one that runs TypeScript, and carrying errors across the thread
 * boundary with their class (UsageError and ModelError decide the CLI's exit code).
 *
 * Starting a worker thread that runs TypeScript. `new Worker(url-of-.ts, { execArgv: ['--import',
 * 'tsx'] })` does not load TypeScript on Node 20.20 (ERR_UNKNOWN_FILE_EXTENSION: the hooks that
 * `--import tsx` registers are not in place when the worker's entry is loaded), nor does importing
 * tsx's loader first. What works: a small ES module given as a data: URL that calls `register()`
 * from `tsx/esm/api` (resolved from this file, so any cwd works) and then imports the worker
 * module. Under plain JavaScript (a compiled build) the worker file is started directly, and so it
 * is from the sources of a checkout whose build/ is current (bin/buildState.mjs's runsBuild, the
 * CLI's rule, HMMCHECK_FROM_SOURCES included): loading the sources through tsx costs a worker about
 * a second of CPU, its built entry a few milliseconds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { buildState, runsBuild } from '../../bin/buildState.mjs';
import { ModelError, UsageError } from './errors';

/** Starts the worker module `name` (a file beside this one, without extension), with V8 heap limits if given. */
export function startTsWorker(name: string, workerData: unknown, transferList?: readonly ArrayBuffer[], resourceLimits?: ResourceLimits): Worker {
  const here = import.meta.url;
  const options = { workerData, transferList: transferList as ArrayBuffer[] | undefined, resourceLimits };
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), options);
  const built = builtEntry(name, here);
  if (built) return new Worker(built, options);
  const entry = new URL(`./${name}.ts`, here).href;
  const boot = `import { register } from ${JSON.stringify(tsxApiUrl(here))};\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}

/**
 * The built entry of worker `name` for this module at `here` (a source in checker/engine/) when the
 * checkout's build/ matches its sources, or HMMCHECK_FROM_SOURCES=0 and there is one; else undefined.
 */
export function builtEntry(name: string, here: string, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const root = fileURLToPath(new URL('../../', here));
  return runsBuild(buildState(root), env.HMMCHECK_FROM_SOURCES) ? pathToFileURL(join(root, 'build', 'checker', 'engine', `${name}.js`)) : undefined;
}

/** The ES module entry of `tsx/esm/api` (require.resolve would give its CommonJS entry). */
function tsxApiUrl(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const rel: unknown = pkg.exports?.['./esm/api']?.import?.default;
  return pathToFileURL(join(dirname(pkgPath), typeof rel === 'string' ? rel : 'dist/esm/api/index.mjs')).href;
}

/** An error as a worker posts it. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export function errorToMessage(e: unknown): ErrorMessage {
  const err = e instanceof Error ? e : new Error(String(e));
  // Subclasses (CheckpointError is a UsageError) travel as the class that decides the exit code.
  const name = e instanceof ModelError ? 'ModelError' : e instanceof UsageError ? 'UsageError' : err.constructor.name;
  return { type: 'error', name, message: err.message, stack: err.stack };
}

/** The error a worker posted, rebuilt with its class where that class matters. */
export function errorFromMessage(m: ErrorMessage): Error {
  const err = m.name === 'ModelError' ? new ModelError(m.message, 'throw') : m.name === 'UsageError' ? new UsageError(m.message) : new Error(m.message);
  if (m.stack) err.stack = m.stack;
  return err;
}
