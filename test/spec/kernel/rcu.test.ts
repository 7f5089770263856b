import { describe, expect, it } from 'vitest';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec, type StepDef } from '../../../spec/builder';
import { errType, forbid, freeableFields, noError, touch } from '../../../spec/kernel/errors';
import { holdersOf, lockClassOf } from '../../../spec/kernel/lockdep';
import {
  rcuCall,
  rcuCallbackDone,
  rcuCallbackReady,
  rcuDepth,
  rcuDereference,
  rcuFree,
  rcuHolders,
  rcuImplicitEnter,
  rcuImplicitExit,
  rcuInit,
  rcuInReadSection,
  rcuKfreeAction,
  rcuReadLock,
  rcuReadUnlock,
  rcuSteps,
  rcuSyncEnd,
  rcuSyncReady,
  rcuSyncStart,
  rcuType,
} from '../../../spec/kernel/rcu';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] }) => trace.steps.slice(1).map((s) => s.label);
const errState = () => ({ err: null as string | null });

describe('rcu helpers', () => {
  it('read sections nest; only the outermost unlock ends the section and lets synchronize_rcu return', () => {
    const d = errState();
    const rcu = rcuInit(['R', 'S']);
    rcuReadLock(rcu, 'R');
    rcuReadLock(rcu, 'R');
    expect(rcuDepth(rcu, 'R')).toBe(2);
    rcuSyncStart(rcu, 'S');
    rcuReadUnlock(d, rcu, 'R');
    expect(rcuInReadSection(rcu, 'R')).toBe(true);
    expect(rcuSyncReady(rcu, 'S')).toBe(false);
    rcuReadUnlock(d, rcu, 'R');
    expect(rcuSyncReady(rcu, 'S')).toBe(true);
    rcuSyncEnd(rcu, 'S');
    expect(d.err).toBeNull();
  });

  it('a reader that starts after the grace period began does not delay it', () => {
    const rcu = rcuInit(['R', 'S']);
    rcuSyncStart(rcu, 'S');
    rcuReadLock(rcu, 'R');
    expect(rcuSyncReady(rcu, 'S')).toBe(true);
  });

  it('an implicit reader (IRQs or preemption off, entered by another module) blocks the grace period like rcu_read_lock', () => {
    const d = errState();
    const rcu = rcuInit(['C', 'S']);
    rcuImplicitEnter(rcu, 'C');
    rcuSyncStart(rcu, 'S');
    expect(rcuSyncReady(rcu, 'S')).toBe(false);
    rcuImplicitExit(d, rcu, 'C');
    expect(rcuSyncReady(rcu, 'S')).toBe(true);
    expect(d.err).toBeNull();
  });

  it('misuse: unlock outside a section is UNLOCK_NOT_HELD, rcu_dereference outside one RCU_UNLOCKED_DEREF', () => {
    const d1 = errState();
    rcuReadUnlock(d1, rcuInit(['R']), 'R');
    expect(d1.err).toBe('UNLOCK_NOT_HELD');
    const d2 = errState();
    expect(rcuDereference(d2, rcuInit(['R']), 'R')).toBe(false);
    expect(d2.err).toBe('RCU_UNLOCKED_DEREF');
    expect(() => rcuReadLock(rcuInit(['R']), 'X')).toThrow(/not in the rcu's domain/);
    expect(() => rcuCall(rcuInit(['R']), 'cb')).toThrow(/has no callbacks/);
  });

  it('holders: freeing an object a reader dereferenced in its still-open section is RCU_FREE_IN_GP', () => {
    const rcu = rcuInit(['R'], { objects: ['obj'] });
    const d = errState();
    rcuReadLock(rcu, 'R');
    expect(rcuDereference(d, rcu, 'R', 'obj')).toBe(true);
    expect([...rcuHolders(rcu, 'obj')]).toEqual(['R']);
    const obj = { freed: false };
    rcuFree(d, rcu, 'obj', obj, 'UAF_OBJ');
    expect(d.err).toBe('RCU_FREE_IN_GP');
    expect(obj.freed).toBe(true);
    // The hold ends with the section.
    rcuReadUnlock(errState(), rcu, 'R');
    expect(rcuHolders(rcu, 'obj').size).toBe(0);
  });

  it('the type is marked for lockdep: a read section shows as a shared hold with its nesting depth', () => {
    const rcu = rcuInit(['R', 'S']);
    expect(lockClassOf(rcuType(['R', 'S']))).toBe('rcu');
    rcuReadLock(rcu, 'R');
    rcuReadLock(rcu, 'R');
    expect(holdersOf('rcu', rcu)).toEqual([{ id: 'R', mode: 'read', depth: 2 }]);
  });

  it('call_rcu callbacks wait for the readers inside at call time', () => {
    const rcu = rcuInit(['R'], { callbacks: ['free'] });
    rcuReadLock(rcu, 'R');
    rcuCall(rcu, 'free');
    expect(rcuCallbackReady(rcu, 'free')).toBe(false);
    expect(() => rcuCallbackDone(rcu, 'free')).toThrow(/ran early/);
    rcuReadUnlock(errState(), rcu, 'R');
    expect(rcuCallbackReady(rcu, 'free')).toBe(true);
  });
});

// R reads `gp` (published pointer to obj) under RCU and uses the object; W unpublishes and frees.
const ids = ['R', 'W'] as const;
const mkFields = (tracked: boolean) => ({
  err: errType('UAF_OBJ'),
  rcu: tracked ? rcuType(ids, { objects: ['obj'], callbacks: ['obj'] }) : rcuType(ids, { callbacks: ['obj'] }),
  gp: t.bool(),
  obj: t.record(freeableFields()),
});
const fields = mkFields(true);
type S = Infer<RecordType<typeof fields>> & { R: { pc: string; p: boolean }[] };
type Step = StepDef<S, { p: boolean }, string>;
const U = rcuSteps<S>();
const sel = (s: S) => s.rcu;

const deref: Step = { label: 'DEREF', effect: (d, th) => void ((th.local.p = d.gp) && rcuDereference(d, d.rcu, th.id, 'obj')) };
const use: Step = { label: 'USE', effect: (d, th) => void (th.local.p && touch(d, d.obj, 'UAF_OBJ')) };
const reader = (useAfterUnlock: boolean): Step[] =>
  useAfterUnlock ? [U.readLock('LOCK', sel), deref, U.readUnlock('UNLOCK', sel), use] : [U.readLock('LOCK', sel), deref, use, U.readUnlock('UNLOCK', sel)];

const unpublish: Step = { label: 'UNPUB', effect: (d) => void (d.gp = false) };
const free: Step = { label: 'FREE', effect: (d) => rcuFree(d, d.rcu, 'obj', d.obj, 'UAF_OBJ') };
const writers = {
  synchronous: [unpublish, ...U.synchronize('GP1', 'GP2', sel), free],
  noGracePeriod: [unpublish, free],
  kfreeRcu: [unpublish, U.call('KFREE_RCU', sel, 'obj')],
};

function build(r: Step[], w: Step[], tracked = true) {
  const f = mkFields(tracked);
  return spec(f)
    .init(() => ({ err: null, rcu: tracked ? rcuInit(ids, { objects: ['obj'], callbacks: ['obj'] }) : rcuInit(ids, { callbacks: ['obj'] }), gp: true, obj: { freed: false } }))
    .action('kfree_rcu', {}, rcuKfreeAction((s: any) => s.rcu, 'obj', (s: any) => s.obj, 'UAF_OBJ'))
    .thread('R', { instances: ['R'], locals: { p: t.bool() }, initLocals: () => ({ p: false }), steps: r as never })
    .thread('W', { instances: ['W'], steps: w as never })
    .invariant('INV-UAF-OBJ', forbid('UAF_OBJ'))
    .invariant('INV-RCU', forbid('RCU_FREE_IN_GP', 'RCU_UNLOCKED_DEREF'))
    .invariant('INV-NOERR', noError)
    .checkDeadlock(false)
    .build();
}

describe('rcu in a spec', () => {
  it('reader inside its section + unpublish, synchronize_rcu, kfree: holds', () => {
    // 5 × 5 pcs, split by whether R read the pointer before UNPUB (p) and by whether R's section
    // predates GP1; GP2 is disabled while it does. (Count pinned from the checker, as a regression.)
    expectHolds(build(reader(false), writers.synchronous), { distinct: 36 });
  });

  it('a reader that keeps the pointer past rcu_read_unlock: use-after-free once the grace period ends', () => {
    const trace = expectViolation(build(reader(true), writers.synchronous), { property: 'INV-UAF-OBJ', maxSteps: 8 });
    expect(labels(trace)).toEqual(['R.LOCK', 'R.DEREF', 'R.UNLOCK', 'W.UNPUB', 'W.GP1', 'W.GP2', 'W.FREE', 'R.USE']);
  });

  it('a writer that frees without a grace period: RCU_FREE_IN_GP at the free, or the use-after-free without holder tracking', () => {
    expect(labels(expectViolation(build(reader(false), writers.noGracePeriod), { property: 'INV-RCU', maxSteps: 4 }))).toEqual(['R.LOCK', 'R.DEREF', 'W.UNPUB', 'W.FREE']);
    expect(labels(expectViolation(build(reader(false), writers.noGracePeriod, false), { property: 'INV-UAF-OBJ', maxSteps: 5 }))).toEqual([
      'R.LOCK',
      'R.DEREF',
      'W.UNPUB',
      'W.FREE',
      'R.USE',
    ]);
  });

  it('kfree_rcu: the deferred free runs after the grace period; a pointer kept past unlock is still caught', () => {
    expectHolds(build(reader(false), writers.kfreeRcu), { distinct: 30 });
    const trace = expectViolation(build(reader(true), writers.kfreeRcu), { property: 'INV-UAF-OBJ', maxSteps: 7 });
    expect(labels(trace)).toEqual(['R.LOCK', 'R.DEREF', 'R.UNLOCK', 'W.UNPUB', 'W.KFREE_RCU', 'kfree_rcu', 'R.USE']);
  });

  it('rcu_dereference outside a read-side section is reported', () => {
    const noLock = [deref, use];
    expect(labels(expectViolation(build(noLock, writers.synchronous), { property: 'INV-RCU', maxSteps: 1 }))).toEqual(['R.DEREF']);
  });

  it('an IRQs-off region coupled with implicitEnter/Exit is a reader: synchronize_rcu waits for it; a nested explicit section too', () => {
    const nf = { err: errType(), rcu: rcuType(['C', 'S']), irqsOff: t.bool(), old: t.bool() };
    type N = Infer<RecordType<typeof nf>>;
    const V = rcuSteps<N>();
    const r = (s: N) => s.rcu;
    const [s1, s2] = V.synchronize('S1', 'S2', r);
    const sp = (coupled: boolean) => {
      const irqOff: StepDef<N, unknown, 'C1'> = { label: 'C1', effect: (d) => void (d.irqsOff = true) };
      const irqOn: StepDef<N, unknown, 'C4'> = { label: 'C4', effect: (d) => void ((d.irqsOff = false), (d.old = false)) };
      return spec(nf)
        .init(() => ({ err: null, rcu: rcuInit(['C', 'S']), irqsOff: false, old: false }))
        .thread('C', {
          instances: ['C'],
          steps: [coupled ? V.implicitEnter(irqOff, r) : irqOff, V.readLock('C2', r), V.readUnlock('C3', r), coupled ? V.implicitExit(irqOn, r) : irqOn] as never,
        })
        .thread('S', { instances: ['S'], steps: [{ ...s1, effect: (d: N, th: any) => void ((d.old = d.irqsOff), s1.effect!(d, th)) }, s2] as never })
        .invariant('GpWaitsForIrqsOffRegion', (s: any) => !(s.S[0].pc === 'done' && s.old))
        .invariant('INV-NOERR', noError)
        .build();
    };
    expectHolds(sp(true));
    // Coupled, the nested section C2–C3 does not end the region's section (depth 2 → 1). Uncoupled, the
    // grace period ignores the region.
    expect(labels(expectViolation(sp(false), { property: 'GpWaitsForIrqsOffRegion', maxSteps: 3 }))).toEqual(['C.C1', 'S.S1', 'S.S2']);
  });
});
