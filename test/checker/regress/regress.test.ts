import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findModel } from '../../../models';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { recordEntry, runRegress } from '../../../checker/regress/regress';
import type { ModelDef } from '../../../spec/model';

const registryResolve = async (name: string) => findModel(name)!;

/** A copy of part of the real corpus in a temporary folder, to edit. */
function corpusCopy(...stems: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-corpus-'));
  for (const stem of stems) {
    for (const ext of ['.json', '.itf.json']) {
      try {
        cpSync(`results/corpus/${stem}${ext}`, join(dir, `${stem}${ext}`));
      } catch {
        // holds-entries have no trace
      }
    }
  }
  return dir;
}

describe('recordEntry of a model loaded from a spec module', () => {
  it('names the module (which regress loads), not the model, and its trace records the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-corpus-'));
    const inst = instantiate(findModel('reference/diehard')!, 'fixed');
    const out = checkSpec(inst.spec);
    expect(out.result.verdict.kind).toBe('violation');
    const file = recordEntry(dir, inst, out, 'models/mine.ts');
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    expect(entry.model).toBe('models/mine.ts');
    const itf = JSON.parse(readFileSync(join(dir, entry.expect.trace), 'utf8'));
    expect(itf['#meta'].hmmcheck).toMatchObject({ model: 'reference/diehard', modelPath: 'models/mine.ts' });
  });
});

// The real corpus holding on main (every trace replays, every expectation re-checks) is
// test/models/registry.test.ts's, which uses the same runs for the registry's verdicts.
describe('the regression corpus (results/corpus): what makes an entry fail', () => {
  it('fails when a saved trace is edited by one step', async () => {
    const dir = corpusCopy('hmm_m1-mirror-2015--v8-unregister-race');
    const trace = join(dir, 'hmm_m1-mirror-2015--v8-unregister-race.itf.json');
    const doc = JSON.parse(readFileSync(trace, 'utf8'));
    doc.states[9]['#meta'].action = 'Unreg.K5'; // step 9 was Exit.X4
    writeFileSync(trace, JSON.stringify(doc));
    const [row] = await runRegress({ dir, resolve: registryResolve });
    expect(row!.failure).toBe("its saved trace no longer replays: step 9: Unreg.K5 is not enabled in state 8");
  });

  it('fails when an expected state count is changed', async () => {
    const dir = corpusCopy('hmm_m2-device-fault--fixed');
    const file = join(dir, 'hmm_m2-device-fault--fixed.json');
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    entry.expect.distinct = 12_015;
    writeFileSync(file, JSON.stringify(entry));
    const [row] = await runRegress({ dir, resolve: registryResolve });
    expect(row!.failure).toBe('state count changed: 12,015 -> 12,014 distinct');
  });

  it('fails when a model change makes a bug disappear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-corpus-'));
    const root = pathToFileURL(process.cwd() + '/').href;
    // A lost update: read x, then write back tmp + 1 (buggy) or x + 1 (atomic, fixed).
    const source = (buggy: boolean) => `
      import { spec } from '${root}spec/builder.ts';
      import { defineModel } from '${root}spec/model.ts';
      import { t } from '${root}spec/types.ts';
      export default defineModel({
        name: 'lost-update', title: 't', source: 'test', constants: {},
        variants: { fixed: { doc: '', expect: { verdict: 'holds' } } },
        build: () => spec({ x: t.int(0, 2), tmp: t.array(t.int(0, 2), 2) })
          .init(() => ({ x: 0, tmp: [0, 0] }))
          .thread('T', { instances: 2, steps: [
            { label: 'read', effect: (d, th) => void (d.tmp[th.self] = d.x) },
            { label: 'write', effect: (d, th) => void (d.x = ${buggy ? 'd.tmp[th.self] + 1' : 'd.x + 1'}) },
          ] })
          .invariant('NoLostUpdate', (s) => !(s.T.every((r) => r.pc === 'done') && s.x !== 2))
          .build(),
      });`;
    // Each version in its own file (module caches are keyed by path): "the model changed".
    let version = 0;
    let current = '';
    const edit = (buggy: boolean) => {
      current = join(dir, `lostUpdate${version++}.ts`);
      writeFileSync(current, source(buggy));
    };
    const resolve = async () => (await import(pathToFileURL(current).href)).default as ModelDef<any>;
    edit(true);
    const inst = instantiate(await resolve(), 'fixed');
    recordEntry(dir, inst, checkSpec(inst.spec));
    expect((await runRegress({ dir, resolve }))[0]).toMatchObject({ got: 'violates NoLostUpdate in 4 steps', failure: undefined });
    edit(false);
    const [row] = await runRegress({ dir, resolve });
    expect(row!.got).toMatch(/^holds, \d+ distinct$/);
    expect(row!.failure).toMatch(/^its saved trace (no longer replays: step \d+: .+|replays but NoLostUpdate now holds at its end)$/);
  });
});
