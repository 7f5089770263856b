import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, forbid, freeableFields, kfree, noError } from '../../../spec/kernel/errors';
import { mutexFree, mutexHeldBy, mutexInit, mutexLock, mutexSteps, mutexTrylock, mutexType, mutexUnlock } from '../../../spec/kernel/mutex';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

describe('mutex helpers', () => {
  it('lock, trylock and unlock follow the owner', () => {
    const d = { err: null as string | null, m: mutexInit() };
    expect(mutexFree(d.m)).toBe(true);
    mutexLock(d.m, 'A');
    expect(mutexHeldBy(d.m, 'A')).toBe(true);
    expect(mutexTrylock(d.m, 'B')).toBe(false);
    expect(() => mutexLock(d.m, 'B')).toThrow(/guard the step/);
    mutexUnlock(d, d.m, 'A');
    expect(d.err).toBeNull();
    expect(mutexTrylock(d.m, 'B')).toBe(true);
    expect(d.m.owner).toBe('B');
  });

  it('an unlock by a thread that does not hold the lock records UNLOCK_NOT_HELD and keeps the owner', () => {
    const d = { err: null as string | null, m: { owner: 'A' } };
    mutexUnlock(d, d.m, 'B');
    expect(d.err).toBe('UNLOCK_NOT_HELD');
    expect(d.m.owner).toBe('A');
  });
});

// Two threads: lock; enter; leave; unlock.
const mxFields = { err: errType(), m: mutexType(['A', 'B']), inside: t.int(0, 2) };
type Mx = Infer<RecordType<typeof mxFields>>;
const M = mutexSteps<Mx>();

describe('mutex in a spec', () => {
  it('gives mutual exclusion with exactly 16 states', () => {
    const sp = spec(mxFields)
      .init(() => ({ err: null, m: mutexInit(), inside: 0 }))
      .thread('T', {
        instances: ['A', 'B'],
        steps: [
          M.lock('L', (s) => s.m),
          { label: 'CS', effect: (d) => void d.inside++ },
          { label: 'X', effect: (d) => void d.inside-- },
          M.unlock('U', (s) => s.m),
        ],
      })
      .invariant('Mutex', (s) => s.inside <= 1)
      .invariant('INV-NOERR', noError)
      .build();
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(sp, { strategy });
      expect(result.verdict.kind).toBe('holds');
      // Both threads outside (pc ∈ {L, done}²) = 4, plus one thread at CS/X/U (3 × 2 × 2 threads) = 12.
      expect(result.stats.distinct).toBe(16);
    }
  });

  it('without the lock step the same invariant fails in two steps (the test can fail)', () => {
    const sp = spec(mxFields)
      .init(() => ({ err: null, m: mutexInit(), inside: 0 }))
      .thread('T', {
        instances: ['A', 'B'],
        steps: [
          { label: 'CS', effect: (d) => void d.inside++ },
          { label: 'X', effect: (d) => void d.inside-- },
        ],
      })
      .invariant('Mutex', (s) => s.inside <= 1)
      .build();
    const { result, trace } = checkSpec(sp);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'Mutex' });
    expect(labels(trace)).toEqual(['A.CS', 'B.CS']);
  });

  it('trylock fails exactly when the lock is held', () => {
    const sp = spec({ ...mxFields, got: t.map(['A', 'B'], t.bool()) })
      .init(() => ({ err: null, m: { owner: 'B' as const }, inside: 0, got: { A: false, B: true } }))
      .thread('T', {
        instances: ['A'],
        steps: [M.trylock('TL', (s) => s.m, 'FAIL'), { label: 'OK', effect: (d) => void (d.got.A = true) }, { label: 'FAIL' }],
      })
      .thread('O', { instances: ['B'], steps: [M.unlock('U', (s) => s.m)] })
      .invariant('AGetsLockOnlyWhenFree', (s) => !(s.got.A && s.m.owner === 'B'))
      .invariant('ANeverGetsIt', (s) => !s.got.A)
      .build();
    const { result, trace } = checkSpec(sp);
    // A gets the lock only by trying after B's unlock.
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'ANeverGetsIt' });
    expect(labels(trace)).toEqual(['B.U', 'A.TL', 'A.OK']);
  });
});

// The two-step unlock of H1: A holds the lock inside object `obj`; B waits for it, then unlocks and
// frees the object. A's unlock slow path runs after B's free if the unlock is split.
const objFields = { err: errType('UAF_OBJ'), obj: t.record({ ...freeableFields(), m: mutexType(['A', 'B']) }) };
type Obj = Infer<RecordType<typeof objFields>>;
const O = mutexSteps<Obj>();
const where = { in: (s: Obj) => s.obj, uaf: 'UAF_OBJ' as const };

function freeAfterUnlock(twoStep: boolean) {
  return spec(objFields)
    .init(() => ({ err: null, obj: { freed: false, m: { owner: 'A' as const } } }))
    .thread('A', {
      instances: ['A'],
      steps: twoStep ? O.unlock2('Ua', 'Ub', (s) => s.obj.m, where) : [O.unlock('U', (s) => s.obj.m, where)],
    })
    .thread('B', {
      instances: ['B'],
      steps: [O.lock('L', (s) => s.obj.m, where), O.unlock('U', (s) => s.obj.m, where), { label: 'F', effect: (d) => kfree(d, d.obj, 'UAF_OBJ') }],
    })
    .invariant('INV-UAF-OBJ', forbid('UAF_OBJ'))
    .invariant('INV-NOERR', noError)
    .build();
}

describe('two-step mutex unlock', () => {
  it('the slow path touching a freed object is a use-after-free naming the object, found in 5 steps', () => {
    const { result, trace } = checkSpec(freeAfterUnlock(true));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-OBJ' });
    expect(labels(trace)).toEqual(['A.Ua', 'B.L', 'B.U', 'B.F', 'A.Ub']);
    expect(trace!.steps.at(-1)!.state.err).toBe('UAF_OBJ');
  });

  it('a one-step unlock cannot interleave with the free: 5 states, holds', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(freeAfterUnlock(false), { strategy });
      expect(result.verdict.kind).toBe('holds');
      // (U, L) → (done, L) → (done, U) → (done, F) → (done, done): B can only start after A's unlock.
      expect(result.stats.distinct).toBe(5);
    }
  });

  it('a critical section is one step that leaves the lock free', () => {
    const sp = spec(mxFields)
      .init(() => ({ err: null, m: mutexInit(), inside: 0 }))
      .thread('T', { instances: ['A', 'B'], steps: [M.critical('C', (s) => s.m, (d) => void d.inside++)] })
      .invariant('LockFree', (s) => s.m.owner === null)
      .invariant('NotTwice', (s) => s.inside < 2)
      .build();
    const { result, trace } = checkSpec(sp);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'NotTwice' });
    expect(labels(trace)).toEqual(['A.C', 'B.C']);
  });
});
