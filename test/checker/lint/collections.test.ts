import { describe, expect, it } from 'vitest';
import { lintSpec } from '../../../checker/lint/audit';
import { formatLintItem } from '../../../checker/lint/report';
import { spec } from '../../../spec/builder';
import { t } from '../../../spec/types';
import { ValueSet } from '../../../spec/valueSet';

/** A thread that sends a record into a set and reads a counter in one step. */
const sender = (access: Record<string, 'lockless'>) =>
  spec({ msgs: t.set(t.record({ n: t.int(0, 1) })), n: t.int(0, 1) })
    .init(() => ({ msgs: new ValueSet<{ n: number }>(), n: 0 }))
    .thread('S', { instances: 1, steps: [{ label: 'send', effect: (d) => void d.msgs.add({ n: d.n }) }] })
    .access(access)
    .checkDeadlock(false)
    .build();

describe('lint: a set of records is one field, read and written by add()', () => {
  it('adding to it and reading another lock-free field in one step are two lock-free accesses', () => {
    const r = lintSpec(sender({ msgs: 'lockless', n: 'lockless' }));
    expect(r.items.map(formatLintItem)).toEqual(['finding   S.send: 2 lock-free accesses in one step: msgs, n; locks held: none']);
  });

  it('with only the set declared lock-free, the add alone is one access', () => {
    const r = lintSpec(sender({ msgs: 'lockless' }));
    expect(r.items.filter((i) => i.severity === 'finding')).toEqual([]);
  });

  it('add() is a write: two threads adding to one set without a discipline are reported', () => {
    const two = spec({ msgs: t.set(t.record({ n: t.int(0, 1) })) })
      .init(() => ({ msgs: new ValueSet<{ n: number }>() }))
      .thread('A', { instances: 1, steps: [{ label: 'a', effect: (d) => void d.msgs.add({ n: 0 }) }] })
      .thread('B', { instances: 1, steps: [{ label: 'b', effect: (d) => void d.msgs.add({ n: 1 }) }] })
      .checkDeadlock(false)
      .build();
    expect(lintSpec(two).items.map(formatLintItem)).toContain('warning   written by A, B without a declared discipline: msgs');
  });
});
