import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import type { Spec } from '../../../spec/spec';
import { t } from '../../../spec/types';

const por = { reductions: { por: true } };
const verdictOf = (s: Spec, opts = {}) => {
  const { result } = checkSpec(s, opts);
  const v = result.verdict as { kind: string; property?: string };
  return { verdict: v.property ? `${v.kind}:${v.property}` : v.kind, distinct: result.stats.distinct, reduced: result.stats.reduced ?? 0 };
};

/** `n` threads that each set their own local twice; nothing shared. */
function localCounters(n: number) {
  let b: any = spec({ x: t.int(0, 1) }).init(() => ({ x: 0 }));
  for (let i = 0; i < n; i++) {
    b = b.thread(`T${i}`, {
      instances: 1,
      locals: { l: t.int(0, 2) },
      initLocals: () => ({ l: 0 }),
      steps: [
        { label: 'L1', effect: (_d: any, th: any) => void (th.local.l = 1) },
        { label: 'L2', effect: (_d: any, th: any) => void (th.local.l = 2) },
      ],
    });
  }
  return (b.invariant('XZero', (s: any) => s.x === 0) as any).build() as Spec;
}

describe('partial-order reduction', () => {
  it('explores one interleaving of independent local steps: 3 threads of 2 steps, 27 states without, 7 with', () => {
    expect(verdictOf(localCounters(3))).toMatchObject({ verdict: 'holds', distinct: 27 });
    expect(verdictOf(localCounters(3), por)).toMatchObject({ verdict: 'holds', distinct: 7, reduced: 6 });
  });

  it('keeps the cycle proviso: a thread spinning on a local step cannot starve the one that breaks the invariant', () => {
    const m = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('A', { instances: 1, locals: { b: t.bool() }, initLocals: () => ({ b: false }), steps: [{ label: 'spin', effect: (_d, th) => void ((th.local.b = !th.local.b), th.goto('spin')) }] })
      .thread('B', { instances: 1, steps: [{ label: 'bad', effect: (d) => void (d.x = 1) }] })
      .invariant('XZero', (s) => s.x === 0)
      .build();
    const r = verdictOf(m, por);
    expect(r.verdict).toBe('violation:XZero');
    expect(r.reduced).toBeGreaterThan(0);
  });

  it('never reduces by a step the invariant can see: the violating intermediate state is kept', () => {
    const m = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('A', {
        instances: 1,
        locals: { a: t.int(0, 1) },
        initLocals: () => ({ a: 0 }),
        steps: [
          { label: 'L1', effect: (_d, th) => void (th.local.a = 1) },
          { label: 'L2', effect: (_d, th) => void (th.local.a = 0) },
        ],
      })
      .thread('B', { instances: 1, steps: [{ label: 'L1', effect: (d) => void (d.x = 1) }] })
      .invariant('NotBoth', (s) => !(s.A[0]!.a === 1 && s.x === 1))
      .build();
    expect(verdictOf(m, por).verdict).toBe('violation:NotBoth');
  });

  it('finds the ABBA deadlock that the local steps around the locks would let it skip', () => {
    const owner = t.optional(t.enum('P', 'Q'));
    const lockSteps = (id: 'P' | 'Q', first: 'a' | 'b', second: 'a' | 'b') => [
      { label: 'prep', effect: (_d: any, th: any) => void (th.local.n = 1) },
      { label: 'lock1', guard: (s: any) => s[first] === null, effect: (d: any) => void (d[first] = id) },
      { label: 'mid', effect: (_d: any, th: any) => void (th.local.n = 2) },
      { label: 'lock2', guard: (s: any) => s[second] === null, effect: (d: any) => void (d[second] = id) },
      { label: 'unlock', effect: (d: any) => void ((d.a = null), (d.b = null)) },
    ];
    const m = spec({ a: owner, b: owner })
      .init(() => ({ a: null, b: null }))
      .thread('P', { instances: 1, locals: { n: t.int(0, 2) }, initLocals: () => ({ n: 0 }), steps: lockSteps('P', 'a', 'b') })
      .thread('Q', { instances: 1, locals: { n: t.int(0, 2) }, initLocals: () => ({ n: 0 }), steps: lockSteps('Q', 'b', 'a') })
      .build();
    const full = verdictOf(m);
    const reduced = verdictOf(m, por);
    expect(full.verdict).toBe('deadlock');
    expect(reduced.verdict).toBe('deadlock');
    expect(reduced.reduced).toBeGreaterThan(0);
  });

  it('refuses what it does not cover: action properties and VIEW', () => {
    const m = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .action('Set', {}, { effect: (d) => void (d.x = 1) })
      .actionProperty('Up', (s, u) => u.x >= s.x)
      .view({ x: t.int(0, 1) }, (s) => ({ x: s.x }))
      .build();
    expect(() => checkSpec(m, por)).toThrow('--por covers invariants and deadlock; the model has action properties (Up)');
    expect(() => checkSpec(m, { reductions: { por: true, view: true } })).toThrow('--por and --view cannot be combined');
  });

  it('does not check temporal properties, and says so', () => {
    const m = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('A', { instances: 1, steps: [{ label: 'L1', effect: (d) => void (d.x = 1) }] })
      .terminates()
      .build();
    const { result } = checkSpec(m, por);
    expect(result.stats.edges).toBe(0);
    expect(result.warnings).toContain('--por is a reduction for invariants and deadlock only; temporal properties were not checked');
  });
});

// ---- random threaded programs: the reduced search finds exactly what the full one finds ----------

const VARS = 3;
const VALS = 3;
type Op = { kind: 'setVar' | 'setLocal' | 'varFromLocal' | 'localFromVar'; i: number; c: number };
type Step = { guard: null | { onLocal: boolean; i: number; c: number }; ops: Op[]; goto: number | null };
type Program = { threads: Step[][]; inv: { i: number; c: number; j: number; c2: number; onLocal: number | null } };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('setVar', 'setLocal', 'varFromLocal', 'localFromVar'),
  i: fc.nat(VARS - 1),
  c: fc.nat(VALS - 1),
});
const stepArb: fc.Arbitrary<Step> = fc.record({
  guard: fc.option(fc.record({ onLocal: fc.boolean(), i: fc.nat(VARS - 1), c: fc.nat(VALS - 1) }), { freq: 2 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 2 }),
  goto: fc.option(fc.nat(2), { freq: 3 }),
});
const programArb: fc.Arbitrary<Program> = fc.record({
  threads: fc.array(fc.array(stepArb, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 }),
  inv: fc.record({ i: fc.nat(VARS - 1), c: fc.nat(VALS - 1), j: fc.nat(VARS - 1), c2: fc.nat(VALS - 1), onLocal: fc.option(fc.nat(2)) }),
});

function build(p: Program, check: 'invariant' | 'deadlock'): Spec {
  let b: any = spec({ v: t.array(t.int(0, VALS - 1), VARS) }).init(() => ({ v: [0, 0, 0] }));
  p.threads.forEach((steps, k) => {
    const labels = steps.map((_, i) => `S${i}`);
    b = b.thread(`T${k}`, {
      instances: 1,
      locals: { l: t.int(0, VALS - 1) },
      initLocals: () => ({ l: 0 }),
      steps: steps.map((st, i) => ({
        label: labels[i],
        guard: st.guard ? (s: any, th: any) => (st.guard!.onLocal ? th.local.l : s.v[st.guard!.i]) === st.guard!.c : undefined,
        effect: (d: any, th: any) => {
          for (const op of st.ops) {
            if (op.kind === 'setVar') d.v[op.i] = op.c;
            else if (op.kind === 'setLocal') th.local.l = op.c;
            else if (op.kind === 'varFromLocal') d.v[op.i] = th.local.l;
            else th.local.l = d.v[op.i];
          }
          if (st.goto !== null && st.goto < labels.length) th.goto(labels[st.goto]);
        },
      })),
    });
  });
  const { i, c, j, c2, onLocal } = p.inv;
  const thread = onLocal !== null && onLocal < p.threads.length ? `T${onLocal}` : null;
  if (check === 'invariant') {
    b = b.invariant('Inv', (s: any) => !((thread ? s[thread][0].l : s.v[i]) === c && s.v[j] === c2)).checkDeadlock(false);
  }
  return b.build();
}

describe('partial-order reduction on random programs', () => {
  it('gives the same invariant and deadlock verdicts as the full search, never more states', () => {
    fc.assert(
      fc.property(programArb, (p) => {
        for (const check of ['invariant', 'deadlock'] as const) {
          const m = build(p, check);
          const full = verdictOf(m);
          const reduced = verdictOf(m, por);
          expect(reduced.verdict).toBe(full.verdict);
          if (full.verdict === 'holds') expect(reduced.distinct).toBeLessThanOrEqual(full.distinct);
        }
      }),
      { numRuns: 300, seed: 20261121 },
    );
  });
});
