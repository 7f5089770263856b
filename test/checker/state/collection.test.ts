import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCodec } from '../../../checker/state/codec';
import { formatValue } from '../../../checker/state/format';
import { Canonicalizer } from '../../../checker/state/symmetry';
import { reflectEncode, reflectFingerprint } from '../../../checker/state/reflect';
import { fromItfValue, toItfValue } from '../../../checker/trace/itf';
import { Bag } from '../../../spec/bag';
import { symmetric, t } from '../../../spec/types';
import { ValueSet } from '../../../spec/valueSet';
import { valueArb } from '../../support/arbitraries';
import { compareCollectionsByValue } from '../../support/collectionEquality';
import { allPerms, packed, permArg, permuteValue } from '../../support/symmetry';

compareCollectionsByValue();

const Acc = symmetric('Acc', ['a1', 'a2', 'a3']);
const Msg = t.record({ type: t.enum('1a', '1b', '2a'), bal: t.int(0, 2), acc: t.symValue(Acc) });
const schema = t.record({
  msgs: t.set(Msg),
  net: t.bag(t.record({ to: t.symValue(Acc), ok: t.bool() }), 3),
  pairs: t.set(t.tuple(t.int(0, 1), t.enum('x', 'y'))),
});
const codec = compileCodec(schema);

function fingerprint(s: unknown): string {
  const out = new Uint32Array(2);
  codec.fingerprint(s, out);
  return out.join(':');
}

/** A state whose sets and bag hold `msgs` and `net` in the given order. */
function stateOf(msgs: readonly unknown[], net: readonly [unknown, number][], pairs: readonly unknown[] = []) {
  const bag = new Bag<unknown>();
  for (const [x, n] of net) bag.add(x, n);
  return { msgs: new ValueSet(msgs), net: bag, pairs: new ValueSet(pairs) };
}

describe('sets of records and bags: canonical encoding', () => {
  const msgArb = valueArb(Msg);
  const netElem = valueArb(t.record({ to: t.symValue(Acc), ok: t.bool() }));

  it('any insertion order (and duplicate adds) gives the same packed words and fingerprint', () => {
    const msgs = fc.array(msgArb, { maxLength: 8 }).chain((ms) => fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length })));
    const net = fc.uniqueArray(fc.tuple(netElem, fc.integer({ min: 1, max: 3 })), { maxLength: 4, selector: ([x]) => JSON.stringify(x) });
    const netOrders = net.chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray(n, { minLength: n.length })));
    fc.assert(
      fc.property(msgs, netOrders, ([ms, reordered], [n, nReordered]) => {
        const a = stateOf(ms, n);
        // Reordered, with every message added again with its fields in another order.
        const b = stateOf([...reordered, ...ms.map((m: any) => ({ acc: m.acc, bal: m.bal, type: m.type }))], nReordered);
        expect(packed(codec, b)).toBe(packed(codec, a));
        expect(fingerprint(b)).toBe(fingerprint(a));
        expect([...reflectFingerprint(schema, b)].join(':')).toBe(fingerprint(a));
      }),
      { numRuns: 300 },
    );
  });

  it('different sets or bags pack differently, and decode back to equal values', () => {
    fc.assert(
      fc.property(valueArb(schema), valueArb(schema), (s1, s2) => {
        const same = formatValue(schema, s1) === formatValue(schema, s2);
        expect(packed(codec, s1) === packed(codec, s2)).toBe(same);
        const w = new Uint32Array(codec.words);
        codec.encode(s1, w, 0);
        expect(codec.decode(w, 0)).toEqual(s1);
        expect([...reflectEncode(schema, s1)]).toEqual([...w]);
      }),
      { numRuns: 300 },
    );
  });

  it('a permutation of the symmetric domain permutes inside the records of a set or bag (decoded elements too)', () => {
    const perms = allPerms(codec.symDomains);
    const w = new Uint32Array(codec.words);
    fc.assert(
      fc.property(valueArb(schema), fc.constantFrom(...perms), (s, p) => {
        // Decoded: the elements are the shared values whose permuted ranks take the fast path.
        const words = new Uint32Array(codec.words);
        codec.encode(s, words, 0);
        for (const state of [s, codec.decode(words, 0)]) {
          codec.encodePerm!(state, w, 0, permArg(codec, p));
          expect(w.join(',')).toBe(packed(codec, permuteValue(schema, s, p)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a set of records per symmetric value (its signature is only its size) still canonicalizes exactly', () => {
    // Regression: the signature of p1 and p2 tied on the sizes of their sets, and was taken as exact.
    const perProc = t.record({ inbox: t.map(Acc, t.set(t.record({ x: t.int(0, 1) }))), n: t.int(0, 1) });
    const c = compileCodec(perProc);
    const canon = new Canonicalizer(c, c.symDomains, perProc);
    const perms = allPerms(c.symDomains);
    const a = new Uint32Array(c.words);
    const b = new Uint32Array(c.words);
    fc.assert(
      fc.property(valueArb(perProc), fc.constantFrom(...perms), (s, p) => {
        canon.canonical(s, a);
        canon.canonical(permuteValue(perProc, s, p), b);
        expect([...b]).toEqual([...a]);
      }),
      { numRuns: 300 },
    );
  });

  it('elements decoded are shared and frozen, so effects cannot change them in place', () => {
    const w = new Uint32Array(codec.words);
    codec.encode(stateOf([{ type: '1a', bal: 1, acc: 'a2' }], []), w, 0);
    const a = codec.decode(w, 0);
    const b = codec.decode(w, 0);
    expect(a.msgs).not.toBe(b.msgs);
    expect([...a.msgs][0]).toBe([...b.msgs][0]);
    expect(() => void ([...a.msgs][0].bal = 2)).toThrow(TypeError);
  });
});

describe('sets of records and bags: validation', () => {
  const encode = (s: unknown) => () => codec.encode(s, new Uint32Array(codec.words), 0);

  it('names the element field outside its type', () => {
    expect(encode(stateOf([{ type: '3', bal: 1, acc: 'a1' }], []))).toThrow('state.msgs element.type = "3" is not one of "1a", "1b", "2a"');
    expect(encode(stateOf([{ type: '1a', bal: 5, acc: 'a1' }], []))).toThrow('state.msgs element.bal = 5 is not int 0..2');
  });

  it('wants a ValueSet for a set of records and a Bag for a bag', () => {
    expect(encode({ ...stateOf([], []), msgs: new Set() })).toThrow('state.msgs = Set() is not set of record {type, bal, acc} (a ValueSet)');
    expect(encode({ ...stateOf([], []), net: new ValueSet() })).toThrow('state.net = {} is not bag (max 3 copies) of record {to, ok} (a Bag)');
  });

  it('counts copies against the bag bound', () => {
    const s = stateOf([], [[{ to: 'a1', ok: true }, 4]]);
    expect(encode(s)).toThrow('state.net = {|(\"ok\":T,\"to\":\"a1\"):4|} is not bag (max 3 copies) of record {to, ok}: 4 copies of an element');
  });

  it('finds an element changed in place after it was added, and a field an element should not have', () => {
    const m = { type: '1a', bal: 1, acc: 'a1' };
    const s = stateOf([m], []);
    m.bal = 2;
    expect(encode(s)).toThrow('state.msgs = {(\"acc\":\"a1\",\"bal\":1,\"type\":\"1a\")} is not set of record {type, bal, acc}: an element was changed after it was added (elements are values: delete it and add the new one)');
    const extra = stateOf([{ type: '1a', bal: 1, acc: 'a1', note: 'x' }], []);
    expect(encode(extra)).not.toThrow();
    expect(() => codec.checkKeys(extra)).toThrow('state.msgs element has a field "note" not in its schema (record {type, bal, acc})');
  });

  it('t.set of an enum or int type is a plain set; a set of too many values is refused where it is declared', () => {
    expect(t.set(t.enum('a', 'b'))).toEqual({ kind: 'set', domain: ['a', 'b'] });
    expect(t.set(t.int(1, 3))).toEqual({ kind: 'set', domain: [1, 2, 3] });
    expect(t.set(t.symValue(Acc))).toEqual({ kind: 'set', domain: ['a1', 'a2', 'a3'], sym: Acc });
    expect(() => t.set(t.record({ a: t.int(0, 99), b: t.int(0, 99) }))).toThrow(
      't.set: record {a, b} has 10000 values, too many to pack (at most 8192 bits); split it, e.g. one set per message kind',
    );
    expect(() => t.bag(Msg, 0)).toThrow('t.bag: bad max count 0');
    expect(() => t.set(t.record({ inner: t.set(Msg) }))).toThrow('t.set: an element type may not contain a set of composite values or a bag');
  });
});

describe('sets of records and bags: printing and ITF', () => {
  const s = stateOf(
    [{ type: '2a', bal: 1, acc: 'a2' }, { type: '1a', bal: 0, acc: 'a1' }],
    [[{ to: 'a3', ok: false }, 2]],
    [[1, 'y']],
  );

  it('prints elements in canonical order whatever the insertion order', () => {
    expect(formatValue(schema, s)).toBe(
      '{ msgs: {{ type: 1a, bal: 0, acc: a1 }, { type: 2a, bal: 1, acc: a2 }}, net: ({ to: a3, ok: false } :> 2), pairs: {<<1, y>>} }',
    );
  });

  it('writes a set as #set and a bag as a #map of copies, and reads them back', () => {
    const itf = toItfValue(schema, s) as any;
    expect(itf.net).toEqual({ '#map': [[{ to: 'a3', ok: false }, 2]] });
    expect(itf.pairs).toEqual({ '#set': [{ '#tup': [1, 'y'] }] });
    const back = fromItfValue(schema, JSON.parse(JSON.stringify(itf)), 'state');
    expect(back).toEqual(s);
    expect(packed(codec, back)).toBe(packed(codec, s));
  });
});
