/**
 * A user's spec file loads from any folder, package.json beside it or not (.ts, .mts, .js):
 * `hmmcheck/...` names the running package, relative imports may omit the extension or name `.js`
 * for a `.ts` file; a syntax error is one line with file:line:column (exit 150); a spec is
 * transpiled once and then read from the cache; `--typecheck` reports a type error as
 * file:line:column (exit 150).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFile } from '../../../../checker/cli/specLoading/transpileCache';
import { runCliAsync as runCli } from '../../../support/cliAsync';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-specfiles-'));
const cacheDir = join(tmp, 'cache');
const env = { HMMCHECK_CACHE_DIR: cacheDir };

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

/** A counter spec whose invariant `x <= bound` breaks after bound+1 increments (it holds for bound 4). */
const counterSpec = (imports: string, bound: string) => `${imports}
export default spec({ x: t.int(0, 4) })
  .init(() => ({ x: 0 }))
  .action('Inc', {}, { guard: (s) => s.x < 4, effect: (d) => void d.x++ })
  .invariant('Small', (s) => s.x <= ${bound})
  .checkDeadlock(false)
  .build();
`;

/** A folder with no package.json (and none above it: tmpdir has none). */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

describe('a spec file in a folder with no package.json', () => {
  const dir = folder('plain', {
    'spec.ts': counterSpec("import { spec, t } from 'hmmcheck/spec';\nimport { bound } from './bound.js';", 'bound'),
    'bound.ts': "import { two } from './two';\nexport const bound: number = two;\n",
    'two.ts': 'export const two: number = 2;\n',
  });
  // Apart: from the sources (a stale build), tsx resolves spec.js to a spec.ts beside it.
  folder('plain/mts', { 'spec.mts': counterSpec("import { spec } from 'hmmcheck/spec/builder';\nimport { t } from 'hmmcheck/spec/types';", '1') });
  folder('plain/js', { 'spec.js': counterSpec("import { spec, t } from 'hmmcheck';", '3') });

  it.each([
    ['spec.ts', 3],
    ['mts/spec.mts', 2],
    ['js/spec.js', 4],
  ])('%s loads, imports hmmcheck and its neighbours, and is checked (violation after %i steps)', async (file, steps) => {
    const r = await runCli(['check', join(dir, file), '--workers', '1'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: invariant Small is violated.');
    expect(r.stdout).toContain(`Counterexample (${steps} steps):`);
  });

  it('a syntax error is one line naming file:line:column and the compiler message (exit 150)', async () => {
    const bad = folder('syntax', { 'bad.ts': 'export default {\n  a: 1,\n  b: (2;\n};\n' });
    const r = await runCli(['check', join(bad, 'bad.ts')], { env });
    expect(r.code).toBe(150);
    expect(oneLine(r.stderr)).toBe(`hmmcheck: cannot load spec module ${join(bad, 'bad.ts')}: ${join(bad, 'bad.ts')}:3:8: Expected ")" but found ";"`);
  });
});

describe('the transpile cache', () => {
  it('transpiles a spec once: the second run reads the cache (a doctored entry is what runs)', async () => {
    const own = join(tmp, 'own-cache');
    const dir = folder('cached', { 'spec.ts': counterSpec("import { spec, t } from 'hmmcheck/spec';", '2') });
    const path = join(dir, 'spec.ts');
    const first = await runCli(['check', path, '--workers', '1'], { env: { HMMCHECK_CACHE_DIR: own } });
    expect(first.code).toBe(12);
    expect(first.stdout).toContain('Counterexample (3 steps):');
    const entry = cacheFile(own, path, readFileSync(path, 'utf8'));
    expect(readdirSync(own)).toContain(entry.slice(own.length + 1));
    // Were the spec transpiled again, the doctored entry would be overwritten, not run.
    writeFileSync(entry, readFileSync(entry, 'utf8').replace('s.x <= 2', 's.x <= 4'));
    const second = await runCli(['check', path, '--workers', '1'], { env: { HMMCHECK_CACHE_DIR: own } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No error has been found: every property holds.');
  });
});

describe('--typecheck', () => {
  const dir = folder('typed', {
    'good.ts': counterSpec("import { spec, t } from 'hmmcheck/spec';", '4'),
    'wrong.ts': counterSpec("import { spec, t } from 'hmmcheck/spec';\nconst label: number = 'two';\nvoid label;", '4').replace("'Inc', {}", "'Inc', { n: [1, 2] }"),
  });

  it('a spec that type-checks runs as usual', async () => {
    const r = await runCli(['check', 'good.ts', '--typecheck', '--workers', '1'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a type error is one line with file:line:column and the compiler message, before anything runs (exit 150)', async () => {
    const check = await runCli(['check', 'wrong.ts', '--typecheck'], { cwd: dir, env });
    expect(check.code).toBe(150);
    expect(oneLine(check.stderr)).toBe("hmmcheck: wrong.ts:2:7: error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(check.stdout).toBe('');
    const lint = await runCli(['lint', 'wrong.ts', '--typecheck'], { cwd: dir, env });
    expect(lint.code).toBe(150);
    expect(oneLine(lint.stderr)).toBe("hmmcheck: wrong.ts:2:7: error TS2322: Type 'string' is not assignable to type 'number'.");
  });

  it('without --typecheck the same spec runs: types are stripped, not checked', async () => {
    expect((await runCli(['check', 'wrong.ts', '--workers', '1'], { cwd: dir, env })).code).toBe(0);
  });

  it('is refused for a registry model', async () => {
    const r = await runCli(['check', 'reference/twophase', '--typecheck']);
    expect(r.code).toBe(150);
    expect(oneLine(r.stderr)).toBe("hmmcheck: --typecheck checks a spec module given by path; 'reference/twophase' is a registry model (type-checked when hmmcheck is built)");
  });
});
