import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../checker/check';
import { expectHolds, expectViolation, violatedInvariants } from '../../checker/testing';
import { findModel } from '../../models';
import jugs from '../fixtures/jugs';

const m1 = findModel('hmm/m1-mirror-2015')!;

describe('expectViolation / expectHolds', () => {
  it('pass when the model behaves as expected', () => {
    expect(expectViolation(m1, { variant: 'v8-unregister-race', property: 'INV-UAF-D', maxSteps: 17 }).steps).toHaveLength(18);
    expectHolds(m1, { distinct: 142 });
    expectViolation(jugs, { property: 'NotSolved', maxSteps: 6 });
  });

  it('fail with the counterexample, step by step with what changed', () => {
    expect(() => expectHolds(m1, { variant: 'v8-unregister-race' })).toThrow(
      /^hmm\/m1-mirror-2015 variant v8-unregister-race: expected every property to hold, but: Error: invariant INV-UAF-D is violated\.\n 0 {2}Init\n[\s\S]*\n17 {2}Exit\.X7b\n +err: null -> UAF_DEV\n/,
    );
    expect(() => expectViolation(jugs, { property: 'NotSolved', maxSteps: 5 })).toThrow(/^spec: NotSolved is violated, but in 6 steps, more than the expected 5\n0 {2}Init/);
  });

  it('fail readably when the expected bug is absent or a count differs', () => {
    expect(() => expectViolation(m1, { property: 'INV-UAF-D' })).toThrow('hmm/m1-mirror-2015 variant fixed: expected a violation of INV-UAF-D, but every property holds (142 distinct states)');
    expect(() => expectHolds(m1, { distinct: 140 })).toThrow('hmm/m1-mirror-2015 variant fixed: every property holds, but with 142 distinct states, not the expected 140');
  });
});

describe('violatedInvariants', () => {
  // Jugs with more invariants: 'Three' fails at depth 1, 'Four' at 6, 'Small2' at 2; 'Bounded' never.
  const invariants = [
    { name: 'Bounded', check: (s: any) => s.small + s.big <= 8 },
    { name: 'Four', check: (s: any) => s.big !== 4 },
    { name: 'Three', check: (s: any) => s.small !== 3 },
    { name: 'Small2', check: (s: any) => s.small !== 2 },
  ];
  const many = { ...jugs, invariants };

  it('lists every invariant violated somewhere, in declaration order, as a search per invariant would', () => {
    expect(violatedInvariants(many)).toEqual(['Four', 'Three', 'Small2']);
    const perInvariant = invariants.filter((i) => checkSpec({ ...many, invariants: [i], checkDeadlock: false }, { liveness: false }).result.verdict.kind === 'violation');
    expect(perInvariant.map((i) => i.name)).toEqual(['Four', 'Three', 'Small2']);
  });

  it('is empty when every invariant holds, and takes a model and variant', () => {
    expect(violatedInvariants({ ...jugs, invariants: [invariants[0]!] })).toEqual([]);
    expect(violatedInvariants(m1)).toEqual([]);
    expect(violatedInvariants(m1, { variant: 'v8-unregister-race' })).toContain('INV-UAF-D');
  });
});
