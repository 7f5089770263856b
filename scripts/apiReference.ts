/**
 * The API reference (docs/api/): one markdown page per public module of spec/, spec/kernel/ and
 * checker/testing.ts, generated from the TSDoc, and the check that keeps it from rotting: every
 * exported symbol (and every member of an exported object or class) documented, every module with
 * an example, every `@param` naming a parameter, and the committed pages equal to the generated ones.
 *
 * TypeScript 7's native compiler has no JavaScript compiler API, so neither typedoc (a peer of
 * typescript ≤ 6) nor api-extractor runs on it; ts-morph bundles its own TypeScript, which only
 * this script loads.
 *
 * @example
 * npm run docs:api                        # write docs/api/; exit 1 naming each missing or broken TSDoc
 * npx tsx scripts/apiReference.ts --check # write nothing; exit 1 also when docs/api/ is out of date
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, ts, type SourceFile } from 'ts-morph';

/** A group of modules and the package subpath a user imports them from. */
export interface ModuleGroup {
  readonly title: string;
  readonly doc: string;
  /** Folder (relative to the root) whose .ts files are the group, or one file. */
  readonly path: string;
  /** Package subpath of the folder's barrel (index.ts); modules it does not re-export get `${importPath}/<name>`. */
  readonly importPath: string;
}

export const GROUPS: readonly ModuleGroup[] = [
  { title: 'The modelling DSL', doc: 'State types, the spec builder, models with constants and variants, temporal properties, citations.', path: 'spec', importPath: 'hmmcheck/spec' },
  { title: 'Kernel primitives', doc: 'Locks, refcounts, RCU and SRCU, pages, page tables, folios, TLBs, CPUs, workqueues (see ../kernel-primitives.md).', path: 'spec/kernel', importPath: 'hmmcheck/spec/kernel' },
  { title: 'Assertions for tests', doc: "Check a model from your own test files; a failure prints the counterexample.", path: 'checker/testing.ts', importPath: 'hmmcheck/testing' },
];

/** A parsed TSDoc comment: the description and its block tags in order. */
interface Doc {
  readonly text: string;
  readonly tags: readonly { readonly name: string; readonly text: string }[];
}

/** One documented item of a module: an export, or a member of an exported object or class. */
interface Item {
  readonly name: string;
  readonly kind: string;
  readonly signature: string;
  readonly doc?: Doc;
  /** Parameter names, to check `@param` tags against. */
  readonly params?: readonly string[];
  readonly members?: readonly Item[];
}

export interface ModulePage {
  /** Source path relative to the root, e.g. `spec/kernel/kref.ts`. */
  readonly source: string;
  readonly importPath: string;
  readonly doc?: Doc;
  readonly items: readonly Item[];
}

/** Raw `/** … *\/` text to description and tags (indentation inside `@example` kept). */
function parseDoc(raw: string): Doc {
  const lines = raw
    .replace(/^\/\*\*\s?/, '')
    .replace(/\s*\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').replace(/^\s*\*$/, ''));
  const text: string[] = [];
  const tags: { name: string; text: string[] }[] = [];
  for (const line of lines) {
    const tag = /^@(\w+)\s?(.*)$/.exec(line);
    if (tag) tags.push({ name: tag[1]!, text: tag[2] ? [tag[2]] : [] });
    else (tags.length ? tags[tags.length - 1]!.text : text).push(line);
  }
  const trim = (ls: string[]) => ls.join('\n').replace(/^\n+|\s+$/g, '');
  return { text: trim(text), tags: tags.map((t) => ({ name: t.name, text: trim(t.text) })) };
}

/** The TSDoc comment closest to a declaration (for a variable: its statement's). */
function docOf(node: Node): Doc | undefined {
  const docs = ts.getJSDocCommentsAndTags(node.compilerNode).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  return last ? parseDoc(last.getText(node.getSourceFile().compilerNode)) : undefined;
}

/** A declaration's text without its doc comment, its body (a class's members) and the `export` keyword. */
function headOf(node: Node): string {
  const body = Node.isClassDeclaration(node)
    ? node.getFirstChildByKind(ts.SyntaxKind.OpenBraceToken)
    : Node.isBodyable(node) || Node.isBodied(node)
      ? (node as { getBody(): Node | undefined }).getBody()
      : undefined;
  const text = node.getSourceFile().getFullText().slice(node.getStart(), body ? body.getStart() : node.getEnd());
  return dedent(text.replace(/^export\s+(default\s+)?/, '').trim().replace(/\s*;$/, ''));
}

/** Continuation lines re-indented relative to the last one (a closing `)` or `}`), which goes to column 0. */
function dedent(text: string): string {
  const lines = text.split('\n');
  if (lines.length < 2) return text;
  const base = /^\s*/.exec(lines[lines.length - 1]!)![0].length;
  return [lines[0], ...lines.slice(1).map((l) => l.slice(Math.min(base, /^\s*/.exec(l)![0].length)))].join('\n');
}

function typeText(node: Node): string {
  return node.getType().getText(node, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
}

/** `: T` for a function whose return type is inferred, when T is short enough to read in a signature. */
function shortReturnType(f: Node): string {
  const ret = Node.isFunctionDeclaration(f) ? f.getReturnType().getText(f, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope) : '';
  return ret && ret.length <= 80 ? `: ${ret}` : '';
}

/** The object literal a factory returns (`krefSteps()` → `{ get, getUnlessZero, put }`), documented member by member. */
function returnedObject(f: Node): Node & { getProperties(): Node[] } | undefined {
  if (!Node.isFunctionDeclaration(f) || f.getReturnTypeNode()) return undefined;
  const ret = f.getBody()?.asKind(ts.SyntaxKind.Block)?.getStatements().find(Node.isReturnStatement)?.getExpression();
  return ret && Node.isObjectLiteralExpression(ret) ? ret : undefined;
}

function paramsOf(node: Node): string[] | undefined {
  return Node.isParametered(node) ? node.getParameters().map((p) => p.getName()) : undefined;
}

/** Marked `@internal`: not part of the API, so neither documented here nor checked. */
const isInternal = (item: Item | undefined): boolean => Boolean(item?.doc?.tags.some((t) => t.name === 'internal'));

/** A member of an exported object literal (`t.int`) or class (`SpecBuilder.thread`). */
function memberItem(owner: string, m: Node): Item | undefined {
  const item = memberOf(owner, m);
  return isInternal(item) ? undefined : item;
}

function memberOf(owner: string, m: Node): Item | undefined {
  const name = `${owner}.${(m as unknown as { getName(): string }).getName()}`;
  if (Node.isMethodDeclaration(m)) {
    if (m.hasModifier(ts.SyntaxKind.PrivateKeyword) || m.getName().startsWith('#')) return undefined;
    return { name, kind: 'method', signature: `${owner}.${headOf(m)}`, doc: docOf(m), params: paramsOf(m) };
  }
  if (Node.isPropertyAssignment(m) || Node.isShorthandPropertyAssignment(m)) {
    return { name, kind: 'property', signature: `${name}: ${typeText(m)}`, doc: docOf(m) };
  }
  return undefined;
}

function itemOf(name: string, d: Node): Item | undefined {
  if (Node.isFunctionDeclaration(d)) {
    const overloads = d.getOverloads();
    const sigs = overloads.length ? overloads : [d];
    const members = returnedObject(d)?.getProperties().filter(Node.isMethodDeclaration).flatMap((m) => memberItem(`${name}()`, m) ?? []);
    const signature = sigs.map((f) => headOf(f) + (f.getReturnTypeNode() || members ? '' : shortReturnType(f))).join('\n');
    return { name, kind: 'function', signature, doc: docOf(sigs[0]!) ?? docOf(d), params: paramsOf(sigs[0]!), ...(members?.length ? { members } : {}) };
  }
  if (Node.isClassDeclaration(d)) {
    // Methods named by a symbol, or declared by an implemented interface or a base class (whose
    // documentation they inherit), are not the class's own API.
    const inherited = [...d.getImplements(), ...(d.getExtends() ? [d.getExtends()!] : [])].map((h) => h.getType());
    const own = d.getMethods().filter((m) => !Node.isComputedPropertyName(m.getNameNode()) && !inherited.some((t) => t.getProperty(m.getName())));
    const members = own.flatMap((m) => memberItem(name, m) ?? []);
    return { name, kind: 'class', signature: headOf(d), doc: docOf(d), members };
  }
  if (Node.isInterfaceDeclaration(d)) return { name, kind: 'interface', signature: headOf(d), doc: docOf(d) };
  if (Node.isTypeAliasDeclaration(d)) return { name, kind: 'type', signature: headOf(d), doc: docOf(d) };
  if (Node.isEnumDeclaration(d)) return { name, kind: 'enum', signature: headOf(d), doc: docOf(d) };
  if (Node.isVariableDeclaration(d)) {
    const init = d.getInitializer();
    if (init && Node.isObjectLiteralExpression(init) && !d.getTypeNode()) {
      const members = init.getProperties().flatMap((m) => memberItem(name, m) ?? []);
      return { name, kind: 'const', signature: `const ${name}: { ${members.map((m) => m.name.slice(name.length + 1)).join(', ')} }`, doc: docOf(d), members };
    }
    const fn = init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) ? init : undefined;
    return { name, kind: 'const', signature: `const ${name}: ${d.getTypeNode()?.getText() ?? typeText(d)}`, doc: docOf(d), params: fn ? paramsOf(fn) : undefined };
  }
  return undefined;
}

/**
 * The module's own comment: the file's first doc comment, unless it sits right above the first
 * statement, a declaration, with no blank line between (then it documents that declaration).
 */
function moduleDoc(sf: SourceFile): Doc | undefined {
  const text = sf.getFullText();
  const first = sf.getStatements()[0];
  const leading = ts.getLeadingCommentRanges(text, 0)?.filter((r) => text.startsWith('/**', r.pos)) ?? [];
  if (!first || !leading[0]) return undefined;
  const isImport = Node.isImportDeclaration(first) || Node.isExportDeclaration(first);
  const apart = leading.length > 1 || /\n[ \t]*\n/.test(text.slice(leading[0].end, first.getStart()));
  return isImport || apart ? parseDoc(text.slice(leading[0].pos, leading[0].end)) : undefined;
}

/** Whether a file only re-exports (a barrel: documented through the modules it re-exports). */
function isBarrel(sf: SourceFile): boolean {
  return sf.getStatements().every((s) => Node.isExportDeclaration(s) && s.getModuleSpecifier() !== undefined);
}

/** The modules of the groups under `root`, in a stable order. */
export function moduleFiles(root: string, groups: readonly ModuleGroup[] = GROUPS): { file: string; group: ModuleGroup }[] {
  return groups.flatMap((group) => {
    const path = join(root, group.path);
    const files = path.endsWith('.ts') ? [group.path] : readdirSync(path).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort().map((f) => `${group.path}/${f}`);
    return files.map((file) => ({ file, group }));
  });
}

/** Reads the modules' exports and TSDoc. */
export function readModules(root: string, groups: readonly ModuleGroup[] = GROUPS): ModulePage[] {
  const project = new Project({ compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, noEmit: true } });
  const files = moduleFiles(root, groups).map(({ file, group }) => ({ file, group, sf: project.addSourceFileAtPath(join(root, file)) }));
  project.resolveSourceFileDependencies();
  const pages: ModulePage[] = [];
  for (const { file, group, sf } of files) {
    if (isBarrel(sf)) continue;
    const barrel = group.path.endsWith('.ts') ? undefined : project.getSourceFile(join(root, group.path, 'index.ts'));
    const base = file.replace(/^.*\//, '').replace(/\.ts$/, '');
    const viaBarrel = group.path.endsWith('.ts') || barrel?.getExportDeclarations().some((e) => e.getModuleSpecifierValue() === `./${base}` && !e.hasNamedExports());
    const items: Item[] = [];
    const seen = new Set<Node>();
    // Own declarations only, in source order (re-exports are documented where they are declared).
    for (const [name, decls] of sf.getExportedDeclarations()) {
      for (const d of decls) {
        if (d.getSourceFile() !== sf || seen.has(d)) continue;
        seen.add(d);
        const item = itemOf(name, d);
        if (item && !isInternal(item)) items.push(item);
      }
    }
    items.sort((a, b) => position(sf, a.name) - position(sf, b.name));
    pages.push({ source: file, importPath: viaBarrel ? group.importPath : `${group.importPath}/${base}`, doc: moduleDoc(sf), items });
  }
  return pages;
}

function position(sf: SourceFile, name: string): number {
  const d = sf.getExportedDeclarations().get(name)?.[0];
  return d ? d.getStart() : 0;
}

/** Every missing or broken TSDoc, one line each (`file: name: what`). */
export function docProblems(pages: readonly ModulePage[]): string[] {
  const out: string[] = [];
  for (const p of pages) {
    if (!p.doc?.text) out.push(`${p.source}: the module has no leading comment saying what it is for`);
    const examples = [p.doc, ...p.items.flatMap((i) => [i.doc, ...(i.members ?? []).map((m) => m.doc)])].some((d) => d?.tags.some((t) => t.name === 'example'));
    if (!examples) out.push(`${p.source}: no @example, neither in the module comment nor on an export`);
    for (const item of p.items.flatMap((i) => [i, ...(i.members ?? [])])) {
      if (!item.doc?.text) {
        out.push(`${p.source}: ${item.name} has no TSDoc`);
        continue;
      }
      for (const tag of item.doc.tags) {
        if (tag.text === '' && tag.name !== 'deprecated') out.push(`${p.source}: ${item.name}: empty @${tag.name}`);
        const param = tag.name === 'param' ? /^(?:\{[^}]*\}\s*)?\[?([\w.$]+)/.exec(tag.text)?.[1]?.split('.')[0] : undefined;
        if (param && item.params && !item.params.includes(param)) out.push(`${p.source}: ${item.name}: @param ${param} names no parameter (${item.params.join(', ') || 'none'})`);
      }
    }
  }
  return out;
}

const GENERATED = (source: string) => `<!-- Generated by \`npm run docs:api\` from the TSDoc in ${source}; do not edit. -->`;

/** Description text, then the other tags (examples as code). */
function docMarkdown(doc: Doc | undefined, level: string): string[] {
  if (!doc) return [];
  const out = doc.text ? [doc.text, ''] : [];
  const params = doc.tags.filter((t) => t.name === 'param');
  if (params.length) out.push('Parameters:', '', ...params.map((t) => `- ${t.text.replace(/^([\w.$]+)\s*(-\s*)?/, '`$1` ')}`), '');
  for (const t of doc.tags) {
    if (t.name === 'returns') out.push(`Returns ${t.text}`, '');
    else if (t.name === 'example') out.push(`${level} Example`, '', '```ts', t.text, '```', '');
    else if (t.name === 'deprecated') out.push(`**Deprecated.** ${t.text}`, '');
    else if (t.name === 'see') out.push(`See ${t.text}`, '');
  }
  return out;
}

/** The first sentence of a description, for the index (at most about 160 characters). */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = /(?<!\b(?:e\.g|i\.e|etc))\.(\s|$)/.exec(flat);
  const sentence = end ? flat.slice(0, end.index + 1) : flat;
  return sentence.length <= 160 ? sentence : `${sentence.slice(0, 157).replace(/\s\S*$/, '')} …`;
}

const anchor = (name: string) => name.toLowerCase().replace(/[^\w-]/g, '');

/** One module's page. */
export function pageMarkdown(p: ModulePage): string {
  const out = [GENERATED(p.source), '', `# ${p.source}`, '', `\`\`\`ts\nimport { … } from '${p.importPath}';\n\`\`\``, '', ...docMarkdown(p.doc, '##')];
  if (p.items.length) out.push('## Exports', '', p.items.map((i) => `[\`${i.name}\`](#${anchor(i.name)})`).join(' · '), '');
  for (const item of p.items) {
    out.push(`## ${item.name}`, '', '```ts', item.signature, '```', '', ...docMarkdown(item.doc, '####'));
    for (const m of item.members ?? []) out.push(`### ${m.name}`, '', '```ts', m.signature, '```', '', ...docMarkdown(m.doc, '####'));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** The output path of a module's page, relative to docs/api/. */
export function pagePath(source: string): string {
  return source.replace(/\.ts$/, '.md');
}

/** docs/api/README.md: the modules by group, each with the first sentence of its comment. */
export function indexMarkdown(pages: readonly ModulePage[], groups: readonly ModuleGroup[] = GROUPS): string {
  const out = [
    '<!-- Generated by `npm run docs:api`; do not edit. -->',
    '',
    '# API reference',
    '',
    'Every exported function, type and constant of the public modules, from their TSDoc. `npm test`',
    'fails when an export has no TSDoc, a module has no example, or these pages are out of date:',
    'regenerate them with `npm run docs:api`. Start with [the tutorial](../tutorial.md).',
    '',
  ];
  for (const g of groups) {
    out.push(`## ${g.title}`, '', g.doc, '', '| module | import from | what it is |', '|---|---|---|');
    for (const p of pages.filter((x) => x.source === g.path || dirname(x.source) === g.path)) {
      const first = firstSentence(p.doc?.text ?? '').replace(/\|/g, '\\|');
      out.push(`| [${p.source}](${pagePath(p.source)}) | \`${p.importPath}\` | ${first} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Every generated file, by path relative to docs/api/. */
export function generate(pages: readonly ModulePage[]): Map<string, string> {
  const files = new Map<string, string>([['README.md', indexMarkdown(pages)]]);
  for (const p of pages) files.set(pagePath(p.source), pageMarkdown(p));
  return files;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
}

/** The pages that differ from `files` on disk in `outDir` (missing, changed or left over). */
export function stalePages(outDir: string, files: ReadonlyMap<string, string>): string[] {
  const onDisk = listFiles(outDir);
  const changed = [...files].filter(([f, text]) => !existsSync(join(outDir, f)) || readFileSync(join(outDir, f), 'utf8') !== text).map(([f]) => f);
  return [...changed, ...onDisk.filter((f) => !files.has(f))].sort();
}

function main(): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outDir = join(root, 'docs/api');
  const check = process.argv.includes('--check');
  const pages = readModules(root);
  const files = generate(pages);
  const problems = docProblems(pages);
  for (const p of problems) process.stderr.write(`docs:api: ${p}\n`);
  if (check) {
    const stale = stalePages(outDir, files);
    for (const f of stale) process.stderr.write(`docs:api: docs/api/${f} is out of date; run npm run docs:api\n`);
    return problems.length || stale.length ? 1 : 0;
  }
  rmSync(outDir, { recursive: true, force: true });
  for (const [f, text] of files) {
    mkdirSync(dirname(join(outDir, f)), { recursive: true });
    writeFileSync(join(outDir, f), text);
  }
  process.stdout.write(`Wrote ${files.size} pages to ${relative(process.cwd(), outDir) || '.'}${problems.length ? `; ${problems.length} TSDoc problems` : ''}.\n`);
  return problems.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
