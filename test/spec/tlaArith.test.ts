import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { div, mod } from '../../spec/tlaArith';

describe('TLA+ mod and div (floor semantics)', () => {
  it('matches TLA+ on negative dividends, where JavaScript differs', () => {
    expect(mod(-1, 3)).toBe(2);
    expect(div(-1, 3)).toBe(-1);
    expect(mod(-3, 3)).toBe(0);
    expect(div(-3, 3)).toBe(-1);
    expect(mod(7, 3)).toBe(1);
    expect(div(7, 3)).toBe(2);
    expect(-1 % 3).toBe(-1); // why the helpers exist
  });

  it('a = b * (a \\div b) + (a % b) with 0 <= a % b < b, for all a and b > 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
        const r = mod(a, b);
        expect(r >= 0 && r < b).toBe(true);
        expect(b * div(a, b) + r).toBe(a);
        expect(div(a, b)).toBe(Math.floor(a / b));
      }),
    );
  });

  it('refuses a divisor TLA+ leaves undefined', () => {
    expect(() => mod(1, 0)).toThrow('mod: divisor 0 is not a positive integer (TLA+ defines mod for b > 0)');
    expect(() => div(1, -2)).toThrow('div: divisor -2 is not a positive integer');
  });
});
