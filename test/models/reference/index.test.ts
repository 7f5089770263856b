import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { referenceModels } from '../../../models/reference';

describe('reference model registry', () => {
  it('lists the tlaplus/Examples ports, the Murphi n_peterson port and the BEEM ports', () => {
    expect(referenceModels.map((m) => m.name)).toEqual([
      'reference/diehard',
      'reference/tcommit',
      'reference/twophase',
      'reference/peterson',
      'reference/dining',
      'reference/n-peterson',
      'reference/simple-allocator',
      'reference/paxos',
      'reference/multipaxos',
      'reference/lamport-mutex',
      'reference/beem-peterson',
      'reference/beem-anderson',
    ]);
  });

  it.each(referenceModels.map((m) => [m.name, m] as const))('%s: the checker gives the declared expectation', (_, model) => {
    const { verdict } = checkSpec(instantiate(model).spec).result;
    const expected = model.variants.fixed!.expect;
    expect(verdict.kind).toBe(expected.verdict);
    if (expected.verdict === 'violation') expect(verdict).toMatchObject({ property: expected.property });
  });
});
