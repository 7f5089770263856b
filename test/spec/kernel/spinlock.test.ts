import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import { heldLocks } from '../../../spec/kernel/lockdep';
import { spinlockInit, spinlockSteps, spinlockType } from '../../../spec/kernel/spinlock';
import { t, type Infer, type RecordType } from '../../../spec/types';

const IDS = ['A', 'B'] as const;
const fields = { err: errType(), ptl: spinlockType(IDS), inside: t.int(0, 2) };
type S = Infer<RecordType<typeof fields>>;
const P = spinlockSteps<S>();

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

function twoThreads(unlockFirst = false) {
  const body = [
    P.lock('L', (s) => s.ptl),
    { label: 'In', effect: (d: S) => void d.inside++ },
    { label: 'Out', effect: (d: S) => void d.inside-- },
    P.unlock('U', (s) => s.ptl),
  ];
  return spec(fields)
    .init(() => ({ err: null, ptl: spinlockInit(), inside: 0 }))
    .thread('A', { instances: ['A'], steps: unlockFirst ? [P.unlock('U0', (s) => s.ptl), ...body] : body })
    .thread('B', { instances: ['B'], steps: body })
    .invariant('Exclusion', (s) => s.inside <= 1)
    .invariant('INV-LOCKSTATE', forbid('UNLOCK_NOT_HELD'))
    .invariant('INV-NOERR', noError)
    .build();
}

describe('spinlock', () => {
  it('excludes: two threads in spin_lock … spin_unlock never overlap (16 states)', () => {
    const { result } = checkSpec(twoThreads());
    expect(result.verdict.kind).toBe('holds');
    // Each thread at L, In, Out, U or done. Neither holds the lock: both at L or done (4); one holds
    // it (In, Out or U) while the other is at L or done: 2 · 3 · 2 = 12. 4 + 12 = 16.
    expect(result.stats.distinct).toBe(16);
  });

  it('spin_unlock of a lock not held records UNLOCK_NOT_HELD (debug_spin_unlock: "already unlocked")', () => {
    const { result, trace } = checkSpec(twoThreads(true));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-LOCKSTATE' });
    expect(labels(trace)).toEqual(['A.U0']);
  });

  it('a recursive spin_lock never gets the lock: deadlock', () => {
    const sp = spec(fields)
      .init(() => ({ err: null, ptl: spinlockInit(), inside: 0 }))
      .thread('A', { instances: ['A'], steps: [P.lock('L1', (s) => s.ptl), P.lock('L2', (s) => s.ptl)] })
      .build();
    const { result, trace } = checkSpec(sp);
    expect(result.verdict.kind).toBe('deadlock');
    expect(labels(trace)).toEqual(['A.L1']);
  });

  it('is marked for lockdep: the holder is in the held-lock set with class spinlock', () => {
    const sp = twoThreads();
    expect(heldLocks(sp.schema, { err: null, ptl: { owner: 'B' }, inside: 0 }).get('B')).toEqual([{ lock: 'ptl', cls: 'spinlock', mode: 'exclusive', depth: 1 }]);
    expect(P.lock('L', (s) => s.ptl).doc).toBe('spin_lock');
  });
});
