import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import type { ActionSpec, ChoiceCtx, Params } from '../../../spec/spec';
import { t } from '../../../spec/types';

/** A counter 0..4 that can step by 1 or 2; small enough to count by hand. */
const counter = () =>
  spec({ n: t.int(0, 6) })
    .init(() => ({ n: 0 }))
    .action('Inc', { k: [1, 2] }, { guard: (s, p) => s.n + p.k <= 4, effect: (d, p) => void (d.n += p.k) });

describe('explorer counting (TLC semantics)', () => {
  it('counts initial states plus every successor, duplicates included', () => {
    const { result } = checkSpec(counter().build());
    // States 0..4; successors: 0→1,2 1→2,3 2→3,4 3→4 = 7; plus 1 initial.
    expect(result.stats).toMatchObject({ distinct: 5, generated: 8, depth: 3 }); // levels {0} {1,2} {3,4}
    expect(result.verdict).toEqual({ kind: 'deadlock', at: { last: 4 } });
  });

  it('treats a state with every thread done as termination, not deadlock', () => {
    const s = spec({ x: t.int(0, 2) })
      .init(() => ({ x: 0 }))
      .thread('T', { instances: 2, steps: [{ label: 'A', effect: (d) => void (d.x += 1) }] })
      .build();
    const { result } = checkSpec(s);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats).toMatchObject({ distinct: 4, generated: 5, depth: 3 });
  });

  it("calls a thread step's guard only where its thread's pc is at the step, on either effects path", () => {
    const built = spec({ x: t.int(0, 3) })
      .init(() => ({ x: 0 }))
      .thread('T', { instances: 1, steps: ['A', 'B', 'C'].map((label) => ({ label, effect: (d: { x: number }) => void (d.x += 1) })) })
      .build();
    for (const effects of ['fast', 'immer'] as const) {
      let calls = 0;
      const counted = { ...built, actions: built.actions.map((a) => ({ ...a, guard: (s: any, p: any) => (calls++, a.guard(s, p)) })) };
      const { result } = checkSpec(counted, { effects });
      expect(result.stats).toMatchObject({ distinct: 4, generated: 4 });
      // One call per state with the pc at a step (3), not one per step in every state (12).
      expect(calls, effects).toBe(3);
    }
  });

  it("calls a thread step's guard or effect put in its place (a mutation), on either effects path", () => {
    const built = spec({ x: t.int(0, 3) })
      .init(() => ({ x: 0 }))
      .thread('T', { instances: 1, steps: [{ label: 'A', effect: (d) => void (d.x += 1) }, { label: 'B', guard: (s) => s.x < 3 }] })
      .build();
    expect(checkSpec(built).result).toMatchObject({ verdict: { kind: 'holds' }, stats: { distinct: 3 } });
    const [a, b] = built.actions as [ActionSpec, ActionSpec];
    // The builder's guard and effect carry shortcuts (atControl, step); those put in their place do not.
    const mutated = {
      ...built,
      actions: [{ ...a, effect: (d: any, p: Params, ctx: ChoiceCtx) => (a.effect(d, p, ctx), void (d.x += 1)) }, { ...b, guard: () => false }],
    };
    for (const effects of ['fast', 'immer'] as const) {
      const { result, trace } = checkSpec(mutated, { effects });
      expect(result, effects).toMatchObject({ verdict: { kind: 'deadlock' }, stats: { distinct: 2, generated: 2 } });
      expect(trace!.steps.at(-1)!.state, effects).toMatchObject({ x: 2, T: [{ pc: 'B' }] });
    }
  });

  it('reports deadlock when threads are blocked, with a trace to the stuck state', () => {
    const s = spec({ lock: t.optional(t.enum('P', 'Q')) })
      .init(() => ({ lock: null }))
      .thread('P', { instances: 1, steps: [{ label: 'take', guard: (s) => s.lock === null, effect: (d) => void (d.lock = 'P') }, { label: 'again', guard: (s) => s.lock === null }] })
      .build();
    const { result, trace } = checkSpec(s);
    expect(result.verdict.kind).toBe('deadlock');
    expect(trace!.steps.map((x) => x.label)).toEqual(['Init', 'P.take']);
    expect(checkSpec(s, { checkDeadlock: false }).result.verdict.kind).toBe('holds');
  });

  it('applies constraints like TLC: cut states are counted and checked but not stored', () => {
    const s = counter().constraint('Small', (x) => x.n <= 2).checkDeadlock(false).build();
    const { result } = checkSpec(s);
    // Stored: 0,1,2. Generated: 1 init + 0→1,2 + 1→2,3 + 2→3,4 = 7.
    expect(result.stats).toMatchObject({ distinct: 3, generated: 7 });
    const withInv = counter().constraint('Small', (x) => x.n <= 2).invariant('Below4', (x) => x.n < 4).build();
    const r2 = checkSpec(withInv);
    expect(r2.result.verdict).toMatchObject({ kind: 'violation', property: 'Below4' });
    expect(r2.trace!.steps.map((x) => x.state.n)).toEqual([0, 2, 4]);
  });

  it('checks action properties on every step, including steps to seen states', () => {
    const s = spec({ n: t.int(0, 3) })
      .init(() => ({ n: 0 }))
      .action('Up', {}, { guard: (s) => s.n < 3, effect: (d) => void d.n++ })
      .action('Reset', {}, { guard: (s) => s.n === 3, effect: (d) => void (d.n = 0) })
      .actionProperty('Monotone', (a, b) => b.n >= a.n)
      .build();
    const { result, trace } = checkSpec(s);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'Monotone', propertyKind: 'action' });
    expect(trace!.steps.map((x) => x.label)).toEqual(['Init', 'Up', 'Up', 'Up', 'Reset']);
  });

  it('explores nondeterministic choice inside one action instance', () => {
    const s = spec({ a: t.int(0, 3), b: t.int(0, 3) })
      .init((ctx) => ({ a: ctx.choose([0, 1]), b: 0 }))
      .action('Pick', {}, { guard: (s) => s.b === 0, effect: (d, _p, ctx) => void (d.b = ctx.choose([1, 2, 3])) })
      .checkDeadlock(false)
      .build();
    const { result } = checkSpec(s);
    expect(result.stats).toMatchObject({ distinct: 8, generated: 8, depth: 2 });
  });

  it('stops at --max-states and --max-depth with an incomplete verdict', () => {
    expect(checkSpec(counter().build(), { maxStates: 2 }).result.verdict).toEqual({ kind: 'incomplete', reason: 'max-states' });
    const r = checkSpec(counter().checkDeadlock(false).build(), { maxDepth: 2 });
    expect(r.result.verdict).toEqual({ kind: 'incomplete', reason: 'max-depth' });
    expect(r.result.stats.distinct).toBe(3);
  });

  it('gives BFS and DFS the same distinct and generated counts', () => {
    const s = spec({ x: t.int(0, 3), y: t.int(0, 3) })
      .init(() => ({ x: 0, y: 0 }))
      .action('X', {}, { guard: (s) => s.x < 3, effect: (d) => void d.x++ })
      .action('Y', {}, { guard: (s) => s.y < 3, effect: (d) => void d.y++ })
      .action('Swap', {}, { effect: (d) => void ([d.x, d.y] = [d.y, d.x]) })
      .build();
    const b = checkSpec(s, { strategy: 'bfs' }).result.stats;
    const d = checkSpec(s, { strategy: 'dfs' }).result.stats;
    expect(b).toMatchObject({ distinct: 16, generated: d.generated });
    expect(d.distinct).toBe(16);
  });

  it('turns a throwing effect into a model error naming the action instance', () => {
    const s = spec({ n: t.int(0, 2) })
      .init(() => ({ n: 0 }))
      .action('Boom', { who: ['a', 'b'] }, { effect: (_d, p) => { throw new Error(`bad ${p.who}`); } })
      .build();
    expect(checkSpec(s).result.verdict).toMatchObject({ kind: 'error', message: 'Boom(a): effect threw: bad a' });
  });

  it('reports per-action coverage and flags never-enabled actions by a zero count', () => {
    const s = counter().action('Never', {}, { guard: () => false }).checkDeadlock(false).build();
    const cov = checkSpec(s).result.coverage;
    expect(cov).toEqual([
      { name: 'Inc', generated: 7, distinct: 4 },
      { name: 'Never', generated: 0, distinct: 0 },
    ]);
  });
});

describe('a BFS frontier over its memory budget', () => {
  it("spills to disk and gives TLC's counts (TwoPhase RM=7)", async () => {
    const { instantiate } = await import('../../../checker/model/instantiate');
    const { findModel } = await import('../../../models');
    const spec = instantiate(findModel('reference/twophase')!, 'fixed', { RM: 7 }).spec;
    // A budget of one byte: every chunk filled behind the one being read goes to disk.
    const spilled = checkSpec(spec, { frontierMemoryBytes: 1 }).result;
    expect(spilled.stats.spilledChunks).toBeGreaterThan(0);
    expect(spilled.verdict.kind).toBe('holds');
    // TLC on TwoPhase.tla with RM = 7 (the counts test/checker/cli/checkpoint.test.ts resumes to).
    expect(spilled.stats).toMatchObject({ distinct: 296_448, generated: 2_744_706, depth: 23 });
  });
});
