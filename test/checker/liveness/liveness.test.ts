import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { traceToItf, type ItfTrace } from '../../../checker/trace/itf';
import { replayTrace } from '../../../checker/trace/replay';
import { spec } from '../../../spec/builder';
import type { Spec } from '../../../spec/spec';
import { alwaysEventually, eventually, eventuallyAlways, leadsTo } from '../../../spec/temporal';
import { t } from '../../../spec/types';

function labels(spec: Spec) {
  const { result, trace } = checkSpec(spec);
  return { verdict: result.verdict, labels: trace?.steps.map((s) => s.label), loop: trace?.loop, trace, result };
}

/** Replays the lasso of a liveness verdict through ITF, as `hmmcheck replay` does. */
function replay(spec: Spec, mutate?: (doc: ItfTrace) => void) {
  const { result, trace } = checkSpec(spec);
  const v = result.verdict;
  if (v.kind !== 'liveness') throw new Error('expected a liveness verdict');
  const doc = traceToItf(spec.schema, trace!, { model: 'm', variant: 'fixed', constants: {}, property: v.property, propertyKind: 'liveness', strategy: 'bfs', version: '0' }, '');
  const copy = JSON.parse(JSON.stringify(doc)) as ItfTrace;
  mutate?.(copy);
  return replayTrace(new CompiledSpec(spec), copy);
}

/** A thread that may loop for ever (A -> B -> A) or leave (A -> done). */
const looper = (fairness: boolean) => {
  const b = spec({ n: t.int(0, 1) })
    .init(() => ({ n: 0 }))
    .thread('T', {
      instances: 1,
      steps: [
        { label: 'A', effect: (d, th) => { if (d.n === 0) th.goto(th.choose(['B', 'done'] as const)); } },
        { label: 'B', effect: (_d, th) => th.goto('A') },
      ],
    })
    .terminates();
  return (fairness ? b.fair('weak', 'eachThread') : b).build();
};

describe('liveness: lassos', () => {
  it('without fairness, a state may stutter for ever', () => {
    const r = labels(looper(false));
    expect(r.verdict).toMatchObject({ kind: 'liveness', property: 'Termination' });
    expect(r.labels).toEqual(['Init']);
    expect(r.loop).toBe(0);
  });

  it('under weak fairness, the thread can still loop A -> B -> A for ever: a real cycle', () => {
    const r = labels(looper(true));
    expect(r.verdict).toMatchObject({ kind: 'liveness', property: 'Termination' });
    expect(r.labels).toEqual(['Init', 'T.A', 'T.B']);
    expect(r.loop).toBe(0);
    // The cycle is closed explicitly: the last state is the loop state.
    expect(r.trace!.steps[2]!.state).toEqual(r.trace!.steps[0]!.state);
  });

  it('a busy-wait self-loop is stuttering: weak fairness does not force it', () => {
    const s = spec({ go: t.bool() })
      .init(() => ({ go: false }))
      .thread('W', { instances: 1, steps: [{ label: 'spin', effect: (d, th) => { if (!d.go) th.goto('spin'); } }] })
      .terminates()
      .fair('weak', 'eachThread')
      .build();
    const r = labels(s);
    expect(r.verdict).toMatchObject({ kind: 'liveness' });
    expect(r.labels).toEqual(['Init']);
  });

  it('weak fairness starves a thread enabled only intermittently; strong fairness does not', () => {
    const build = (pFair: 'weak' | 'strong') =>
      spec({ flag: t.bool() })
        .init(() => ({ flag: false }))
        .thread('P', { instances: 1, steps: [{ label: 'enter', guard: (s) => s.flag }] })
        .action('Toggle', {}, { effect: (d) => void (d.flag = !d.flag) })
        .liveness('PEnters', eventually((s: any) => s.P[0].pc === 'done'))
        .fair(pFair, { thread: 'P' })
        .fair('weak', { action: 'Toggle' })
        .checkDeadlock(false)
        .build();
    const weak = labels(build('weak'));
    expect(weak.verdict).toMatchObject({ kind: 'liveness', property: 'PEnters' });
    expect(weak.labels).toEqual(['Init', 'Toggle', 'Toggle']);
    expect(labels(build('strong')).verdict.kind).toBe('holds');
  });

  it('checks leads-to from every reachable P state', () => {
    const build = (ackFair: boolean) => {
      const b = spec({ req: t.bool(), ack: t.bool() })
        .init(() => ({ req: false, ack: false }))
        .action('Request', {}, { guard: (s) => !s.req, effect: (d) => void ((d.req = true), (d.ack = false)) })
        .action('Ack', {}, { guard: (s) => s.req, effect: (d) => void ((d.req = false), (d.ack = true)) })
        .liveness('Answered', leadsTo((s: any) => s.req, (s: any) => s.ack))
        .fair('weak', { action: 'Request' });
      return (ackFair ? b.fair('weak', { action: 'Ack' }) : b).build();
    };
    expect(labels(build(true)).verdict.kind).toBe('holds');
    const r = labels(build(false));
    expect(r.verdict).toMatchObject({ kind: 'liveness', property: 'Answered' });
    expect(r.labels).toEqual(['Init', 'Request']);
    expect(r.loop).toBe(1);
  });

  it('checks <>[]P and []<>P', () => {
    const osc = (b: ReturnType<typeof spec<{ x: ReturnType<typeof t.bool> }>>) =>
      b.init(() => ({ x: false })).action('Flip', {}, { effect: (d) => void (d.x = !d.x) }).fair('weak', { action: 'Flip' });
    expect(labels(osc(spec({ x: t.bool() })).liveness('InfOften', alwaysEventually((s: any) => s.x)).build()).verdict.kind).toBe('holds');
    const r = labels(osc(spec({ x: t.bool() })).liveness('Settles', eventuallyAlways((s: any) => s.x)).build());
    expect(r.verdict).toMatchObject({ kind: 'liveness', property: 'Settles' });
    expect(r.labels).toEqual(['Init', 'Flip', 'Flip']);
  });
});

describe('liveness: replay validates lassos', () => {
  it('reproduces a cycle lasso and a stuttering lasso', () => {
    expect(replay(looper(true))).toMatchObject({ kind: 'reproduced', property: 'Termination', propertyKind: 'liveness' });
    expect(replay(looper(false))).toMatchObject({ kind: 'reproduced', property: 'Termination' });
  });

  it('rejects a cycle that does not close', () => {
    expect(replay(looper(true), (d) => void ((d as { loop?: number }).loop = 1))).toMatchObject({ kind: 'diverged', reason: 'the last state is not state 1: the cycle does not close' });
  });

  it('rejects an unfair cycle: stuttering where the thread is enabled', () => {
    // Under WF the thread is enabled at Init, so stopping there is not a fair behaviour.
    const s = looper(true);
    const r = replay(s, (d) => {
      d.states.length = 1;
      (d as { loop?: number }).loop = 0;
    });
    expect(r).toMatchObject({ kind: 'diverged', reason: 'the cycle is not fair: WF(T) is enabled throughout and never taken' });
  });
});

describe('liveness: large components', () => {
  it('finds a fair cycle through one 200,000-state component (no argument-spread limits)', () => {
    const n = 200_000;
    const ring = spec({ i: t.int(0, n - 1) })
      .init(() => ({ i: 0 }))
      .action('Next', {}, { effect: (d) => void (d.i = (d.i + 1) % n) })
      .liveness('ReachesNothing', alwaysEventually(() => false))
      .fair('weak', { action: 'Next' })
      .build();
    const { result, trace } = checkSpec(ring);
    expect(result.verdict).toMatchObject({ kind: 'liveness', property: 'ReachesNothing' });
    expect(trace!.steps).toHaveLength(n + 1);
    expect(trace!.loop).toBe(0);
  }, 60_000);
});
