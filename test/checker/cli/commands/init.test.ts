/**
 * `hmmcheck init [dir]` scaffolds a project (package.json, tsconfig.json, an example model and its
 * test, a README section), merges into an existing package.json, and never overwrites a file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaffoldManifest } from '../../../../checker/cli/commands/init';
import { PACKAGE_MANIFEST } from '../../../../checker/cli/packageRoot';
import { runCliAsync as runCli } from '../../../support/cliAsync';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-init-'));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('hmmcheck init', () => {
  it('scaffolds an empty folder (created if missing) and says what it wrote', async () => {
    const dir = join(tmp, 'fresh');
    const r = await runCli(['init', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      `created ${join(dir, 'package.json')} (type module, script check, script typecheck, script test, dependency hmmcheck, dev dependency typescript, dev dependency vitest)`,
      `created ${join(dir, 'tsconfig.json')}`,
      `created ${join(dir, 'models/example.ts')}`,
      `created ${join(dir, 'test/example.test.ts')}`,
      `created ${join(dir, 'README.md')}`,
      `next: cd ${dir} && npm install && npx hmmcheck check models/example.ts && npx vitest run`,
    ]);
    const manifest = JSON.parse(read(dir, 'package.json'));
    expect(manifest).toMatchObject({ name: 'fresh', type: 'module', dependencies: { hmmcheck: `^${PACKAGE_MANIFEST.version}` } });
    expect(Object.keys(manifest.devDependencies)).toEqual(['typescript', 'vitest']);
    expect(JSON.parse(read(dir, 'tsconfig.json')).compilerOptions).toMatchObject({ module: 'NodeNext', moduleResolution: 'NodeNext', strict: true });
    expect(read(dir, 'models/example.ts')).toContain("from 'hmmcheck/spec'");
    expect(read(dir, 'test/example.test.ts')).toContain("import { expectHolds, expectViolation } from 'hmmcheck/testing';");
    expect(read(dir, 'README.md')).toMatch(/^# fresh\n\n## Model checking with hmmcheck\n/);
  });

  it("merges into npm init's package.json and appends to an existing README", async () => {
    const dir = join(tmp, 'npm-init');
    mkdirSync(dir);
    const npmInit = { name: 'x', version: '1.0.0', main: 'index.js', scripts: { test: 'echo "Error: no test specified" && exit 1' }, type: 'commonjs', dependencies: { hmmcheck: 'file:../hmmcheck-0.1.0.tgz' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(npmInit));
    writeFileSync(join(dir, 'README.md'), '# x\n\nMine.\n');
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('updated package.json (type module (was commonjs), script check, script typecheck, script test, dev dependency typescript, dev dependency vitest)');
    expect(r.stdout).toContain('updated README.md (section "Model checking with hmmcheck")');
    expect(JSON.parse(read(dir, 'package.json'))).toMatchObject({ name: 'x', main: 'index.js', type: 'module', scripts: { test: 'vitest run' }, dependencies: { hmmcheck: 'file:../hmmcheck-0.1.0.tgz' } });
    expect(read(dir, 'README.md')).toMatch(/^# x\n\nMine\.\n\n## Model checking with hmmcheck\n/);
  });

  it('refuses to overwrite an existing file: one line naming it, exit 150, nothing written', async () => {
    const dir = join(tmp, 'taken');
    mkdirSync(join(dir, 'models'), { recursive: true });
    writeFileSync(join(dir, 'models/example.ts'), 'mine\n');
    const r = await runCli(['init', dir]);
    expect(r.code).toBe(150);
    expect(r.stderr).toBe(`hmmcheck: init: ${join(dir, 'models/example.ts')} already exists; init never overwrites a file (move it away or init another folder)\n`);
    expect(read(dir, 'models/example.ts')).toBe('mine\n');
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
    expect(existsSync(join(dir, 'tsconfig.json'))).toBe(false);
  });
});

describe('scaffoldManifest', () => {
  it('keeps what is there: scripts, versions, a type module', () => {
    const { manifest, changes } = scaffoldManifest({ type: 'module', scripts: { test: 'jest', check: 'mine' }, devDependencies: { hmmcheck: '1.0.0', typescript: '5.9.0', vitest: '2.0.0' } }, 'p');
    expect(changes).toEqual(['script typecheck']);
    expect(manifest).toEqual({ type: 'module', scripts: { test: 'jest', check: 'mine', typecheck: 'tsc --noEmit' }, devDependencies: { hmmcheck: '1.0.0', typescript: '5.9.0', vitest: '2.0.0' } });
  });
});
