import { describe, expect, it } from 'vitest';
import { bfs } from '../../../checker/engine/bfs';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { instantiate } from '../../../checker/model/instantiate';
import type { StateLog } from '../../../checker/store/stateLog';
import { registry } from '../../../models';

function records(log: StateLog): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.size; i++) out.push(log.parent(i), log.transition(i));
  return out;
}

const cases = registry.flatMap((m) => Object.keys(m.variants).map((v) => [`${m.name} ${v}`, m, v] as const));

describe('fast effects (generated copies) and immer drafts', () => {
  it.each(cases)('build the identical state graph: %s', (_name, model, variant) => {
    const spec = instantiate(model, variant).spec;
    const fast = bfs(new CompiledSpec(spec, 'fast'));
    const immer = bfs(new CompiledSpec(spec, 'immer'));
    expect(fast.result.verdict).toEqual(immer.result.verdict);
    expect({ ...fast.result.stats, elapsedMs: 0 }).toEqual({ ...immer.result.stats, elapsedMs: 0 });
    expect(fast.result.coverage).toEqual(immer.result.coverage);
    // Same parent and transition for every state, in the same discovery order.
    expect(records(fast.explorer.log)).toEqual(records(immer.explorer.log));
  });
});
