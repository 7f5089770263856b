import { createDraft, enableMapSet, finishDraft } from 'immer';
import { describe, expect, it } from 'vitest';
import { Bag } from '../../spec/bag';
import { valueKey } from '../../spec/valueKey';
import { ValueSet } from '../../spec/valueSet';

enableMapSet();

describe('valueKey', () => {
  it('is equal exactly for equal values, whatever the field or insertion order', () => {
    expect(valueKey({ b: 1, a: 'x' })).toBe(valueKey({ a: 'x', b: 1 }));
    expect(valueKey(new Set([2, 1]))).toBe(valueKey(new Set([1, 2])));
    expect(valueKey(ValueSet.of({ a: 1 }, { a: 2 }))).toBe(valueKey(ValueSet.of({ a: 2 }, { a: 1 })));
    expect(valueKey(1)).not.toBe(valueKey('1'));
    expect(valueKey([1, 2])).not.toBe(valueKey({ 0: 1, 1: 2 }));
    expect(valueKey(null)).not.toBe(valueKey(undefined));
    expect(valueKey(Bag.of('a', 'a'))).not.toBe(valueKey(Bag.of('a')));
  });
});

describe('ValueSet: a Set compared by value', () => {
  it('adds, finds and deletes records by value', () => {
    const s = new ValueSet([{ type: 'Prepare', bal: 1 }]);
    s.add({ bal: 1, type: 'Prepare' }).add({ type: 'Accept', bal: 1 });
    expect(s.size).toBe(2);
    expect(s.has({ type: 'Accept', bal: 1 })).toBe(true);
    expect(s.has({ type: 'Accept', bal: 2 })).toBe(false);
    expect(s.delete({ type: 'Prepare', bal: 1 })).toBe(true);
    expect(s.delete({ type: 'Prepare', bal: 1 })).toBe(false);
    expect([...s]).toEqual([{ type: 'Accept', bal: 1 }]);
    s.clear();
    expect(s.size).toBe(0);
  });

  it('in an immer draft, adding copies on write and leaves the base as it was', () => {
    const base = { msgs: ValueSet.of({ to: 'p' }) };
    const d = createDraft(base);
    d.msgs.add({ to: 'q' });
    expect(d.msgs.has({ to: 'q' })).toBe(true);
    const next = finishDraft(d);
    expect(base.msgs.size).toBe(1);
    expect(next.msgs.size).toBe(2);
    expect(next.msgs).toBeInstanceOf(ValueSet);
    // Untouched: the same object (structural sharing).
    const same = finishDraft(createDraft(next));
    expect(same).toBe(next);
  });
});

describe('Bag: a multiset compared by value', () => {
  it('counts copies (CopiesIn), removes one at a time, and iterates each element once (BagToSet)', () => {
    const b = new Bag<{ to: string }>();
    b.add({ to: 'p' }).add({ to: 'p' }).add({ to: 'q' }, 3);
    expect([b.count({ to: 'p' }), b.count({ to: 'q' }), b.count({ to: 'r' }), b.size]).toEqual([2, 3, 0, 5]);
    expect(b.remove({ to: 'p' })).toBe(true);
    expect(b.remove({ to: 'p' })).toBe(true);
    expect(b.remove({ to: 'p' })).toBe(false);
    expect(b.has({ to: 'p' })).toBe(false);
    expect([...b.entries()]).toEqual([[{ to: 'q' }, 3]]);
    expect(() => b.add({ to: 'q' }, -1)).toThrow('Bag.add: -1 copies');
  });
});
