import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import type { FairTarget } from '../../../spec/temporal';
import { eventually } from '../../../spec/temporal';
import { t } from '../../../spec/types';

/**
 * A is enabled until it is taken; B toggles a bit for ever. "Eventually a" needs A itself to be
 * fair: WF(A) /\ WF(B) forces A, but WF(A \/ B) is met by taking B for ever.
 */
const starving = (kind: 'weak' | 'strong', targets: readonly FairTarget[]) => {
  const b = spec({ a: t.bool(), bit: t.int(0, 1) })
    .init(() => ({ a: false, bit: 0 }))
    .action('A', {}, { guard: (s) => !s.a, effect: (d) => void (d.a = true) })
    .action('B', {}, { effect: (d) => void (d.bit = 1 - d.bit) })
    .liveness('EventuallyA', eventually((s: any) => s.a))
    .checkDeadlock(false);
  for (const target of targets) b.fair(kind, target);
  return b.build();
};

describe('fairness over a set of actions (anyOf)', () => {
  for (const kind of ['weak', 'strong'] as const) {
    it(`${kind}: fairness of each action forces A; of A \\/ B as one action it does not`, () => {
      expect(checkSpec(starving(kind, [{ action: 'A' }, { action: 'B' }])).result.verdict.kind).toBe('holds');
      const { result, trace } = checkSpec(starving(kind, [{ anyOf: ['A', 'B'] }]));
      expect(result.verdict).toMatchObject({ kind: 'liveness', property: 'EventuallyA' });
      // The lasso takes only B: the disjunction is taken infinitely often, A never.
      expect(trace!.steps.slice(1).map((s) => s.label)).toEqual(['B', 'B']);
      expect(trace!.loop).toBe(0);
    });
  }

  it('anyOf of one action is that action\'s fairness; without fairness the state stutters', () => {
    expect(checkSpec(starving('weak', [{ anyOf: ['A'] }])).result.verdict.kind).toBe('holds');
    const { result, trace } = checkSpec(starving('weak', []));
    expect(result.verdict.kind).toBe('liveness');
    expect(trace!.steps.map((s) => s.label)).toEqual(['Init']);
  });

  it('WF over A \\/ B is satisfied by A in a spec where B is disabled once A is taken', () => {
    // Next = A \/ B where B needs a: WF(Next) makes the behaviour leave the initial state.
    const s = spec({ a: t.bool(), n: t.int(0, 2) })
      .init(() => ({ a: false, n: 0 }))
      .action('A', {}, { guard: (s) => !s.a, effect: (d) => void (d.a = true) })
      .action('B', {}, { guard: (s) => s.a && s.n < 2, effect: (d) => void d.n++ })
      .liveness('Reaches2', eventually((s: any) => s.n === 2))
      .fair('weak', { anyOf: ['A', 'B'] })
      .checkDeadlock(false)
      .build();
    expect(checkSpec(s).result.verdict.kind).toBe('holds');
  });

  it('names a thread kind for all of its steps, and rejects a name that is neither', () => {
    const s = (names: string[]) =>
      spec({ x: t.int(0, 1) })
        .init(() => ({ x: 0 }))
        .thread('T', { instances: 1, steps: [{ label: 'go', effect: (d) => void (d.x = 1) }] })
        .terminates()
        .fair('weak', { anyOf: names })
        .build();
    expect(checkSpec(s(['T'])).result.verdict.kind).toBe('holds');
    expect(checkSpec(s(['T.go'])).result.verdict.kind).toBe('holds');
    expect(() => checkSpec(s(['T', 'Nope']))).toThrow('fairness on T \\/ Nope: no such action or thread Nope');
  });
});
