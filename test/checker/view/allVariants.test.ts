import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { itfOf } from '../../../checker/trace/itfOf';
import { writeTraceHtml } from '../../../checker/view/writeHtml';
import { hmmModels } from '../../../models/hmm';

const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-views-'));
// Every variant expected to fail (a design that holds, such as M6's rfc-devmap-trick, has no counterexample to draw).
const bugs = hmmModels.flatMap((m) => Object.keys(m.variants).filter((v) => v !== 'fixed' && m.variants[v]!.expect.verdict !== 'holds').map((v) => [m, v] as const));

describe('hmmcheck view draws the counterexample of every HMM bug variant', () => {
  it.each(bugs.map(([m, v]) => [`${m.name} ${v}`, m, v] as const))('%s', (_name, model, variant) => {
    const inst = instantiate(model, variant);
    const out = checkSpec(inst.spec);
    expect(out.trace, 'a counterexample').toBeDefined();
    const path = join(dir, `${model.name.replace('/', '_')}-${variant}.html`);
    writeTraceHtml(itfOf(inst, out.result, out.trace!), inst.spec, path);
    const html = readFileSync(path, 'utf8');
    // One lane per thread instance, and no external resources.
    for (const id of inst.spec.threads.flatMap((t) => t.ids)) expect(html).toContain(`data-lane="${id}"`);
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });
});
