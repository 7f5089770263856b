/**
 * `hmmcheck init [dir]`: scaffolds a project of one's own that uses hmmcheck as a package: an ES
 * module package.json (merged into an existing one), a strict NodeNext tsconfig.json, an example
 * model with a bug variant, a vitest test of it, and a README section. The files come from
 * templates/init/; a file that exists is never overwritten.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../engine/errors';
import { EXIT } from '../exitCodes';
import { PACKAGE_MANIFEST, PACKAGE_ROOT } from '../packageRoot';

/** The files copied from templates/init/ as they are. */
const TEMPLATE_FILES = ['tsconfig.json', 'models/example.ts', 'test/example.test.ts'];
const README_SECTION = 'README.section.md';
/** The placeholder `npm init` writes as the test script. */
const NPM_INIT_TEST = 'echo "Error: no test specified" && exit 1';

export interface InitArgs {
  readonly dir: string;
}

type Manifest = Record<string, unknown> & {
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8'));
    if (m && typeof m === 'object' && !Array.isArray(m)) return m;
  } catch {
    // reported below
  }
  throw new UsageError(`init: ${path} is not a JSON object; fix it or init another folder`);
}

/**
 * The project's package.json with what the scaffold needs added: ES modules, hmmcheck as a
 * dependency, typescript and vitest as dev dependencies, scripts. Existing values are kept, except
 * `"type": "commonjs"` (the .ts files are ES modules) and npm init's placeholder test script.
 * Returns the manifest and what changed.
 */
export function scaffoldManifest(existing: Manifest | undefined, name: string): { manifest: Manifest; changes: string[] } {
  const m: Manifest = existing ? structuredClone(existing) : { name, version: '0.1.0', private: true };
  const changes: string[] = [];
  if (m.type !== 'module') {
    changes.push(m.type === undefined ? 'type module' : `type module (was ${m.type})`);
    m.type = 'module';
  }
  const scripts = { ...(m.scripts ?? {}) };
  for (const [k, v] of Object.entries({ check: 'hmmcheck check models/example.ts', typecheck: 'tsc --noEmit', test: 'vitest run' })) {
    if (scripts[k] === undefined || (k === 'test' && scripts[k] === NPM_INIT_TEST)) {
      scripts[k] = v;
      changes.push(`script ${k}`);
    }
  }
  m.scripts = scripts;
  const has = (dep: string) => m.dependencies?.[dep] !== undefined || m.devDependencies?.[dep] !== undefined;
  if (!has('hmmcheck')) {
    m.dependencies = { ...(m.dependencies ?? {}), hmmcheck: `^${PACKAGE_MANIFEST.version}` };
    changes.push('dependency hmmcheck');
  }
  for (const dep of ['typescript', 'vitest']) {
    const version = PACKAGE_MANIFEST.devDependencies?.[dep];
    if (!has(dep) && version !== undefined) {
      m.devDependencies = { ...(m.devDependencies ?? {}), [dep]: version };
      changes.push(`dev dependency ${dep}`);
    }
  }
  return { manifest: m, changes };
}

export function initCommand(args: InitArgs, print: (s: string) => void): number {
  const dir = resolve(args.dir);
  // Paths as the user named the folder.
  const shown = (f: string) => join(args.dir, f);
  const existing = TEMPLATE_FILES.filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0) {
    throw new UsageError(`init: ${existing.map(shown).join(', ')} already exist${existing.length === 1 ? 's' : ''}; init never overwrites a file (move ${existing.length === 1 ? 'it' : 'them'} away or init another folder)`);
  }
  const manifestPath = join(dir, 'package.json');
  const { manifest, changes } = scaffoldManifest(readManifest(manifestPath), dir.split(/[\\/]/).pop()?.toLowerCase().replace(/[^a-z0-9-]/g, '-') || 'models');
  const templates = join(PACKAGE_ROOT, 'templates', 'init');
  mkdirSync(dir, { recursive: true });
  const hadManifest = existsSync(manifestPath);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  print(`${hadManifest ? 'updated' : 'created'} ${shown('package.json')}${changes.length ? ` (${changes.join(', ')})` : ''}`);
  for (const f of TEMPLATE_FILES) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(templates, f), join(dir, f));
    print(`created ${shown(f)}`);
  }
  const readme = join(dir, 'README.md');
  const section = readFileSync(join(templates, README_SECTION), 'utf8');
  const heading = section.trim().split('\n')[0]!;
  if (!existsSync(readme)) {
    writeFileSync(readme, `# ${manifest.name ?? 'models'}\n${section}`);
    print(`created ${shown('README.md')}`);
  } else if (!readFileSync(readme, 'utf8').includes(heading)) {
    appendFileSync(readme, section);
    print(`updated ${shown('README.md')} (section "${heading.replace(/^#+\s*/, '')}")`);
  }
  print(`next: ${dir === process.cwd() ? '' : `cd ${args.dir} && `}npm install && npx hmmcheck check models/example.ts && npx vitest run`);
  return EXIT.OK;
}
