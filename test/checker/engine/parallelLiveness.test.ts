import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { itfOf } from '../../../checker/trace/itfOf';
import { replayTrace } from '../../../checker/trace/replay';
import { registry } from '../../../models';
import { expectSameAsOneWorker, LARGE, parallelPool, SPLIT_VIOLATIONS, summary, temporalHmmModels } from './parallelSummary';

describe('parallel BFS with temporal properties: the graph, verdict and lasso of one worker', () => {
  const pool = parallelPool(2);

  it.each(temporalHmmModels.filter((m) => !LARGE.includes(m.name)).map((m) => [m.name] as const))('%s fixed', async (name) => {
    await expectSameAsOneWorker(pool(), name);
  });

  it('finds the same lasso as one worker for a liveness bug, and it replays', async () => {
    const model = registry.find((m) => m.name === 'hmm/m2-device-fault')!;
    const inst = instantiate(model, 'write-fault-ro-vma-loop');
    const one = checkSpec(inst.spec);
    const two = await pool().run({ model: model.name, variant: inst.variant, constants: {} }, { localBelow: 0, splitBelow: 0 });
    expect(two.result.verdict.kind).toBe('liveness');
    expect(summary(two)).toEqual(summary(one));
    expect(two.trace!.loop).toBeDefined();
    const replayed = replayTrace(two.compiled, itfOf(inst, two.result, two.trace!));
    expect(replayed).toMatchObject({ kind: 'reproduced', property: 'LIVE-TERMINATION' });
  });

  it.each(['range-valid-not-sticky', 'mutant-fault-recursive-mmap-read'])(
    'stops at an invariant violation or deadlock in a level expanded before the previous merge (%s): a shortest trace that replays',
    async (variant) => {
      const model = registry.find((m) => m.name === 'hmm/m2-device-fault')!;
      const inst = instantiate(model, variant);
      expect(inst.spec.liveness.length).toBeGreaterThan(0); // so the workers record the graph
      const one = checkSpec(inst.spec);
      // Every level on the workers: from the second level on, each is sent before the previous one's merge.
      const two = await pool().run({ model: model.name, variant, constants: {} }, { localBelow: 0, splitBelow: 0 });
      expect(summary(two)).toEqual(summary(one));
      expect(two.trace!.steps.length).toBeGreaterThan(2);
      const replayed = replayTrace(two.compiled, itfOf(inst, two.result, two.trace!));
      expect(replayed.kind).toBe('reproduced');
    },
  );

  // The workers go on past a verdict, and the coordinator picks one worker's from the recorded edges.
  it.each(SPLIT_VIOLATIONS)('prints one worker\'s counterexample for a safety violation (%s %s), also when the seen set grows mid-level', async (name, variant) => {
    const model = registry.find((m) => m.name === name)!;
    const one = checkSpec(instantiate(model, variant).spec);
    for (const seenCapacity of [undefined, 1024]) {
      const two = await pool().run({ model: name, variant, constants: {} }, { seenCapacity, localBelow: 0, splitBelow: 0 });
      expect(summary(two)).toEqual(summary(one)); // the trace included
    }
  });

  it('grows the shared seen set mid-level and still numbers the graph as one worker does', async () => {
    const model = registry.find((m) => m.name === 'hmm/m2-device-fault')!;
    const inst = instantiate(model, 'write-fault-ro-vma-loop');
    const one = checkSpec(inst.spec);
    // Growth rounds hand a worker the rest of two slices: its expanded states are no longer one run.
    const two = await pool().run({ model: model.name, variant: inst.variant, constants: {} }, { seenCapacity: 1024, localBelow: 0, splitBelow: 0 });
    expect(one.result.stats.distinct).toBeGreaterThan(4 * 1024);
    expect(summary(two)).toEqual(summary(one));
  });

  it('expands small levels on the coordinator with the same result', async () => {
    const model = registry.find((m) => m.name === 'hmm/m2-device-fault')!;
    const inst = instantiate(model, 'write-fault-ro-vma-loop');
    const one = checkSpec(inst.spec);
    // Below 300 records on the coordinator: the levels of this model are on both sides of it.
    const mixed = await pool().run({ model: model.name, variant: inst.variant, constants: {} }, { localBelow: 300, splitBelow: 0 });
    expect(summary(mixed)).toEqual(summary(one));
  });

  it('leaves the temporal properties out when the job says so: no graph', async () => {
    const two = await pool().run({ model: 'hmm/m2-device-fault', variant: 'write-fault-ro-vma-loop', constants: {}, liveness: false });
    expect(two.result.verdict.kind).toBe('holds');
    expect(two.result.stats.edges).toBe(0);
  });
});
