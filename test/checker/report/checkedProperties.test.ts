/** Which properties a run checks, said up front (checker/report/checkedProperties.ts). */
import { describe, expect, it } from 'vitest';
import { checkedProperties, checkedPropertiesLine, holdsLine } from '../../../checker/report/checkedProperties';
import { spec } from '../../../spec/builder';
import { eventually, eventuallyAlways } from '../../../spec/temporal';
import { t } from '../../../spec/types';

describe('checkedProperties', () => {
  const s = spec({ x: t.int(0, 1) })
    .init(() => ({ x: 0 }))
    .action('Set', {}, { guard: (st) => st.x === 0, effect: (d) => void (d.x = 1) })
    .invariant('Small', (st) => st.x <= 1)
    .liveness('Ends', eventually((st: { x: number }) => st.x === 1))
    .liveness('Stays', eventuallyAlways((st: { x: number }) => st.x === 1))
    .build();

  it('lists what BFS checks', () => {
    const c = checkedProperties(s, { strategy: 'bfs' });
    expect(c).toEqual({ invariants: ['Small'], actionProperties: [], deadlock: true, temporal: ['Ends', 'Stays'] });
    expect(checkedPropertiesLine(c)).toBe('Checking invariant Small; temporal properties Ends, Stays; deadlock.');
    expect(holdsLine(c)).toBe('No error has been found: every property holds.');
  });

  it('names the temporal properties DFS and --por leave out, and why', () => {
    const dfs = checkedProperties(s, { strategy: 'dfs', deadlock: false });
    expect(dfs.notChecked).toEqual({ properties: ['Ends', 'Stays'], reason: '--strategy dfs checks invariants, action properties and deadlock only; use bfs' });
    expect(checkedPropertiesLine(dfs)).toBe('Checking invariant Small. Not checking temporal properties Ends, Stays (--strategy dfs checks invariants, action properties and deadlock only; use bfs).');
    expect(holdsLine(checkedProperties(s, { strategy: 'bfs', por: true }))).toBe(
      'No error has been found: every checked property holds; temporal properties Ends, Stays were not checked (--por is a reduction for invariants and deadlock only).',
    );
  });
});
