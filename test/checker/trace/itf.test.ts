import { describe, expect, it } from 'vitest';
import { fromItfValue, ItfError, parseItf, toItfValue } from '../../../checker/trace/itf';
import { t } from '../../../spec/types';

const schema = t.record({
  b: t.bool(),
  i: t.int(-1, 9),
  e: t.enum('x', 'y'),
  arr: t.array(t.int(0, 3), 2),
  tup: t.tuple(t.bool(), t.enum('p', 'q')),
  m: t.map(['r1', 'r2'], t.enum('working', 'done')),
  nm: t.map([0, 1], t.bool()),
  s: t.set(['a', 'b', 'c']),
  q: t.seq(t.record({ k: t.int(0, 1) }), 3),
  o: t.optional(t.int(0, 2)),
  none: t.optional(t.bool()),
});

const value = {
  b: true,
  i: -1,
  e: 'y',
  arr: [3, 0],
  tup: [false, 'q'],
  m: { r1: 'done', r2: 'working' },
  nm: { 0: true, 1: false },
  s: new Set(['c', 'a']),
  q: [{ k: 1 }, { k: 0 }],
  o: 2,
  none: null,
};

describe('ITF values', () => {
  it('encodes with the ITF/Quint conventions', () => {
    expect(toItfValue(schema, value)).toEqual({
      b: true,
      i: -1,
      e: 'y',
      arr: [3, 0],
      tup: { '#tup': [false, 'q'] },
      m: { '#map': [['r1', 'done'], ['r2', 'working']] },
      nm: { '#map': [[0, true], [1, false]] },
      s: { '#set': ['a', 'c'] },
      q: [{ k: 1 }, { k: 0 }],
      o: { tag: 'Some', value: 2 },
      none: { tag: 'None', value: { '#tup': [] } },
    });
  });

  it('round-trips through JSON', () => {
    const back = fromItfValue(schema, JSON.parse(JSON.stringify(toItfValue(schema, value))), 's');
    expect(back).toEqual(value);
  });

  it('accepts #bigint integers', () => {
    expect(fromItfValue(t.int(0, 9), { '#bigint': '7' }, 'x')).toBe(7);
  });

  it('reads own properties only: a record lacking a field named like a prototype member is malformed', () => {
    const rec = t.record({ constructor: t.bool(), toString: t.int(0, 1) });
    expect(() => fromItfValue(rec, {}, 's')).toThrow(new ItfError('s.constructor: expected a boolean, found undefined'));
    expect(fromItfValue(rec, { constructor: true, toString: 1 }, 's')).toEqual({ constructor: true, toString: 1 });
  });

  it('rejects #map keys outside the domain or repeated, and never lets a `__proto__` key set the prototype', () => {
    const m = t.map(['a', 'b'], t.map(['a', 'b'], t.int(0, 1)));
    const proto = JSON.parse('{ "#map": [["__proto__", { "#map": [["a", 1], ["b", 1]] }], ["a", { "#map": [["a", 0], ["b", 0]] }]] }');
    expect(() => fromItfValue(m, proto, 's')).toThrow(new ItfError('s: key "__proto__" is not in the map\'s domain'));
    expect(() => fromItfValue(t.map(['a'], t.bool()), { '#map': [['a', true], ['a', false]] }, 's')).toThrow(new ItfError('s: key "a" appears twice'));
    const own = fromItfValue(t.map(['__proto__', 'x'], t.bool()), JSON.parse('{ "#map": [["__proto__", true], ["x", false]] }'), 's');
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
    expect(Object.keys(own)).toEqual(['__proto__', 'x']);
  });

  it('names the path of a malformed value', () => {
    expect(() => fromItfValue(schema, { ...toItfValue(schema, value) as object, s: ['a'] }, 'state 3')).toThrow(
      new ItfError('state 3.s: expected a #set, found ["a"]'),
    );
  });
});

describe('parseItf', () => {
  const meta = { model: 'm', variant: 'fixed', constants: {}, property: 'P', propertyKind: 'invariant', strategy: 'bfs', version: '0' };
  const doc = { '#meta': { format: 'ITF', hmmcheck: meta }, vars: ['x'], states: [{ '#meta': { index: 0, action: 'Init' }, x: 1 }] };

  it('accepts a well-formed document', () => {
    expect(parseItf(JSON.stringify(doc)).states).toHaveLength(1);
  });

  it.each([
    ['truncated JSON', JSON.stringify(doc).slice(0, 40), /not valid JSON \(truncated\?\)/],
    ['no run metadata', JSON.stringify({ ...doc, '#meta': { format: 'ITF' } }), /missing #meta.hmmcheck/],
    ['no states', JSON.stringify({ ...doc, states: [] }), /no states/],
    ['a state without its action', JSON.stringify({ ...doc, states: [{ '#meta': { index: 0 }, x: 1 }] }), /state 0: missing #meta.action/],
    ['a loop outside the trace', JSON.stringify({ ...doc, loop: 5 }), 'loop must be the index of a state of the trace, an integer 0..0; found 5'],
    ['a fractional loop', JSON.stringify({ ...doc, loop: 1.5 }), 'loop must be the index of a state of the trace, an integer 0..0; found 1.5'],
    ['a loop given as a string', JSON.stringify({ ...doc, loop: '0' }), 'loop must be the index of a state of the trace, an integer 0..0; found "0"'],
    ['a negative loop', JSON.stringify({ ...doc, loop: -1 }), 'loop must be the index of a state of the trace, an integer 0..0; found -1'],
    ['a modelPath that is not a string', JSON.stringify({ ...doc, '#meta': { format: 'ITF', hmmcheck: { ...meta, modelPath: 7 } } }), '#meta.hmmcheck.modelPath must be a string'],
    ['an unknown property kind', JSON.stringify({ ...doc, '#meta': { format: 'ITF', hmmcheck: { ...meta, propertyKind: 'toString' } } }), /^#meta.hmmcheck.propertyKind must be one of invariant, action, deadlock, liveness, error$/],
    ['parameters that are not a map', JSON.stringify({ ...doc, states: [{ '#meta': { index: 0, action: 'Init', params: [1] }, x: 1 }] }), 'state 0: #meta.params must map parameter names to strings or numbers'],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseItf(text)).toThrow(message);
  });
});
