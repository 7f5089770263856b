// Tests of the example model: they fail with the counterexample printed step by step.
import { describe, it } from 'vitest';
import { expectHolds, expectViolation } from 'hmmcheck/testing';
import example from '../models/example.js';

describe('example/counter', () => {
  it('holds with the lock', () => expectHolds(example, { variant: 'fixed', distinct: 17 }));
  it('loses an update without it', () => expectViolation(example, { variant: 'lost-update', property: 'NoLostUpdate', maxSteps: 8 }));
});
