import { describe, expect, it } from 'vitest';
import { checkSpec, checkSpecAsync } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { beemPeterson } from '../../../models/reference/beemPeterson';

describe('reference/beem-peterson (BEEM peterson, from DiVinE compiled/peterson.4.dve.cpp)', () => {
  // SPIN 6.5.2 on bench/spin/beemPeterson.ts's Promela rendering gives the same numbers
  // (N=4: 1,119,560 stored, 3,864,897 transitions = stored + matched).
  // First, before N=3: the engine's code runs ~2x faster on a schema before it has met another.
  // Asynchronous: a long synchronous run would keep vitest's worker from answering its runner.
  it("N=4 (peterson.4): holds with BEEM's 1,119,560 states, 3,864,897 generated, depth 104", async () => {
    const { result } = await checkSpecAsync(instantiate(beemPeterson, 'fixed', { N: 4 }).spec);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(1_119_560);
    expect(result.stats.generated).toBe(3_864_897);
    expect(result.stats.depth).toBe(104);
  }, 180_000);

  it('N=3: holds with 12,498 distinct / 33,370 generated states', () => {
    const { result } = checkSpec(instantiate(beemPeterson, 'fixed', { N: 3 }).spec);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(12_498);
    expect(result.stats.generated).toBe(33_370);
  });

  it('finds two processes in CS when the scan ignores the other processes', () => {
    const spec = instantiate(beemPeterson, 'fixed', { N: 2 }).spec;
    const broken = { ...spec, actions: spec.actions.map((a) => (a.name === 'scanNext' ? { ...a, guard: (s: any, p: any) => s.P[p.i].pc === 'scan' && s.P[p.i].k < 2 } : a)) };
    const { result } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'MutualExclusion' });
  });
});
