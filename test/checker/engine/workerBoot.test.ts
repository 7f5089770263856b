/**
 * Which entry a worker thread started from the sources runs (checker/engine/workerBoot.ts): build/'s
 * when the build matches the sources, as bin/hmmcheck.mjs decides for the CLI; HMMCHECK_FROM_SOURCES
 * overrides it either way.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STAMP_FILE } from '../../../bin/buildState.mjs';
import { builtEntry } from '../../../checker/engine/workerBoot';

/** A checkout whose sources were written a minute ago, with a build begun `builtAgoMs` ago (none: never built). */
function checkout(builtAgoMs?: number): { root: string; here: string } {
  const root = mkdtempSync(join(tmpdir(), 'hmmcheck-workerboot-'));
  for (const d of ['spec', 'checker/engine', 'models']) mkdirSync(join(root, d), { recursive: true });
  const source = join(root, 'checker/engine/workerBoot.ts');
  writeFileSync(source, 'export {};\n');
  const past = new Date(Date.now() - 60_000);
  for (const p of ['spec', 'checker', 'checker/engine', 'checker/engine/workerBoot.ts', 'models']) utimesSync(join(root, p), past, past);
  if (builtAgoMs !== undefined) {
    mkdirSync(join(root, 'build'));
    writeFileSync(join(root, 'build', STAMP_FILE), String(Date.now() - builtAgoMs));
  }
  return { root, here: pathToFileURL(source).href };
}

const built = (root: string) => pathToFileURL(join(root, 'build/checker/engine/searchWorker.js')).href;

describe('a worker thread started from the sources', () => {
  it("runs build/'s entry while the build matches the sources, the sources with HMMCHECK_FROM_SOURCES=1", () => {
    const { root, here } = checkout(1000);
    expect(builtEntry('searchWorker', here, {})?.href).toBe(built(root));
    expect(builtEntry('searchWorker', here, { HMMCHECK_FROM_SOURCES: '1' })).toBeUndefined();
  });

  it('runs the sources once one was written after the build began, build/ with HMMCHECK_FROM_SOURCES=0', () => {
    const { root, here } = checkout(120_000);
    expect(builtEntry('searchWorker', here, {})).toBeUndefined();
    expect(builtEntry('searchWorker', here, { HMMCHECK_FROM_SOURCES: '0' })?.href).toBe(built(root));
  });

  it('runs the sources when there is no build, whatever HMMCHECK_FROM_SOURCES says', () => {
    const { here } = checkout();
    expect(builtEntry('searchWorker', here, {})).toBeUndefined();
    expect(builtEntry('searchWorker', here, { HMMCHECK_FROM_SOURCES: '0' })).toBeUndefined();
  });
});
