/**
 * TLA+'s integer division and remainder (Integers module): floor division, so the remainder of a
 * positive divisor is never negative, unlike JavaScript's `%` and `Math.trunc(a / b)`.
 */

function divisor(op: string, b: number): void {
  if (!Number.isInteger(b) || b <= 0) throw new RangeError(`${op}: divisor ${b} is not a positive integer (TLA+ defines ${op} for b > 0)`);
}

/**
 * `a % b` in TLA+: the r in 0..b-1 with a = b * (a \div b) + r.
 *
 * @example mod(-1, 3) === 2   // JavaScript's -1 % 3 is -1
 */
export function mod(a: number, b: number): number {
  divisor('mod', b);
  return ((a % b) + b) % b;
}

/**
 * `a \div b` in TLA+: a / b rounded down.
 *
 * @example div(-1, 3) === -1   // Math.trunc(-1 / 3) is -0
 */
export function div(a: number, b: number): number {
  divisor('div', b);
  return (a - mod(a, b)) / b;
}
