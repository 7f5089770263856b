/**
 * Resolves a model argument: a registry name (`hmm/m1-mirror-2015`) or the path of a user's own
 * spec module (`.ts`, `.mts`, `.js` or `.mjs`, anywhere, package.json beside it or not; loaded
 * through specLoading/) exporting a ModelDef (default export or `model`) or a built Spec.
 * Loading a spec module runs its code: only names from the command line, or from code-equivalent
 * project files vetted by trustBoundary.ts, may reach `loadModel`; never names from data files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findModel, registry } from '../../models';
import type { ModelDef } from '../../spec/model';
import type { Spec } from '../../spec/spec';
import { UsageError } from '../engine/errors';
import { looksLikePath } from './modelArgument';
import { registerSpecHooks } from './specLoading/register';

export interface LoadedModel {
  readonly model: ModelDef<any>;
  /** Absolute path when loaded from a file. */
  readonly path?: string;
}

function isModelDef(x: any): x is ModelDef<any> {
  return x && typeof x === 'object' && typeof x.build === 'function' && typeof x.name === 'string' && x.variants;
}

function isSpec(x: any): x is Spec {
  return x && typeof x === 'object' && x.schema && Array.isArray(x.actions) && typeof x.init === 'function';
}

/** A registry model by name (never loads a file). */
export function registryModel(name: string): ModelDef<any> {
  const model = findModel(name);
  if (!model) throw new UsageError(`unknown model '${name}'; valid: ${registry.map((m) => m.name).join(', ')} (or the path of a .ts/.js spec module)`);
  return model;
}

/**
 * Where and why a module failed to load, as one line. esbuild (the transform of .ts) puts the
 * detail after a "Transform failed with N errors:" line; node's own SyntaxError for .js/.mjs has no
 * location, so the file is parsed again with `node --check` (parsing only) to find it.
 */
function loadFailure(path: string, e: unknown): string {
  const lines = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter(Boolean);
  // esbuild counts columns from 0; editors and node from 1.
  const esbuild = lines.map((l) => /^(.*):(\d+):(\d+): ERROR: (.*)$/.exec(l)).find((m) => m !== null);
  if (esbuild) return `${esbuild[1]}:${esbuild[2]}:${Number(esbuild[3]) + 1}: ${esbuild[4]}`;
  if (e instanceof SyntaxError) {
    const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 10_000 });
    const out = (check.stderr ?? '').split('\n');
    const at = /^(.*):(\d+)$/.exec(out[0] ?? '');
    const caret = out[2]?.indexOf('^') ?? -1;
    if (at) return `${at[1]}:${at[2]}${caret >= 0 ? `:${caret + 1}` : ''}: ${lines[0] ?? e.message}`;
  }
  return lines[0] ?? 'unknown error';
}

export async function loadModel(arg: string): Promise<LoadedModel> {
  if (!looksLikePath(arg)) return { model: registryModel(arg) };
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(`spec module not found: ${arg}`);
  let mod: any;
  try {
    registerSpecHooks();
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    throw new UsageError(`cannot load spec module ${arg}: ${loadFailure(path, e)}`, { cause: e });
  }
  const exported = mod.default ?? mod.model ?? mod.spec;
  if (isModelDef(exported)) return { model: exported, path };
  if (isSpec(exported)) {
    const model: ModelDef<any> = {
      name: arg,
      title: arg,
      source: path,
      constants: {},
      variants: { fixed: { doc: 'the spec as written', expect: { verdict: 'holds' } } },
      build: () => exported,
    };
    return { model, path };
  }
  throw new UsageError(`spec module ${arg} must export (default, 'model' or 'spec') a model from defineModel() or a built spec`);
}
