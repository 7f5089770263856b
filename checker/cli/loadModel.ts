/**
 * Resolves a model argument: a registry name (`hmm/m1-mirror-2015`) or the path of a user's own
 * spec module (`.ts` or `.js`) exporting a ModelDef (default export or `model`) or a built Spec.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findModel, registry } from '../../models';
import type { ModelDef } from '../../spec/model';
import type { Spec } from '../../spec/spec';
import { UsageError } from '../engine/errors';

export interface LoadedModel {
  readonly model: ModelDef<any>;
  /** Absolute path when loaded from a file. */
  readonly path?: string;
}

/** Whether a model argument names a spec module file rather than a registry model. */
export function looksLikePath(arg: string): boolean {
  return /\.(m?[jt]s)$/.test(arg) || arg.startsWith('.') || arg.startsWith('/');
}

function isModelDef(x: any): x is ModelDef<any> {
  return x && typeof x === 'object' && typeof x.build === 'function' && typeof x.name === 'string' && x.variants;
}

function isSpec(x: any): x is Spec {
  return x && typeof x === 'object' && x.schema && Array.isArray(x.actions) && typeof x.init === 'function';
}

export async function loadModel(arg: string): Promise<LoadedModel> {
  if (!looksLikePath(arg)) {
    const model = findModel(arg);
    if (!model) throw new UsageError(`unknown model '${arg}'; valid: ${registry.map((m) => m.name).join(', ')} (or the path of a .ts/.js spec module)`);
    return { model };
  }
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(`spec module not found: ${arg}`);
  let mod: any;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    throw new UsageError(`cannot load spec module ${arg}: ${(e as Error).message.split('\n')[0]}`);
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
