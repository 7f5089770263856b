/**
 * TypeScript spec files transpiled to JavaScript once, then cached by content hash: the key covers
 * the file's path and text, the transpiler and its options, so any edit (or an esbuild upgrade)
 * transpiles afresh and an unchanged spec starts without esbuild doing any work.
 */
import { transformSync, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the transform options below change. */
const TRANSFORM_VERSION = 1;

/** The cache file of `path` with text `source`. */
export function cacheFile(cacheDir: string, path: string, source: string): string {
  const key = createHash('sha256').update(`${TRANSFORM_VERSION}\0${esbuildVersion}\0${path}\0${source}`).digest('hex');
  return join(cacheDir, `${key}.mjs`);
}

/**
 * The ES module JavaScript of the TypeScript file `path` (text `source`), from the cache when it is
 * there. A syntax error throws esbuild's error ("path:line:column: ERROR: message"). A cache that
 * cannot be written only costs the next run a transpile.
 */
export function transpileCached(path: string, source: string, cacheDir: string): string {
  const file = cacheFile(cacheDir, path, source);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // not cached yet
  }
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: path, sourcemap: 'inline' });
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed, so a concurrent run never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // read-only or full: run uncached
  }
  return code;
}
