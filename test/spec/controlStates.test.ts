import { describe, expect, it } from 'vitest';
import { bfsFrontier } from '../../checker/engine/bfs';
import { CompiledSpec } from '../../checker/engine/compiled';
import { runExhaustive } from '../../checker/engine/run';
import { spec } from '../../spec/builder';
import { controlValues, indexControlStates, paramCombinations, readPath } from '../../spec/controlStates';
import type { ActionSpec } from '../../spec/spec';
import { SpecError } from '../../spec/specError';
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

describe('readPath and controlValues', () => {
  const schema = t.record({ P: t.map([1, 2], t.enum('L0', 'L1')), R: t.array(t.record({ pc: t.enum('a', 'b'), n: t.int(2, 4) }), 2), s: t.set(['x']) });
  it('read a leaf, and name the values of an enum or int leaf only', () => {
    expect(readPath({ R: [{ pc: 'a' }, { pc: 'b' }] }, ['R', 1, 'pc'])).toBe('b');
    expect(readPath({ R: [] }, ['R', 1, 'pc'])).toBeUndefined();
    expect(controlValues(schema, ['P', 2])).toEqual(['L0', 'L1']);
    expect(controlValues(schema, ['P', '1'])).toEqual(['L0', 'L1']);
    expect(controlValues(schema, ['R', 0, 'n'])).toEqual([2, 3, 4]);
    for (const path of [['P', 3], ['R', 2, 'pc'], ['R', 0], ['s'], ['s', 'x'], ['Q']]) expect(controlValues(schema, path)).toBeUndefined();
    // A counter is not a control state: an int of more than MAX_CONTROL_VALUES values is refused.
    expect(controlValues(t.record({ n: t.int(0, 1023) }), ['n'])).toHaveLength(1024);
    expect(controlValues(t.record({ n: t.int(0, 2 ** 30) }), ['n'])).toBeUndefined();
  });
});

/** Two processes over a shared counter; `at` (or the same test in the guard) gives each step's control state. */
function twoProcesses(declared: boolean) {
  const ids = [0, 1];
  const step = (from: string, to: string, guard?: (s: any) => boolean, bump = 0) => ({
    ...(declared ? { at: { field: ({ i }: { i: number }) => ['P', i, 'pc'], is: from } } : {}),
    guard: (s: any, { i }: { i: number }) => (declared || s.P[i].pc === from) && (guard ? guard(s) : true),
    effect: (d: any, { i }: { i: number }) => {
      d.P[i].pc = to;
      d.n = Math.min(3, d.n + bump);
    },
  });
  return spec({ P: t.array(t.record({ pc: t.enum('idle', 'wait', 'cs') }), 2), n: t.int(0, 3) })
    .init(() => ({ P: ids.map(() => ({ pc: 'idle' as const })), n: 0 }))
    .action('request', { i: ids }, step('idle', 'wait', undefined, 1))
    .action('enter', { i: ids }, step('wait', 'cs', (s) => s.P.every((p: any) => p.pc !== 'cs')))
    .action('leave', { i: ids }, step('cs', 'idle'))
    .action('tick', {}, { guard: (s) => s.n > 0, effect: (d) => void d.n-- })
    .build();
}

describe('indexControlStates', () => {
  it('groups instances by control field (a thread pc, an `at` field) and value, in first-seen order, apart from the rest', () => {
    const built = spec({ x: t.int(0, 1), P: t.map([1, 2], t.enum('L0', 'L1')) })
      .init(() => ({ x: 0, P: { 1: 'L0' as const, 2: 'L0' as const } }))
      .action('Tick', { i: [0, 1] }, {})
      .action('Go', { i: [1, 2] }, { at: { field: ({ i }) => ['P', i], is: 'L0' } })
      .action('Back', { i: [2] }, { at: { field: ({ i }) => ['P', String(i)], is: 'L1' } })
      .thread('R', { instances: 2, steps: [{ label: 'A' }, { label: 'B' }] })
      .build();
    const items = built.actions.flatMap((a) => paramCombinations(a).map((p) => ({ name: a.name, a, p })));
    const index = indexControlStates(items, (x) => x.a, (x) => x.p);
    expect(index.free.map((x) => [x.name, x.p])).toEqual([['Tick', { i: 0 }], ['Tick', { i: 1 }]]);
    expect(index.fields.map((f) => [f.path, f.values, f.at.map((at) => at.map((x) => x.name))])).toEqual([
      [['P', 1], ['L0'], [['Go']]],
      [['P', 2], ['L0', 'L1'], [['Go'], ['Back']]], // P[2] and P['2'] are one field
      [['R', 0, 'pc'], ['A', 'B'], [['R.A'], ['R.B']]],
      [['R', 1, 'pc'], ['A', 'B'], [['R.A'], ['R.B']]],
    ]);
    // Items in order: Tick(0), Tick(1), Go(1), Go(2), Back(2), R.A(0), R.A(1), R.B(0), R.B(1).
    expect([...index.fieldOf]).toEqual([-1, -1, 0, 1, 1, 2, 3, 2, 3]);
  });
});

describe('an action with `at`', () => {
  it('is the action whose guard tests its control field first: same graph on every path, and its field read from the words', () => {
    const plain = twoProcesses(false);
    const declared = twoProcesses(true);
    const run = (sp: typeof plain, mode: 'fast' | 'immer', drafts = true) => {
      const cs = new CompiledSpec(sp, mode, {}, { drafts });
      return runExhaustive(cs, {}, 'bfs', bfsFrontier(cs, {}));
    };
    const reference = run(plain, 'immer').result;
    expect(reference.stats.distinct).toBeGreaterThan(10);
    for (const [mode, drafts] of [['immer', true], ['fast', false], ['fast', true]] as const) {
      const out = run(declared, mode, drafts).result;
      expect({ ...out.stats, elapsedMs: 0 }).toEqual({ ...reference.stats, elapsedMs: 0 });
      expect(out.coverage).toEqual(reference.coverage);
    }
    expect(new CompiledSpec(declared, 'fast').controlsFromWords).toBe(true);
  });

  it('is disabled outside its control state whatever its guard says, and its guard is called only there', () => {
    const seen: string[] = [];
    const sp = spec({ pc: t.enum('a', 'b') })
      .init(() => ({ pc: 'a' as const }))
      .action('toB', {}, { at: { field: () => ['pc'], is: 'a' }, guard: (s) => (seen.push(s.pc), true), effect: (d) => void (d.pc = 'b') })
      .build();
    const action = sp.actions[0]! as ActionSpec;
    expect(action.guard({ pc: 'b' }, {})).toBe(false);
    expect(seen).toEqual([]);
    seen.length = 0;
    const cs = new CompiledSpec(sp, 'fast');
    const out = runExhaustive(cs, {}, 'bfs', bfsFrontier(cs, {}));
    expect(out.result.stats.distinct).toBe(2);
    expect(out.result.verdict.kind).toBe('deadlock');
    expect(new Set(seen)).toEqual(new Set(['a']));
  });

  it('must name an enum or int field that can hold its value', () => {
    const base = () => spec({ P: t.array(t.enum('x', 'y'), 2), s: t.set(['k']) }).init(() => ({ P: ['x', 'x'] as ('x' | 'y')[], s: new Set<'k'>() }));
    expect(() => base().action('A', { i: [0, 1, 2] }, { at: { field: ({ i }) => ['P', i], is: 'x' } }).build()).toThrow(new SpecError('action A {"i":2}: at ["P",2] is not an enum or int field of the state (of at most 1,024 values)'));
    expect(() => base().action('A', {}, { at: { field: () => ['s'], is: 'k' } }).build()).toThrow(SpecError);
    expect(() => base().action('A', {}, { at: { field: () => 'P.0' as never, is: 'x' } }).build()).toThrow(new SpecError(`action A: at "P.0": at.field must return the field's keys from the root, e.g. ['P', i, 'pc']`));
    expect(() => base().action('A', {}, { at: { field: () => ['P', 0], is: 'z' } }).build()).toThrow(new SpecError('action A: at ["P",0] cannot be "z" (its values: "x", "y")'));
  });
});
