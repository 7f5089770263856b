import { describe, expect, it } from 'vitest';
import type { StepDef } from '../../../spec/builder';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { before, inline } from '../../../spec/kernel/compose';
import { errType } from '../../../spec/kernel/errors';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

const fields = { err: errType(), n: t.int(0, 9), log: t.seq(t.enum('a', 'b', 'c', 'x', 'y'), 9) };
type S = Infer<RecordType<typeof fields>>;
type Step = StepDef<S, unknown, string>;

/** A subroutine written as a whole thread: a (to done at once when n is odd); b; c (blocked when n ≥ 8). */
const sub: Step[] = [
  { label: 'a', effect: (d, th) => void (d.log.push('a'), d.n % 2 === 1 && th.goto('done')) },
  { label: 'b', effect: (d) => void d.log.push('b') },
  { label: 'c', guard: (s) => s.n < 8, effect: (d) => void d.log.push('c') },
];
const step = (label: 'x' | 'y'): Step => ({ label, effect: (d) => void d.log.push(label) });

/** Runs the single thread T to its end (or to a deadlock): the labels taken and the log written. */
function run(steps: Step[], n: number): { labels: string[]; log: string[]; verdict: string } {
  const sp = spec(fields)
    .init(() => ({ err: null, n, log: [] }))
    .thread('T', { instances: 1, steps })
    .invariant('NeverDone', (s: any) => s.T[0].pc !== 'done')
    .build();
  const { result, trace } = checkSpec(sp);
  return { labels: labels(trace), log: trace!.steps.at(-1)!.state.log, verdict: result.verdict.kind };
}

describe('inline', () => {
  const outer = (copy: Step[]): Step[] => [step('x'), ...copy, step('y')];

  it('runs the subroutine in place: fall-through stays inside, the end returns to the exit', () => {
    expect(run(outer(inline(sub, { exit: 'y' })), 0)).toEqual({ labels: ['T.x', 'T.a', 'T.b', 'T.c', 'T.y'], log: ['x', 'a', 'b', 'c', 'y'], verdict: 'violation' });
  });

  it("redirects the subroutine's goto('done') to the exit", () => {
    expect(run(outer(inline(sub, { exit: 'y' })), 1).labels).toEqual(['T.x', 'T.a', 'T.y']);
  });

  it('renames labels and goto targets, so that the same subroutine can be inlined twice', () => {
    const twice: Step[] = [...inline(sub, { exit: 'S2a' }), ...inline(sub, { exit: 'y', rename: (l) => `S2${l}` }), step('y')];
    expect(twice.map((st) => st.label)).toEqual(['a', 'b', 'c', 'S2a', 'S2b', 'S2c', 'y']);
    expect(run(twice, 0).labels).toEqual(['T.a', 'T.b', 'T.c', 'T.S2a', 'T.S2b', 'T.S2c', 'T.y']);
    expect(run(twice, 1).labels).toEqual(['T.a', 'T.S2a', 'T.y']);
  });

  it("keeps guards: a blocked subroutine step blocks the thread", () => {
    expect(run(outer(inline(sub, { exit: 'y' })), 8)).toEqual({ labels: ['T.x', 'T.a', 'T.b'], log: ['x', 'a', 'b'], verdict: 'deadlock' });
  });
});

describe('before', () => {
  it('runs its effect first, then the step (whose goto still counts)', () => {
    const steps: Step[] = [before(sub[0]!, (d) => void d.log.push('x')), sub[1]!, step('y')];
    expect(run(steps, 1)).toEqual({ labels: ['T.a'], log: ['x', 'a'], verdict: 'violation' });
    expect(run(steps, 0)).toEqual({ labels: ['T.a', 'T.b', 'T.y'], log: ['x', 'a', 'b', 'y'], verdict: 'violation' });
  });
});
