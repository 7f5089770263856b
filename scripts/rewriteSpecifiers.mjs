/**
 * Gives the relative imports of emitted declaration files explicit extensions ('./types' →
 * './types.js', './kernel' → './kernel/index.js'). The sources import without them (moduleResolution
 * "bundler"), tsc copies specifiers through unchanged, and users' `moduleResolution: NodeNext` needs
 * them (it reads './types.js' as './types.d.ts').
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// `from '…'`, `import '…'`, `import('…')` (also in declarations: `import("./x").T`).
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"\n]*|\.\.?)\2/g;

/** The specifier with an explicit file, or the specifier unchanged when it names none we built. */
export function explicitSpecifier(fromFile, spec) {
  if (/\.(m?js|json)$/.test(spec)) return spec;
  const target = resolve(dirname(fromFile), spec);
  const bare = spec.replace(/\/$/, '');
  if (existsSync(`${target}.d.ts`)) return `${bare}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${bare}/index.js`;
  return spec;
}

/** Rewrites one file's relative specifiers; returns whether anything changed. */
export function rewriteFile(file) {
  const text = readFileSync(file, 'utf8');
  const out = text.replace(SPECIFIER, (whole, lead, quote, spec) => `${lead}${quote}${explicitSpecifier(file, spec)}${quote}`);
  if (out !== text) writeFileSync(file, out);
  return out !== text;
}

/** Rewrites every declaration file below `dir`; returns the number of files changed. */
export function rewriteTree(dir) {
  let changed = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) changed += rewriteTree(path);
    else if (name.endsWith('.d.ts') && rewriteFile(path)) changed++;
  }
  return changed;
}
