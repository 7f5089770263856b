/**
 * How a model travels to the workers: a registry name, or a user's spec module shipped by content
 * with its SHA-256, which the worker checks before writing it to its own cache and loading it. A
 * worker never loads a path a message names (the trust boundary holds on the wire too): the file
 * it loads is named by the hash. Relative imports of the shipped module are resolved as if it sat
 * at the same place in the worker's checkout of the project, and must stay inside it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../engine/errors';
import { registryModel } from '../cli/loadModel';
import { looksLikePath } from '../cli/modelArgument';
import { projectRoot } from '../cli/trustBoundary';

export type ShippedModel =
  | { readonly registry: string }
  /** `file`: the module's path relative to the sender's project root; `source`: its text. */
  | { readonly file: string; readonly source: string; readonly sha256: string };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The model argument of a command, as it is shipped (a spec module is read here, once). */
export function shipModel(arg: string, root = projectRoot()): ShippedModel {
  if (!looksLikePath(arg)) return { registry: arg };
  const path = resolve(arg);
  const source = readFileSync(path, 'utf8');
  return { file: relative(root, path), source, sha256: sha256(source) };
}

/** A short name for logs. */
export function shippedName(m: ShippedModel): string {
  return 'registry' in m ? m.registry : `${m.file} (sha256 ${m.sha256.slice(0, 12)})`;
}

/**
 * On a worker: the argument to load the shipped model with (checkers/cli/loadModel.ts): a registry
 * name, or the path of the verified module written under `cacheDir`.
 */
export function materialize(m: ShippedModel, cacheDir: string, root = projectRoot()): string {
  if ('registry' in m) {
    if (typeof m.registry !== 'string' || looksLikePath(m.registry)) throw new UsageError(`a cluster job names the model ${JSON.stringify(m.registry)}, which is not a registry name`);
    registryModel(m.registry);
    return m.registry;
  }
  if (typeof m.source !== 'string' || typeof m.file !== 'string' || sha256(m.source) !== m.sha256) {
    throw new UsageError(`the spec module shipped as ${JSON.stringify(m.file)} does not match its SHA-256 ${JSON.stringify(m.sha256)}; refused`);
  }
  if (isAbsolute(m.file) || m.file.split(/[\\/]/).includes('..')) throw new UsageError(`the spec module shipped as ${JSON.stringify(m.file)} is not inside the sender's project; refused`);
  const dir = join(cacheDir, m.sha256);
  // Where the module would sit in this checkout: its relative imports resolve from there. They stay
  // relative (now from the cache folder), so the spec loader's extension rules apply to them as usual.
  const home = dirname(resolve(root, m.file));
  const rewritten = m.source.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g, (_all, kw: string, q: string, spec: string) => {
    const target = resolve(home, spec);
    const rel = relative(root, target);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`the spec module shipped as ${JSON.stringify(m.file)} imports ${JSON.stringify(spec)}, outside the project; refused`);
    const fromCache = relative(dir, target).split(sep).join('/');
    return `${kw}${q}${fromCache.startsWith('.') ? fromCache : `./${fromCache}`}${q}`;
  });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, basename(m.file).replace(/[^\w.-]/g, '_'));
  writeFileSync(path, rewritten);
  return path;
}
