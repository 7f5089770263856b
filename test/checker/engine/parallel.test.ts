import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSpec, type CheckOutcome } from '../../../checker/check';
import { ParallelPool } from '../../../checker/engine/parallel';
import { instantiate } from '../../../checker/model/instantiate';
import { registry } from '../../../models';

const cases = registry.flatMap((m) => Object.keys(m.variants).map((v) => ({ model: m, variant: v })));
const extra: { model: string; constants: Record<string, number> }[] = [
  { model: 'reference/twophase', constants: { RM: 5 } },
  { model: 'reference/n-peterson', constants: { N: 4 } },
  { model: 'hmm/m2-device-fault', constants: { invalidations: 3 } },
];

/** What must not depend on the number of workers. */
function summary(out: CheckOutcome) {
  const v = out.result.verdict;
  const base = { verdict: v.kind, property: 'property' in v ? v.property : undefined, steps: out.trace ? out.trace.steps.length - 1 : undefined };
  // A search that stops at a violation stops mid-level (one worker) or at its level's end (several):
  // only complete searches have comparable counts.
  return v.kind === 'holds' ? { ...base, distinct: out.result.stats.distinct, generated: out.result.stats.generated, depth: out.result.stats.depth } : base;
}

describe('parallel BFS (--workers): the same verdicts, shortest-trace lengths and counts for 1, 2 and 4 workers', () => {
  const pools = new Map<number, ParallelPool>();
  beforeAll(() => {
    for (const n of [2, 4]) pools.set(n, new ParallelPool(n));
  });
  afterAll(async () => {
    for (const p of pools.values()) await p.close();
  });

  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))('%s', async (_name, { model, variant }) => {
    const spec = instantiate(model, variant).spec;
    const one = summary(checkSpec(spec, { liveness: false }));
    for (const [n, pool] of pools) {
      const many = summary(await pool.run({ model: model.name, variant, constants: {} }));
      expect(many, `${n} workers`).toEqual(one);
    }
  });

  it.each(extra.map((c) => [`${c.model} ${JSON.stringify(c.constants)}`, c] as const))('%s', async (_name, c) => {
    const model = registry.find((m) => m.name === c.model)!;
    const one = summary(checkSpec(instantiate(model, 'fixed', c.constants).spec, { liveness: false }));
    for (const [n, pool] of pools) {
      expect(summary(await pool.run({ model: c.model, variant: 'fixed', constants: c.constants })), `${n} workers`).toEqual(one);
    }
  });

  it('stops at --max-states at a level boundary and grows the shared seen set as needed', async () => {
    const pool = pools.get(2)!;
    const r = await pool.run({ model: 'reference/n-peterson', variant: 'fixed', constants: { N: 4 } }, { maxStates: 1000, seenCapacity: 16 });
    expect(r.result.verdict).toEqual({ kind: 'incomplete', reason: 'max-states' });
    const full = await pool.run({ model: 'reference/n-peterson', variant: 'fixed', constants: { N: 4 } }, { seenCapacity: 16 });
    expect(full.result.stats.distinct).toBe(22_281);
  });
});
