/**
 * Node module hooks (module.register) for users' spec files: a `.ts`/`.mts` file anywhere loads as
 * an ES module transpiled once (transpileCache.ts), with or without a package.json beside it;
 * `hmmcheck/...` names the package that is running (packageExports.ts); relative imports may omit
 * the extension or name `.js` for a `.ts` file (NodeNext style). When the CLI runs from build/, a
 * spec importing a checkout's sources by path (`../../spec/builder`) gets the built module, so it
 * shares the CLI's module instances.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportedFile, type ExportsMap } from './packageExports';
import { transpileCached } from './transpileCache';

/** What register.ts hands the hooks thread. */
export interface HooksData {
  readonly root: string;
  readonly exports: ExportsMap;
  readonly fromSources: boolean;
  readonly cacheDir: string;
}

interface ResolveContext {
  readonly parentURL?: string;
  readonly conditions: readonly string[];
}
interface ResolveResult {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}
interface LoadResult {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context: { format?: string | null }) => Promise<LoadResult>;

let data: HooksData;

export function initialize(d: HooksData): void {
  data = d;
}

/** A checkout's .ts source imported by path, when the CLI runs from build/: its built module, if the build has one. */
function builtInstead(r: ResolveResult): ResolveResult {
  if (data.fromSources || !r.url.startsWith('file:') || !r.url.endsWith('.ts')) return r;
  const rel = relative(data.root, fileURLToPath(r.url));
  if (rel.startsWith('..') || rel.startsWith(`node_modules${sep}`)) return r;
  const built = join(data.root, 'build', `${rel.slice(0, -'.ts'.length)}.js`);
  return existsSync(built) ? { url: pathToFileURL(built).href, format: 'module', shortCircuit: true } : r;
}

/** Files a relative specifier of a spec may mean when Node finds none: './x' → './x.ts', './x.js' → './x.ts', … */
function candidates(specifier: string): string[] {
  if (specifier.endsWith('.js')) return [`${specifier.slice(0, -3)}.ts`];
  if (specifier.endsWith('.mjs')) return [`${specifier.slice(0, -4)}.mts`];
  return ['.ts', '.mts', '.js', '.mjs', '/index.ts', '/index.js'].map((ext) => specifier + ext);
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  const own = exportedFile(data.root, data.exports, specifier, 'default', data.fromSources);
  if (own !== undefined) return { url: pathToFileURL(own).href, format: 'module', shortCircuit: true };
  try {
    return builtInstead(await next(specifier, context));
  } catch (e) {
    const parent = context.parentURL;
    if (!/^\.\.?\//.test(specifier) || !parent?.startsWith('file:')) throw e;
    const found = candidates(specifier)
      .map((c) => new URL(c, parent))
      .find((u) => existsSync(fileURLToPath(u)));
    if (found === undefined) throw e;
    return builtInstead({ url: found.href, shortCircuit: true });
  }
}

/** The "type" of the package.json nearest above `path`, if any declares one. */
function packageType(path: string): unknown {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

// A top-level import or export statement (not `import(`): ES module syntax, as Node detects it.
const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s)/m;

export async function load(url: string, context: { format?: string | null }, next: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:') || url.includes('/node_modules/')) return next(url, context);
  const path = fileURLToPath(url);
  if (/\.m?ts$/.test(path)) return { format: 'module', source: transpileCached(path, readFileSync(path, 'utf8'), data.cacheDir), shortCircuit: true };
  // A .js spec with ES module syntax and no package "type" is an ES module (Node detects this
  // itself; tsx, which loads the CLI from the sources, would take it for CommonJS).
  if (path.endsWith('.js') && packageType(path) === undefined) {
    const source = readFileSync(path, 'utf8');
    if (ESM_SYNTAX.test(source)) return { format: 'module', source, shortCircuit: true };
  }
  return next(url, context);
}
