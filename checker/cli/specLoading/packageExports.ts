/**
 * What `hmmcheck` and `hmmcheck/<subpath>` name inside the package that is running, read from its
 * package.json "exports": the built JavaScript and declarations, or (when the CLI runs from the
 * sources of a checkout) the TypeScript source they are built from. Users' spec files import the
 * very modules the CLI runs, wherever the spec lives, installed package or not.
 */
import { join } from 'node:path';

export type ExportsMap = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

function targetOf(entry: string | Readonly<Record<string, string>>, condition: 'default' | 'types'): string | undefined {
  return typeof entry === 'string' ? entry : (entry[condition] ?? entry.default);
}

/** The TypeScript source a build/ file is built from ('./build/spec/types.js' → './spec/types.ts'). */
export function sourceOf(target: string): string {
  return target.replace(/^\.\/build\//, './').replace(/(\.d)?\.js$|\.d\.ts$/, '.ts');
}

/**
 * The absolute file that `specifier` (`hmmcheck`, `hmmcheck/spec/builder`, …) names for
 * `condition`, or undefined when it names no export. Exact keys win over patterns, longer
 * pattern prefixes over shorter (as in Node).
 */
export function exportedFile(root: string, exports: ExportsMap, specifier: string, condition: 'default' | 'types', fromSources: boolean): string | undefined {
  if (specifier !== 'hmmcheck' && !specifier.startsWith('hmmcheck/')) return undefined;
  const subpath = `.${specifier.slice('hmmcheck'.length)}`;
  let target: string | undefined;
  const exact = exports[subpath];
  if (exact !== undefined) target = targetOf(exact, condition);
  else {
    const patterns = Object.keys(exports)
      .filter((k) => k.endsWith('*') && subpath.startsWith(k.slice(0, -1)) && subpath.length > k.length - 1)
      .sort((a, b) => b.length - a.length);
    const key = patterns[0];
    const t = key === undefined ? undefined : targetOf(exports[key]!, condition);
    if (key !== undefined && t !== undefined) target = t.replace('*', subpath.slice(key.length - 1));
  }
  if (target === undefined) return undefined;
  return join(root, fromSources ? sourceOf(target) : target);
}

/** The exports as TypeScript `paths` ('hmmcheck/spec/*' → ['<root>/build/spec/*.d.ts']), for type-checking a spec anywhere. */
export function exportPaths(root: string, exports: ExportsMap, fromSources: boolean): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [key, entry] of Object.entries(exports)) {
    const t = targetOf(entry, 'types');
    if (t === undefined || !/\.d\.ts$/.test(t)) continue;
    paths[`hmmcheck${key.slice(1)}`] = [join(root, fromSources ? sourceOf(t) : t)];
  }
  return paths;
}
