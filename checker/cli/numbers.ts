/**
 * Strict numeric flags, as yargs `coerce` functions: yargs's own number parsing lets `abc` through
 * as NaN and fractions or negatives where counts are meant, and the run would fail (or misbehave)
 * only later. A bad value is a one-line usage error (exit 150) before any work starts.
 */
import { UsageError } from '../engine/errors';

type Coerce = (raw: unknown) => number;

/** The flag's value as a finite number, or a usage error saying what was expected. */
function numberOf(flag: string, raw: unknown, expected: string): number {
  const text = String(raw);
  const n = typeof raw === 'number' ? raw : text.trim() === text && text !== '' ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be ${expected}, got '${text}'`);
  return n;
}

/** An integer from `lo` to `hi` (a count, an index, a seed). */
export function integerFlag(flag: string, lo = 1, hi = Number.MAX_SAFE_INTEGER): Coerce {
  const expected = lo === 1 && hi === Number.MAX_SAFE_INTEGER ? 'a positive integer' : hi === Number.MAX_SAFE_INTEGER ? `an integer >= ${lo}` : `an integer from ${lo} to ${hi}`;
  return (raw) => {
    const n = numberOf(flag, raw, expected);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`${flag} must be ${expected}, got '${String(raw)}'`);
    return n;
  };
}

/** A number above zero, fractions allowed (seconds, MiB). */
export function positiveFlag(flag: string, unit: string): Coerce {
  const expected = `a positive number of ${unit}`;
  return (raw) => {
    const n = numberOf(flag, raw, expected);
    if (!(n > 0)) throw new UsageError(`${flag} must be ${expected}, got '${String(raw)}'`);
    return n;
  };
}
