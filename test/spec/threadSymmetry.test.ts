import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../checker/check';
import { CompiledSpec } from '../../checker/engine/compiled';
import { spec } from '../../spec/builder';
import { mutexInit, mutexType } from '../../spec/kernel/mutex';
import { rwsemType } from '../../spec/kernel/rwsem';
import type { Spec } from '../../spec/spec';
import { withThreadSymmetry } from '../../spec/threadSymmetry';
import { symmetric, t, type ArrayType, type EnumType, type MapType, type OptionalType, type RecordType, type SetType } from '../../spec/types';
import { allPerms, classKey, packed } from '../support/symmetry';

const IDS = ['T0', 'T1', 'T2'] as const;
const OWNERS = ['M', ...IDS] as const;

/**
 * Three identical threads T and a thread M share a lock (owners M, T0..T2: partially symmetric),
 * a waiting set and a per-thread hit count keyed by thread id. Each T does two rounds; with
 * `saw`, a T also remembers who held the lock when it started waiting (a thread id in a local).
 * `selfDependent`: T0 alone may skip its second round, so the instances are not interchangeable.
 */
function toy(opts: { saw: boolean; selfDependent?: boolean }): Spec {
  return spec({ lock: mutexType(OWNERS), waiting: t.set(IDS), hits: t.map(IDS, t.int(0, 2)), total: t.int(0, 3) })
    .init(() => ({ lock: mutexInit(), waiting: new Set(), hits: { T0: 0, T1: 0, T2: 0 }, total: 0 }))
    .thread('T', {
      instances: IDS,
      symmetric: true,
      locals: { n: t.int(0, 1), saw: t.optional(t.enum(...OWNERS)) },
      initLocals: () => ({ n: 0, saw: null }),
      steps: [
        {
          label: 'wait',
          effect: (d, th) => {
            d.waiting.add(th.id as (typeof IDS)[number]);
            if (opts.saw) th.local.saw = d.lock.owner;
          },
        },
        {
          label: 'lock',
          guard: (s) => s.lock.owner === null,
          effect: (d, th) => {
            d.waiting.delete(th.id as (typeof IDS)[number]);
            d.lock.owner = th.id as (typeof IDS)[number];
          },
        },
        {
          label: 'crit',
          effect: (d, th) => {
            const id = th.id as (typeof IDS)[number];
            d.hits[id] = Math.min(2, d.hits[id] + 1);
            d.total = Math.min(3, d.total + 1);
            th.local.n = 1 - th.local.n;
          },
        },
        {
          label: 'unlock',
          effect: (d, th) => {
            d.lock.owner = null;
            th.local.saw = null;
            if (th.local.n === 1 && !(opts.selfDependent && th.self === 0)) th.goto('wait');
          },
        },
      ],
    })
    .thread('M', {
      instances: ['M'],
      steps: [
        { label: 'lock', guard: (s) => s.lock.owner === null, effect: (d) => void (d.lock.owner = 'M') },
        { label: 'unlock', effect: (d) => void (d.lock.owner = null) },
      ],
    })
    .build();
}

/** Every reachable state of `sp`, by a plain BFS without reductions. */
function reachable(sp: Spec): unknown[] {
  const cs = new CompiledSpec(sp);
  const seen = new Map<string, unknown>();
  const queue: unknown[] = [];
  const add = (s: unknown) => {
    const k = packed(cs.codec, s);
    if (!seen.has(k)) seen.set(k, s), queue.push(s);
  };
  cs.forEachInit(add);
  while (queue.length) {
    const s = queue.shift();
    for (const inst of cs.instances) if (cs.enabled(inst, s)) cs.forEachSuccessor(inst, s, add);
  }
  return [...seen.values()];
}

describe('thread-instance symmetry: the schema', () => {
  const sp = toy({ saw: true });
  const f = (sp.schema as RecordType<any>).fields;

  it('gives a symmetric kind a domain named after it over its ids, carried by its thread array', () => {
    const arr = f.T as ArrayType<any>;
    expect(arr.sym).toEqual({ name: 'T', values: IDS });
    expect((f.M as ArrayType<any>).sym).toBeUndefined();
  });

  it('makes every enum, map and set holding all the ids partially symmetric, other values fixed', () => {
    const owner = (f.lock as RecordType<any>).fields.owner as OptionalType<EnumType<string>>;
    expect(owner.inner.values).toEqual(OWNERS);
    expect(owner.inner.sym?.name).toBe('T');
    expect((f.waiting as SetType<string>).sym?.name).toBe('T');
    expect((f.hits as MapType<string, any>).sym?.name).toBe('T');
    // The thread's own local holding an owner is rewritten too; the pc enum is not.
    const rec = (f.T as ArrayType<RecordType<any>>).elem;
    expect((rec.fields.saw as OptionalType<EnumType<string>>).inner.sym?.name).toBe('T');
    expect((rec.fields.pc as EnumType<string>).sym).toBeUndefined();
  });

  it('leaves a type holding only some of the ids alone, and never mutates a type shared between fields', () => {
    const T = symmetric('T', ['T0', 'T1']);
    const shared = t.enum('none', 'T0', 'T1');
    const some = t.map(['T0', 'X'], t.bool());
    const schema = t.record({ a: shared, b: t.record({ c: shared }), some });
    const out = withThreadSymmetry(schema, [T]);
    expect(shared).not.toHaveProperty('sym');
    expect((out.fields.a as EnumType<string>).sym).toBe(T);
    expect(((out.fields.b as RecordType<any>).fields.c as EnumType<string>).sym).toBe(T);
    expect(out.fields.some).toBe(some);
    // Nothing to do: the very same object back.
    const plain = t.record({ n: t.int(0, 3) });
    expect(withThreadSymmetry(plain, [T])).toBe(plain);
  });

  it('rejects a type holding the ids of two symmetric kinds (one type, one domain)', () => {
    const build = () =>
      spec({ lock: mutexType(['A0', 'A1', 'B0', 'B1']) })
        .init(() => ({ lock: mutexInit() }))
        .thread('A', { instances: 2, symmetric: true, steps: [{ label: 'x' }] })
        .thread('B', { instances: 2, symmetric: true, steps: [{ label: 'x' }] })
        .build();
    expect(build).toThrow(/state\.lock\.owner holds the ids of symmetric thread kinds A and B/);
  });

  it('declares no domain for a symmetric kind without instances', () => {
    const sp0 = spec({ m: rwsemType(['F']) })
      .init(() => ({ m: { readers: new Set(), writer: null, waiting: new Set() } }))
      .thread('Inv', { instances: [], symmetric: true, steps: [{ label: 'x' }] })
      .build();
    expect(new CompiledSpec(sp0).codec.symDomains).toEqual([]);
  });
});

describe('thread-instance symmetry: exploration', () => {
  it.each([
    ['with a thread id in a local (signatures mask it: ties are enumerated)', true],
    ['without (exact signatures: ties need no enumeration)', false],
  ])('explores exactly the permutation classes of the full state graph, %s', (_what, saw) => {
    const sp = toy({ saw });
    const all = reachable(sp);
    const codec = new CompiledSpec(sp).codec;
    const perms = allPerms(codec.symDomains);
    expect(perms).toHaveLength(6);
    const classes = new Set(all.map((s) => classKey(codec, sp.schema, s, perms)));

    const plain = checkSpec(sp).result;
    const reduced = checkSpec(sp, { reductions: { symmetry: true } }).result;
    expect(plain.verdict.kind).toBe('holds');
    expect(plain.stats.distinct).toBe(all.length);
    expect(reduced.verdict.kind).toBe('holds');
    expect(reduced.stats.distinct).toBe(classes.size);
    expect(classes.size).toBeLessThan(all.length / 3);
  });

  it('stops with a model error naming the domain when a step of a kind declared symmetric depends on th.self', () => {
    const sp = toy({ saw: false, selfDependent: true });
    expect(checkSpec(sp).result.verdict.kind).toBe('holds');
    const v = checkSpec(sp, { reductions: { symmetry: true } }).result.verdict;
    expect(v).toMatchObject({ kind: 'error' });
    expect((v as { message: string }).message).toMatch(/^symmetry over T is unsound: state #\d+ and a permutation of it have different successors/);
  });
});
