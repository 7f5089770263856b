/**
 * Canonical keys of values (records, tuples, sets, bags, primitives): equal values have equal keys
 * whatever their field or insertion order, so `ValueSet` and `Bag` compare elements by value, as
 * TLA+ does, where a JS Set compares objects by identity.
 */

/** A collection that supplies its own canonical key (ValueSet, Bag). */
export interface Keyed {
  /** The canonical key of the whole collection (sorted element keys). */
  valueKey(): string;
}

function isKeyed(v: object): v is Keyed {
  return typeof (v as Partial<Keyed>).valueKey === 'function';
}

/**
 * The canonical key of `v`: strings quoted, records with their fields sorted, sets by their sorted
 * element keys. Two values of one schema type are equal exactly when their keys are.
 *
 * @example valueKey({ b: 1, a: 'x' }) === valueKey({ a: 'x', b: 1 })   // true
 */
export function valueKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Object.is(v, -0) ? '0' : String(v);
    case 'boolean':
      return v ? 'T' : 'F';
    case 'object': {
      if (v === null) return 'N';
      if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
      if (isKeyed(v)) return v.valueKey();
      if (v instanceof Set) return `{${[...v].map(valueKey).sort().join(',')}}`;
      const rec = v as Record<string, unknown>;
      return `(${Object.keys(rec).sort().map((k) => `${JSON.stringify(k)}:${valueKey(rec[k])}`).join(',')})`;
    }
    case 'undefined':
      return 'U';
    default:
      // Not a state value; keyed anyway so that the encoder, not the set, reports it.
      return `?${String(v)}`;
  }
}
