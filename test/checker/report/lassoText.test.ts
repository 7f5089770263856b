/** How a lasso is worded (checker/report/lassoText.ts). */
import { describe, expect, it } from 'vitest';
import { lassoCycleText, stateAfter } from '../../../checker/report/lassoText';

describe('lassoCycleText', () => {
  it('says which steps repeat and which state recurs: the last state is the state after step `loop`', () => {
    expect(lassoCycleText(11, 13)).toBe('steps 12 to 13 lead back to the state after step 11 and repeat forever');
    expect(lassoCycleText(4, 5)).toBe('step 5 leads back to the state after step 4 and repeats forever');
    expect(lassoCycleText(0, 3)).toBe('steps 1 to 3 lead back to the initial state and repeat forever');
    expect(lassoCycleText(5, 5)).toBe('the state after step 5 repeats forever (stuttering)');
    expect(stateAfter(0)).toBe('the initial state');
  });
});
