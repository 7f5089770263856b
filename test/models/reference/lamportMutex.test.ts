import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { lamportMutex } from '../../../models/reference/lamportMutex';

describe('reference/lamport-mutex (tlaplus/Examples lamport_mutex with MCLamportMutex.cfg)', () => {
  // TLC (manifest.json, MCLamportMutex.cfg: N = 3, maxClock = 6, CONSTRAINT ClockConstraint):
  // 724,274 distinct, 2,729,079 generated, depth 61. About 19 s on a loaded 2-core machine.
  it('N=3, maxClock=6: TypeOK, BoundedNetwork and Mutex hold with 724,274 distinct / 2,729,079 generated, depth 61', { timeout: 180_000 }, () => {
    const r = checkSpec(instantiate(lamportMutex, 'fixed', { N: 3, maxClock: 6 }).spec).result;
    expect(r.verdict.kind).toBe('holds');
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([724_274, 2_729_079, 61]);
  });

  it('the registry default (maxClock=2) is small, and the same under DFS', () => {
    const spec = instantiate(lamportMutex).spec;
    const bfs = checkSpec(spec).result;
    const dfs = checkSpec(spec, { strategy: 'dfs' }).result;
    expect([bfs.verdict.kind, bfs.stats.distinct, bfs.stats.generated]).toEqual(['holds', 511, 2203]);
    expect([dfs.verdict.kind, dfs.stats.distinct, dfs.stats.generated]).toEqual(['holds', 511, 2203]);
  });

  it('Mutex is not vacuous: without the beats test, two processes enter', () => {
    const spec = instantiate(lamportMutex, 'fixed', { N: 2, maxClock: 4 }).spec;
    const enter = spec.actions.find((a) => a.name === 'Enter')!;
    // Enter(p) == ack[p] = Proc (dropping /\ \A q \in Proc \ {p} : beats(p, q))
    const broken = { ...spec, actions: spec.actions.map((a) => (a === enter ? { ...a, guard: (s: any, p: any) => s.ack[p.p].size === 2 } : a)) };
    const r = checkSpec(broken).result;
    expect(r.verdict).toMatchObject({ kind: 'violation', property: 'Mutex' });
  });
});
