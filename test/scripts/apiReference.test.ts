/**
 * The API reference cannot rot: every public export of spec/, spec/kernel/ and checker/testing.ts
 * has TSDoc, every module an example, and docs/api/ is what `npm run docs:api` generates now.
 * A fixture module shows that each kind of missing or broken TSDoc is reported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docProblems, generate, pageMarkdown, readModules, stalePages, type ModuleGroup, type ModulePage } from '../../scripts/apiReference';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the API reference of the real modules', () => {
  let pages: ModulePage[];
  // ts-morph parses and type-checks the modules: about 5 s on an idle machine.
  beforeAll(() => {
    pages = readModules(root);
  }, 60_000);

  it('covers spec/, spec/kernel/ and checker/testing.ts, each with its import path', () => {
    const byFile = new Map(pages.map((p) => [p.source, p]));
    expect(byFile.get('spec/builder.ts')?.importPath).toBe('hmmcheck/spec');
    expect(byFile.get('spec/kernel/kref.ts')?.importPath).toBe('hmmcheck/spec/kernel');
    expect(byFile.get('checker/testing.ts')?.importPath).toBe('hmmcheck/testing');
    expect(byFile.has('spec/kernel/index.ts')).toBe(false); // a barrel: documented through its modules
    expect(byFile.get('spec/kernel/kref.ts')!.items.map((i) => i.name)).toEqual(['Kref', 'krefFields', 'krefInit', 'krefGet', 'krefGetUnlessZero', 'krefPut', 'krefSteps']);
    expect(byFile.get('spec/kernel/kref.ts')!.items.at(-1)!.members!.map((m) => m.name)).toEqual(['krefSteps().get', 'krefSteps().getUnlessZero', 'krefSteps().put']);
    expect(byFile.get('spec/types.ts')!.items.find((i) => i.name === 't')!.members!.map((m) => m.name)).toContain('t.int');
    // The index lists each module once, under its own group.
    const index = generate(pages).get('README.md')!;
    expect(index.match(/\[spec\/kernel\/kref\.ts\]/g)).toHaveLength(1);
    expect(index.indexOf('[spec/kernel/kref.ts]')).toBeGreaterThan(index.indexOf('## Kernel primitives'));
  });

  it('has no missing or broken TSDoc (fix the comments the lines name)', () => {
    expect(docProblems(pages)).toEqual([]);
  });

  it('docs/api/ is up to date: regenerate it with `npm run docs:api`', () => {
    expect(stalePages(join(root, 'docs/api'), generate(pages))).toEqual([]);
  });
});

describe('docProblems on a fixture module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-apiref-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const group: ModuleGroup = { title: 'Fixture', doc: 'A fixture.', path: 'lib', importPath: 'fixture' };
  mkdirSync(join(dir, 'lib'));
  writeFileSync(
    join(dir, 'lib/good.ts'),
    [
      '/**',
      ' * A documented module.',
      ' *',
      ' * @example',
      ' * const n = twice(2);',
      ' *   // indented',
      ' */',
      '',
      '/**',
      ' * Doubles `x`.',
      ' * @param x - the number',
      ' * @returns the double',
      ' */',
      'export function twice(x: number): number {',
      '  return 2 * x;',
      '}',
      '',
      '/** Helpers. */',
      'export const helpers = {',
      '  /** Adds one. */',
      '  inc(x: number): number {',
      '    return x + 1;',
      '  },',
      '  /** @internal not for users */',
      '  secret(): void {},',
      '};',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'lib/bad.ts'),
    [
      'export function undocumented(a: number): number {',
      '  return a;',
      '}',
      '',
      '/**',
      ' * Wrong parameter name.',
      ' * @param b - not a parameter',
      ' */',
      'export function wrongParam(a: number): number {',
      '  return a;',
      '}',
      '',
      'export const obj = {',
      '  /** Documented. */',
      '  ok(): void {},',
      '  bare(): void {},',
      '};',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'lib/index.ts'), "export * from './good';\n");
  let pages: ModulePage[];
  beforeAll(() => {
    pages = readModules(dir, [group]);
  }, 60_000);

  it('names each missing or broken comment, one line each', () => {
    expect(docProblems(pages)).toEqual([
      'lib/bad.ts: the module has no leading comment saying what it is for',
      'lib/bad.ts: no @example, neither in the module comment nor on an export',
      'lib/bad.ts: undocumented has no TSDoc',
      'lib/bad.ts: wrongParam: @param b names no parameter (a)',
      'lib/bad.ts: obj has no TSDoc',
      'lib/bad.ts: obj.bare has no TSDoc',
    ]);
  });

  it('renders a page: import path, module text, signature, parameters, example with its indentation', () => {
    const good = pages.find((p) => p.source === 'lib/good.ts')!;
    const md = pageMarkdown(good);
    expect(md).toContain("import { … } from 'fixture';");
    expect(md).toContain('A documented module.');
    expect(md).toContain('```ts\nconst n = twice(2);\n  // indented\n```');
    expect(md).toContain('## twice\n\n```ts\nfunction twice(x: number): number\n```\n\nDoubles `x`.\n\nParameters:\n\n- `x` the number');
    expect(md).toContain('### helpers.inc');
    expect(md).not.toContain('secret');
    // bad.ts is not re-exported by the barrel, so users import it by its own subpath.
    expect(pages.find((p) => p.source === 'lib/bad.ts')!.importPath).toBe('fixture/bad');
  });
});
