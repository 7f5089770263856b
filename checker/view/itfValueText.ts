/**
 * Values of an ITF trace read without a schema (a trace from Quint or Apalache): printed the way
 * hmmcheck prints its own (state/format.ts: sets `{a, b}`, tuples and lists `<<a, b>>`, maps
 * `(k :> v)`, records `{ a: 1 }`), with Quint variants as `Tag(value)`, and split into the groups
 * the state panel shows (a record's fields, a map's entries).
 */

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const own = (x: Record<string, unknown>, k: string) => (Object.hasOwn(x, k) ? x[k] : undefined);

/** A Quint variant (`{ tag: "Some", value: 3 }`); a unit payload is `{ "#tup": [] }`. */
function variantOf(x: Record<string, unknown>): { tag: string; value: unknown } | undefined {
  const keys = Object.keys(x);
  return keys.length === 2 && typeof x.tag === 'string' && keys.includes('value') ? { tag: x.tag, value: x.value } : undefined;
}

function isUnit(x: unknown): boolean {
  return isObj(x) && Array.isArray(own(x, '#tup')) && (own(x, '#tup') as unknown[]).length === 0 && Object.keys(x).length === 1;
}

/** One ITF value as text. */
export function formatItfValue(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `<<${x.map(formatItfValue).join(', ')}>>`;
  if (!isObj(x)) return String(x);
  const big = own(x, '#bigint');
  if (typeof big === 'string') return big;
  const set = own(x, '#set');
  if (Array.isArray(set)) return `{${set.map(formatItfValue).join(', ')}}`;
  const tup = own(x, '#tup');
  if (Array.isArray(tup)) return `<<${tup.map(formatItfValue).join(', ')}>>`;
  const map = own(x, '#map');
  if (Array.isArray(map)) return `(${map.map((p) => (Array.isArray(p) ? `${formatItfValue(p[0])} :> ${formatItfValue(p[1])}` : formatItfValue(p))).join(', ')})`;
  const unser = own(x, '#unserializable');
  if (typeof unser === 'string') return unser;
  const variant = variantOf(x);
  if (variant) return isUnit(variant.value) ? variant.tag : `${variant.tag}(${formatItfValue(variant.value)})`;
  return `{ ${Object.entries(x).map(([k, v]) => `${k}: ${formatItfValue(v)}`).join(', ')} }`;
}

/** A key of a map that names a row: a scalar (strings, numbers, booleans, big integers). */
function keyText(k: unknown): string | undefined {
  if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') return String(k);
  if (isObj(k) && typeof own(k, '#bigint') === 'string' && Object.keys(k).length === 1) return own(k, '#bigint') as string;
  return undefined;
}

/**
 * The parts a value is shown as, each with its path suffix (`.field`, `[key]`): a record's fields,
 * or a map's entries when every key is a scalar. Undefined for a value shown whole.
 */
export function itfParts(x: unknown): [suffix: string, name: string, value: unknown][] | undefined {
  if (!isObj(x)) return undefined;
  if (Object.keys(x).some((k) => k.startsWith('#'))) {
    const map = own(x, '#map');
    if (!Array.isArray(map) || Object.keys(x).length !== 1) return undefined;
    const keys = map.map((p) => (Array.isArray(p) && p.length === 2 ? keyText(p[0]) : undefined));
    if (keys.some((k) => k === undefined)) return undefined;
    return map.map((p, i) => [`[${keys[i]}]`, `[${keys[i]}]`, (p as unknown[])[1]]);
  }
  if (variantOf(x)) return undefined;
  return Object.entries(x).map(([k, v]) => [`.${k}`, k, v]);
}
