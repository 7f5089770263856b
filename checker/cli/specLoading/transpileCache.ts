/**
 * TypeScript spec files transpiled to JavaScript once, then cached by content hash: the key covers
 * the file's path and text, the transpiler and its options, so any edit (or an esbuild upgrade)
 * transpiles afresh and an unchanged spec starts without esbuild doing any work. A hit refreshes the
 * entry's mtime, and each new entry removes those unused for CACHE_MAX_AGE_MS, so edits do not pile up.
 */
import { transformSync, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the transform options below change. */
const TRANSFORM_VERSION = 1;

/** A cache entry not used for this long (30 days) is removed when a new one is written. */
export const CACHE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

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
    const code = readFileSync(file, 'utf8');
    touch(file);
    return code;
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
    pruneCache(cacheDir);
  } catch {
    // read-only or full: run uncached
  }
  return code;
}

function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // a read-only cache still serves hits
  }
}

/** Removes the entries of `cacheDir` (and stray temporary files) unused for CACHE_MAX_AGE_MS before `now`. */
export function pruneCache(cacheDir: string, now = Date.now()): void {
  for (const name of readdirSync(cacheDir)) {
    if (!/\.(mjs|tmp)$/.test(name)) continue;
    const path = join(cacheDir, name);
    try {
      if (now - statSync(path).mtimeMs > CACHE_MAX_AGE_MS) rmSync(path, { force: true });
    } catch {
      // removed by a concurrent run
    }
  }
}
