/**
 * Lockdep-style held-lock sets (kernel/locking/lockdep.c keeps `current->held_locks`): the lock
 * primitives of spec/kernel mark their schema type with a lock class, and since each records its
 * holders by thread id, which locks a thread holds in a state is read off the state — nothing is
 * added to it, so state counts do not change. The viewer's lock bars, `hmmcheck lint` ("which
 * locks does thread t hold at this step") and the unlock checks all read the same records.
 *
 * @example
 * const fields = { dev: t.record({ mutex: mutexType(IDS) }), mmap: rwsemType(IDS) };  // both marked
 * heldLocks(spec.schema, state).get('Fault0')   // [{ lock: 'mmap', cls: 'rwsem', mode: 'read', depth: 1 }]
 * const owner = lockType(t.optional(t.enum(...IDS)), 'owner');                        // a hand-rolled lock
 */
import type { RecordType, Type } from '../types';

/**
 * How a marked type records its holders: `mutex`/`spinlock` (`{ owner }`), `rwsem`
 * (`{ readers, writer, waiting, nested? }`), `seqcount` (`{ writer, reader }`), `owner` (the
 * value itself is the holder's id or null, e.g. a page lock), or `rcu` (a grace-period domain,
 * SRCU or RCU: `{ reader }` maps each thread to its read section or null — lockdep tracks
 * srcu_read_lock as a shared acquisition of the domain's dep_map), or `irq` (cpu.ts's per-thread
 * IRQ-disable depth, thread id → depth: lockdep tracks `hardirqs_off` per task; a thread with IRQs
 * off holds its CPU against interrupts and IPIs, shown like a held lock).
 */
export type LockClass = 'mutex' | 'spinlock' | 'rwsem' | 'seqcount' | 'owner' | 'rcu' | 'irq';

/** `exclusive`: mutex, spinlock, owner lock; `read`/`write`: rwsem or seqcount side; `waits`: queued writer. */
export type HoldMode = 'exclusive' | 'read' | 'write' | 'waits';

/** One entry of a thread's held-lock set. */
export interface HeldLock {
  /** Path of the lock in the state: `dev.mutex`, `hmm.msem`, `page[S0].lock`. */
  readonly lock: string;
  readonly cls: LockClass;
  readonly mode: HoldMode;
  /** Acquisitions held (2 for a recursive down_read). */
  readonly depth: number;
}

/** A schema type marked as a lock. */
export type LockMarked<T extends Type> = T & { readonly lockClass: LockClass };

/** Marks `type` as a lock of class `cls` (the primitives' type constructors do this). */
export function lockType<T extends Type>(type: T, cls: LockClass): LockMarked<T> {
  return { ...type, lockClass: cls };
}

/** The lock class of a schema type, if it is marked. */
export function lockClassOf(type: Type): LockClass | undefined {
  return (type as { lockClass?: LockClass }).lockClass;
}

/** True for modes that exclude every other holder (a write to guarded data needs one). */
export function isExclusive(mode: HoldMode): boolean {
  return mode === 'exclusive' || mode === 'write';
}

/** A holder of one lock. */
export interface LockHolder {
  readonly id: string;
  readonly mode: HoldMode;
  readonly depth: number;
}

/** Who holds (or waits for) a lock of class `cls` whose value is `v`. */
export function holdersOf(cls: LockClass, v: any): LockHolder[] {
  const out: LockHolder[] = [];
  switch (cls) {
    case 'owner':
      if (typeof v === 'string') out.push({ id: v, mode: 'exclusive', depth: 1 });
      break;
    case 'mutex':
    case 'spinlock':
      if (v.owner !== null) out.push({ id: v.owner, mode: 'exclusive', depth: 1 });
      break;
    case 'rwsem':
      if (v.writer !== null) out.push({ id: v.writer, mode: 'write', depth: 1 });
      for (const id of v.readers as Set<string>) out.push({ id, mode: 'read', depth: 1 + (v.nested?.[id] ?? 0) });
      for (const id of v.waiting as Set<string>) out.push({ id, mode: 'waits', depth: 0 });
      break;
    case 'seqcount':
      if (v.writer !== null) out.push({ id: v.writer, mode: 'write', depth: 1 });
      for (const [id, r] of Object.entries(v.reader as Record<string, unknown>)) if (r !== null) out.push({ id, mode: 'read', depth: 1 });
      break;
    case 'irq':
      for (const [id, n] of Object.entries(v as Record<string, number>)) if (n > 0) out.push({ id, mode: 'exclusive', depth: n });
      break;
    case 'rcu':
      // `reader[id]` is the epoch the section started in (0 included), null outside; RCU also nests (`depth`).
      for (const [id, r] of Object.entries(v.reader as Record<string, unknown>)) if (r !== null) out.push({ id, mode: 'read', depth: Math.max(1, v.depth?.[id] ?? 1) });
      break;
  }
  return out;
}

/** A marked lock of a schema: where it is and how to read it from a state. */
export interface LockSite {
  readonly path: string;
  readonly cls: LockClass;
  readonly get: (state: any) => unknown;
}

const sitesCache = new WeakMap<Type, readonly LockSite[]>();

/**
 * Every marked lock of `schema`, with paths in the viewer's style (`a.b`, `m[k]`, `arr[i]`).
 * A lock inside an optional that is null in some state is skipped in that state.
 */
export function lockSites(schema: Type): readonly LockSite[] {
  const hit = sitesCache.get(schema);
  if (hit) return hit;
  const out: LockSite[] = [];
  const walk = (type: Type, path: string, get: (s: any) => any): void => {
    const cls = lockClassOf(type);
    if (cls) {
      out.push({ path, cls, get });
      return;
    }
    switch (type.kind) {
      case 'record':
        for (const [k, ft] of Object.entries(type.fields)) walk(ft, path ? `${path}.${k}` : k, (s) => get(s)?.[k]);
        return;
      case 'array':
        for (let i = 0; i < type.length; i++) walk(type.elem, `${path}[${i}]`, (s) => get(s)?.[i]);
        return;
      case 'tuple':
        type.elems.forEach((et, i) => walk(et, `${path}[${i}]`, (s) => get(s)?.[i]));
        return;
      case 'map':
        for (const k of type.domain) walk(type.value, `${path}[${k}]`, (s) => get(s)?.[k]);
        return;
      case 'optional':
        walk(type.inner, path, (s) => get(s) ?? undefined);
        return;
      default:
        return;
    }
  };
  walk(schema, '', (s) => s);
  sitesCache.set(schema, out);
  return out;
}

/** Every thread's held-lock set in `state` (threads holding nothing are absent), in schema order. */
export function heldLocks(schema: RecordType<Record<string, Type>>, state: any): Map<string, HeldLock[]> {
  const out = new Map<string, HeldLock[]>();
  for (const site of lockSites(schema)) {
    const v = site.get(state);
    if (v === undefined) continue;
    for (const h of holdersOf(site.cls, v)) {
      let list = out.get(h.id);
      if (!list) out.set(h.id, (list = []));
      list.push({ lock: site.path, cls: site.cls, mode: h.mode, depth: h.depth });
    }
  }
  return out;
}

/** The held-lock set of thread `id` in `state` (queued `waits` entries included), in schema order. */
export function locksHeldBy(schema: RecordType<Record<string, Type>>, state: any, id: string): HeldLock[] {
  const out: HeldLock[] = [];
  for (const site of lockSites(schema)) {
    const v = site.get(state);
    if (v === undefined) continue;
    for (const h of holdersOf(site.cls, v)) if (h.id === id) out.push({ lock: site.path, cls: site.cls, mode: h.mode, depth: h.depth });
  }
  return out;
}
