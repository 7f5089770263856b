import { describe, expect, it } from 'vitest';
import { bfsFrontier } from '../../../checker/engine/bfs';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { runExhaustiveAsync } from '../../../checker/engine/run';
import { instantiate } from '../../../checker/model/instantiate';
import type { StateLog } from '../../../checker/store/stateLog';
import { registry } from '../../../models';

function records(log: StateLog): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.size; i++) out.push(log.parent(i), log.transition(i));
  return out;
}

/** BFS returning to the event loop now and then (a long synchronous run keeps vitest's worker from answering its runner). */
function bfs(cs: CompiledSpec) {
  return runExhaustiveAsync(cs, {}, 'bfs', bfsFrontier(cs, {}));
}

const cases = registry.flatMap((m) => Object.keys(m.variants).map((v) => [`${m.name} ${v}`, m, v] as const));

describe('fast effects (packed drafts, and generated copies) and immer drafts', () => {
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
  });
});
