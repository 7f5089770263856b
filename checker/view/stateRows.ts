/**
 * A state as a tree of rows for the state panel: records, fixed arrays, tuples and maps are inner
 * rows, everything else (sets, sequences, optionals, scalars) is a leaf with a printed value. The
 * paths are exactly those `diffValues` reports, so a step's changes find their rows. Thread
 * records are named by thread id (`Exit.pc` rather than `Exit[0].pc`).
 */
import type { ThreadSpec } from '../../spec/spec';
import type { RecordType, Type } from '../../spec/types';
import { formatValue } from '../state/format';
import type { StateRow } from './types';

/** Maps raw paths to display paths: `Exit[0].m` → `Exit.m`, `Fault[1].pc` → `Fault1.pc`. */
export function displayPaths(threads: readonly ThreadSpec[]): (path: string) => string {
  const prefixes = threads.flatMap((th) => th.ids.map((id, i) => [`${th.kind}[${i}]`, id] as const));
  return (path) => {
    for (const [prefix, id] of prefixes) {
      if (path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)) return id + path.slice(prefix.length);
    }
    return path;
  };
}

export interface Flattened {
  readonly rows: StateRow[];
  readonly values: string[];
}

/** The rows of `state` (every state of a schema has the same rows) and its leaf values in row order. */
export function flattenState(schema: RecordType<Record<string, Type>>, state: any, threads: readonly ThreadSpec[]): Flattened {
  const rows: StateRow[] = [];
  const values: string[] = [];
  const display = displayPaths(threads);
  const kinds = new Map(threads.map((th) => [th.kind, th]));

  const walk = (type: Type, v: any, path: string, name: string, depth: number, thread?: string): void => {
    const inner = (children: () => void) => {
      rows.push({ path, display: display(path), name, depth, leaf: false, ...(thread ? { thread } : {}) });
      children();
    };
    switch (type.kind) {
      case 'record':
        return inner(() => {
          for (const [k, ft] of Object.entries(type.fields)) walk(ft, v[k], path ? `${path}.${k}` : k, k, depth + 1, thread);
        });
      case 'array':
        return inner(() => (v as any[]).forEach((x, i) => walk(type.elem, x, `${path}[${i}]`, `[${i}]`, depth + 1, thread)));
      case 'tuple':
        return inner(() => type.elems.forEach((et, i) => walk(et, v[i], `${path}[${i}]`, `[${i}]`, depth + 1, thread)));
      case 'map':
        return inner(() => type.domain.forEach((k) => walk(type.value, v[k], `${path}[${k}]`, `[${k}]`, depth + 1, thread)));
      default:
        rows.push({ path, display: display(path), name, depth, leaf: true, ...(thread ? { thread } : {}) });
        values.push(formatValue(type, v));
    }
  };

  for (const [k, ft] of Object.entries(schema.fields)) {
    const th = kinds.get(k);
    if (th && ft.kind === 'array' && ft.elem.kind === 'record') {
      // A thread kind: one group per instance, headed by its id, fields (pc first) below.
      const rec = ft.elem;
      th.ids.forEach((id, i) => {
        const path = `${k}[${i}]`;
        rows.push({ path, display: id, name: id, depth: 0, leaf: false, thread: id });
        for (const [f, lt] of Object.entries(rec.fields)) walk(lt, state[k][i][f], `${path}.${f}`, f, 1, id);
      });
    } else walk(ft, state[k], k, k, 0);
  }
  return { rows, values };
}
