import { describe, expect, it } from 'vitest';
import { checkSpec, type CheckOutcome } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { registry } from '../../../models';
import { parallelPools, SPLIT_VIOLATIONS, workerIndependent } from './parallelSummary';

// The HMM models' variants: parallelHmm.test.ts.
const cases = registry.filter((m) => !m.name.startsWith('hmm/')).flatMap((m) => Object.keys(m.variants).map((v) => ({ model: m, variant: v })));
const extra: { model: string; constants: Record<string, number> }[] = [
  { model: 'reference/twophase', constants: { RM: 5 } },
  { model: 'reference/n-peterson', constants: { N: 4 } },
  { model: 'hmm/m2-device-fault', constants: { invalidations: 3 } },
];

// Safety only here; the temporal properties on several workers: parallelLiveness*.test.ts.
describe('parallel BFS (--workers) on the reference models: the same verdicts, shortest-trace lengths and counts for 1, 2 and 4 workers', () => {
  const pools = parallelPools([2, 4]);

  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))('%s', async (_name, { model, variant }) => {
    const spec = instantiate(model, variant).spec;
    const one = workerIndependent(checkSpec(spec, { liveness: false }));
    for (const [n, pool] of pools) {
      const many = workerIndependent(await pool.run({ model: model.name, variant, constants: {}, liveness: false }, { localBelow: 0, splitBelow: 0 }));
      expect(many, `${n} workers`).toEqual(one);
    }
  });

  it.each(extra.map((c) => [`${c.model} ${JSON.stringify(c.constants)}`, c] as const))('%s', async (_name, c) => {
    const model = registry.find((m) => m.name === c.model)!;
    const one = workerIndependent(checkSpec(instantiate(model, 'fixed', c.constants).spec, { liveness: false }));
    for (const [n, pool] of pools) {
      expect(workerIndependent(await pool.run({ model: c.model, variant: 'fixed', constants: c.constants, liveness: false }, { localBelow: 0, splitBelow: 0 })), `${n} workers`).toEqual(one);
    }
  });

  it('grows the shared seen set within a level: the same counts as one worker', async () => {
    const constants = { RM: 6 };
    const one = checkSpec(instantiate(registry.find((m) => m.name === 'reference/twophase')!, 'fixed', constants).spec);
    let largestLevel = 0;
    let before = 0;
    let firstPasses = 0;
    const many = await pools.get(2)!.run(
      { model: 'reference/twophase', variant: 'fixed', constants },
      {
        seenCapacity: 1024,
        splitBelow: 0,
        onFirstPass: () => firstPasses++,
        onProgress: (s) => {
          largestLevel = Math.max(largestLevel, s.distinct - before);
          before = s.distinct;
        },
      },
    );
    // More new states in one level than the initial table has slots: it grew within that level.
    expect(largestLevel).toBeGreaterThan(1024);
    expect([many.result.verdict, firstPasses]).toEqual([{ kind: 'holds' }, 0]);
    const counts = (o: CheckOutcome) => [o.result.stats.distinct, o.result.stats.generated, o.result.stats.depth];
    expect(counts(many)).toEqual([50_816, 402_306, 20]);
    expect(counts(many)).toEqual(counts(one));
    // Which action first reaches a state found twice in a level depends on the order: only generated is fixed.
    const generated = (o: CheckOutcome) => o.result.coverage.map((c) => [c.name, c.generated]);
    expect(generated(many)).toEqual(generated(one));
  });

  // Without temporal properties no graph is recorded: a second pass numbers each level's new states
  // as one worker does, up to the verdict's (engine/levelOrder.ts).
  it.each(SPLIT_VIOLATIONS)("prints one worker's counterexample without temporal properties (%s %s), also when the seen set grows mid-level", async (name, variant) => {
    const model = registry.find((m) => m.name === name)!;
    const one = checkSpec(instantiate(model, variant).spec, { liveness: false });
    const steps = (o: CheckOutcome) => o.trace!.steps.map((s) => [s.action, s.state]);
    for (const seenCapacity of [undefined, 1024]) {
      for (const [n, pool] of pools) {
        // The first pass's outcome is handed over before the second pass, which says what it is for.
        let first: CheckOutcome | undefined;
        const again = new Set<number | undefined>();
        const many = await pool.run(
          { model: name, variant, constants: {}, liveness: false },
          { seenCapacity, localBelow: 0, splitBelow: 0, onFirstPass: (f) => (first = f), onProgress: (s) => again.add(s.againToDepth) },
        );
        expect(many.result.stats.edges, `${n} workers`).toBe(0);
        expect(steps(many), `${n} workers`).toEqual(steps(one));
        expect([first?.result.verdict.kind, first?.trace?.steps.length]).toEqual([one.result.verdict.kind, one.trace!.steps.length]);
        expect([...again]).toEqual([undefined, one.trace!.steps.length]);
      }
    }
  });

  it('stops at --max-states at a level boundary and grows the shared seen set as needed', async () => {
    const pool = pools.get(2)!;
    const r = await pool.run({ model: 'reference/n-peterson', variant: 'fixed', constants: { N: 4 } }, { maxStates: 1000, seenCapacity: 16 });
    expect(r.result.verdict).toEqual({ kind: 'incomplete', reason: 'max-states' });
    const full = await pool.run({ model: 'reference/n-peterson', variant: 'fixed', constants: { N: 4 } }, { seenCapacity: 16 });
    expect(full.result.stats.distinct).toBe(22_281);
  });

  it('gives a level of fewer than splitBelow states to one worker: at a violation there, the counts are one worker\'s', async () => {
    const job = { model: 'hmm/m5-hmm-pt', variant: 'mutant-free-without-synchronize-rcu', constants: { levels: 3, populators: 2 } };
    const model = registry.find((m) => m.name === job.model)!;
    const one = checkSpec(instantiate(model, job.variant, job.constants).spec);
    const counts = (o: CheckOutcome) => [o.result.verdict.kind, o.result.stats.distinct, o.result.stats.generated];
    expect(counts(one)).toEqual(['violation', 1_111, 2_632]);
    const pool = pools.get(2)!;
    // Every level of this search is below the default (2,048). Split, the workers finish the level
    // (the model has temporal properties), expanding states one worker would not have (1,183-1,186
    // distinct: which states stop at a violation depends on which worker stored a state first).
    expect(counts(await pool.run(job, { localBelow: 0 }))).toEqual(counts(one));
    const split = await pool.run(job, { localBelow: 0, splitBelow: 0 });
    expect(split.result.verdict.kind).toBe('violation');
    expect(split.result.stats.distinct).toBeGreaterThan(1_111);
  });
});
