import { describe, expect, it } from 'vitest';
import { asModelError } from '../../../checker/engine/compiled';
import { InternalLimitError, ModelError } from '../../../checker/engine/errors';
import { SharedSeenSet } from '../../../checker/store/sharedSeenSet';

describe('SharedSeenSet', () => {
  it('asks to grow past half full, and grows to twice the size with the same contents', () => {
    const s = SharedSeenSet.create(16);
    expect(s.capacity).toBe(1024);
    for (let i = 1; i <= 512; i++) expect(s.insert(i, i * 7)).toBe(-1);
    expect(s.wantsGrowth).toBe(false);
    expect(s.insert(513, 0)).toBe(-1);
    expect(s.wantsGrowth).toBe(true);
    const g = s.grown();
    expect([g.capacity, g.size, g.wantsGrowth]).toEqual([2048, 513, false]);
    for (let i = 1; i <= 512; i++) expect(g.insert(i, i * 7)).toBe(0);
    expect(g.insert(513, 0)).toBe(0);
    expect(g.insert(514, 1)).toBe(-1);
  });

  it('past its spare room it fails with an internal limit error saying how to get past it, which no effect wrapping blames on the model', () => {
    const s = SharedSeenSet.create(1024);
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
