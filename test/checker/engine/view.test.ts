import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { t } from '../../../spec/types';

/** Two counters and a ghost variable recording the last action; the view drops the ghost. */
const counters = spec({ a: t.int(0, 2), b: t.int(0, 2), last: t.enum('none', 'A', 'B') })
  .init(() => ({ a: 0, b: 0, last: 'none' as const }))
  .action('IncA', {}, { guard: (s) => s.a < 2, effect: (d) => void ((d.a += 1), (d.last = 'A')) })
  .action('IncB', {}, { guard: (s) => s.b < 2, effect: (d) => void ((d.b += 1), (d.last = 'B')) })
  // Breaks only in the (2, 2) state reached by IncA last.
  .invariant('NotFullByA', (s) => !(s.a === 2 && s.b === 2 && s.last === 'A'))
  .view({ a: t.int(0, 2), b: t.int(0, 2) }, (s) => ({ a: s.a, b: s.b }))
  .checkDeadlock(false)
  .build();

describe('VIEW', () => {
  it('merges states with the same view: 13 states without it, 9 with it', () => {
    const noInv = { ...counters, invariants: [] };
    expect(checkSpec(noInv).result.stats.distinct).toBe(13);
    expect(checkSpec(noInv, { reductions: { view: true } }).result.stats.distinct).toBe(9);
  });

  it('is an abstraction that can hide a bug: BFS first reaches (2, 2) by IncB, so the IncA-last state is never stored', () => {
    expect(checkSpec(counters).result.verdict).toMatchObject({ kind: 'violation', property: 'NotFullByA' });
    expect(checkSpec(counters, { reductions: { view: true } }).result.verdict.kind).toBe('holds');
  });

  it('is off unless asked, and refuses a model without a view', () => {
    const noView = spec({ x: t.bool() }).init(() => ({ x: false })).checkDeadlock(false).build();
    expect(() => checkSpec(noView, { reductions: { view: true } })).toThrow('--view: the model declares no view');
  });
});
