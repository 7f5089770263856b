/**
 * Records what a guard, an effect or a predicate can read and write, over every state of the
 * schema, by running it: the state it gets is a stand-in whose scalars are chosen on first read,
 * and the function is re-run once per combination of the values it actually read (an odometer
 * over the choice points, as checker/engine/choices.ts does for `ctx.choose`). A function is
 * deterministic in what it reads, so the union of the leaves touched over all runs is exactly what
 * it touches over all states — reachable or not, which only over-approximates. A function that
 * needs more than `maxRuns` runs (it reads too many scalars with large domains) is reported
 * incomplete, and the reduction then treats it as touching everything.
 *
 * The stand-in mimics the runtime representation of states (spec/types.ts): records and maps are
 * objects whose fields are accessors (proxies for a concrete state), fixed arrays are proxied
 * arrays, seqs too with a length that is a choice, sets are objects with Set's methods, and
 * optionals are null or their value.
 *
 * Given `state` (a leaf's value in one concrete state), the same stand-in runs the function on that
 * state alone — reads make no choice, only `ctx.choose` does — and `onRun` gets each run's exact
 * accesses: `hmmcheck lint` audits the steps of reachable states this way (checker/lint/).
 */
import type { ChoiceCtx } from '../../spec/spec';
import type { Key } from '../../spec/types';
import { Bag } from '../../spec/bag';
import { ValueSet } from '../../spec/valueSet';
import { LeafSet, type LeafNode } from './leaves';

export interface Access {
  readonly reads: LeafSet;
  readonly writes: LeafSet;
  /** False when the enumeration was cut by its budget: reads and writes are then everything. */
  readonly complete: boolean;
  readonly runs: number;
  /** Values written to the watched leaf (a thread step's own pc: where it goes next). */
  readonly watched: Set<unknown>;
}

export interface ProbeOptions {
  readonly watch?: number;
  readonly maxRuns?: number;
  /** Probe one concrete state instead of every state of the schema: the value of each leaf. */
  readonly state?: (id: number) => unknown;
  /** Called after each run with the leaves it read (in first-read order) and wrote. */
  readonly onRun?: (reads: readonly number[], writes: ReadonlySet<number>) => void;
}

const NO_OPTION = Symbol('no option');
const OVER_BUDGET = Symbol('over budget');
/** Reads per run beyond which a run is abandoned (a loop that does not end on some state). */
const MAX_READS_PER_RUN = 100_000;

const ints = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);

/** The values a leaf can take, per leaf id (made once per probe: reads are the hot loop). */
function domains(root: LeafNode, count: number): (readonly unknown[])[] {
  const out: (readonly unknown[])[] = new Array(count);
  const walk = (n: LeafNode): void => {
    const ty = n.type;
    if (ty.kind === 'bool') out[n.lo] = BOOLS;
    else if (ty.kind === 'int') out[n.lo] = ints(ty.min, ty.max);
    else if (ty.kind === 'enum') out[n.lo] = ty.values;
    if (n.presence !== undefined) out[n.presence] = BOOLS;
    if (n.length !== undefined) out[n.length] = ints(0, (ty as { maxLength: number }).maxLength);
    if (n.members) for (const id of n.members.values()) out[id] = BOOLS;
    if (n.inner) walk(n.inner);
    if (n.children) for (const c of n.children.values()) walk(c);
  };
  walk(root);
  return out;
}

const BOOLS = [false, true] as const;
const domainCache = new WeakMap<LeafNode, (readonly unknown[])[]>();

/**
 * Runs `fn(state, ctx)` over every state of the schema whose leaf tree is `root` (with `count`
 * leaves) and returns the union of what it read and wrote.
 */
export function probe(root: LeafNode, count: number, fn: (state: any, ctx: ChoiceCtx) => void, opts: ProbeOptions = {}): Access {
  const maxRuns = opts.maxRuns ?? 10_000;
  const reads = new LeafSet(count);
  const writes = new LeafSet(count);
  const watched = new Set<unknown>();
  const path: number[] = [];
  const arity: number[] = [];
  let pos = 0;
  let readsThisRun = 0;
  // The current run's state: each leaf's value once read or written (`known[id] === runs`), and
  // one stand-in per node. Stand-ins keep no state of their own, so they serve every run; those
  // over a concrete state's collections (copies that effects mutate) are made again each run.
  const vals: unknown[] = new Array(count);
  const known = new Int32Array(count);
  let standIns = new Map<LeafNode, unknown>();
  const { state: fixed, onRun } = opts;
  let runReads: number[] = [];
  let runWrites = new Set<number>();

  const choose = (n: number): number => {
    if (pos < path.length) return path[pos++]!;
    path.push(0);
    arity.push(n);
    pos++;
    if (n === 0) throw NO_OPTION;
    return 0;
  };
  const ctx: ChoiceCtx = {
    choose<T>(options: readonly T[]): T {
      return options[choose(options.length)]!;
    },
  };

  const domainOf = domainCache.get(root) ?? domainCache.set(root, domains(root, count)).get(root)!;
  const readLeaf = (id: number): unknown => {
    if (known[id] === runs) return vals[id];
    if (++readsThisRun > MAX_READS_PER_RUN) throw OVER_BUDGET;
    reads.add(id);
    if (onRun) runReads.push(id);
    let v: unknown;
    if (fixed) v = fixed(id);
    else {
      const domain = domainOf[id]!;
      v = domain[choose(domain.length)];
    }
    vals[id] = v;
    known[id] = runs;
    return v;
  };
  const writeLeaf = (id: number, v: unknown): void => {
    writes.add(id);
    if (onRun) runWrites.add(id);
    vals[id] = v;
    known[id] = runs;
    if (id === opts.watch) watched.add(v);
  };
  /** Marks a sub-value as written away (a seq element past the new length, an optional set to null). */
  const clear = (node: LeafNode): void => {
    for (let i = node.lo; i < node.hi; i++) writeLeaf(i, undefined);
  };

  const valueOf = (node: LeafNode): unknown => {
    const ty = node.type;
    switch (ty.kind) {
      case 'bool':
      case 'int':
      case 'enum':
        return readLeaf(node.lo);
      case 'optional':
        return readLeaf(node.presence!) ? valueOf(node.inner!) : null;
      default: {
        let x = standIns.get(node);
        if (x === undefined) standIns.set(node, (x = standIn(node)));
        return x;
      }
    }
  };

  const write = (node: LeafNode, v: any): void => {
    const ty = node.type;
    switch (ty.kind) {
      case 'bool':
      case 'int':
      case 'enum':
        return writeLeaf(node.lo, v);
      case 'optional':
        if (v === null || v === undefined) {
          writeLeaf(node.presence!, false);
          clear(node.inner!);
        } else {
          writeLeaf(node.presence!, true);
          write(node.inner!, v);
        }
        return;
      case 'set':
        for (const [k, id] of node.members!) writeLeaf(id, Boolean(v?.has?.(keyOf(ty.domain, k))));
        return;
      case 'setOf':
      case 'bag':
        standIns.delete(node);
        return writeLeaf(node.lo, v);
      case 'seq': {
        // A seq stand-in is a proxied array, so Array.isArray holds for it too.
        const n = Array.isArray(v) ? (v.length as number) : 0;
        writeLeaf(node.length!, n);
        let i = 0;
        for (const child of node.children!.values()) {
          if (i < n) write(child, v[i]);
          else clear(child);
          i++;
        }
        return;
      }
      default:
        for (const [k, child] of node.children!) write(child, v?.[k]);
    }
  };

  /** The stand-in of a composite value (made on its first read, kept while it stays valid). */
  const standIn = (node: LeafNode): unknown => {
    const kind = node.type.kind;
    if (kind === 'set') return probeSet(node);
    if (kind === 'setOf' || kind === 'bag') return probeCollection(node);
    // Enumerating, a record's stand-in serves every run; for a concrete state it is made per state,
    // where a proxy is the cheaper to make.
    if ((kind === 'record' || kind === 'map') && !fixed) return recordOf(node);
    return proxyOf(node);
  };

  /**
   * A record's or map's stand-in when enumerating every state: its keys are fixed, so a plain object
   * with an accessor per key does what the proxy below does — reads and writes go to the leaves;
   * Object.keys/values/entries, spread and `in` see the same keys in the same order — at a fraction
   * of a proxy's cost per access. A key cannot be deleted (a state's record always has all of its
   * keys): `delete` throws, as a function failing on the state.
   */
  const recordOf = (node: LeafNode): unknown => {
    const o: Record<string, unknown> = {};
    for (const [k, c] of node.children!) {
      Object.defineProperty(o, k, { get: () => valueOf(c), set: (v: unknown) => write(c, v), enumerable: true });
    }
    return o;
  };

  const proxyOf = (node: LeafNode): unknown => {
    const ty = node.type;
    const isSeq = ty.kind === 'seq';
    const isArray = isSeq || ty.kind === 'array' || ty.kind === 'tuple';
    const children = node.children!;
    // A record's or map's keys are fixed: they sit on the target, so that Object.keys/values/entries
    // enumerate it without the ownKeys and getOwnPropertyDescriptor traps (Object.values of three
    // keys: 1.9 -> 1.0 µs; kernel primitives enumerate per-thread maps in their steps); reads and
    // writes still go through `get` and `set`.
    const target: any = isArray ? new Array(isSeq ? 0 : children.size) : Object.fromEntries([...children.keys()].map((k) => [k, undefined]));
    const seqLength = (): number => {
      const n = readLeaf(node.length!) as number;
      target.length = n;
      return n;
    };
    const child = (key: string | symbol): LeafNode | undefined => {
      if (typeof key !== 'string') return undefined;
      const c = children.get(key);
      if (c && isSeq && Number(key) >= seqLength()) return undefined;
      return c;
    };
    // An array's elements past a seq's length are not its own: those two traps say which are.
    const arrayTraps: ProxyHandler<any> | undefined = isArray
      ? {
          ownKeys: () => [...[...children.keys()].filter((k) => child(k) !== undefined), 'length'],
          getOwnPropertyDescriptor(t, key) {
            const c = child(key);
            if (c) return { value: valueOf(c), writable: true, enumerable: true, configurable: true };
            return Reflect.getOwnPropertyDescriptor(t, key);
          },
        }
      : undefined;
    return new Proxy(target, {
      get(t, key, receiver) {
        if (isSeq && key === 'length') return seqLength();
        const c = child(key);
        if (c) return valueOf(c);
        if (typeof key === 'string' && children.has(key)) return undefined; // past a seq's end
        return Reflect.get(t, key, receiver);
      },
      set(t, key, v) {
        if (isSeq && key === 'length') {
          const n = Number(v);
          writeLeaf(node.length!, n);
          target.length = n;
          [...children.values()].forEach((c, i) => i >= n && clear(c));
          return true;
        }
        const c = typeof key === 'string' ? children.get(key) : undefined;
        if (!c) return Reflect.set(t, key, v);
        write(c, v);
        if (isSeq && Number(key) >= seqLength()) {
          writeLeaf(node.length!, Number(key) + 1);
          target.length = Number(key) + 1;
        }
        return true;
      },
      deleteProperty(t, key) {
        const c = typeof key === 'string' ? children.get(key) : undefined;
        if (c) clear(c);
        return c ? true : Reflect.deleteProperty(t, key);
      },
      has(t, key) {
        return child(key) !== undefined || Reflect.has(t, key);
      },
      ...arrayTraps,
    });
  };

  /**
   * A ValueSet or Bag (one leaf, read whole): a copy of the state's value whose mutating methods
   * write the leaf. Only for concrete states (lint): its values cannot be enumerated (PartialOrder
   * refuses such schemas).
   */
  const probeCollection = (node: LeafNode) => {
    const v = readLeaf(node.lo) as ValueSet<unknown> | Bag<unknown>;
    const copy = v instanceof Bag ? new Bag<unknown>() : new ValueSet<unknown>();
    if (v instanceof Bag && copy instanceof Bag) for (const [x, n] of v.entries()) copy.add(x, n);
    else if (copy instanceof ValueSet) for (const x of v) copy.add(x);
    return new Proxy(copy, {
      get(target, k) {
        const f = (target as any)[k];
        if (typeof f !== 'function') return f;
        return (...args: unknown[]) => {
          const r = f.apply(target, args);
          if (k === 'add' || k === 'delete' || k === 'remove' || k === 'clear') writeLeaf(node.lo, target);
          return r;
        };
      },
    });
  };

  const probeSet = (node: LeafNode) => {
    const domain = (node.type as { domain: readonly Key[] }).domain;
    const idOf = (k: unknown) => node.members!.get(String(k));
    const has = (k: unknown): boolean => {
      const id = idOf(k);
      return id !== undefined && (readLeaf(id) as boolean);
    };
    const members = () => domain.filter((k) => has(k));
    const set = {
      has,
      add(k: unknown) {
        const id = idOf(k);
        if (id !== undefined) writeLeaf(id, true);
        return set;
      },
      delete(k: unknown) {
        const was = has(k);
        const id = idOf(k);
        if (id !== undefined) writeLeaf(id, false);
        return was;
      },
      clear() {
        for (const id of node.members!.values()) writeLeaf(id, false);
      },
      get size() {
        return members().length;
      },
      forEach(cb: (v: Key, k: Key, s: unknown) => void) {
        for (const k of members()) cb(k, k, set);
      },
      values: () => members()[Symbol.iterator](),
      keys: () => members()[Symbol.iterator](),
      entries: () => members().map((k) => [k, k] as const)[Symbol.iterator](),
      [Symbol.iterator]: () => members()[Symbol.iterator](),
    };
    return set;
  };

  let runs = 0;
  for (;;) {
    if (runs++ >= maxRuns) return everything(count, runs);
    pos = 0;
    readsThisRun = 0;
    if (fixed) standIns = new Map();
    if (onRun) {
      runReads = [];
      runWrites = new Set();
    }
    try {
      fn(valueOf(root), ctx);
      onRun?.(runReads, runWrites);
    } catch (e) {
      if (e === OVER_BUDGET) return everything(count, runs);
      // NO_OPTION: this path has no outcome. Anything else: the function fails on this state, so
      // it has no transition there; what it touched up to the throw is recorded all the same.
    }
    path.length = Math.min(path.length, pos);
    arity.length = path.length;
    let k = path.length - 1;
    while (k >= 0 && path[k]! + 1 >= arity[k]!) k--;
    if (k < 0) return { reads, writes, complete: true, runs, watched };
    path[k]!++;
    path.length = k + 1;
    arity.length = k + 1;
  }
}

function keyOf(domain: readonly Key[], k: string): Key {
  return domain.find((d) => String(d) === k)!;
}

/** What is assumed of a function that was not (or could not be) enumerated: it touches every leaf. */
export function everything(count: number, runs = 0): Access {
  const reads = new LeafSet(count);
  const writes = new LeafSet(count);
  reads.fill();
  writes.fill();
  return { reads, writes, complete: false, runs, watched: new Set() };
}
