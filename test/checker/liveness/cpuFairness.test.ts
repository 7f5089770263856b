import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { instantiate } from '../../../checker/model/instantiate';
import { traceToItf } from '../../../checker/trace/itf';
import { replayTrace } from '../../../checker/trace/replay';
import { spec } from '../../../spec/builder';
import { eventually, type CpuFairTarget } from '../../../spec/temporal';
import { t } from '../../../spec/types';
import workStarvation from '../../fixtures/workStarvation';
import { runCli } from '../../support/cli';

/**
 * H holds the CPU (`busy`) in a loop that frees it once per round, or (`spinForever`) takes it and
 * spins; K runs only while the CPU is free. K is fair per CPU (observed where the CPU is free), or
 * plainly (free everywhere).
 */
function cpuShare(opts: { perCpu: boolean; spinForever?: boolean; kind?: 'weak' | 'strong' }) {
  const target: CpuFairTarget = { cpu: 'c0', threads: ['K'], free: opts.perCpu ? (s) => !s.busy : () => true };
  return spec({ busy: t.bool() })
    .init(() => ({ busy: false }))
    .thread('H', {
      instances: ['H'],
      steps: [
        { label: 'take', effect: (d) => void (d.busy = true) },
        { label: 'spin', effect: (d, th) => void (opts.spinForever ? th.goto('spin') : (d.busy = false)) },
        { label: 'again', effect: (_d, th) => th.goto('take') },
      ],
    })
    .thread('K', { instances: ['K'], steps: [{ label: 'run', guard: (s) => !s.busy }] })
    .liveness('KRuns', eventually((s: { K: { pc: string }[] }) => s.K[0]!.pc === 'done'))
    .fair('weak', { eachThreadOf: 'H' })
    .fair(opts.kind ?? 'weak', target)
    .checkDeadlock(false)
    .build();
}

const stepLabels = (s: ReturnType<typeof checkSpec>) => s.trace?.steps.map((x) => x.label);

describe('per-CPU fairness (liveness checker)', () => {
  it('a CPU freed once per round must run its waiting thread: holds under per-CPU WF and SF', () => {
    expect(checkSpec(cpuShare({ perCpu: true })).result.verdict.kind).toBe('holds');
    expect(checkSpec(cpuShare({ perCpu: true, kind: 'strong' })).result.verdict.kind).toBe('holds');
  });

  it('plain WF is excused by the busy states, so the same loop starves K', () => {
    const out = checkSpec(cpuShare({ perCpu: false }));
    expect(out.result.verdict).toMatchObject({ kind: 'liveness', property: 'KRuns' });
    expect(stepLabels(out)).toEqual(['Init', 'H.take', 'H.spin', 'H.again']);
    expect(out.trace!.loop).toBe(0);
  });

  it('a CPU held for ever owes nothing: starvation by a spinner is a violation, found as stuttering', () => {
    const out = checkSpec(cpuShare({ perCpu: true, spinForever: true }));
    expect(out.result.verdict).toMatchObject({ kind: 'liveness', property: 'KRuns' });
    expect(stepLabels(out)).toEqual(['Init', 'H.take']);
    expect(out.trace!.loop).toBe(1);
  });

  it('names each per-CPU unit and rejects an unknown thread with a usage error', () => {
    const bad = spec({ busy: t.bool() })
      .init(() => ({ busy: false }))
      .thread('K', { instances: ['K'], steps: [{ label: 'run' }] })
      .liveness('KRuns', eventually(() => false))
      .fair('weak', { cpu: 'c0', threads: ['Nobody'], free: () => true })
      .build();
    expect(() => checkSpec(bad)).toThrow('fairness on CPU c0: no thread Nobody');
  });

  it('replay judges a lasso by per-CPU fairness: the plain-WF lasso of the cond_resched loop is not fair', () => {
    const plain = instantiate(workStarvation, 'fixed', { fairness: 'thread' }).spec;
    const perCpu = instantiate(workStarvation, 'fixed', { fairness: 'cpu' }).spec;
    const { result, trace } = checkSpec(plain);
    expect(result.verdict).toMatchObject({ kind: 'liveness', property: 'WorkRuns' });
    const meta = { model: 'fixtures/work-starvation', variant: 'fixed', constants: {}, property: 'WorkRuns', propertyKind: 'liveness' as const, strategy: 'bfs', version: '0' };
    const doc = JSON.parse(JSON.stringify(traceToItf(plain.schema, trace!, meta, '')));
    expect(replayTrace(new CompiledSpec(plain), doc)).toMatchObject({ kind: 'reproduced', property: 'WorkRuns' });
    expect(replayTrace(new CompiledSpec(perCpu), doc)).toMatchObject({
      kind: 'diverged',
      reason: 'the cycle is not fair: WF(kw0 on CPU c0 while free) is enabled throughout and never taken',
    });
  });
});

describe('hmmcheck check test/fixtures/workStarvation.ts', () => {
  const fixture = 'test/fixtures/workStarvation.ts';

  it('a thread spinning with preemption off starves the work queued on its CPU: exit 13, and the lasso replays', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hmmcheck-cpufair-')), 'starve.json');
    const r = runCli(['check', fixture, '--variant', 'spin-preempt-off', '--out', out]);
    expect(r.code).toBe(13);
    expect(r.stdout).toContain('Error: temporal property WorkRuns is violated (fairness: WF each instance of T; WF kw0 on CPU c0 while it is free).');
    expect(r.stdout).toContain('Counterexample: a lasso of 2 steps; the state after step 2 repeats forever (stuttering):');
    expect(r.stdout).toContain('(then stutters in this state for ever: no fair action is enabled here)');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.loop).toBe(2);
    const rp = runCli(['replay', out, '--spec', fixture, '--quiet']);
    expect(rp.code).toBe(13);
    expect(rp.stdout.trim()).toBe('Replayed fixtures/work-starvation variant spin-preempt-off: 2 steps. Reproduced: temporal property WorkRuns is violated by this fair lasso.');
  });

  it('holds (exit 0) when the spinner calls cond_resched, or sleeps', () => {
    for (const variant of ['fixed', 'sleeps']) {
      const r = runCli(['check', fixture, '--variant', variant]);
      expect(r.code, `${variant}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('No error has been found: every property holds.');
    }
  });

  it('with plain WF for the kworker the cond_resched loop is (wrongly) reported: exit 13', () => {
    const r = runCli(['check', fixture, '--const', 'fairness=thread']);
    expect(r.code).toBe(13);
    expect(r.stdout).toContain('Counterexample: a lasso of 5 steps; steps 2 to 5 lead back to the state after step 1 and repeat forever:');
  });
});
