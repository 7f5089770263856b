import { describe, expect, it } from 'vitest';
import { asModelError } from '../../../checker/engine/compiled';
import { InternalLimitError, ModelError } from '../../../checker/engine/errors';
import { INDEX_PENDING, FROM_GREATER, SharedSeenSet } from '../../../checker/store/sharedSeenSet';

describe('SharedSeenSet', () => {
  it.each([2, 3] as const)('asks to grow past half full, and grows to twice the size with the same contents (%i-word slots)', (words) => {
    const s = SharedSeenSet.create(16, words);
    expect([s.capacity, s.bytes]).toEqual([1024, 1024 * 4 * words]);
    for (let i = 1; i <= 512; i++) expect(s.insert(i, i * 7)).toBe(-1);
    expect(s.wantsGrowth).toBe(false);
    expect(s.insert(513, 0)).toBe(-1);
    expect(s.wantsGrowth).toBe(true);
    const g = s.grown();
    expect([g.capacity, g.size, g.wantsGrowth]).toEqual([2048, 513, false]);
    for (let i = 1; i <= 512; i++) expect(g.insert(i, i * 7)).toBe(0);
    expect(g.insert(513, 0)).toBe(0);
    expect(g.insert(514, 1)).toBe(-1);
    if (words === 2) expect(() => g.insertFrom(1, 7, 0)).toThrow('shared seen set: a table of two-word slots has no third word');
  });

  it('indices: says whether a state seen before has its index yet, keeps indices through growth, and takes a stale slot hint', () => {
    const s = SharedSeenSet.create(16, 3);
    const other = new SharedSeenSet(s.buffers.table, s.buffers.counter, s.buffers.words); // as a worker opens it
    expect(s.insertRef(5, 0)).toBe(-1); // lo 0 is stored as 1
    const slot = s.lastSlot;
    expect(other.insertRef(5, 0)).toBe(INDEX_PENDING);
    expect(other.insert(5, 0)).toBe(0);
    expect(s.lookup(5, 0)).toBe(-1);
    s.setIndex(5, 0, 0, slot); // index 0 is an index, not "unset"
    expect([other.insertRef(5, 0), s.lookup(5, 0)]).toEqual([0, 0]);
    for (let i = 1; i <= 600; i++) {
      expect(s.insertRef(i, i * 7 + 1)).toBe(-1);
      s.setIndex(i, i * 7 + 1, 1000 + i, i % 2 ? s.lastSlot : -1);
    }
    expect(s.wantsGrowth).toBe(true);
    const g = s.grown();
    expect([g.insertRef(5, 0), g.insertRef(7, 50), g.lookup(600, 4201), g.insertRef(601, 1)]).toEqual([0, 1007, 1600, -1]);
    g.setIndex(601, 1, 9, slot); // the old table's slot: not this state's here, so it probes
    expect(g.lookup(601, 1)).toBe(9);
    expect(() => g.setIndex(999, 999, 1)).toThrow('shared seen set: no slot to index for state #1');
  });

  it('sources: says whether a state was stored from a greater one, also after growth', () => {
    const s = SharedSeenSet.create(16, 3);
    const other = new SharedSeenSet(s.buffers.table, s.buffers.counter, s.buffers.words);
    s.insert(1, 1); // an initial state (the coordinator's): no source is less
    expect(other.insertFrom(1, 1, 0)).toBe(0);
    expect(s.insertFrom(5, 0, 40)).toBe(-1);
    expect([other.insertFrom(5, 0, 41), other.insertFrom(5, 0, 40), s.insertFrom(5, 0, 39), other.insertFrom(5, 0, 0)]).toEqual([0, 0, FROM_GREATER, FROM_GREATER]);
    for (let i = 10; i < 600; i++) expect(s.insertFrom(i, i * 3, i)).toBe(-1);
    const g = s.grown();
    expect([g.insertFrom(5, 0, 0), g.insertFrom(5, 0, 40), g.insertFrom(599, 1797, 599), g.insertFrom(599, 1797, 598)]).toEqual([FROM_GREATER, 0, 0, FROM_GREATER]);
  });

  it('past its spare room it fails with an internal limit error saying how to get past it, which no effect wrapping blames on the model', () => {
    const s = SharedSeenSet.create(1024, 2);
    for (let i = 1; i <= 768; i++) s.insert(i, i);
    let err: unknown;
    try {
      s.insert(769, 769);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InternalLimitError);
    expect((err as Error).message).toBe(
      'the shared seen set (1,024 slots) filled up while the workers were expanding one state each (it grows only between states, so the new successors of the states being expanded must fit); run with --workers 1, whose seen set grows at any time',
    );
    expect(asModelError(err, 'RMPrepare(r7)')).toBe(err);
    const modelError = asModelError(new Error('boom'), 'RMPrepare(r7)');
    expect(modelError).toBeInstanceOf(ModelError);
    expect(modelError.message).toBe('RMPrepare(r7): effect threw: boom');
  });
});
