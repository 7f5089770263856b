import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEAVY_FILES } from './heavyFirstSequencer';

describe('the heavy-first order of the test files', () => {
  it('names only test files that exist, each once (rename a file and its entry goes with it)', () => {
    expect(HEAVY_FILES.filter((f) => !existsSync(f) || !f.endsWith('.test.ts'))).toEqual([]);
    expect(new Set(HEAVY_FILES).size).toBe(HEAVY_FILES.length);
  });
});
