/**
 * Installs the spec-loading module hooks (hooks.ts) in this thread, once, before a user's spec
 * file is imported. Every thread that loads a spec (the CLI, each search or simulation worker)
 * calls it.
 */
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FROM_SOURCES, PACKAGE_MANIFEST, PACKAGE_ROOT } from '../packageRoot';
import type { HooksData } from './hooks';
import { specCacheDir } from './cacheDir';

let registered = false;

/**
 * Whether spec files load through the hooks: always from build/; from the sources only under the
 * CLI (bin/hmmcheck.mjs, where tsx can load hooks.ts), not in-process under vitest, which
 * transpiles spec files itself.
 */
export function hooksApply(): boolean {
  return !FROM_SOURCES || process.env.HMMCHECK_BIN === '1';
}

export function registerSpecHooks(): void {
  if (registered || !hooksApply()) return;
  registered = true;
  const data: HooksData = {
    root: PACKAGE_ROOT,
    exports: PACKAGE_MANIFEST.exports,
    fromSources: FROM_SOURCES,
    cacheDir: specCacheDir(),
  };
  const hooks = join(PACKAGE_ROOT, FROM_SOURCES ? 'checker/cli/specLoading/hooks.ts' : 'build/checker/cli/specLoading/hooks.js');
  register(pathToFileURL(hooks), { data });
  // Stack traces of a spec's errors (--debug) point into its .ts source (inline source maps).
  process.setSourceMapsEnabled(true);
}
