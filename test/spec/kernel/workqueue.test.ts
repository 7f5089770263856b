import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { lintSpec } from '../../../checker/lint/audit';
import { instantiate } from '../../../checker/model/instantiate';
import workStarvation from '../../fixtures/workStarvation';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec } from '../../../spec/builder';
import { cpuFair, cpuInit, cpuSteps, cpuType } from '../../../spec/kernel/cpu';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import { andThen } from '../../../spec/kernel/steps';
import { kworkerInit, kworkerLocals, queueWorkOn, workFinish, workIdle, workInit, workPendingOn, workqueueSteps, workStart, workType } from '../../../spec/kernel/workqueue';
import { eventually } from '../../../spec/temporal';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

describe('workqueue helpers', () => {
  const binding = { T: 'c0', kw0: 'c0' } as const;

  it('queue_work on a pending item is a no-op returning false; PENDING clears when the item starts', () => {
    const works = workInit(['w']) as Record<string, { pending: boolean; cpu: string | null; running: boolean }>;
    const cpu = cpuInit(['T', 'kw0']);
    expect(queueWorkOn(works, 'w', 'c0')).toBe(true);
    expect(queueWorkOn(works, 'w', 'c1')).toBe(false);
    expect(works.w).toEqual({ pending: true, cpu: 'c0', running: false });
    expect(workPendingOn(works, 'c0')).toEqual(['w']);
    workStart(works, 'w', cpu, binding, 'kw0');
    expect(works.w).toEqual({ pending: false, cpu: null, running: true });
    // Queued again while it runs (process_one_work cleared PENDING first): not idle until both end.
    expect(queueWorkOn(works, 'w', 'c0')).toBe(true);
    workFinish(works, 'w');
    expect(workIdle(works, 'w')).toBe(false);
    expect(() => workFinish(works, 'w')).toThrow('work w finished but it was not running');
  });

  it('starting a work item on a CPU another thread holds non-preemptibly is a modelling error', () => {
    const works = workInit(['w']) as Record<string, { pending: boolean; cpu: string | null; running: boolean }>;
    const cpu = cpuInit(['T', 'kw0']);
    queueWorkOn(works, 'w', 'c0');
    cpu.preempt.T = 1;
    expect(() => workStart(works, 'w', cpu, binding, 'kw0')).toThrow("work w run on CPU c0 while T holds it non-preemptibly: bind the kworker's steps to its CPU");
  });
});

// T (c0) queues `w` and flushes it; kw0 (c0) runs it: the function sets `ran`.
const fields = { err: errType(), cpu: cpuType(['T', 'kw0', 'U', 'kw1']), work: workType(['w', 'd0', 'd1'], ['c0', 'c1']), ran: t.int(0, 2), again: t.bool() };
type S = Infer<RecordType<typeof fields>>;
const binding = { T: 'c0', kw0: 'c0', U: 'c1', kw1: 'c1' } as const;
const C = cpuSteps<S>((s) => s.cpu, binding);
const W = workqueueSteps<S>((s) => s.work, (s) => s.cpu, binding);
/** T finished (kworkers exit then: a finished run is termination, not deadlock). */
const tDone = (s: S) => (s as S & { T: { pc: string }[] }).T[0]!.pc === 'done';
const init = (): S => ({ err: null, cpu: cpuInit(['T', 'kw0', 'U', 'kw1']), work: workInit(['w', 'd0', 'd1']), ran: 0, again: true });
const kworker = (ids: readonly ('kw0' | 'kw1')[], fns: Parameters<typeof W.worker>[0], exitWhen: (s: S) => boolean) =>
  ({ instances: ids, locals: kworkerLocals(['w', 'd0', 'd1']), initLocals: kworkerInit, steps: W.worker(fns, { exitWhen }) }) as const;

describe('workqueue in a spec', () => {
  it('flush_work returns only after the work ran; queueing it twice runs it once or twice (never lost)', () => {
    const build = (flush: boolean) =>
      spec(fields)
        .init(init)
        .thread('T', {
          instances: ['T'],
          steps: W.bind([
            W.queueWork('T1', 'w'),
            W.queueWork('T2', 'w', { ret: (d, _th, queued) => void (d.again = queued) }),
            ...(flush ? [W.flushWork('T3', 'w')] : []),
            { label: 'T4' },
          ]),
        })
        .thread('kw', kworker(['kw0'], { w: [{ label: 'F1', effect: (d) => void d.ran++ }] }, tDone))
        .invariant('FlushedWorkRan', (s) => s.T[0]!.pc !== 'T4' || (s.ran >= 1 && workIdle(s.work, 'w')))
        .invariant('SecondQueueRunsAgain', (s) => s.ran < 2 || s.again)
        .invariant('INV-NOERR', noError)
        .build();
    expectHolds(build(true));
    // Without flush_work, T passes T3 before the kworker ran it (the invariant is not vacuous).
    expect(labels(expectViolation(build(false), { property: 'FlushedWorkRan' }))).toEqual(['T.T1', 'T.T2']);
  });

  it('a bound kworker never runs while another thread holds its CPU', () => {
    const sp = spec(fields)
      .init(init)
      .thread('T', { instances: ['T'], steps: C.bind([W.queueWork('T1', 'w'), C.preemptDisable('T2'), { label: 'T3' }, C.preemptEnable('T4')]) })
      .thread('kw', kworker(['kw0'], { w: [{ label: 'F1', effect: (d) => void d.ran++ }] }, tDone))
      // The kworker may be preempted mid-item; what never happens is one of its steps while T holds c0.
      .actionProperty('NoStepOnBusyCpu', (s, t) => s.cpu.preempt.T === 0 || (s.ran === t.ran && s.work.w.running === t.work.w.running && s.kw[0]!.pc === t.kw[0]!.pc))
      .build();
    expectHolds(sp);
  });

  it('a work item run on a busy CPU (kworker steps not bound) stops the run with a model error', () => {
    const unbound = W.worker({ w: [] }).map((step) => ({ ...step, guard: step.label === 'K0' ? (s: S) => s.work.w.pending : undefined }));
    const sp = spec(fields)
      .init(init)
      .thread('T', { instances: ['T'], steps: C.bind([C.preemptDisable('T1'), W.queueWork('T2', 'w'), C.preemptEnable('T3')]) })
      .thread('kw', { instances: ['kw0'], locals: kworkerLocals(['w', 'd0', 'd1']), initLocals: kworkerInit, steps: unbound })
      .checkDeadlock(false)
      .build();
    const v = checkSpec(sp).result.verdict;
    expect(v).toMatchObject({ kind: 'error' });
    expect((v as { message: string }).message).toContain("work w run on CPU c0 while T holds it non-preemptibly: bind the kworker's steps to its CPU");
  });

  it('flush_work in atomic context records SLEEP_IN_ATOMIC', () => {
    const sp = spec(fields)
      .init(init)
      .thread('T', { instances: ['T'], steps: C.bind([W.queueWork('T1', 'w'), C.preemptDisable('T2'), W.flushWork('T3', 'w'), C.preemptEnable('T4')]) })
      .thread('kw', kworker(['kw0'], { w: [] }, tDone))
      .invariant('INV-SLEEP', forbid('SLEEP_IN_ATOMIC'))
      .build();
    expect(labels(expectViolation(sp, { property: 'INV-SLEEP', maxSteps: 3 }))).toEqual(['T.T1', 'T.T2', 'T.T3']);
  });

  // lru_add_drain_all from T on c0: the drain of c1 waits for c1's kworker, which U (on c1) may
  // starve by spinning with preemption off until T is done.
  const drain = (uSpins: 'preempt-off' | 'cond_resched') => {
    const spin =
      uSpins === 'preempt-off'
        ? [C.preemptDisable('U1'), { label: 'U2', effect: (d: S, th: { goto(l: string): void }) => void (d.ran < 2 && th.goto('U2')) }, C.preemptEnable('U3')]
        : [C.preemptDisable('U1'), { label: 'U2', effect: (d: S, th: { goto(l: string): void }) => void (d.ran >= 2 && th.goto('U4')) }, C.preemptEnable('U3'), andThen(C.condResched('U3b'), (_d, th) => th.goto('U1')), C.preemptEnable('U4')];
    return spec(fields)
      .init(init)
      .thread('T', { instances: ['T'], steps: W.bind([...W.drainAll('D', { c0: 'd0', c1: 'd1' }), { label: 'T9' }]) })
      .thread('U', { instances: ['U'], steps: C.bind(spin) })
      .thread('kw', kworker(['kw0', 'kw1'], { d0: [{ label: 'F', effect: (d) => void d.ran++ }], d1: [{ label: 'F', effect: (d) => void d.ran++ }] }, (s) => s.ran === 2))
      .invariant('DrainedEveryCpu', (s) => s.T[0]!.pc !== 'T9' || s.ran === 2)
      .invariant('INV-NOERR', noError)
      .liveness('DrainReturns', eventually(tDone))
      .fair('weak', 'eachThread')
      .fair('weak', cpuFair((s: S) => s.cpu, binding, 'c1', ['kw1']))
      .build();
  };

  it('lru_add_drain_all runs the drain on every CPU before it returns', () => {
    const { result } = checkSpec(drain('cond_resched'));
    expect(result.verdict.kind).toBe('holds');
    expect(drain('cond_resched').actions.map((a) => a.name).slice(0, 4)).toEqual(['T.D.q.c0', 'T.D.q.c1', 'T.D.f.c0', 'T.D.f.c1']);
  });

  it('a thread spinning with preemption off on another CPU starves lru_add_drain_all there (liveness)', () => {
    const trace = expectViolation(drain('preempt-off'), { property: 'DrainReturns' });
    // U holds c1 before c1's drain could run, and spins for ever.
    expect(labels(trace)).toContain('U.U1');
    expect(labels(trace)).not.toContain('kw1.K0');
  });
});

describe('workqueue steps under hmmcheck lint', () => {
  it('the kworker\'s pick and flush_work\'s test are justified exceptions (the pool lock), not findings', () => {
    const { items } = lintSpec(instantiate(workStarvation, 'fixed', {}).spec, { strict: true });
    expect(items.filter((i) => i.severity === 'justified').map((i) => i.step)).toEqual(['kw.K0']);
    expect(items.filter((i) => i.severity === 'finding').map((i) => i.step)).not.toContain('kw.K0');
    const W = workqueueSteps<{ err: string | null; work: Record<string, never>; cpu: ReturnType<typeof cpuInit> }>((s) => s.work, (s) => s.cpu, { T: 'c0' });
    expect(W.flushWork('F1', 'drain').atomic).toMatch(/pool->lock/);
  });
});
