import { describe, expect, it } from 'vitest';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec } from '../../../spec/builder';
import { errType, forbid, kfree, noError, touch } from '../../../spec/kernel/errors';
import {
  atomicDecAndTest,
  atomicInc,
  refcountAdd,
  refcountDec,
  refcountDecAndTest,
  refcountInc,
  refcountIncNotZero,
  refcountRead,
  refcountSteps,
  refcountSubAndTest,
} from '../../../spec/kernel/refcount';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] }) => trace.steps.slice(1).map((s) => s.label);
const errState = () => ({ err: null as string | null });

describe('refcount_t helpers', () => {
  it('inc, inc_not_zero, dec and dec_and_test move the counter; dec_and_test is true at the last reference', () => {
    const d = errState();
    const o = { count: 1 };
    expect(refcountInc(d, o)).toBe(true);
    expect(refcountIncNotZero(d, o)).toBe(true);
    expect(refcountRead(o)).toBe(3);
    refcountDec(d, o);
    expect(refcountDecAndTest(d, o)).toBe(false);
    expect(refcountDecAndTest(d, o)).toBe(true);
    expect(o.count).toBe(0);
    expect(refcountIncNotZero(d, o)).toBe(false);
    expect(o.count).toBe(0);
    expect(d.err).toBeNull();
  });

  it('works over any numeric field of a record', () => {
    const d = errState();
    const pg = { ref: 2, map: 1 };
    expect(refcountAdd(d, pg, 2, { field: 'ref' })).toBe(true);
    expect(refcountSubAndTest(d, pg, 4, { field: 'ref' })).toBe(true);
    expect(refcountSubAndTest(d, pg, 1, { field: 'map' })).toBe(true);
    expect(pg).toEqual({ ref: 0, map: 0 });
    expect(refcountRead(pg, { field: 'ref' })).toBe(0);
  });

  it.each([
    ['refcount_inc on 0 (REFCOUNT_ADD_UAF)', (d: { err: string | null }) => void refcountInc(d, { count: 0 }), 'REF_GET_ZERO'],
    ['refcount_dec hitting 0 (REFCOUNT_DEC_LEAK)', (d: { err: string | null }) => refcountDec(d, { count: 1 }), 'REF_HIT_ZERO'],
    ['refcount_dec on 0', (d: { err: string | null }) => refcountDec(d, { count: 0 }), 'REF_UNDERFLOW'],
    ['refcount_dec_and_test on 0 (REFCOUNT_SUB_UAF)', (d: { err: string | null }) => void refcountDecAndTest(d, { count: 0 }), 'REF_UNDERFLOW'],
    ['refcount_sub_and_test below 0', (d: { err: string | null }) => void refcountSubAndTest(d, { count: 1 }, 2), 'REF_UNDERFLOW'],
  ])('%s records %s and leaves the counter alone', (_what, op, code) => {
    const d = errState();
    op(d);
    expect(d.err).toBe(code);
  });

  it('atomic_t has no zero checks, except that it cannot go below 0', () => {
    const d = errState();
    const a = { n: 0 };
    atomicInc(d, a, { field: 'n' });
    expect(atomicDecAndTest(d, a, { field: 'n' })).toBe(true);
    expect(d.err).toBeNull();
    expect(atomicDecAndTest(d, a, { field: 'n' })).toBe(false);
    expect(d.err).toBe('REF_UNDERFLOW');
  });

  it('with a use-after-free code, an operation on a freed holder is a use-after-free and changes nothing', () => {
    const d = errState();
    const o = { count: 1, freed: true };
    expect(refcountIncNotZero(d, o, { uaf: 'UAF_O' })).toBe(false);
    expect(d.err).toBe('UAF_O');
    expect(o.count).toBe(1);
  });
});

// A directory with `users` references (the field need not be called count); its release frees it.
const fields = { err: errType('UAF_DIR'), dir: t.record({ users: t.int(0, 2), freed: t.bool() }), rel: t.int(0, 2) };
type S = Infer<RecordType<typeof fields>>;
const R = refcountSteps<S>();
const dir = (s: S) => s.dir;
const at = { field: 'users', uaf: 'UAF_DIR' } as const;
const releaseSteps = [
  { label: 'REL', effect: (d: S) => void (d.rel++, kfree(d, d.dir, 'UAF_DIR')) },
] as const;
const base = (users: number) => spec(fields).init(() => ({ err: null, dir: { users, freed: false }, rel: 0 }));
const props = <B extends { invariant: (n: string, f: (s: S) => boolean) => B }>(b: B) =>
  b.invariant('ReleaseOnce', (s) => s.rel <= 1).invariant('INV-UAF-DIR', forbid('UAF_DIR')).invariant('INV-REF', forbid('REF_UNDERFLOW', 'REF_GET_ZERO', 'REF_HIT_ZERO')).invariant('INV-NOERR', noError);

describe('refcount_t in a spec', () => {
  it('two holders drop with dec_and_test: the release runs once, 6 states', () => {
    const sp = props(base(2).thread('T', { instances: ['A', 'B'], steps: [R.decAndTest('P', dir, { ...at, onZero: 'REL', otherwise: 'done' }), ...releaseSteps] })).build();
    // (P,P); one put: (done,P), (P,done); the last put: (done,REL), (REL,done); released: (done,done).
    expectHolds(sp, { distinct: 6 });
  });

  it('refcount_dec used for what may be the last reference: REF_HIT_ZERO (the object leaks)', () => {
    const sp = props(
      base(2)
        .thread('A', { instances: ['A'], steps: [R.decAndTest('P', dir, { ...at, onZero: 'REL', otherwise: 'done' }), ...releaseSteps] })
        .thread('B', { instances: ['B'], steps: [R.dec('D', dir, at)] }),
    ).build();
    expect(labels(expectViolation(sp, { property: 'INV-REF', maxSteps: 2 }))).toEqual(['A.P', 'B.D']);
  });

  it('one put too many: REF_UNDERFLOW before the release, a use-after-free after it', () => {
    const puts = () => base(2).thread('T', { instances: ['A', 'B', 'C'], steps: [R.decAndTest('P', dir, { ...at, onZero: 'REL', otherwise: 'done' }), ...releaseSteps] });
    expect(labels(expectViolation(props(puts()).build(), { property: 'INV-REF', maxSteps: 3 }))).toEqual(['A.P', 'B.P', 'C.P']);
    const uafOnly = puts().invariant('INV-UAF-DIR', forbid('UAF_DIR')).build();
    expect(labels(expectViolation(uafOnly, { property: 'INV-UAF-DIR', maxSteps: 4 }))).toEqual(['A.P', 'B.P', 'B.REL', 'C.P']);
  });

  it('a lookup must use inc_not_zero: a plain inc races the last put (REF_GET_ZERO); inc_not_zero holds', () => {
    // L finds the directory through a pointer whose memory stays valid (as under RCU): no kfree here.
    const lookup = (plain: boolean) =>
      props(
        base(1)
          .thread('L', {
            instances: ['L'],
            steps: [
              plain ? R.inc('G', dir, { field: 'users' }) : R.incNotZero('G', dir, { field: 'users', onFail: 'done' }),
              { label: 'USE', effect: (d) => void touch(d, d.dir, 'UAF_DIR') },
              R.decAndTest('LP', dir, { field: 'users', onZero: 'done' }),
            ],
          })
          .thread('A', { instances: ['A'], steps: [R.decAndTest('P', dir, { field: 'users', onZero: 'done' })] }),
      ).build();
    expect(labels(expectViolation(lookup(true), { property: 'INV-REF', maxSteps: 2 }))).toEqual(['A.P', 'L.G']);
    // A first: (G,P,1) → (G,done,0) → L fails: (done,done,0). L first: (USE,P,2), then A's put or L's
    // steps: (USE,done,1), (LP,P,2), (LP,done,1), (done,P,1), ending in (done,done,0): 8.
    expectHolds(lookup(false), { distinct: 8 });
  });
});
