/**
 * docs/kernel-primitives.md covers spec/kernel/: a section per module, each naming the kernel
 * functions it follows and showing an example whose library calls exist, and every module is
 * exported from spec/kernel/index.ts (so `hmmcheck/spec/kernel` has what the page shows).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kernel from '../../spec/kernel';
import * as builder from '../../spec/builder';
import * as types from '../../spec/types';
import { fencedBlocks } from '../support/markdown';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(join(root, 'docs/kernel-primitives.md'), 'utf8');
const modules = readdirSync(join(root, 'spec/kernel')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
/** `## title (\`file.ts\`)` sections, by the module files their heading names. */
const sections = page.split(/^## /m).slice(1);
const sectionOf = (file: string) => sections.find((s) => s.split('\n')[0]!.includes(`\`${file}\``));

/** Modules that combine steps rather than model kernel code, so name no kernel function. */
const COMBINATORS = ['steps.ts', 'compose.ts'];
/** Helpers of the models (not the library) that examples call, each named as such in its section. */
const MODEL_HELPERS = ['mmgetNotZero', 'mmput'];
const KEYWORDS = ['if', 'for', 'while', 'switch', 'return', 'void', 'typeof', 'function'];

describe('docs/kernel-primitives.md', () => {
  it('has a section for every spec/kernel module', () => {
    expect(modules.length).toBeGreaterThan(15);
    expect(modules.filter((m) => !sectionOf(m))).toEqual([]);
  });

  it.each(modules)('%s: names the kernel functions it follows and shows an example', (file) => {
    const section = sectionOf(file)!;
    expect(fencedBlocks(section).filter((b) => b.lang === 'ts').length, 'a ```ts example').toBeGreaterThan(0);
    if (COMBINATORS.includes(file)) return;
    // A kernel identifier in code style: `kref_get`, `__folio_split`, `cond_resched`.
    expect(section.match(/`_*[a-z]+_[a-z_]+(\(\))?`/g)?.length ?? 0, 'kernel functions named').toBeGreaterThan(0);
  });

  it('every module is exported from spec/kernel/index.ts', () => {
    const index = readFileSync(join(root, 'spec/kernel/index.ts'), 'utf8');
    expect(modules.filter((m) => !index.includes(`export * from './${m.replace(/\.ts$/, '')}';`))).toEqual([]);
  });

  it("the examples call only the library's functions, or ones they define", () => {
    const library = new Set([...Object.keys(kernel), ...Object.keys(builder), ...Object.keys(types), ...MODEL_HELPERS, ...KEYWORDS]);
    const unknown: string[] = [];
    for (const { body } of fencedBlocks(page).filter((b) => b.lang === 'ts')) {
      const defined = new Set([...body.matchAll(/\b(?:const|let|function)\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!));
      // A call not through a member (`x.f(`): a free function the reader would import.
      for (const [, name] of body.matchAll(/(?<![.\w])([a-z]\w*)\s*(?:<[^<>()]*>)?\(/g)) {
        if (!library.has(name!) && !defined.has(name!)) unknown.push(name!);
      }
    }
    expect(unknown).toEqual([]);
  });
});
