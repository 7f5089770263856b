/** A spec file is transpiled once per content: the second load reads the cache, esbuild does nothing. */
import { existsSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specCacheDir } from '../../../../checker/cli/specLoading/cacheDir';
import { CACHE_MAX_AGE_MS, cacheFile, transpileCached } from '../../../../checker/cli/specLoading/transpileCache';

describe('transpileCached', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-tcache-'));
  const path = '/project/models/m.ts';
  const source = 'const n: number = 1;\nexport default n;\n';

  it('transpiles the first time and writes the result under the content hash', () => {
    const code = transpileCached(path, source, dir);
    expect(code).toContain('const n = 1;');
    expect(code).not.toContain(': number');
    expect(existsSync(cacheFile(dir, path, source))).toBe(true);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('returns the cached text the second time, without transpiling', () => {
    writeFileSync(cacheFile(dir, path, source), 'export default "from the cache";\n');
    expect(transpileCached(path, source, dir)).toBe('export default "from the cache";\n');
  });

  it('keys by path and text: an edit or another file transpiles afresh', () => {
    expect(cacheFile(dir, path, `${source} `)).not.toBe(cacheFile(dir, path, source));
    expect(cacheFile(dir, '/project/models/other.ts', source)).not.toBe(cacheFile(dir, path, source));
    expect(transpileCached(path, `${source}// edited\n`, dir)).toContain('const n = 1;');
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('reports a syntax error with file:line:column, and caches nothing', () => {
    expect(() => transpileCached('/project/bad.ts', 'export default {\n  b: (2;\n};\n', dir)).toThrow(/\/project\/bad\.ts:2:7: ERROR: Expected "\)" but found ";"/);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('runs uncached when the cache folder cannot be written', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(transpileCached(path, source, join(file, 'below'))).toContain('const n = 1;');
  });

  it('lives in $HMMCHECK_CACHE_DIR, else under $XDG_CACHE_HOME or ~/.cache', () => {
    expect(specCacheDir({ HMMCHECK_CACHE_DIR: '/c' })).toBe('/c');
    expect(specCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/hmmcheck/specs');
  });
});

describe('the transpile cache over time', () => {
  it('a hit keeps an entry fresh; a new entry removes those unused for 30 days', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-tcache-age-'));
    const old = new Date(Date.now() - CACHE_MAX_AGE_MS - 60_000);
    const used = cacheFile(dir, '/p/used.ts', 'export default 1;\n');
    const unused = cacheFile(dir, '/p/unused.ts', 'export default 2;\n');
    for (const f of [used, unused]) writeFileSync(f, 'export default 0;\n');
    writeFileSync(join(dir, 'stray.mjs.123.tmp'), '');
    writeFileSync(join(dir, 'notes.txt'), '');
    for (const f of [used, unused, join(dir, 'stray.mjs.123.tmp'), join(dir, 'notes.txt')]) utimesSync(f, old, old);
    expect(transpileCached('/p/used.ts', 'export default 1;\n', dir)).toBe('export default 0;\n');
    expect(statSync(used).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    transpileCached('/p/new.ts', 'export default 3;\n', dir);
    expect(readdirSync(dir).sort()).toEqual([cacheFile(dir, '/p/new.ts', 'export default 3;\n'), used].map((f) => f.slice(dir.length + 1)).concat('notes.txt').sort());
  });
});
