/**
 * The trust boundary (checker/cli/trustBoundary.ts), through the real CLI: a trace file, corpus
 * entry or nightly job naming a spec module that writes a marker file when loaded never causes it
 * to be loaded; the command refuses with one line and exit 150, and the marker does not exist.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'hmmcheck-trust-')));
const marker = join(tmp, 'MARKER');
const payload = (ext: string) => resolve(`test/fixtures/trust/payload.${ext}`);

/** Exactly one line on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

/** A well-formed trace whose metadata names `meta` (model / modelPath). */
function craftedTrace(name: string, meta: Record<string, string>): string {
  const file = join(tmp, name);
  const hmmcheck = { variant: 'fixed', constants: {}, property: 'Inv', propertyKind: 'invariant', strategy: 'bfs', version: '0.1.0', ...meta };
  writeFileSync(file, JSON.stringify({ '#meta': { format: 'ITF', hmmcheck }, vars: ['x'], states: [{ '#meta': { index: 0, action: 'init' }, x: 0 }] }));
  return file;
}

beforeEach(() => {
  process.env.HMMCHECK_TRUST_MARKER = marker;
  rmSync(marker, { force: true });
});
afterEach(() => {
  delete process.env.HMMCHECK_TRUST_MARKER;
});

describe('a trace file never loads code', () => {
  it('the payload fixtures do write the marker when loaded as a spec on purpose (so the tests below can fail)', () => {
    for (const ext of ['ts', 'mjs', 'js']) {
      rmSync(marker, { force: true });
      const r = runCli(['check', payload(ext)]);
      expect(r.code).toBe(150); // it exports no model
      expect(existsSync(marker), ext).toBe(true);
    }
  });

  const cases = [
    ...['ts', 'mjs', 'js'].map((ext) => ['modelPath', ext, { model: 'mine', modelPath: payload(ext) }] as const),
    ['model', 'mjs', { model: payload('mjs') }] as const,
  ];
  for (const [field, ext, meta] of cases) {
    it(`replay, view and view --text refuse a trace whose ${field} names a .${ext} file`, () => {
      const t = craftedTrace(`t-${ext}-${field}.json`, meta);
      for (const args of [['replay', t], ['view', t], ['view', t, '--text']]) {
        const r = runCli(args);
        expect(r.code, args.join(' ')).toBe(150);
        expect(oneLine(r.stderr)).toBe(
          `hmmcheck: trace ${t} was recorded from the spec module ${JSON.stringify(payload(ext))}; a trace never loads code: pass the spec module yourself with --spec FILE`,
        );
        expect(existsSync(marker), args.join(' ')).toBe(false);
      }
    });
  }

  it('a registry name that is not registered is an unknown model, not a file', () => {
    const t = craftedTrace('t-unknown.json', { model: 'hmm/payload' });
    const r = runCli(['replay', t]);
    expect(r.code).toBe(150);
    expect(oneLine(r.stderr)).toMatch(/^hmmcheck: unknown model 'hmm\/payload'; valid: /);
  });

  it("a trace of the user's own spec replays with --spec naming the same module, and only then", () => {
    const out = join(tmp, 'jugs.json');
    expect(runCli(['check', 'test/fixtures/jugs.ts', '--out', out, '--workers', '1']).code).toBe(12);
    const ok = runCli(['replay', out, '--spec', './test/fixtures/jugs.ts', '--quiet']);
    expect(ok.code).toBe(12);
    expect(ok.stdout).toContain('Reproduced: invariant NotSolved is violated at the last state.');
    expect(runCli(['view', out, '--spec', 'test/fixtures/jugs.ts', '--text']).code).toBe(0);

    const wrong = runCli(['replay', out, '--spec', 'test/fixtures/readmeMutex.ts']);
    expect(wrong.code).toBe(150);
    expect(oneLine(wrong.stderr)).toBe(
      `hmmcheck: --spec test/fixtures/readmeMutex.ts (${resolve('test/fixtures/readmeMutex.ts')}) is not the spec module trace ${out} was recorded from ("test/fixtures/jugs.ts", ${resolve('test/fixtures/jugs.ts')})`,
    );
    const registryTrace = join(tmp, 'tp.json');
    expect(runCli(['check', 'reference/diehard', '--out', registryTrace, '--workers', '1']).code).toBe(12);
    const extra = runCli(['replay', registryTrace, '--spec', payload('mjs')]);
    expect(extra.code).toBe(150);
    expect(oneLine(extra.stderr)).toBe(`hmmcheck: trace ${registryTrace} names the registry model 'reference/diehard'; --spec is only for traces of a spec module`);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('code-equivalent project files name spec modules inside the project only', () => {
  /** A project folder (the cwd of the run) with a corpus, and a folder beside it holding the payload. */
  function project(name: string): { root: string; outsidePayload: string } {
    const root = join(tmp, name, 'project');
    const outside = join(tmp, name, 'outside');
    mkdirSync(join(root, 'results', 'corpus'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    const outsidePayload = join(outside, 'payload.mjs');
    copyFileSync(payload('mjs'), outsidePayload);
    return { root, outsidePayload };
  }

  const entry = (model: string) => JSON.stringify({ model, variant: 'fixed', constants: {}, strategy: 'bfs', expect: { verdict: 'holds', distinct: 1, generated: 1 } });

  it('regress refuses a corpus entry naming a module outside the project: by relative path, absolute path or symlink', () => {
    const { root, outsidePayload } = project('corpus');
    const corpus = join(root, 'results', 'corpus');
    symlinkSync(outsidePayload, join(root, 'inside-link.mjs'));
    for (const [model, shown] of [
      ['../outside/payload.mjs', '"../outside/payload.mjs"'],
      [outsidePayload, JSON.stringify(outsidePayload)],
      ['./inside-link.mjs', '"./inside-link.mjs"'],
    ]) {
      writeFileSync(join(corpus, 'evil.json'), entry(model!));
      const r = runCli(['regress'], { cwd: root });
      expect(r.code, model).toBe(150);
      expect(oneLine(r.stderr)).toBe(`hmmcheck: corpus entry evil names the spec module ${shown} (${outsidePayload}), outside the project ${root}; project files may name spec modules inside the project only`);
      expect(existsSync(marker), model).toBe(false);
    }
  });

  it('nightly refuses a job naming a module outside the project before any job runs', () => {
    const { root, outsidePayload } = project('nightly');
    const jobs = join(root, 'jobs.json');
    writeFileSync(jobs, JSON.stringify({ jobs: [{ name: 'fine', model: 'reference/twophase' }, { name: 'evil', model: outsidePayload }] }));
    const r = runCli(['nightly', '--jobs', 'jobs.json', '--out', 'out'], { cwd: root });
    expect(r.code).toBe(150);
    expect(oneLine(r.stderr)).toBe(`hmmcheck: jobs.json: job evil names the spec module ${JSON.stringify(outsidePayload)} (${outsidePayload}), outside the project ${root}; project files may name spec modules inside the project only`);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(root, 'out'))).toBe(false);
    expect(readFileSync(jobs, 'utf8')).toContain('evil');
  });
});
