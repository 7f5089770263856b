/**
 * The errors of a value outside its schema type, thrown by the codec (./codec.ts) and the packed
 * collections (./collection.ts) and turned into model errors by the engine.
 */
/** A value does not belong to its schema type. */
export class SchemaViolation extends Error {
  constructor(
    readonly path: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${path} = ${showValue(value)} is not ${expected}`);
  }
}

/** A record or map holds a key its type does not have (an effect added a field). */
export class UnknownKey extends SchemaViolation {
  constructor(path: string, value: unknown, expected: string, readonly keys: readonly string[]) {
    super(path, value, expected);
    this.message = `${path} has ${keys.length === 1 ? 'a field' : 'fields'} ${keys.map((k) => JSON.stringify(k)).join(', ')} not in its schema (${expected})`;
  }
}

/** Throws UnknownKey naming the keys of `v` that `known` lacks (enumerable ones, as for-in counts them). */
export function unknownKeyFn(path: string, v: Record<string, unknown>, known: readonly string[], expected: string): never {
  const extra: string[] = [];
  for (const k in v) if (!known.includes(k)) extra.push(k);
  throw new UnknownKey(path, v, expected, extra);
}

export function showValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v instanceof Set) return `Set(${[...v].map(showValue).join(', ')})`;
  const keyed = v as { valueKey?: () => string } | null;
  if (typeof keyed?.valueKey === 'function') {
    const s = keyed.valueKey();
    return s.length > 60 ? s.slice(0, 57) + '...' : s;
  }
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + '...' : s;
  } catch {
    return String(v);
  }
}

