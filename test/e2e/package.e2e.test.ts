/**
 * The package as a user gets it (issue #17, Must show 1): in a fresh folder outside the checkout,
 * `npm pack` the checkout (its prepare step builds), `npm init -y`, install the tarball,
 * `npx hmmcheck init .`, then `npx hmmcheck check models/example.ts`, `npx tsc --noEmit` and
 * `npx vitest run` pass, and the strictest compiler flags find nothing in hmmcheck's declarations.
 * The install prefers npm's local cache (--prefer-offline; the registry is asked only for metadata
 * the cache lacks). typescript and vitest, the scaffold's dev dependencies, are linked from the
 * checkout's node_modules instead of installed: installing vitest's tree takes longer than the
 * rest of the test together.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The environment without this vitest run's own variables, so the project's vitest starts afresh. */
const env = Object.fromEntries(
  Object.entries({ ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }).filter(
    ([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV' && k !== 'HMMCHECK_BIN',
  ),
);

/** Runs a command to its end without blocking this worker (vitest must hear from it meanwhile). */
function run(cmd: string, args: readonly string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, timeout: 180_000 });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out: out.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

describe('the packed package in a project of its own', () => {
  it('installs, scaffolds with init, and its example checks, type-checks and tests', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-package-'));
    const pack = await run('npm', ['pack', '--pack-destination', tmp], root);
    expect(pack.code, pack.out).toBe(0);
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'))!;
    expect(tarball).toMatch(/^hmmcheck-\d+\.\d+\.\d+\.tgz$/);

    const listing = (await run('tar', ['tzf', join(tmp, tarball)], tmp)).out.trim().split('\n');
    expect(listing).toContain('package/build/checker/cli/main.js');
    expect(listing).toContain('package/build/spec/builder.d.ts');
    expect(listing).toContain('package/templates/init/models/example.ts');
    // No tests, corpus or TypeScript sources: only the build, the bin, the templates and the docs.
    expect(listing.filter((f) => !/^package\/(build|templates)\//.test(f) && !/^package\/(package\.json|README\.md|bin\/[\w.]+)$/.test(f))).toEqual([]);

    const project = join(tmp, 'project');
    mkdirSync(project);
    expect((await run('npm', ['init', '-y'], project)).code).toBe(0);
    const install = await run('npm', ['install', join(tmp, tarball), '--prefer-offline', '--no-audit', '--no-fund'], project);
    expect(install.code, install.out).toBe(0);

    const init = await run('npx', ['hmmcheck', 'init', '.'], project);
    expect(init.code, init.out).toBe(0);
    expect(init.out).toContain('created models/example.ts');
    for (const [pkg, bin] of [
      ['typescript', 'bin/tsc'],
      ['vitest', 'vitest.mjs'],
    ] as const) {
      symlinkSync(join(root, 'node_modules', pkg), join(project, 'node_modules', pkg));
      symlinkSync(join('..', pkg, bin), join(project, 'node_modules/.bin', pkg === 'typescript' ? 'tsc' : pkg));
    }

    const holds = await run('npx', ['hmmcheck', 'check', 'models/example.ts'], project);
    expect(holds.code, holds.out).toBe(0);
    expect(holds.out).toContain('No error has been found: every property holds.');
    expect(holds.out).toContain('17 states generated, 17 distinct states found');
    const bug = await run('npx', ['hmmcheck', 'check', 'models/example.ts', '--variant', 'lost-update', '--typecheck'], project);
    expect(bug.code, bug.out).toBe(12);
    expect(bug.out).toContain('Error: invariant NoLostUpdate is violated.');

    const tsc = await run('npx', ['tsc', '--noEmit'], project);
    expect(tsc.code, tsc.out).toBe(0);
    // Under the strictest flags, with declarations checked too, nothing of hmmcheck's is an error
    // (vitest's own declarations are, without @types/node: not ours to fix).
    writeFileSync(join(project, 'tsconfig.strictest.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, types: [] } }));
    const strictest = await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.strictest.json'], project);
    expect(strictest.out.split('\n').filter((l) => /^(models|test)\/|node_modules\/hmmcheck\//.test(l))).toEqual([]);
    const vitest = await run('npx', ['vitest', 'run'], project);
    expect(vitest.code, vitest.out).toBe(0);
    expect(vitest.out).toMatch(/Tests\s+2 passed \(2\)/);
  }, 300_000);
});
