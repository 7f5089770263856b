import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import type { Spec } from '../../../spec/spec';
import { errType, forbid, kfree, noError, touch } from '../../../spec/kernel/errors';
import { krefFields, krefGet, krefGetUnlessZero, krefInit, krefPut, krefSteps } from '../../../spec/kernel/kref';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

describe('kref helpers', () => {
  it('put returns true exactly when it drops the last reference', () => {
    const d = { err: null as string | null, o: krefInit(2) };
    expect(krefPut(d, d.o, 'UAF_O')).toBe(false);
    krefGet(d, d.o, 'UAF_O');
    expect(krefPut(d, d.o, 'UAF_O')).toBe(false);
    expect(krefPut(d, d.o, 'UAF_O')).toBe(true);
    expect(d.o.count).toBe(0);
    expect(d.err).toBeNull();
  });

  it('get_unless_zero fails on zero; get and put on zero are refcount errors', () => {
    const d = { err: null as string | null, o: krefInit(0) };
    expect(krefGetUnlessZero(d, d.o, 'UAF_O')).toBe(false);
    expect(d.err).toBeNull();
    krefGet(d, d.o, 'UAF_O');
    expect(d.err).toBe('REF_GET_ZERO');
    const e = { err: null as string | null, o: krefInit(0) };
    expect(krefPut(e, e.o, 'UAF_O')).toBe(false);
    expect(e.err).toBe('REF_UNDERFLOW');
  });

  it('any access to a freed object records the use-after-free code; the first error wins', () => {
    const d = { err: null as string | null, o: krefInit(1) };
    krefPut(d, d.o, 'UAF_O');
    kfree(d, d.o, 'UAF_O');
    expect(d.err).toBeNull();
    expect(krefGetUnlessZero(d, d.o, 'UAF_O')).toBe(false);
    expect(d.err).toBe('UAF_O');
    kfree(d, d.o, 'UAF_OTHER'); // double free: still an access, but the first error stays
    expect(d.err).toBe('UAF_O');
    expect(touch({ err: null as string | null }, { freed: false }, 'X')).toBe(true);
  });
});

const fields = { err: errType('UAF_OBJ'), obj: t.record({ ...krefFields(2), rel: t.int(0, 2) }) };
type S = Infer<RecordType<typeof fields>>;
const K = krefSteps<S>();
const release = [
  { label: 'REL', effect: (d: S) => void (touch(d, d.obj, 'UAF_OBJ') && d.obj.rel++) },
  { label: 'FREE', effect: (d: S) => kfree(d, d.obj, 'UAF_OBJ') },
] as const;

/** The kref properties, checked before the spec's own invariants. */
function props(sp: Spec): Spec {
  const own = [
    { name: 'ReleaseOnce', check: (s: S) => s.obj.rel <= 1 },
    { name: 'INV-UAF-OBJ', check: forbid('UAF_OBJ') },
    { name: 'INV-NOERR', check: noError },
  ];
  return { ...sp, invariants: [...own, ...sp.invariants] };
}

describe('kref in a spec', () => {
  it('two owners put concurrently: the release runs exactly once, 8 states', () => {
    const sp = props(
      spec(fields)
        .init(() => ({ err: null, obj: { ...krefInit(2), rel: 0 } }))
        .thread('T', { instances: ['A', 'B'], steps: [K.put('P', (s) => s.obj, { uaf: 'UAF_OBJ', onZero: 'REL', otherwise: 'done' }), ...release] })
        .invariant('ReleasedAtTheEnd', (s) => !s.T.every((r) => r.pc === 'done') || (s.obj.rel === 1 && s.obj.freed))
        .build(),
    );
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(sp, { strategy });
      expect(result.verdict.kind).toBe('holds');
      // (P,P) → one put: (done,P), (P,done) → the last put: (done,REL), (REL,done) → (done,FREE),
      // (FREE,done) → (done,done): 8.
      expect(result.stats.distinct).toBe(8);
    }
  });

  it('a decrement and a separate zero test release twice (the test can fail)', () => {
    const sp = props(
      spec(fields)
        .init(() => ({ err: null, obj: { ...krefInit(2), rel: 0 } }))
        .thread('T', {
          instances: ['A', 'B'],
          steps: [
            { label: 'P1', effect: (d) => void d.obj.count-- },
            { label: 'P2', effect: (d, th) => th.goto(d.obj.count === 0 ? 'REL' : 'done') },
            ...release,
          ],
        })
        .build(),
    );
    const { result, trace } = checkSpec(sp);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'ReleaseOnce' });
    expect(labels(trace)).toHaveLength(6);
    expect(labels(trace).filter((l) => l.endsWith('.REL'))).toHaveLength(2);
  });

  it('get_unless_zero races the last put: whoever drops the last reference releases, once; 13 states', () => {
    // A owns the only reference; L looks the object up (its memory stays valid until L is done,
    // as under RCU), uses it and puts it. The free waits for L (the "grace period").
    const freeAfterLookup = {
      label: 'FREE' as const,
      // (typed through a cast: a guard parameter naming its own thread's records makes the
      // builder's label inference circular, TS2589)
      guard: (s: S) => ['done', 'FREE'].includes((s as S & { L: { pc: string }[] }).L[0]!.pc),
      effect: release[1].effect,
    };
    const put = K.put('P', (s) => s.obj, { uaf: 'UAF_OBJ', onZero: 'REL', otherwise: 'done' });
    const sp = props(
      spec(fields)
        .init(() => ({ err: null, obj: { ...krefInit(1), rel: 0 } }))
        .thread('L', {
          instances: ['L'],
          steps: [
            K.getUnlessZero('G', (s) => s.obj, { uaf: 'UAF_OBJ', onFail: 'done' }),
            { label: 'USE', effect: (d) => void touch(d, d.obj, 'UAF_OBJ') },
            put,
            release[0],
            freeAfterLookup,
          ],
        })
        .thread('A', { instances: ['A'], steps: [put, release[0], freeAfterLookup] })
        .build(),
    );
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(sp, { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(13);
    }
    // Both outcomes happen: L's lookup fails after A's last put, or L itself releases.
    const lReleases = checkSpec({ ...sp, invariants: [{ name: 'LNeverReleases', check: (s: any) => s.L[0].pc !== 'REL' }] });
    expect(labels(lReleases.trace)).toEqual(['L.G', 'L.USE', 'A.P', 'L.P']);
  });
});
