import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { beemAnderson } from '../../../models/reference/beemAnderson';

describe('reference/beem-anderson (BEEM anderson, from DiVinE compiled/anderson.4.dve.cpp)', () => {
  // SPIN 6.5.2 on bench/spin/beemAnderson.ts's Promela rendering: the same stored states and
  // transitions (stored + matched) for N = 3 and 4.
  it.each([
    [3, 1_459, 3_706],
    [4, 29_641, 97_517],
  ])('N=%i: holds with %i distinct / %i generated states', (N, distinct, generated) => {
    const { result } = checkSpec(instantiate(beemAnderson, 'fixed', { N }).spec);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(distinct);
    expect(result.stats.generated).toBe(generated);
  });

  it('finds two processes in CS when the release passes the lock to the wrong slot', () => {
    const spec = instantiate(beemAnderson, 'fixed', { N: 3 }).spec;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) =>
        a.name === 'release' ? { ...a, effect: (d: any, p: any) => { d.P[p.i].pc = 'NCS'; d.slot[(d.P[p.i].myPlace + 2) % 3] = 1; } } : a,
      ),
    };
    const { result } = checkSpec(broken);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'MutualExclusion' });
  });
});
