/**
 * The trust boundary on the wire: a worker loads a registry model by name, or a shipped spec module
 * whose content matches its hash, written under a name made from the hash; never a path a message
 * names, nor a module importing from outside the project.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../checker/cli/loadModel';
import { materialize, shipModel } from '../../../checker/cluster/shippedModel';

const cache = () => mkdtempSync(join(tmpdir(), 'hmmcheck-specs-'));

describe('shipped models', () => {
  it('a registry name stays a name; an unknown one or a path is refused', () => {
    expect(materialize(shipModel('reference/twophase'), cache())).toBe('reference/twophase');
    expect(() => materialize({ registry: 'no/such-model' }, cache())).toThrow(/^unknown model 'no\/such-model'/);
    expect(() => materialize({ registry: '/etc/passwd.ts' }, cache())).toThrow('a cluster job names the model "/etc/passwd.ts", which is not a registry name');
  });

  it('a spec module travels by content: the worker checks the hash, writes it under the hash and loads that copy', async () => {
    const shipped = shipModel('test/fixtures/jugs.ts');
    expect(shipped).toMatchObject({ file: 'test/fixtures/jugs.ts', source: readFileSync('test/fixtures/jugs.ts', 'utf8') });
    const dir = cache();
    const path = materialize(shipped, dir);
    expect(dirname(path)).toBe(join(dir, (shipped as { sha256: string }).sha256));
    // Its relative imports point at this checkout's modules, as from its place in the project.
    const builder = relative(dirname(path), join(process.cwd(), 'spec/builder')).split(sep).join('/');
    expect(readFileSync(path, 'utf8')).toContain(`from '${builder}'`);
    expect((await loadModel(path)).model.variants.fixed).toBeDefined();
  });

  it('refuses content that does not match its hash, a file outside the project and imports leaving it', () => {
    const shipped = shipModel('test/fixtures/jugs.ts') as { file: string; source: string; sha256: string };
    const dir = cache();
    expect(() => materialize({ ...shipped, source: shipped.source + '\n// changed' }, dir)).toThrow(`the spec module shipped as "test/fixtures/jugs.ts" does not match its SHA-256 "${shipped.sha256}"; refused`);
    const outside = { ...shipped, file: '../elsewhere/jugs.ts' };
    expect(() => materialize(outside, dir)).toThrow('the spec module shipped as "../elsewhere/jugs.ts" is not inside the sender\'s project; refused');
    const source = "import { x } from '../../../../etc/evil';\nexport default x;\n";
    const sha256 = createHash('sha256').update(source).digest('hex');
    expect(() => materialize({ file: 'test/fixtures/evil.ts', source, sha256 }, dir)).toThrow('the spec module shipped as "test/fixtures/evil.ts" imports "../../../../etc/evil", outside the project; refused');
    expect(existsSync(join(dir, sha256))).toBe(false);
  });
});
