import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec } from '../../../spec/builder';
import {
  cpuFair,
  cpuFreeFor,
  cpuHolder,
  cpuInit,
  cpuIrqsOff,
  cpuNonPreemptible,
  cpuOf,
  cpusOf,
  cpuSteps,
  cpuType,
  irqDisable,
  irqEnable,
  mightSleep,
  preemptDisable,
  preemptEnable,
  preemptible,
  rcuReaderImplied,
  threadsOn,
} from '../../../spec/kernel/cpu';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import { spinlockInit, spinlockType } from '../../../spec/kernel/spinlock';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

describe('cpu helpers', () => {
  const binding = { A: 'c0', B: 'c0', X: 'c1' } as const;

  it('a thread with preemption or IRQs off holds its CPU; the others on it may not run', () => {
    const d = { err: null as string | null, cpu: cpuInit(['A', 'B', 'X']) };
    expect(cpusOf(binding)).toEqual(['c0', 'c1']);
    expect(threadsOn(binding, 'c0')).toEqual(['A', 'B']);
    expect(cpuHolder(d.cpu, binding, 'c0')).toBeNull();
    preemptDisable(d.cpu, 'A');
    expect(preemptible(d.cpu, 'A')).toBe(false);
    expect(cpuNonPreemptible(d.cpu, binding, 'c0')).toBe(true);
    expect(cpuFreeFor(d.cpu, binding, 'A')).toBe(true);
    expect(cpuFreeFor(d.cpu, binding, 'B')).toBe(false);
    expect(cpuFreeFor(d.cpu, binding, 'X')).toBe(true);
    expect(rcuReaderImplied(d.cpu, 'A')).toBe(true);
    // Preemption off does not block interrupts; IRQs off does.
    expect(cpuIrqsOff(d.cpu, binding, 'c0')).toBe(false);
    preemptEnable(d, d.cpu, 'A');
    irqDisable(d.cpu, 'A');
    expect(cpuIrqsOff(d.cpu, binding, 'c0')).toBe(true);
    expect(cpuHolder(d.cpu, binding, 'c0')).toBe('A');
    irqEnable(d, d.cpu, 'A');
    expect(preemptible(d.cpu, 'A')).toBe(true);
    expect(rcuReaderImplied(d.cpu, 'A')).toBe(false);
    expect(d.err).toBeNull();
  });

  it('unbalanced enables record PREEMPT_IMBALANCE, sleeping while atomic SLEEP_IN_ATOMIC; model mistakes throw', () => {
    const d = { err: null as string | null, cpu: cpuInit(['A']) };
    preemptEnable(d, d.cpu, 'A');
    expect(d.err).toBe('PREEMPT_IMBALANCE');
    expect(d.cpu.preempt.A).toBe(0);
    const e = { err: null as string | null, cpu: cpuInit(['A']) };
    irqDisable(e.cpu, 'A');
    expect(mightSleep(e, e.cpu, 'A')).toBe(false);
    expect(e.err).toBe('SLEEP_IN_ATOMIC');
    expect(() => cpuOf({ A: 'c0' }, 'B')).toThrow('cpu: thread B is not bound to a CPU (add it to the binding)');
    expect(() => preemptible(e.cpu, 'B')).toThrow(/not in the CPU state/);
    expect(() => cpuFair((s: { cpu: typeof e.cpu }) => s.cpu, binding, 'c0', ['X'])).toThrow('cpuFair: thread X is bound to c1, not c0');
  });
});

// A and B share CPU c0: A runs `preempt_disable; in; out; preempt_enable`, B records whether it ran inside.
const shareFields = { err: errType(), cpu: cpuType(['A', 'B']), inside: t.bool(), sawInside: t.bool(), lock: spinlockType(['A', 'B']) };
type Share = Infer<RecordType<typeof shareFields>>;
const share = { A: 'c0', B: 'c0' } as const;
const C = cpuSteps<Share>((s) => s.cpu, share);

function sharing(bind: boolean) {
  const b = <L extends string>(steps: Parameters<typeof C.bind<Share, unknown, L>>[0]) => (bind ? C.bind(steps) : [...steps]);
  return spec(shareFields)
    .init(() => ({ err: null, cpu: cpuInit(['A', 'B']), inside: false, sawInside: false, lock: spinlockInit() }))
    .thread('A', {
      instances: ['A'],
      steps: b([C.preemptDisable('A1'), { label: 'A2', effect: (d) => void (d.inside = true) }, { label: 'A3', effect: (d) => void (d.inside = false) }, C.preemptEnable('A4')]),
    })
    .thread('B', { instances: ['B'], steps: b([{ label: 'B1', effect: (d) => void (d.sawInside = d.inside) }]) })
    .invariant('NoPreemptionInside', (s) => !s.sawInside)
    .invariant('INV-NOERR', noError)
    .build();
}

describe('cpu in a spec', () => {
  it('bound threads: nothing else runs on the CPU inside a non-preemptible section (exactly 10 states)', () => {
    // A at 5 positions with B pending; B ran at A1 (then A at 5 positions) or with A done: 5 + 5.
    expectHolds(sharing(true), { distinct: 10 });
  });

  it('unbound, the other thread runs inside the section (the test can fail)', () => {
    const { result, trace } = checkSpec(sharing(false));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'NoPreemptionInside' });
    expect(labels(trace)).toEqual(['A.A1', 'A.A2', 'B.B1']);
  });

  it('cond_resched or a sleep inside a non-preemptible section records SLEEP_IN_ATOMIC', () => {
    for (const sleep of [C.condResched('S2'), C.sleepUntil('S2', (s) => s.inside)]) {
      const sp = spec(shareFields)
        .init(() => ({ err: null, cpu: cpuInit(['A', 'B']), inside: false, sawInside: false, lock: spinlockInit() }))
        .thread('A', { instances: ['A'], steps: C.bind([C.irqDisable('S1'), sleep, C.irqEnable('S3')]) })
        .invariant('INV-SLEEP', forbid('SLEEP_IN_ATOMIC'))
        .build();
      const trace = expectViolation(sp, { property: 'INV-SLEEP', maxSteps: 2 });
      expect(labels(trace)).toEqual(['A.S1', 'A.S2']);
    }
  });

  it('spin_lock disables preemption until spin_unlock; unlocking a lock not held records UNLOCK_NOT_HELD', () => {
    const sp = spec(shareFields)
      .init(() => ({ err: null, cpu: cpuInit(['A', 'B']), inside: false, sawInside: false, lock: spinlockInit() }))
      .thread('A', { instances: ['A'], steps: C.bind([C.spinLock('L', (s) => s.lock), { label: 'CS', effect: (d) => void (d.inside = d.cpu.preempt.A === 1 && d.lock.owner === 'A') }, C.spinUnlock('U', (s) => s.lock)]) })
      .invariant('UnlockedAfter', (s) => s.A[0]!.pc !== 'done' || (s.cpu.preempt.A === 0 && s.lock.owner === null && s.inside))
      .invariant('INV-NOERR', noError)
      .build();
    expectHolds(sp, { distinct: 4 });
    const bad = spec(shareFields)
      .init(() => ({ err: null, cpu: cpuInit(['A', 'B']), inside: false, sawInside: false, lock: spinlockInit() }))
      .thread('A', { instances: ['A'], steps: [C.spinUnlock('U', (s) => s.lock)] })
      .invariant('INV-LOCK', forbid('UNLOCK_NOT_HELD'))
      .build();
    expectViolation(bad, { property: 'INV-LOCK', maxSteps: 1 });
  });

  it('spin_lock in two steps: the waiter spins holding its CPU, so its CPU-mate cannot run', () => {
    // X holds the lock (on c1); A waits for it on c0; B (also c0) cannot run while A spins.
    const fields = { ...shareFields, lock: spinlockType(['A', 'X']), cpu: cpuType(['A', 'B', 'X']) };
    type S = Infer<RecordType<typeof fields>>;
    const binding = { A: 'c0', B: 'c0', X: 'c1' } as const;
    const K = cpuSteps<S>((s) => s.cpu, binding);
    const build = (twoStep: boolean) =>
      spec(fields)
        .init(() => ({ err: null, cpu: cpuInit(['A', 'B', 'X']), inside: false, sawInside: false, lock: { owner: 'X' as const } }))
        .thread('A', { instances: ['A'], steps: K.bind([...(twoStep ? K.spinLock2('L1', 'L2', (s) => s.lock) : [K.spinLock('L2', (s) => s.lock)]), K.spinUnlock('U', (s) => s.lock)]) })
        .thread('B', { instances: ['B'], steps: K.bind([{ label: 'B1', effect: (d: S & { A: { pc: string }[] }) => void (d.sawInside = d.A[0]!.pc === 'L2') }]) })
        .thread('X', { instances: ['X'], steps: K.bind([{ label: 'X1', effect: (d: S) => void (d.lock.owner = null) }]) })
        .invariant('BNeverRunsWhileASpins', (s) => !s.sawInside)
        .build();
    expectHolds(build(true));
    // With the one-step lock, A waits preemptible: B may run meanwhile.
    expect(labels(expectViolation(build(false), { property: 'BNeverRunsWhileASpins' }))).toEqual(['B.B1']);
  });
});
