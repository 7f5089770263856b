/**
 * The hmmcheck package this code runs from: its folder and manifest, found by walking up from this
 * module (a TypeScript source in a checkout, or a chunk of build/ in an installed package).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function findRoot(): { root: string; manifest: PackageManifest } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const manifest = JSON.parse(readFileSync(path, 'utf8'));
      if (manifest.name === 'hmmcheck') return { root: dir, manifest };
    }
    if (dirname(dir) === dir) throw new Error(`cannot find hmmcheck's package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

const found = findRoot();

/** The package folder (the checkout, or node_modules/hmmcheck). */
export const PACKAGE_ROOT: string = found.root;
export const PACKAGE_MANIFEST: PackageManifest = found.manifest;
/** Whether this process runs the TypeScript sources through tsx (a development checkout) rather than build/. */
export const FROM_SOURCES: boolean = import.meta.url.endsWith('.ts');
