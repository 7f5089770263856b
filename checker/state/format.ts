/**
 * Schema-directed printing of states for people: compact values, and the list of variables that
 * changed between two states (what a counterexample step shows).
 */
import type { Type } from '../../spec/types';
import type { Bag } from '../../spec/bag';
import { valueKey } from '../../spec/valueKey';

/** Elements of a ValueSet or Bag in canonical order (so a state prints the same however it was built). */
function sortedElements(v: Iterable<unknown>): unknown[] {
  return [...v].map((x) => [valueKey(x), x] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, x]) => x);
}

/** One value, compactly: records `{ a: 1 }`, sets `{r1, r2}` with a `Set` tag, enums unquoted. */
export function formatValue(type: Type, v: any): string {
  switch (type.kind) {
    case 'bool':
    case 'int':
      return String(v);
    case 'enum':
      return String(v);
    case 'record':
      return `{ ${Object.entries(type.fields).map(([k, ft]) => `${k}: ${formatValue(ft, v[k])}`).join(', ')} }`;
    case 'array':
      return `[${(v as any[]).map((x) => formatValue(type.elem, x)).join(', ')}]`;
    case 'tuple':
      return `<<${type.elems.map((et, i) => formatValue(et, v[i])).join(', ')}>>`;
    case 'map':
      return `(${type.domain.map((k) => `${k} :> ${formatValue(type.value, v[k])}`).join(', ')})`;
    case 'set':
      return `{${type.domain.filter((k) => (v as Set<unknown>).has(k)).join(', ')}}`;
    case 'setOf':
      return `{${sortedElements(v).map((x) => formatValue(type.elem, x)).join(', ')}}`;
    case 'bag':
      return `(${sortedElements(v).map((x) => `${formatValue(type.elem, x)} :> ${(v as Bag<unknown>).count(x)}`).join(', ')})`;
    case 'seq':
      return `<<${(v as any[]).map((x) => formatValue(type.elem, x)).join(', ')}>>`;
    case 'optional':
      return v === null ? 'null' : formatValue(type.inner, v);
  }
}

export interface Change {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * The changed parts between `a` and `b`: descends into records, arrays, tuples and maps (so a
 * thread's pc shows as `Unreg[0].pc`), and reports sets, sequences and optionals whole.
 */
export function diffValues(type: Type, a: any, b: any, path: string, out: Change[] = []): Change[] {
  switch (type.kind) {
    case 'record':
      for (const [k, ft] of Object.entries(type.fields)) diffValues(ft, a[k], b[k], path ? `${path}.${k}` : k, out);
      return out;
    case 'array':
      (a as any[]).forEach((x, i) => diffValues(type.elem, x, b[i], `${path}[${i}]`, out));
      return out;
    case 'tuple':
      type.elems.forEach((et, i) => diffValues(et, a[i], b[i], `${path}[${i}]`, out));
      return out;
    case 'map':
      for (const k of type.domain) diffValues(type.value, a[k], b[k], `${path}[${k}]`, out);
      return out;
    default: {
      const before = formatValue(type, a);
      const after = formatValue(type, b);
      if (before !== after) out.push({ path, before, after });
      return out;
    }
  }
}

/** Every top-level variable of a state as `name = value` lines. */
export function formatState(type: Type, s: any): string[] {
  if (type.kind !== 'record') return [formatValue(type, s)];
  return Object.entries(type.fields).map(([k, ft]) => `${k} = ${formatValue(ft, s[k])}`);
}
