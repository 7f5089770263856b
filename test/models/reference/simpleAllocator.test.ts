import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { instantiate } from '../../../checker/model/instantiate';
import { traceToItf } from '../../../checker/trace/itf';
import { replayTrace } from '../../../checker/trace/replay';
import { simpleAllocator } from '../../../models/reference/simpleAllocator';
import type { Spec } from '../../../spec/spec';

const PROPERTIES = ['ClientsWillReturn', 'ClientsWillObtain', 'InfOftenSatisfied'] as const;

/** The spec with only the temporal property `name` (all its per-value instances). */
function only(spec: Spec, name: string): Spec {
  return { ...spec, liveness: spec.liveness.filter((p) => p.name === name) };
}

function lasso(variant: string) {
  const spec = instantiate(simpleAllocator, variant).spec;
  const { result, trace } = checkSpec(spec);
  return { spec, result, trace: trace!, labels: trace?.steps.map((s) => s.label) };
}

describe('reference/simple-allocator (tlaplus/Examples allocator/SimpleAllocator.tla, 3 clients, 2 resources)', () => {
  // TLC (manifest.json): 400 distinct, 1633 generated, depth 6; all properties hold.
  it('the cfg: every invariant and temporal property holds, 400 distinct / 1633 generated states', () => {
    const spec = instantiate(simpleAllocator).spec;
    expect(spec.liveness.map((p) => p.name)).toEqual([
      ...Array(3).fill('ClientsWillReturn'),
      ...Array(6).fill('ClientsWillObtain'),
      ...Array(3).fill('InfOftenSatisfied'),
    ]);
    const { result } = checkSpec(spec, { strategy: 'bfs' });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(400);
    expect(result.stats.generated).toBe(1633);
    expect(result.stats.depth).toBe(6);
  });

  it.each(PROPERTIES)('the cfg: %s holds on its own', (name) => {
    expect(checkSpec(only(instantiate(simpleAllocator).spec, name)).result.verdict.kind).toBe('holds');
  });

  it('safety alone (DFS) gives the same distinct count', () => {
    const { result } = checkSpec(instantiate(simpleAllocator).spec, { strategy: 'dfs' });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(400);
    expect(result.stats.generated).toBe(1633);
  });

  // The module's theorems: SimpleAllocator2 => ClientsWillReturn, and (commented) SimpleAllocator2
  // satisfies neither ClientsWillObtain nor InfOftenSatisfied.
  it.each([
    ['weak-allocate', ['holds', 'liveness', 'liveness']],
    ['allocator2', ['holds', 'liveness', 'liveness']],
    ['no-return-fairness', ['liveness', 'liveness', 'liveness']],
  ] as const)('%s: per-property verdicts', (variant, verdicts) => {
    const spec = instantiate(simpleAllocator, variant).spec;
    expect(PROPERTIES.map((name) => checkSpec(only(spec, name)).result.verdict.kind)).toEqual(verdicts);
  });

  it('weak-allocate (SF -> WF on Allocate): c1 starves for r1 while c2 keeps taking it', () => {
    const r = lasso('weak-allocate');
    expect(r.result.verdict).toMatchObject({ kind: 'liveness', property: 'ClientsWillObtain' });
    // c1's Allocate is disabled whenever c2 holds r1: weak fairness is met on this cycle, strong is not.
    expect(r.labels).toEqual(['Init', 'Request(c1, {r1})', 'Request(c2, {r1})', 'Allocate(c2, {r1})', 'ReturnAll(c2)']);
    expect(r.trace.loop).toBe(1);
    expect(r.trace.steps[4]!.state).toEqual(r.trace.steps[1]!.state);
  });

  it('allocator2 (SimpleAllocator2): c2 and c3 each hold half of {r1, r2} and wait for ever', () => {
    const r = lasso('allocator2');
    expect(r.result.verdict).toMatchObject({ kind: 'liveness', property: 'ClientsWillObtain' });
    expect(r.labels).toEqual(['Init', 'Request(c1, {r1})', 'Request(c2, {r1,r2})', 'Request(c3, {r1,r2})', 'Allocate(c2, {r1})', 'Allocate(c3, {r2})']);
    expect(r.trace.loop).toBe(5); // stutters in the last state
  });

  it('no-return-fairness: c1 keeps r1 for ever', () => {
    const r = lasso('no-return-fairness');
    expect(r.result.verdict).toMatchObject({ kind: 'liveness', property: 'ClientsWillReturn' });
    expect(r.labels).toEqual(['Init', 'Request(c1, {r1})', 'Allocate(c1, {r1})']);
    expect(r.trace.loop).toBe(2);
  });

  it.each(['weak-allocate', 'allocator2', 'no-return-fairness'])('%s: the saved lasso replays', (variant) => {
    const { spec, result, trace } = lasso(variant);
    const v = result.verdict;
    if (v.kind !== 'liveness') throw new Error('expected a liveness verdict');
    const doc = traceToItf(spec.schema, trace, {
      model: simpleAllocator.name, variant, constants: { Clients: 3, Resources: 2 },
      property: v.property, propertyKind: 'liveness', strategy: 'bfs', version: '0',
    }, '');
    const copy = JSON.parse(JSON.stringify(doc));
    expect(replayTrace(new CompiledSpec(spec), copy)).toMatchObject({ kind: 'reproduced', property: v.property, propertyKind: 'liveness', steps: trace.steps.length - 1 });
  });
});
