/** `hmmcheck/...` names the running package's files, as Node and TypeScript read its "exports". */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportedFile, exportPaths, sourceOf } from '../../../../checker/cli/specLoading/packageExports';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const exports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports;

describe('exportedFile', () => {
  it.each([
    ['hmmcheck', 'build/spec/index.js'],
    ['hmmcheck/spec', 'build/spec/index.js'],
    ['hmmcheck/spec/builder', 'build/spec/builder.js'],
    ['hmmcheck/spec/kernel', 'build/spec/kernel/index.js'],
    ['hmmcheck/spec/kernel/mutex', 'build/spec/kernel/mutex.js'],
    ['hmmcheck/testing', 'build/checker/testing.js'],
    ['hmmcheck/checker/testing', 'build/checker/testing.js'],
    ['hmmcheck/models', 'build/models/index.js'],
  ])('%s is %s (exact keys before patterns, the longest pattern first)', (specifier, file) => {
    expect(exportedFile(root, exports, specifier, 'default', false)).toBe(join(root, file));
  });

  it('names declarations for types, and the TypeScript sources when the CLI runs from them', () => {
    expect(exportedFile(root, exports, 'hmmcheck/spec/kernel/mutex', 'types', false)).toBe(join(root, 'build/spec/kernel/mutex.d.ts'));
    expect(exportedFile(root, exports, 'hmmcheck/spec/kernel/mutex', 'default', true)).toBe(join(root, 'spec/kernel/mutex.ts'));
    expect(sourceOf('./build/checker/testing.d.ts')).toBe('./checker/testing.ts');
  });

  it('leaves other packages and unexported subpaths alone', () => {
    expect(exportedFile(root, exports, 'immer', 'default', false)).toBeUndefined();
    expect(exportedFile(root, exports, 'hmmcheckx', 'default', false)).toBeUndefined();
    expect(exportedFile(root, exports, 'hmmcheck/checker/engine/bfs', 'default', false)).toBeUndefined();
  });
});

describe('exportPaths', () => {
  it('maps every export with declarations to a TypeScript path', () => {
    const paths = exportPaths(root, exports, false);
    expect(paths['hmmcheck']).toEqual([join(root, 'build/spec/index.d.ts')]);
    expect(paths['hmmcheck/spec/*']).toEqual([join(root, 'build/spec/*.d.ts')]);
    expect(paths['hmmcheck/testing']).toEqual([join(root, 'build/checker/testing.d.ts')]);
    expect(paths['hmmcheck/package.json']).toBeUndefined();
  });
});
