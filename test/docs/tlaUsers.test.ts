/**
 * docs/tla-users.md: every ```ts block is a whole model that type-checks against the library (as a
 * user's module importing `hmmcheck/spec`) and holds when checked.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../../checker/check';
import { instantiate } from '../../checker/model/instantiate';
import type { ModelDef } from '../../spec/model';
import type { Spec } from '../../spec/spec';
import { fencedBlocks } from '../support/markdown';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(join(root, 'docs/tla-users.md'), 'utf8');
const blocks = fencedBlocks(page).filter((b) => b.lang === 'ts');
// Inside the checkout, so that the project's tsconfig, types and node_modules apply.
const dir = mkdtempSync(join(root, '.tmp-tla-users-'));
const files = blocks.map((b, i) => {
  const file = join(dir, `snippet${i + 1}.ts`);
  writeFileSync(file, b.body.replaceAll("from 'hmmcheck/spec'", "from '../spec/index'"));
  return file;
});
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'] }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs tsc on the snippets without blocking this worker: exit code and output. */
function typecheck(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--noEmit'], { cwd: root, timeout: 50_000 });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('docs/tla-users.md', () => {
  it('has its examples, each importing only hmmcheck/spec', () => {
    expect(blocks.length).toBe(4);
    for (const b of blocks) expect([...b.body.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['hmmcheck/spec']);
  });

  it('every example type-checks under the project\'s strict settings', async () => {
    const { code, output } = await typecheck();
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it.each(files.map((f, i) => [i + 1, f] as const))('example %i builds and every property holds', async (_i, file) => {
    const exported = (await import(pathToFileURL(file).href)).default as Spec | ModelDef<any>;
    const spec = 'build' in exported ? instantiate(exported).spec : exported;
    expect(checkSpec(spec).result.verdict.kind).toBe('holds');
    if (spec.view) expect(checkSpec(spec, { reductions: { view: true } }).result.verdict.kind).toBe('holds');
  });
});
