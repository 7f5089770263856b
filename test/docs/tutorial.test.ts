/**
 * Runs docs/tutorial.md as a user would, in a fresh project folder: writes every `file=PATH` block,
 * runs every command of every `sh` block in order (`npx hmmcheck` is this checkout's bin), and
 * checks each command's exit code (`# exit N` in its comment, else 0) and that the `text` block
 * after it shows lines of its real output, in order (a shown line may stop short of the real one).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildState, runsBuild } from '../../bin/buildState.mjs';
import { fencedBlocks, type FencedBlock } from '../support/markdown';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tutorial = fencedBlocks(readFileSync(join(root, 'docs/tutorial.md'), 'utf8'));

/** A command of a `sh` block, its stated exit code, and the `text` block showing its output (if any). */
interface Command {
  readonly line: string;
  readonly exit: number;
  readonly shown?: string;
}

/** The tutorial as an ordered script: files to write and commands to run. */
type Item = { readonly write: FencedBlock } | { readonly run: Command };

function script(blocks: readonly FencedBlock[]): Item[] {
  const items: Item[] = [];
  blocks.forEach((b, i) => {
    if (b.file) items.push({ write: b });
    if (b.lang !== 'sh') return;
    const lines = b.body.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const next = blocks[i + 1];
    lines.forEach((l, j) => {
      const [cmd, comment = ''] = l.split(/\s+#\s/, 2);
      const exit = Number(/\bexit (\d+)/.exec(comment)?.[1] ?? 0);
      // The output block after a sh block belongs to its last command.
      const shown = j === lines.length - 1 && next?.lang === 'text' ? next.body : undefined;
      items.push({ run: { line: cmd!.trim(), exit, ...(shown !== undefined ? { shown } : {}) } });
    });
  });
  return items;
}

const items = script(tutorial);
const commands = items.flatMap((x) => ('run' in x ? [x.run] : []));

/** The tutorial's `npx` commands as this checkout runs them (no registry, no network). */
function argvOf(line: string): string[] {
  const words = line.split(/\s+/);
  if (words[0] !== 'npx') throw new Error(`the tutorial runs only npx commands; add a mapping for: ${line}`);
  if (words[1] === 'hmmcheck') return [process.execPath, join(root, 'bin/hmmcheck.mjs'), ...words.slice(2)];
  if (words[1] === 'vitest') return [process.execPath, join(root, 'node_modules/vitest/vitest.mjs'), ...words.slice(2)];
  throw new Error(`no mapping for npx ${words[1]}: ${line}`);
}

/**
 * Runs a command to its end without blocking this worker (a blocked worker cannot answer vitest's
 * RPC, which fails the run under load): exit code, and stdout then stderr.
 */
function run(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, timeout: 50_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: `${stdout}${stderr}` }));
  });
}

/** Fails unless every non-blank shown line starts a line of `output` (indentation aside), in the order shown. */
function expectShown(output: string, shown: string, cmd: string): void {
  // Colour codes dropped, should a tool print them anyway.
  const got = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim());
  let at = 0;
  for (const want of shown.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const found = got.findIndex((l, i) => i >= at && l.startsWith(want));
    if (found < 0) throw new Error(`$ ${cmd}\ndid not print (in this order):\n  ${want}\nbut printed:\n${output}`);
    at = found + 1;
  }
}

/**
 * The package's exports map, pointed at build/ where the CLI runs it (runsBuild, as bin/hmmcheck.mjs
 * decides: then loading is as fast as a user's), else at the TypeScript sources: this test checks
 * the tutorial against the sources as they are, whatever the state of the build (installing the
 * built package is test/e2e's business). A subpath the package does not export fails here too.
 */
function sourceExports(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: Record<string, string | { default?: string }> };
  const current = runsBuild(buildState(root), process.env.HMMCHECK_FROM_SOURCES);
  const out: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const built = /^\.\/build\/(.*)\.js$/.exec(typeof target === 'string' ? target : (target.default ?? ''));
    if (built) out[subpath] = current ? `./src/build/${built[1]}.js` : `./src/${built[1]}.ts`;
  }
  return out;
}

// A user's project: package.json with "type": "module", hmmcheck and vitest installed, without the
// network: hmmcheck is this checkout (under src/) with its exports map, vitest a link to ours.
const project = mkdtempSync(join(tmpdir(), 'hmmcheck-tutorial-'));
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-driver', private: true, type: 'module' }, null, 2));
mkdirSync(join(project, 'node_modules/hmmcheck'), { recursive: true });
symlinkSync(root, join(project, 'node_modules/hmmcheck/src'), 'dir');
writeFileSync(join(project, 'node_modules/hmmcheck/package.json'), JSON.stringify({ name: 'hmmcheck', type: 'module', exports: sourceExports() }));
symlinkSync(join(root, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
afterAll(() => rmSync(project, { recursive: true, force: true }));

// The nested vitest must not think it is a worker of this one. The CLI runs build/ while it matches
// the sources, else the sources (bin/hmmcheck.mjs), as the exports map above does.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));

describe('docs/tutorial.md, every command in a fresh project', () => {
  it('has the steps the tutorial promises: init, check, --out, view --text, view -o, --save, regress, nightly', () => {
    const lines = commands.map((c) => c.line);
    for (const want of ['init .', 'check models/driver.ts --typecheck', '--out trace.json', 'view trace.json --spec models/driver.ts --text', '-o trace.html', '--save', 'hmmcheck regress', 'hmmcheck nightly']) {
      expect(lines.some((l) => l.includes(want)), want).toBe(true);
    }
  });

  for (const item of items) {
    if ('write' in item) {
      it(`writes ${item.write.file}`, () => {
        const path = join(project, item.write.file!);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, item.write.body);
      });
      continue;
    }
    const cmd = item.run;
    it(`$ ${cmd.line}  (exit ${cmd.exit})`, async () => {
      const { code, output } = await run(argvOf(cmd.line), project, { ...env, FORCE_COLOR: '0', NO_COLOR: '1' });
      expect(code, `$ ${cmd.line}\n${output}`).toBe(cmd.exit);
      if (cmd.shown !== undefined) expectShown(output, cmd.shown, cmd.line);
    });
  }

  it('left the files the tutorial says it writes', () => {
    expect(readFileSync(join(project, 'trace.html'), 'utf8')).toContain('RefcountSane');
    expect(JSON.parse(readFileSync(join(project, 'results/corpus/driver--fixed.json'), 'utf8'))).toMatchObject({ model: 'models/driver.ts', expect: { verdict: 'holds', distinct: 15 } });
    expect(existsSync(join(project, 'results/corpus/driver--get-outside-lock.itf.json'))).toBe(true);
    const nightly = readdirSync(join(project, 'results/nightly'));
    expect(nightly.filter((f) => /^\d{4}-\d{2}-\d{2}\.(json|md)$/.test(f))).toHaveLength(2);
  });

  it('the CI job runs commands the tutorial ran (besides npm ci)', () => {
    const ci = tutorial.find((b) => b.file === '.github/workflows/nightly.yml')!;
    const runs = [...ci.body.matchAll(/^\s*- run: (.*)$/gm)].map((m) => m[1]!.trim()).filter((c) => c !== 'npm ci');
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect(commands.map((c) => c.line)).toContain(r);
  });
});
