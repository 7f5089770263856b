/**
 * bin/buildState.mjs decides whether the CLI runs build/ or the sources: a build is current until
 * a source file is written or a source folder gains, loses or renames an entry after it began.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildState, STAMP_FILE } from '../../bin/buildState.mjs';

let root: string;
const past = new Date(Date.now() - 60_000);

/** A checkout whose sources were last written a minute ago, built `builtAt` ms since the epoch. */
function checkout(builtAt: number | undefined): void {
  root = mkdtempSync(join(tmpdir(), 'hmmcheck-buildstate-'));
  for (const d of ['spec', 'checker/cli', 'models']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'checker/cli/main.ts'), 'export {};\n');
  writeFileSync(join(root, 'checker/cli/notes.md'), 'not a source\n');
  for (const p of ['spec', 'checker', 'checker/cli', 'checker/cli/main.ts', 'checker/cli/notes.md', 'models']) utimesSync(join(root, p), past, past);
  if (builtAt !== undefined) {
    mkdirSync(join(root, 'build'));
    writeFileSync(join(root, 'build', STAMP_FILE), String(builtAt));
  }
}

describe('buildState', () => {
  beforeEach(() => checkout(Date.now() - 1000));

  it('is current when nothing changed since the build began', () => {
    expect(buildState(root)).toBe('current');
  });

  it('is stale when a source file was written after the build began', () => {
    writeFileSync(join(root, 'checker/cli/main.ts'), 'export const x = 1;\n');
    expect(buildState(root)).toBe('stale');
  });

  it('is stale when a source file was added or removed (the folder changed)', () => {
    writeFileSync(join(root, 'models/new.ts'), 'export {};\n');
    expect(buildState(root)).toBe('stale');
    checkout(Date.now() - 1000);
    rmSync(join(root, 'checker/cli/main.ts'));
    expect(buildState(root)).toBe('stale');
  });

  it('ignores files that are not TypeScript sources being written', () => {
    writeFileSync(join(root, 'checker/cli/notes.md'), 'edited\n');
    expect(buildState(root)).toBe('current');
  });

  it('is stale when a source was written while the build ran (the stamp is the start time)', () => {
    checkout(past.getTime() - 1000);
    expect(buildState(root)).toBe('stale');
  });

  it('is missing without a finished build, and installed in a package without sources', () => {
    checkout(undefined);
    expect(buildState(root)).toBe('missing');
    checkout(Date.now() - 1000);
    for (const d of ['spec', 'checker', 'models']) rmSync(join(root, d), { recursive: true });
    expect(buildState(root)).toBe('installed');
  });
});
