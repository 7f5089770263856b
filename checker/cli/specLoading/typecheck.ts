/**
 * `check --typecheck` / `lint --typecheck`: type-checks a user's spec file (and what it imports)
 * with the TypeScript compiler before it runs, against the declarations of the hmmcheck package
 * that is running, under the user's tsconfig.json when there is one above the spec, else strict
 * defaults. Transpiling alone (esbuild) strips types unchecked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../engine/errors';
import { looksLikePath } from '../modelArgument';
import { FROM_SOURCES, PACKAGE_MANIFEST, PACKAGE_ROOT } from '../packageRoot';
import { exportPaths } from './packageExports';

/** Options when no tsconfig.json is above the spec: how the CLI loads a spec (ES module, bundler-style imports), strict. */
const DEFAULT_OPTIONS = {
  strict: true,
  target: 'es2022',
  module: 'preserve',
  moduleResolution: 'bundler',
  allowImportingTsExtensions: true,
  lib: ['es2023'],
};

/** Each folder from `dir` up to the filesystem root. */
function upwards(dir: string): string[] {
  const dirs = [dir];
  while (dirname(dirs.at(-1)!) !== dirs.at(-1)) dirs.push(dirname(dirs.at(-1)!));
  return dirs;
}

/** The TypeScript compiler's entry: the user's (beside the spec), else the one hmmcheck was built with. */
function tscEntry(specDir: string): string {
  for (const from of [join(specDir, 'noop.js'), join(PACKAGE_ROOT, 'package.json')]) {
    try {
      const manifestPath = createRequire(from).resolve('typescript/package.json');
      const bin = JSON.parse(readFileSync(manifestPath, 'utf8')).bin;
      return join(dirname(manifestPath), typeof bin === 'string' ? bin : bin.tsc);
    } catch {
      // not installed there
    }
  }
  throw new UsageError('--typecheck needs the TypeScript compiler: npm install --save-dev typescript');
}

/** One diagnostic of `tsc --pretty false` ("file(line,col): error TS1234: message") as file:line:column. */
export function diagnosticLine(line: string): string | undefined {
  const m = /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
  if (m) return `${m[1]}:${m[2]}:${m[3]}: error ${m[4]}: ${m[5]}`;
  return /\berror TS\d+:/.test(line) ? line.trim() : undefined;
}

/**
 * Throws a UsageError (exit 150) with the first type error as `file:line:column: error TSnnnn:
 * message` and the number of others; returns when the spec type-checks.
 */
export function typecheckSpec(arg: string): void {
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(`spec module not found: ${arg}`);
  const specDir = dirname(path);
  const userConfig = upwards(specDir).map((d) => join(d, 'tsconfig.json')).find(existsSync);
  const typeRoots = [...new Set([...upwards(specDir), ...(userConfig ? upwards(dirname(userConfig)) : []), PACKAGE_ROOT])]
    .map((d) => join(d, 'node_modules', '@types'))
    .filter(existsSync);
  // 'hmmcheck/...' means the running package wherever the spec is, as when it runs (hooks.ts);
  // its declarations, not its sources, so the user's flags never check hmmcheck's code.
  const built = existsSync(join(PACKAGE_ROOT, 'build', 'spec', 'index.d.ts'));
  const config = {
    ...(userConfig ? { extends: userConfig } : {}),
    compilerOptions: {
      ...(userConfig ? {} : DEFAULT_OPTIONS),
      noEmit: true,
      emitDeclarationOnly: false,
      incremental: false,
      composite: false,
      skipLibCheck: true,
      typeRoots,
      paths: exportPaths(PACKAGE_ROOT, PACKAGE_MANIFEST.exports, FROM_SOURCES && !built),
    },
    files: [path],
    include: [],
  };
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-typecheck-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const r = spawnSync(process.execPath, [tscEntry(specDir), '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return;
    const errors = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').map(diagnosticLine).filter((l) => l !== undefined);
    if (errors.length === 0) throw new UsageError(`--typecheck: the TypeScript compiler failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().split('\n')[0]}`);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more type error${errors.length > 2 ? 's' : ''})` : '';
    throw new UsageError(`${errors[0]}${more}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--typecheck`'s help text (check, lint). */
export const TYPECHECK_DESCRIBE = 'type-check the spec module (and what it imports) with the TypeScript compiler first; a type error is reported as file:line:column (exit 150)';

/** `--typecheck` of a command's model argument: only a spec module given by path can be type-checked. */
export function typecheckModelArg(model: string | undefined): void {
  if (model === undefined || !looksLikePath(model)) {
    throw new UsageError(`--typecheck checks a spec module given by path${model === undefined ? '' : `; '${model}' is a registry model (type-checked when hmmcheck is built)`}`);
  }
  typecheckSpec(model);
}
