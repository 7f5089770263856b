/**
 * Which locks each thread holds in a state, found generically rather than from lock types: the
 * kernel primitives record their holder by thread id, so any part of the state that names a
 * thread counts as "held by that thread". The heuristic:
 *
 * - a leaf (enum, optional enum) whose value is a thread id: a mutex or spinlock `owner`, an
 *   rwsem `writer` → that thread holds the path (`dev.mutex.owner`);
 * - a set or sequence with a thread id among its members: an rwsem's `readers` → each member
 *   holds the path (`hrw.readers`);
 * - an entry of a map keyed by thread ids whose value is set (not null, not false): a per-thread
 *   read section such as SRCU's `reader[Exit] = 0` → that thread holds `srcu.reader[Exit]`,
 *   shown in its own lane as `srcu.reader`.
 *
 * Thread program counters never count (a label may look like an id). A path whose last name
 * says waiting (`waiting`, `waiters`, `queue`) is marked `waits`: the thread is queued for the
 * lock, not holding it. The heuristic can over-report (any variable that stores a thread id shows
 * up, e.g. "last writer"), which is why the view always shows the path, never a guessed lock name.
 */
import type { ThreadSpec } from '../../spec/spec';
import type { RecordType, Type } from '../../spec/types';
import { displayPaths } from './stateRows';
import type { Holding } from './types';

const WAITS = /wait|queue/i;

function lastName(path: string): string {
  const names = path.split(/[.[\]]+/).filter(Boolean);
  return names[names.length - 1] ?? path;
}

/** Per thread id, what it holds in `state` (threads holding nothing are absent), in schema order. */
export function lockHolders(schema: RecordType<Record<string, Type>>, state: any, threads: readonly ThreadSpec[]): Record<string, Holding[]> {
  const ids = new Set(threads.flatMap((th) => th.ids));
  const kinds = new Set(threads.map((th) => th.kind));
  const display = displayPaths(threads);
  const out: Record<string, Holding[]> = {};
  const hold = (id: string, path: string, lock = path) => {
    const list = (out[id] ??= []);
    const shown = display(path);
    if (list.some((h) => h.path === shown)) return;
    list.push({ path: shown, lock: display(lock), waits: WAITS.test(lastName(lock)) });
  };
  const isId = (x: unknown): x is string => typeof x === 'string' && ids.has(x);

  const walk = (type: Type, v: any, path: string): void => {
    switch (type.kind) {
      case 'bool':
      case 'int':
        return;
      case 'enum':
        if (isId(v)) hold(v, path);
        return;
      case 'optional':
        if (v !== null) walk(type.inner, v, path);
        return;
      case 'set':
        for (const k of type.domain) if ((v as Set<unknown>).has(k) && isId(String(k))) hold(String(k), path);
        return;
      case 'seq':
        (v as any[]).forEach((x) => {
          if (isId(x)) hold(x, path);
          else walk(type.elem, x, path);
        });
        return;
      case 'record':
        for (const [k, ft] of Object.entries(type.fields)) {
          if (k === 'pc' && isThreadRecord(path)) continue;
          walk(ft, v[k], path ? `${path}.${k}` : k);
        }
        return;
      case 'array':
        (v as any[]).forEach((x, i) => walk(type.elem, x, `${path}[${i}]`));
        return;
      case 'tuple':
        type.elems.forEach((et, i) => walk(et, v[i], `${path}[${i}]`));
        return;
      case 'map':
        for (const k of type.domain) {
          const x = v[k];
          const scalarEntry = type.value.kind === 'optional' || type.value.kind === 'bool';
          if (scalarEntry && isId(String(k))) {
            if (x !== null && x !== false) hold(String(k), `${path}[${k}]`, path);
          } else walk(type.value, x, `${path}[${k}]`);
        }
        return;
    }
  };
  const isThreadRecord = (path: string) => {
    const m = /^([^.[\]]+)\[\d+\]$/.exec(path);
    return m !== null && kinds.has(m[1]!);
  };

  walk(schema, state, '');
  return out;
}
