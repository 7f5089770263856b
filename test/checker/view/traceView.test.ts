import { describe, expect, it } from 'vitest';
import { buildTraceView } from '../../../checker/view/traceView';
import { spec } from '../../../spec/builder';
import { t } from '../../../spec/types';
import { itfOf, VIEWER_LABELS, viewerSpec } from '../../fixtures/viewerSpec';

const view = buildTraceView(itfOf(viewerSpec, VIEWER_LABELS), viewerSpec);
const step = (i: number) => view.steps[i]!;

describe('trace view layout data', () => {
  it('has one lane per thread instance in declaration order, then the environment lane', () => {
    expect(view.lanes).toEqual([
      { id: 'A', kind: 'T', environment: false },
      { id: 'B', kind: 'T', environment: false },
      { id: 'W', kind: 'Writer', environment: false },
      { id: 'environment', kind: '', environment: true },
    ]);
  });

  it('has no environment lane when every action is a thread step', () => {
    const threadsOnly = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('P', { instances: 2, steps: [{ label: 'set', effect: (d) => void (d.x = 1) }] })
      .build();
    const v = buildTraceView(itfOf(threadsOnly, ['P1.set'], { property: 'none' }), threadsOnly);
    expect(v.lanes.map((l) => l.id)).toEqual(['P0', 'P1']);
    expect(v.steps[1]).toMatchObject({ lane: 'P1', label: 'set', finishes: true });
  });

  it('puts every step in its lane, in global order, with its label and doc', () => {
    expect(view.steps.map((s) => [s.index, s.lane, s.label])).toEqual([
      [0, null, 'Init'],
      [1, 'A', 'lock'],
      [2, 'A', 'read'],
      [3, 'W', 'wait'],
      [4, 'environment', 'Tick(1)'],
      [5, 'A', 'work'],
      [6, 'A', 'up'],
      [7, 'W', 'down'],
      [8, 'W', 'release'],
      [9, 'environment', 'Tick(2)'],
    ]);
    expect(step(1)).toMatchObject({ action: 'A.lock', doc: 'lock mutex_lock(&m)' });
    expect(step(4)).toMatchObject({ action: 'Tick(1)', doc: 'the clock ticks' });
  });

  it('lists changed paths with before and after, thread records named by thread id', () => {
    expect(step(1).changes).toEqual([
      { path: 'm.owner', display: 'm.owner', before: 'null', after: 'A', ownPc: false, local: false },
      { path: 'T[0].pc', display: 'A.pc', before: 'lock', after: 'read', ownPc: true, local: true },
    ]);
    expect(step(5).changes.map((c) => [c.display, c.before, c.after, c.ownPc, c.local])).toEqual([
      ['n', '1', '2', false, false],
      ['A.pc', 'work', 'up', true, true],
      ['A.k', '0', '1', false, true],
    ]);
    expect(step(7).changes.map((c) => c.display)).toEqual(['sem.writer', 'sem.waiting', 'rd[W]', 'W.pc']);
    expect(step(4).changes.every((c) => !c.ownPc)).toBe(true);
  });

  it('marks jumps and finished threads', () => {
    expect(step(8).jump).toBe('wait');
    expect(step(6)).toMatchObject({ finishes: true });
    expect(step(6).jump).toBeUndefined();
    expect(step(2).jump).toBeUndefined();
    expect(step(6).pc).toEqual({ A: 'done', B: 'lock', W: 'down' });
  });

  it('finds what each thread holds: mutex owner, rwsem readers/writer, waiting set, per-thread map entry', () => {
    expect(step(0).holds).toEqual({});
    expect(step(2).holds).toEqual({
      A: [
        { path: 'm.owner', lock: 'm.owner', waits: false },
        { path: 'sem.readers', lock: 'sem.readers', waits: false },
      ],
    });
    expect(step(3).holds.W).toEqual([{ path: 'sem.waiting', lock: 'sem.waiting', waits: true }]);
    expect(step(6).holds.A).toBeUndefined();
    expect(step(7).holds).toEqual({
      W: [
        { path: 'sem.writer', lock: 'sem.writer', waits: false },
        { path: 'rd[W]', lock: 'rd', waits: false },
      ],
    });
    expect(step(8).holds).toEqual({});
    expect(view.locks).toEqual(['m.owner', 'sem.readers', 'sem.waiting', 'sem.writer', 'rd']);
  });

  it('gives every step the values of the same state rows', () => {
    const leaves = view.rows.filter((r) => r.leaf);
    for (const s of view.steps) expect(s.values).toHaveLength(leaves.length);
    const paths = new Set(leaves.map((r) => r.path));
    for (const s of view.steps) for (const c of s.changes) expect(paths.has(c.path)).toBe(true);
    expect(view.rows.filter((r) => r.depth === 0).map((r) => r.display)).toEqual(['m', 'sem', 'rd', 'n', 'A', 'B', 'W']);
    const n = leaves.findIndex((r) => r.path === 'n');
    expect(view.steps.map((s) => s.values[n])).toEqual(['0', '0', '0', '0', '1', '2', '2', '2', '2', '3']);
  });

  it('names the violated property, its doc, the first failing step and the final state', () => {
    expect(view).toMatchObject({ property: 'Small', propertyKind: 'invariant', propertyDoc: 'n stays below 3', violationStep: 9 });
    expect(view.finalState).toContain('n = 3');
    expect(view.loop).toBeUndefined();
  });

  it('finds the first failing state even when the trace goes on after it', () => {
    const v = buildTraceView(itfOf(viewerSpec, [...VIEWER_LABELS.slice(0, 4), 'Tick(2)', 'A.work']), viewerSpec);
    expect(v.violationStep).toBe(5);
  });

  it('reports no violation step when the property holds along the whole trace', () => {
    const v = buildTraceView(itfOf(viewerSpec, ['A.lock']), viewerSpec);
    expect(v.violationStep).toBeNull();
  });

  it('marks the deadlock at the last step and an action property at the first step that breaks it', () => {
    expect(buildTraceView(itfOf(viewerSpec, ['A.lock'], { property: 'deadlock', propertyKind: 'deadlock' }), viewerSpec).violationStep).toBe(1);
    const grows = spec({ x: t.int(0, 3) })
      .init(() => ({ x: 0 }))
      .action('Inc', {}, { effect: (d) => void (d.x = Math.min(3, d.x + 1)) })
      .actionProperty('Slow', (s, u) => u.x - s.x <= 1 && u.x < 2)
      .build();
    expect(buildTraceView(itfOf(grows, ['Inc', 'Inc', 'Inc'], { property: 'Slow', propertyKind: 'action' }), grows).violationStep).toBe(2);
  });

  it('keeps the loop start of a lasso', () => {
    expect(buildTraceView(itfOf(viewerSpec, VIEWER_LABELS, { loop: 3 }), viewerSpec).loop).toBe(3);
  });

  it('puts an action the model does not know in the environment lane', () => {
    const itf = itfOf(viewerSpec, ['A.lock']);
    const renamed = { ...itf, states: itf.states.map((s, i) => (i === 1 ? { ...s, '#meta': { ...s['#meta'], action: 'Gone(x)' } } : s)) };
    expect(buildTraceView(renamed, viewerSpec).steps[1]).toMatchObject({ lane: 'environment', label: 'Gone(x)' });
  });
});
