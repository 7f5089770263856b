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
    ['a loop outside the trace', JSON.stringify({ ...doc, loop: 5 }), /loop index 5 is outside the trace/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseItf(text)).toThrow(message);
  });
});
