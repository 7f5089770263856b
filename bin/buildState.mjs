/**
 * Whether build/ (scripts/build.mjs) still matches the TypeScript sources of a development
 * checkout, checked cheaply at every start: no source file or folder changed after the build began.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written last by the build: the time (ms since the epoch) the build started. */
export const STAMP_FILE = '.stamp';
/** The folders the build compiles. */
export const SOURCE_DIRS = ['spec', 'checker', 'models'];

// A folder's mtime changes when an entry is added, removed or renamed; a file's when it is written.
function changedSince(dir, since) {
  if (statSync(dir).mtimeMs > since) return true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(path, since) : entry.name.endsWith('.ts') && statSync(path).mtimeMs > since) return true;
  }
  return false;
}

/**
 * 'current' (run build/), 'stale' (sources edited since), 'missing' (never built, or a build in
 * progress), or 'installed' (a package without sources: build/ is all there is).
 * @param {string} root the package folder
 */
export function buildState(root) {
  let started;
  try {
    started = Number(readFileSync(join(root, 'build', STAMP_FILE), 'utf8'));
  } catch {
    return 'missing';
  }
  let hasSources = false;
  for (const dir of SOURCE_DIRS) {
    try {
      if (changedSince(join(root, dir), started)) return 'stale';
      hasSources = true;
    } catch {
      // not in a published package
    }
  }
  return hasSources ? 'current' : 'installed';
}

/**
 * Whether to run build/ rather than the sources, in a package in `state`: a build that matches the
 * sources (or is all there is); HMMCHECK_FROM_SOURCES=1 forces the sources, =0 any existing build.
 * The CLI (bin/hmmcheck.mjs) and the worker threads it or the library starts decide alike.
 * @param {'current' | 'stale' | 'missing' | 'installed'} state buildState's answer
 * @param {string | undefined} fromSources HMMCHECK_FROM_SOURCES
 */
export function runsBuild(state, fromSources) {
  return fromSources === '0' ? state !== 'missing' : fromSources !== '1' && (state === 'current' || state === 'installed');
}
