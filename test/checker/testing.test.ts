import { describe, expect, it } from 'vitest';
import { expectHolds, expectViolation } from '../../checker/testing';
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
