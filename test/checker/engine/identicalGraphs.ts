/**
 * Issue #16's no-regression check, shared by compiled.test.ts and compiledM3.test.ts (M3's models
 * alone take as long as all the others, so each file stays short): on every variant of the given
 * models, the fast effects (packed drafts; the object path alone too on the reference models)
 * build the state graph immer's drafts build — same verdict, counts, coverage, and the same parent
 * and transition for every state in the same discovery order.
 */
import { expect, it } from 'vitest';
import { bfsFrontier } from '../../../checker/engine/bfs';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { runExhaustiveAsync } from '../../../checker/engine/run';
import { instantiate } from '../../../checker/model/instantiate';
import type { StateLog } from '../../../checker/store/stateLog';
import type { ModelDef } from '../../../spec/model';

function records(log: StateLog): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.size; i++) out.push(log.parent(i), log.transition(i));
  return out;
}

/** BFS returning to the event loop now and then (a long synchronous run keeps vitest's worker from answering its runner). */
function bfs(cs: CompiledSpec) {
  return runExhaustiveAsync(cs, {}, 'bfs', bfsFrontier(cs, {}));
}

/** Registers one test per variant of `models` inside the caller's describe block. */
export function identicalGraphTests(models: readonly ModelDef<any>[]): void {
  const cases = models.flatMap((m) => Object.keys(m.variants).map((v) => [`${m.name} ${v}`, m, v] as const));
  it.each(cases)('build the identical state graph: %s', async (_name, model, variant) => {
    const spec = instantiate(model, variant).spec;
    const immer = await bfs(new CompiledSpec(spec, 'immer'));
    const drafts = new CompiledSpec(spec, 'fast');
    // The object path (also every draft's fallback) on its own: on the small reference models, for time.
    const paths = [await bfs(drafts), ...(model.name.startsWith('reference/') ? [await bfs(new CompiledSpec(spec, 'fast', {}, { drafts: false }))] : [])];
    for (const fast of paths) {
      expect(fast.result.verdict).toEqual(immer.result.verdict);
      expect({ ...fast.result.stats, elapsedMs: 0 }).toEqual({ ...immer.result.stats, elapsedMs: 0 });
      expect(fast.result.coverage).toEqual(immer.result.coverage);
      // Same parent and transition for every state, in the same discovery order.
      expect(records(fast.explorer.log)).toEqual(records(immer.explorer.log));
    }
    // Every HMM model runs on drafts (a schema the drafts do not cover would silently fall back).
    if (model.name.startsWith('hmm/')) expect(drafts.drafts).toBe(true);
    // ... and lists the steps to try from the control fields' bits (else it reads them through the draft).
    if (drafts.drafts && spec.actions.some((a) => a.control)) expect(drafts.controlsFromWords).toBe(true);
  });
}

/** M3's models, which compiledM3.test.ts checks. */
export const isM3 = (m: ModelDef<any>): boolean => /^hmm\/m3-/.test(m.name);
