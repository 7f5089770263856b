import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { instantiate } from '../../../checker/model/instantiate';
import { compileCodec } from '../../../checker/state/codec';
import { DomainOrder } from '../../../checker/state/symSignature';
import { Canonicalizer, permutations } from '../../../checker/state/symmetry';
import { findModel } from '../../../models';
import { spec } from '../../../spec/builder';
import { withThreadSymmetry } from '../../../spec/threadSymmetry';
import { symmetric, t, type Type } from '../../../spec/types';
import { valueArb } from '../../support/arbitraries';
import { allPerms, classKey, packed, permArg, permuteValue } from '../../support/symmetry';

const nPeterson = findModel('reference/n-peterson')!;
const symCount = (N: number) => checkSpec(instantiate(nPeterson, 'fixed', { N }).spec, { reductions: { symmetry: true } }).result;

describe('symmetry reduction', () => {
  // Murphi's n_peterson with symmetry (CMurphi ex/mux/n_peterson.m notes; rumur agrees).
  it.each([
    [5, 6_770],
    [6, 35_159],
    [7, 163_298],
  ])('n_peterson N=%i: %i states, as Murphi with symmetry', (N, states) => {
    const r = symCount(N);
    expect(r.verdict.kind).toBe('holds');
    expect(r.stats.distinct).toBe(states);
  }, 60_000);

  const Pid = symmetric('pid', [1, 2, 3]);
  const Name = symmetric('name', ['a', 'b']);
  const schema = t.record({
    pc: t.map(Pid, t.enum('idle', 'try', 'crit')),
    owner: t.optional(t.symValue(Pid)),
    waiting: t.set(Pid),
    votes: t.map(Name, t.symValue(Pid)),
    turn: t.map([0, 1], t.optional(t.symValue(Pid))),
    n: t.int(0, 3),
  });
  const codec = compileCodec(schema);
  const canon = new Canonicalizer(codec, codec.symDomains, schema);
  const state = fc.record({
    pc: fc.record({ 1: fc.constantFrom('idle', 'try', 'crit'), 2: fc.constantFrom('idle', 'try', 'crit'), 3: fc.constantFrom('idle', 'try', 'crit') }),
    owner: fc.constantFrom(null, 1, 2, 3),
    waiting: fc.subarray([1, 2, 3]).map((a) => new Set(a)),
    votes: fc.record({ a: fc.constantFrom(1, 2, 3), b: fc.constantFrom(1, 2, 3) }),
    turn: fc.record({ 0: fc.constantFrom(null, 1, 2, 3), 1: fc.constantFrom(null, 1, 2, 3) }),
    n: fc.integer({ min: 0, max: 3 }),
  });
  const allPerms = permutations(3).flatMap((p) =>
    permutations(2).map((q) => {
      const pair = (fwd: number[]) => {
        const inv = new Int32Array(fwd.length);
        fwd.forEach((to, from) => (inv[to] = from));
        return [Int32Array.from(fwd), inv];
      };
      return [...pair(p), ...pair(q)];
    }),
  );

  it('gives every permutation of a state the same canonical form (and no other state shares it by accident)', () => {
    const a = new Uint32Array(codec.words);
    const b = new Uint32Array(codec.words);
    fc.assert(
      fc.property(state, fc.integer({ min: 0, max: allPerms.length - 1 }), (s, k) => {
        codec.encode(s, a, 0);
        canon.canonical(s, a);
        const ps = canon.permuted(s, allPerms[k]!);
        canon.canonical(ps, b);
        expect([...b]).toEqual([...a]);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a permutation-invariant form: canonical forms differ exactly when no permutation maps one state onto the other', () => {
    const a = new Uint32Array(codec.words);
    const b = new Uint32Array(codec.words);
    const packed = (s: unknown) => {
      const w = new Uint32Array(codec.words);
      codec.encode(s, w, 0);
      return w.join(',');
    };
    fc.assert(
      fc.property(state, state, (s1, s2) => {
        canon.canonical(s1, a);
        canon.canonical(s2, b);
        const related = allPerms.some((p) => packed(canon.permuted(s1, p)) === packed(s2));
        expect(a.join(',') === b.join(',')).toBe(related);
      }),
      { numRuns: 300 },
    );
  });

  it('catches a domain declared symmetric that the model treats asymmetrically', () => {
    const P = symmetric('proc', [0, 1, 2]);
    // Only process 0 may count: identities matter, so the declaration is wrong.
    const unfair = spec({ c: t.map(P, t.int(0, 2)) })
      .init(() => ({ c: { 0: 0, 1: 0, 2: 0 } }))
      .action('Inc', { p: [0, 1, 2] }, { guard: (s, { p }) => p === 0 && s.c[p as 0]! < 2, effect: (d, { p }) => void d.c[p as 0]!++ })
      .checkDeadlock(false)
      .build();
    expect(checkSpec(unfair).result.verdict.kind).toBe('holds');
    const r = checkSpec(new CompiledSpec(unfair, 'fast', { symmetry: true })).result.verdict;
    expect(r).toMatchObject({ kind: 'error' });
    expect((r as { message: string }).message).toMatch(/^symmetry over proc is unsound: state #1 and a permutation of it have different successors/);
  });
});

describe('symmetry over thread instances: symmetric arrays and partially symmetric enums, maps and sets', () => {
  const T = symmetric('T', ['T0', 'T1', 'T2']);
  const E = symmetric('E', ['e1', 'e2']);
  // Other values ('M', 'x', 'none') are fixed; enum, set and map orders differ from the domain's on purpose.
  const owner = t.optional(t.enum('M', 'T2', 'T0', 'T1'));
  const thread = (locals: Record<string, Type>) => ({ ...t.array(t.record({ pc: t.enum('a', 'b', 'done'), n: t.int(0, 1), ...locals }), 3), sym: T });
  const common = {
    lock: t.record({ owner }),
    readers: t.set(['T2', 'M', 'T0', 'T1']),
    visits: t.map(['T1', 'x', 'T0', 'T2'], t.int(0, 2)),
    tags: t.map(E, t.bool()),
    n: t.int(0, 2),
  };
  const schemas: [string, Type][] = [
    // Everything about a thread is where its signature reads it: ties need no enumeration.
    ['exact signatures', withThreadSymmetry(t.record({ T: thread({}), ...common }), [T])],
    // A thread id in a local and in a seq, and E values in a map over T: ties are enumerated.
    ['inexact signatures', withThreadSymmetry(t.record({ T: thread({ peer: owner }), q: t.seq(t.enum('T0', 'T1', 'T2', 'none'), 2), ...common, pick: t.map(['T0', 'T1', 'T2'], t.symValue(E)) }), [T])],
    // Thread ids and E values inside sets and bags of records: each element is permuted, then the set re-packed.
    [
      'sets and bags of records',
      withThreadSymmetry(
        t.record({
          T: thread({}),
          ...common,
          msgs: t.set(t.record({ from: t.enum('T0', 'T1', 'T2'), to: owner, n: t.int(0, 1) })),
          net: t.bag(t.record({ tag: t.symValue(E), seen: t.map(['T0', 'T1', 'T2'], t.bool()) }), 2),
          acks: t.set(t.tuple(t.enum('T2', 'T1', 'T0'), t.bool())),
        }),
        [T],
      ),
    ],
  ];

  describe.each(schemas)('%s', (name, schema) => {
    const codec = compileCodec(schema);
    const canon = new Canonicalizer(codec, codec.symDomains, schema);
    const perms = allPerms(codec.symDomains);
    const state = valueArb(schema);
    const perm = fc.constantFrom(...perms);

    it('encodePerm packs exactly the state permuted value by value', () => {
      expect(codec.symDomains.map((d) => d.name).sort()).toEqual(['E', 'T']);
      expect(codec.symDomains.map((d) => new DomainOrder(d, schema).exact)).toEqual(codec.symDomains.map(() => name === 'exact signatures'));
      const w = new Uint32Array(codec.words);
      fc.assert(
        fc.property(state, perm, (s, p) => {
          codec.encodePerm!(s, w, 0, permArg(codec, p));
          expect(w.join(',')).toBe(packed(codec, permuteValue(schema, s, p)));
        }),
        { numRuns: 300 },
      );
    });

    it('canonicalizing a permuted state gives the packed words of canonicalizing the original', () => {
      const a = new Uint32Array(codec.words);
      const b = new Uint32Array(codec.words);
      fc.assert(
        fc.property(state, perm, (s, p) => {
          canon.canonical(s, a);
          canon.canonical(permuteValue(schema, s, p), b);
          expect([...b]).toEqual([...a]);
        }),
        { numRuns: 300 },
      );
    });

    it('gives two states the same canonical form exactly when a permutation maps one onto the other', () => {
      const a = new Uint32Array(codec.words);
      const b = new Uint32Array(codec.words);
      // Pairs often related: the second is a permutation of the first, or a state near it.
      const pair = fc.oneof(
        fc.tuple(state, state),
        fc.tuple(state, perm).map(([s, p]) => [s, permuteValue(schema, s, p)] as const),
      );
      fc.assert(
        fc.property(pair, ([s1, s2]) => {
          canon.canonical(s1, a);
          canon.canonical(s2, b);
          expect(a.join(',') === b.join(',')).toBe(classKey(codec, schema, s1, perms) === classKey(codec, schema, s2, perms));
        }),
        { numRuns: 300 },
      );
    });
  });

  it('rejects a type declared symmetric that lacks some of its domain values', () => {
    expect(() => compileCodec(t.record({ o: { ...t.enum('T0', 'T1'), sym: T } }))).toThrow(/declared symmetric over T but lacks some of its values/);
    expect(() => compileCodec(t.record({ a: { ...t.array(t.bool(), 2), sym: T } }))).toThrow(/its symmetric domain T has 3 values/);
  });
});
