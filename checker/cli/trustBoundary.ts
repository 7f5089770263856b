/**
 * The trust boundary. Data files (ITF traces, checkpoints, `--json` output) never cause code to be
 * loaded: a trace names its model, which is looked up in the registry only; a trace of a user's
 * own spec module replays only with `--spec FILE` given on the command line, and the path the trace
 * records is compared with it, never loaded. Project files that are code-equivalent (corpus
 * entries under results/corpus, results/nightly.jobs.json) may name spec modules only by paths that
 * resolve (symlinks followed) inside the project root, the folder hmmcheck runs in.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ModelDef } from '../../spec/model';
import { UsageError } from '../engine/errors';
import type { TraceMeta } from '../trace/itf';
import { loadModel, registryModel } from './loadModel';
import { looksLikePath } from './modelArgument';

/** The spec module path a trace records, if it was recorded from one rather than the registry. */
export function recordedSpecPath(meta: Pick<TraceMeta, 'model' | 'modelPath'>): string | undefined {
  return meta.modelPath ?? (looksLikePath(meta.model) ? meta.model : undefined);
}

/** `path` resolved against the working folder, symlinks followed when it exists. */
function realOrResolved(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/**
 * The model a trace file was recorded from. A registry name is looked up in the registry only; a
 * recorded spec module needs `spec` (the user's `--spec`), which must resolve to the same file.
 */
export async function modelOfTrace(meta: Pick<TraceMeta, 'model' | 'modelPath'>, file: string, spec: string | undefined): Promise<ModelDef<any>> {
  const recorded = recordedSpecPath(meta);
  if (recorded === undefined) {
    if (spec !== undefined) throw new UsageError(`trace ${file} names the registry model '${meta.model}'; --spec is only for traces of a spec module`);
    return registryModel(meta.model);
  }
  if (spec === undefined) {
    throw new UsageError(`trace ${file} was recorded from the spec module ${JSON.stringify(recorded)}; a trace never loads code: pass the spec module yourself with --spec FILE`);
  }
  if (!existsSync(resolve(spec))) throw new UsageError(`spec module not found: ${spec}`);
  const given = realOrResolved(spec);
  const want = realOrResolved(recorded);
  if (given !== want) throw new UsageError(`--spec ${spec} (${given}) is not the spec module trace ${file} was recorded from (${JSON.stringify(recorded)}, ${want})`);
  return (await loadModel(spec)).model;
}

/**
 * The project root: the folder hmmcheck runs in (where results/ lives), symlinks followed.
 */
export function projectRoot(): string {
  return realpathSync(process.cwd());
}

/**
 * Checks that a model name from a code-equivalent project file (`owner` says which, e.g. `corpus
 * entry X`) is a registry name or a spec module inside the project; throws a one-line UsageError
 * naming the owner otherwise.
 */
export function vetProjectModel(name: string, owner: string, root = projectRoot()): void {
  if (!looksLikePath(name)) return;
  let real: string;
  try {
    real = realpathSync(resolve(root, name));
  } catch {
    throw new UsageError(`${owner} names the spec module ${JSON.stringify(name)}, which does not exist`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new UsageError(`${owner} names the spec module ${JSON.stringify(name)} (${real}), outside the project ${root}; project files may name spec modules inside the project only`);
  }
}

/** Loads a model named by a code-equivalent project file, after vetProjectModel. */
export async function loadProjectModel(name: string, owner: string): Promise<ModelDef<any>> {
  const root = projectRoot();
  vetProjectModel(name, owner, root);
  return (await loadModel(name)).model;
}
