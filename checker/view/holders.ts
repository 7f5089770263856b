/**
 * Which locks each thread holds in a state. A lock whose schema type the kernel primitives mark
 * (mutex, spinlock, rwsem, seqcount, owner locks: spec/kernel/lockdep.ts) is read from its
 * lockdep record: the lock's path, its mode (`read`, `write`, `read×2` for a recursive reader) and
 * queued writers as waiting. Everything else is found generically: the primitives record their
 * holder by thread id, so any other part of the state that names a thread counts as "held by that
 * thread". The heuristic:
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
import { holdersOf, lockClassOf, type LockHolder } from '../../spec/kernel/lockdep';
import type { RecordType, Type } from '../../spec/types';
import { displayPaths } from './stateRows';
import type { Holding } from './types';

const WAITS = /wait|queue/i;

function lastName(path: string): string {
  const names = path.split(/[.[\]]+/).filter(Boolean);
  return names[names.length - 1] ?? path;
}

function modeText(h: LockHolder): string | undefined {
  if (h.mode === 'exclusive' || h.mode === 'waits') return undefined;
  return h.depth > 1 ? `${h.mode}×${h.depth}` : h.mode;
}

/** Per thread id, what it holds in `state` (threads holding nothing are absent), in schema order. */
export function lockHolders(schema: RecordType<Record<string, Type>>, state: any, threads: readonly ThreadSpec[]): Record<string, Holding[]> {
  const ids = new Set(threads.flatMap((th) => th.ids));
  const kinds = new Set(threads.map((th) => th.kind));
  const display = displayPaths(threads);
  const out: Record<string, Holding[]> = {};
  const hold = (id: string, path: string, lock = path, marked?: LockHolder) => {
    const list = (out[id] ??= []);
    const shown = display(path);
    if (list.some((h) => h.path === shown)) return;
    if (!marked) return void list.push({ path: shown, lock: display(lock), waits: WAITS.test(lastName(lock)) });
    const mode = modeText(marked);
    list.push({ path: shown, lock: display(lock), waits: marked.mode === 'waits', ...(mode ? { mode } : {}) });
  };
  const isId = (x: unknown): x is string => typeof x === 'string' && ids.has(x);

  const walk = (type: Type, v: any, path: string): void => {
    const cls = lockClassOf(type);
    if (cls) {
      if (v !== null && v !== undefined) for (const h of holdersOf(cls, v)) if (ids.has(h.id)) hold(h.id, path, path, h);
      return;
    }
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
      case 'setOf':
      case 'bag':
        for (const x of v as Iterable<unknown>) walk(type.elem, x, path);
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
