/**
 * The package build (`npm run build`, also the `prepare` step of `npm ci`, `npm pack` and git
 * installs): esbuild bundles the CLI, its worker threads and the library entry points into build/
 * (start-up in a fraction of a second, no TypeScript at run time), and tsc writes the declarations
 * that users' compilers read. Type errors are `npm test`'s concern, not the build's.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE } from '../bin/buildState.mjs';
import { rewriteTree } from './rewriteSpecifiers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const started = Date.now();
const out = join(root, 'build');
const next = `${out}.next-${process.pid}`;

const tsFiles = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );

// Each library module users may import (package.json "exports"), the CLI, the module hooks that
// load users' spec files, and every worker thread's entry.
const entryPoints = [
  ...tsFiles('spec'),
  'models/index.ts',
  'checker/testing.ts',
  'checker/cli/main.ts',
  'checker/cli/specLoading/hooks.ts',
  ...tsFiles('checker/engine').filter((f) => f.endsWith('Worker.ts')),
].map((f) => join(root, f));

function fail(msg) {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write(`build: ${msg}\n`);
  process.exit(1);
}

rmSync(next, { recursive: true, force: true });
try {
  await build({
    entryPoints,
    outdir: next,
    outbase: root,
    bundle: true,
    // One copy of every module shared by the entry points: a user's spec importing
    // 'hmmcheck/spec/builder' and the CLI see the same classes.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies load from node_modules, except yargs: bundled, it starts ~40 ms sooner (its
    // locale files are not found then, so messages are always English).
    external: Object.keys(manifest.dependencies ?? {}).filter((d) => d !== 'yargs'),
    // Shared chunks sit beside the worker entries: checker/engine/workerBoot.ts starts a worker as
    // `./<name>.js` relative to its own module.
    chunkNames: 'checker/engine/chunk-[hash]',
    // Error classes travel between threads by constructor name (workerBoot.ts).
    keepNames: true,
    logLevel: 'warning',
  });
} catch (e) {
  fail(`esbuild failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
}

const tscPackage = createRequire(import.meta.url).resolve('typescript/package.json');
const tsc = spawnSync(process.execPath, [join(dirname(tscPackage), 'bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { stdio: 'inherit' });
if (tsc.status !== 0) fail(`tsc could not write the declarations (exit ${tsc.status})`);
rewriteTree(next);
writeFileSync(join(next, STAMP_FILE), String(started));

/** Whether two build folders hold the same files with the same bytes, the stamp aside. */
function sameTree(a, b) {
  const list = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name !== STAMP_FILE).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length));
  const files = list(a);
  const other = new Set(list(b));
  return files.length === other.size && files.every((f) => other.has(f) && readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

const unchanged = existsSync(out) && sameTree(next, out);
if (unchanged) {
  // Unchanged (say `npm pack` while tests run the CLI): only the stamp moves, no file disappears.
  renameSync(join(next, STAMP_FILE), join(out, STAMP_FILE));
  rmSync(next, { recursive: true, force: true });
} else {
  // Swap in whole, so a CLI starting meanwhile sees the old build, none (and runs the sources), or the new one.
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(next, out);
  rmSync(old, { recursive: true, force: true });
}
process.stdout.write(`build: ${entryPoints.length} entry points into build/${unchanged ? ' (unchanged)' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
