import { describe, expect, it } from 'vitest';
import { spec } from '../../spec/builder';
import { indexThreadSteps, paramCombinations } from '../../spec/threadSteps';
import { t } from '../../spec/types';

describe('paramCombinations', () => {
  it('varies the first parameter slowest, and gives one empty combination without parameters', () => {
    expect(paramCombinations({ params: [['i', [0, 1]], ['k', ['a', 'b']]] })).toEqual([
      { i: 0, k: 'a' },
      { i: 0, k: 'b' },
      { i: 1, k: 'a' },
      { i: 1, k: 'b' },
    ]);
    expect(paramCombinations({ params: [] })).toEqual([{}]);
  });
});

describe('indexThreadSteps', () => {
  it('groups thread-step instances by thread and label, in first-seen order, apart from plain actions', () => {
    const built = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .action('Tick', { i: [0, 1] }, {})
      .thread('R', { instances: 2, steps: [{ label: 'A' }, { label: 'B' }] })
      .thread('W', { instances: 1, steps: [{ label: 'C' }] })
      .build();
    const items = built.actions.flatMap((a) => paramCombinations(a).map((p) => ({ name: a.name, a, p })));
    const index = indexThreadSteps(items, (x) => x.a, (x) => x.p);
    expect(index.free.map((x) => [x.name, x.p])).toEqual([['Tick', { i: 0 }], ['Tick', { i: 1 }]]);
    expect(index.threads.map((th) => [th.kind, th.self, th.labels, th.at.map((at) => at.map((x) => x.name))])).toEqual([
      ['R', 0, ['A', 'B'], [['R.A'], ['R.B']]],
      ['R', 1, ['A', 'B'], [['R.A'], ['R.B']]],
      ['W', 0, ['C'], [['W.C']]],
    ]);
    // Items in order: Tick(0), Tick(1), R.A(0), R.A(1), R.B(0), R.B(1), W.C(0).
    expect([...index.threadOf]).toEqual([-1, -1, 0, 1, 0, 1, 2]);
  });
});
