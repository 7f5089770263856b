import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { findingKey, makeSwarmConfig, simulate, type Finding, type SimulationResult } from '../../../checker/engine/simulate';
import { simulateSwarm, workerPlan, workerShare } from '../../../checker/engine/swarm';
import { instantiate } from '../../../checker/model/instantiate';
import { traceToItf, type TraceMeta } from '../../../checker/trace/itf';
import { replayTrace } from '../../../checker/trace/replay';
import { findModel } from '../../../models';
import { spec } from '../../../spec/builder';
import type { Spec } from '../../../spec/spec';
import { t } from '../../../spec/types';
import jugs from '../../fixtures/jugs';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function modelSpec(name: string, variant = 'fixed', consts: Record<string, string> = {}): Spec {
  return instantiate(findModel(name)!, variant, consts).spec;
}

function itfText(s: Spec, f: Finding): string {
  const meta: TraceMeta = {
    model: 'test',
    variant: 'fixed',
    constants: {},
    property: findingKey(f),
    propertyKind: f.kind === 'violation' ? f.propertyKind : f.kind === 'deadlock' ? 'deadlock' : 'error',
    strategy: 'simulate',
    version: 'test',
  };
  return JSON.stringify(traceToItf(s.schema, f.trace!, meta, 'simulation'), null, 1);
}

function expectReplays(s: Spec, f: Finding): void {
  const r = replayTrace(new CompiledSpec(s), JSON.parse(itfText(s, f)));
  expect(r.kind).toBe('reproduced');
}

/** The result without its timings. */
function untimed(r: SimulationResult) {
  return { ...r, stats: { ...r.stats, elapsedMs: 0, tracesPerSec: 0 } };
}

function found(r: SimulationResult): Finding {
  if (r.kind !== 'found') throw new Error(`nothing found in ${r.stats.traces} traces`);
  return r.first;
}

describe('simulate: determinism', () => {
  it('gives identical results and byte-identical ITF traces for the same seed', () => {
    const a = simulate(jugs, { seed: 42, traces: 1000, depth: 50 });
    const b = simulate(jugs, { seed: 42, traces: 1000, depth: 50 });
    expect(untimed(a)).toEqual(untimed(b));
    expect(itfText(jugs, found(a))).toBe(itfText(jugs, found(b)));
    // Also across separately compiled specs and without a violation to stop early.
    const m = modelSpec('hmm/m2-device-fault');
    const c = simulate(new CompiledSpec(m), { seed: 5, traces: 40, depth: 60 });
    const d = simulate(new CompiledSpec(m), { seed: 5, traces: 40, depth: 60 });
    expect(c.kind).toBe('none');
    expect(untimed(c)).toEqual(untimed(d));
  });

  it('gives different traces for different seeds (usually)', () => {
    const traces = [1, 2, 3, 4, 5].map((seed) => itfText(jugs, found(simulate(jugs, { seed, traces: 1000, depth: 50 }))));
    expect(new Set(traces).size).toBeGreaterThanOrEqual(4);
    const m = modelSpec('hmm/m2-device-fault');
    const steps = [1, 2, 3].map((seed) => simulate(m, { seed, traces: 20, depth: 60 }).stats.steps);
    expect(new Set(steps).size).toBeGreaterThan(1);
  });

  it('rejects a seed outside 0..2^32-1', () => {
    expect(() => simulate(jugs, { seed: -1, traces: 1, depth: 1 })).toThrow(/seed/);
    expect(() => simulate(jugs, { seed: 1.5, traces: 1, depth: 1 })).toThrow(/seed/);
  });
});

describe('simulate: finding bugs', () => {
  it('finds the DieHard violation, and the trace replays', () => {
    const s = modelSpec('reference/diehard');
    const r = simulate(s, { seed: 1, traces: 500, depth: 100 });
    const f = found(r);
    expect(f).toMatchObject({ kind: 'violation', property: 'NotSolved', propertyKind: 'invariant' });
    expect(f.trace!.steps.at(-1)!.state.big).toBe(4);
    expect(r.stoppedBy).toBe('found');
    expect(r.stats.traces).toBe(f.traceIndex + 1);
    expectReplays(s, f);
  });

  it('finds HMM bug variants within a small budget, and the traces replay', () => {
    for (const [name, variant, property] of [
      ['hmm/m2-device-fault', 'interval-remove-lockless-wait', 'INV-SUBFREE'],
      ['hmm/m2-device-fault', 'range-valid-not-sticky', 'INV-NOSTALE'],
      ['hmm/m1-mirror-2015', 'v8-unregister-race', 'INV-UAF-D'],
    ] as const) {
      const s = modelSpec(name, variant);
      const f = found(simulate(s, { seed: 7, traces: 3000, depth: 100 }));
      expect(f).toMatchObject({ kind: 'violation', property });
      expectReplays(s, f);
    }
  });

  it('finds nothing in a correct model and says why it stopped', () => {
    const r = simulate(modelSpec('hmm/m1-mirror-2015'), { seed: 1, traces: 100, depth: 100 });
    expect(r.kind).toBe('none');
    expect(r.stoppedBy).toBe('traces');
    expect(r.stats.traces).toBe(100);
    expect(r.stats.endings.terminal).toBe(100); // every thread finishes: termination, not deadlock
    expect(r.stats.distinct).toBeGreaterThan(10);
    const timed = simulate(modelSpec('hmm/m1-mirror-2015'), { seed: 1, traces: 1e9, depth: 100, timeBudgetMs: 100 });
    expect(timed.stoppedBy).toBe('time');
  });

  it('checks action properties on every step', () => {
    const s = spec({ n: t.int(0, 6) })
      .init(() => ({ n: 0 }))
      .action('Inc', { k: [1, 2] }, { guard: (s, p) => s.n + p.k <= 6, effect: (d, p) => void (d.n += p.k) })
      .actionProperty('SmallSteps', (s, u) => u.n - s.n <= 1)
      .checkDeadlock(false)
      .build();
    const f = found(simulate(s, { seed: 3, traces: 10, depth: 10 }));
    expect(f).toMatchObject({ kind: 'violation', property: 'SmallSteps', propertyKind: 'action' });
    expect(f.trace!.steps.at(-1)!.label).toBe('Inc(2)');
    expectReplays(s, f);
  });

  it('reports a model error with the trace to the state where it happened', () => {
    const s = spec({ n: t.int(0, 3) })
      .init(() => ({ n: 0 }))
      .action('Step', {}, {
        guard: (x) => x.n < 3,
        effect: (d) => {
          if (d.n === 2) throw new Error('driver pointer is NULL');
          d.n += 1;
        },
      })
      .build();
    const f = found(simulate(s, { seed: 1, traces: 10, depth: 10 }));
    expect(f.kind).toBe('error');
    if (f.kind === 'error') expect(f.message).toMatch(/Step: effect threw: driver pointer is NULL/);
    expect(f.trace!.steps.map((x) => x.state.n)).toEqual([0, 1, 2]);
  });
});

describe('simulate: deadlock and constraints (TLC semantics)', () => {
  const blocked = () =>
    spec({ lock: t.optional(t.enum('P', 'Q')) })
      .init(() => ({ lock: null }))
      .thread('P', { instances: 1, steps: [{ label: 'take', guard: (s) => s.lock === null, effect: (d) => void (d.lock = 'P') }, { label: 'again', guard: (s) => s.lock === null }] });

  it('reports a state with no successor as a deadlock unless every thread is done', () => {
    const s = blocked().build();
    const r = simulate(s, { seed: 1, traces: 5, depth: 10 });
    const f = found(r);
    expect(f.kind).toBe('deadlock');
    expect(f.trace!.steps.map((x) => x.label)).toEqual(['Init', 'P.take']);
    expectReplays(s, f);
    expect(simulate(s, { seed: 1, traces: 5, depth: 10, checkDeadlock: false })).toMatchObject({ kind: 'none', stats: { traces: 5, endings: { terminal: 5 } } });
    expect(simulate(blocked().checkDeadlock(false).build(), { seed: 1, traces: 5, depth: 10 }).kind).toBe('none');

    const done = spec({ x: t.int(0, 2) })
      .init(() => ({ x: 0 }))
      .thread('T', { instances: 2, steps: [{ label: 'A', effect: (d) => void (d.x += 1) }] })
      .build();
    expect(simulate(done, { seed: 1, traces: 5, depth: 10 })).toMatchObject({ kind: 'none', stats: { traces: 5, steps: 10, endings: { terminal: 5 } } });
  });

  const counter = (bad: number) =>
    spec({ n: t.int(0, 9) })
      .init(() => ({ n: 0 }))
      .action('Inc', {}, { guard: (s) => s.n < 9, effect: (d) => void (d.n += 1) })
      .constraint('Small', (s) => s.n <= 2)
      .invariant('NotBad', (s) => s.n !== bad)
      .build();

  it('ends a trace at a state failing a constraint, after checking it', () => {
    // n = 3 fails the constraint: it is checked (and counted) but not expanded, so no deadlock.
    const r = simulate(counter(4), { seed: 1, traces: 3, depth: 20 });
    expect(r).toMatchObject({ kind: 'none', stats: { traces: 3, steps: 9, maxLength: 3, endings: { constraint: 3, depth: 0, terminal: 0 } } });
    expect(checkSpec(counter(4)).result.verdict.kind).toBe('holds');
    // The state cut by the constraint is still checked, as the exhaustive explorer does.
    const f = found(simulate(counter(3), { seed: 1, traces: 3, depth: 20 }));
    expect(f).toMatchObject({ kind: 'violation', property: 'NotBad' });
    expect(f.trace!.steps.map((x) => x.state.n)).toEqual([0, 1, 2, 3]);
    expect(checkSpec(counter(3)).result.verdict.kind).toBe('violation');
  });

  it('stops a trace at the depth bound', () => {
    const r = simulate(counter(4), { seed: 1, traces: 4, depth: 2 });
    expect(r.stats).toMatchObject({ traces: 4, steps: 8, maxLength: 2, endings: { depth: 4, constraint: 0 } });
  });

  it('checks every initial state and starts only from those inside the constraints', () => {
    const s = spec({ n: t.int(0, 9) })
      .init((ctx) => ({ n: ctx.choose([0, 5, 7]) }))
      .action('Inc', {}, { guard: (x) => x.n < 9, effect: (d) => void (d.n += 1) })
      .constraint('Low', (x) => x.n < 6)
      .invariant('Not7', (x) => x.n !== 7)
      .build();
    const f = found(simulate(s, { seed: 1, traces: 10, depth: 3 }));
    expect(f).toMatchObject({ kind: 'violation', property: 'Not7', traceIndex: 0 });
    expect(f.trace!.steps).toHaveLength(1);
    const r = simulate(s, { seed: 1, traces: 50, depth: 3, continueAfterViolation: true });
    expect(r.kind === 'found' && r.findings.length).toBe(1);
    // Traces start at 0 or 5 only (7 fails the constraint); from 5 the first step leaves it.
    expect(r.stats.maxLength).toBe(3);
  });
});

describe('simulate: swarm', () => {
  it('derives per-worker seeds and swarm configurations deterministically', () => {
    expect(workerPlan(123, 0)).toEqual({ seed: 123, swarmConfig: 0 });
    const plans = [1, 2, 3].map((k) => workerPlan(123, k));
    expect(plans).toEqual([1, 2, 3].map((k) => workerPlan(123, k)));
    expect(new Set(plans.map((p) => p.seed)).size).toBe(3);
    expect(plans.every((p) => p.swarmConfig !== 0 && Number.isInteger(p.seed) && p.seed >= 0 && p.seed <= 0xffffffff)).toBe(true);
    expect(workerPlan(124, 1)).not.toEqual(workerPlan(123, 1));
    expect([0, 1, 2].map((k) => workerShare(10, 3, k))).toEqual([4, 3, 3]);

    const m = modelSpec('hmm/m1-mirror-2015', 'v8-unregister-race');
    const c = makeSwarmConfig(m, plans[0]!.swarmConfig);
    expect(c).toEqual(makeSwarmConfig(m, plans[0]!.swarmConfig));
    expect(Object.keys(c.actionWeights)).toEqual(m.actions.map((a) => a.name));
    expect(Object.values(c.actionWeights).every((w) => w > 0)).toBe(true);
    expect(makeSwarmConfig(m, 0)).toEqual({ id: 0, actionWeights: {}, threadWeights: {} });
  });

  it('a swarm configuration changes the traces but keeps them reproducible', () => {
    const m = modelSpec('hmm/m1-mirror-2015', 'v8-unregister-race');
    const a = simulate(m, { seed: 9, traces: 3000, depth: 100, swarm: 77 });
    expect(untimed(a)).toEqual(untimed(simulate(m, { seed: 9, traces: 3000, depth: 100, swarm: 77 })));
    expect(untimed(a)).not.toEqual(untimed(simulate(m, { seed: 9, traces: 3000, depth: 100 })));
    if (a.kind === 'found') expectReplays(m, a.first);
  });

  it('runs workers in threads and reports the union; each finding reproduces with its seed and configuration', async () => {
    // Two properties, so that the union is more than one finding; a spec module loaded by path.
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-swarm-'));
    const file = join(dir, 'twoBugs.mts');
    writeFileSync(
      file,
      `import { spec } from ${JSON.stringify(join(root, 'spec/builder.ts'))};
import { t } from ${JSON.stringify(join(root, 'spec/types.ts'))};
export default spec({ x: t.int(0, 4), y: t.int(0, 4) })
  .init(() => ({ x: 0, y: 0 }))
  .action('IncX', {}, { guard: (s) => s.x < 4, effect: (d) => void (d.x += 1) })
  .action('IncY', {}, { guard: (s) => s.y < 4, effect: (d) => void (d.y += 1) })
  .invariant('XSmall', (s) => s.x < 3)
  .invariant('YSmall', (s) => s.y < 4)
  .checkDeadlock(false)
  .build();
`,
    );
    const job = { model: file, variant: 'fixed', constants: {} };
    const opts = { seed: 11, traces: 40, depth: 10, workers: 2, continueAfterViolation: true };
    const sw = await simulateSwarm(job, opts);
    expect(sw.workers.map((w) => [w.seed, w.swarmConfig, w.traces])).toEqual([0, 1].map((k) => [workerPlan(11, k).seed, workerPlan(11, k).swarmConfig, 20]));
    const perWorker = sw.workers.flatMap((w) => (w.result.kind === 'found' ? w.result.findings.map(findingKey) : []));
    expect(sw.findings.map(findingKey).sort()).toEqual([...new Set(perWorker)].sort());
    expect(sw.findings.map(findingKey).sort()).toEqual(['XSmall', 'YSmall']);
    expect(sw.stats.traces).toBe(40);

    // A worker's result is what a one-worker run with its seed and configuration gives.
    const { default: s } = await import(file);
    for (const w of sw.workers) {
      const again = simulate(s, { seed: w.seed, traces: w.traces, depth: 10, swarm: w.swarmConfig, continueAfterViolation: true });
      expect(untimed(again)).toEqual(untimed(w.result));
    }
    for (const f of sw.findings) expectReplays(s, f);

    // The same swarm run on this thread, one worker after the other, gives the same results.
    const inline = await simulateSwarm(job, { ...opts, inProcess: true });
    expect(inline.workers.map((w) => untimed(w.result))).toEqual(sw.workers.map((w) => untimed(w.result)));
  });

  it('finds an HMM bug with a two-worker swarm', async () => {
    const sw = await simulateSwarm({ model: 'hmm/m1-mirror-2015', variant: 'v8-unregister-race', constants: {} }, { seed: 7, traces: 6000, depth: 100, workers: 2 });
    expect(sw.findings.map(findingKey)).toContain('INV-UAF-D');
    const f = sw.findings[0]!;
    const m = modelSpec('hmm/m1-mirror-2015', 'v8-unregister-race');
    const again = simulate(m, { seed: f.seed, traces: f.traceIndex + 1, depth: 100, swarm: f.swarmConfig });
    expect(again.kind === 'found' && again.first.trace).toEqual(f.trace);
  });

  it('rejects a bad worker count and reports a model that does not load', async () => {
    await expect(simulateSwarm({ model: 'reference/diehard', variant: 'fixed', constants: {} }, { seed: 1, traces: 1, depth: 1, workers: 0 })).rejects.toThrow(/workers/);
    await expect(simulateSwarm({ model: 'no/such-model', variant: 'fixed', constants: {} }, { seed: 1, traces: 2, depth: 1, workers: 2 })).rejects.toThrow(/unknown model/);
  });
});
