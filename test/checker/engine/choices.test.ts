import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachOutcome, NondeterminismError, OutcomeEnumerator } from '../../../checker/engine/choices';
import type { ChoiceCtx } from '../../../spec/spec';

/** All (result, ordinal) pairs emitted for `run`. */
function outcomes<R>(run: (ctx: ChoiceCtx) => R): [R, number][] {
  const out: [R, number][] = [];
  forEachOutcome(run, (r, i) => out.push([r, i]));
  return out;
}

function results<R>(run: (ctx: ChoiceCtx) => R): R[] {
  const out = outcomes(run);
  // Ordinals are always 0..n-1 in emission order.
  expect(out.map(([, i]) => i)).toEqual(out.map((_, i) => i));
  return out.map(([r]) => r);
}

/** Cartesian product in odometer order: the last position varies fastest. */
function odometer(arities: readonly number[]): number[][] {
  let acc: number[][] = [[]];
  for (const n of arities) acc = acc.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i]));
  return acc;
}

describe('forEachOutcome', () => {
  it('a computation with no choices emits exactly once, with ordinal 0', () => {
    let calls = 0;
    expect(
      outcomes(() => {
        calls++;
        return 'x';
      }),
    ).toEqual([['x', 0]]);
    expect(calls).toBe(1);
  });

  it('a single choice emits each option in order', () => {
    expect(results((ctx) => ctx.choose(['a', 'b', 'c']))).toEqual(['a', 'b', 'c']);
    expect(results((ctx) => ctx.choose([42]))).toEqual([42]);
  });

  it('enumerates the full cartesian product in odometer order with ordinals 0..n-1', () => {
    const got = outcomes((ctx) => [ctx.choose([0, 1]), ctx.choose(['a', 'b', 'c']), ctx.choose([true, false])]);
    expect(got.map(([r]) => r)).toEqual(
      odometer([2, 3, 2]).map(([x, y, z]) => [[0, 1][x!], ['a', 'b', 'c'][y!], [true, false][z!]]),
    );
    expect(got.map(([, i]) => i)).toEqual([...Array(12).keys()]);
  });

  it('property: product of random arities, odometer order, one run per outcome', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 5 }), (arities) => {
        let runs = 0;
        const got = results((ctx) => {
          runs++;
          return arities.map((n) => ctx.choose([...Array(n).keys()]));
        });
        expect(got).toEqual(odometer(arities));
        expect(runs).toBe(Math.max(1, got.length));
      }),
    );
  });

  it('nested / conditional choices: later options depend on earlier choices', () => {
    // x ∈ {0, 1, 2}; y ∈ 0..x-1 (none when x = 0); z chosen only when y is odd.
    const got = results((ctx) => {
      const x = ctx.choose([0, 1, 2, 3]);
      const ys = [...Array(x).keys()];
      const y = ctx.choose(ys);
      const z = y % 2 === 1 ? ctx.choose(['p', 'q']) : '-';
      return `${x}${y}${z}`;
    });
    expect(got).toEqual(['10-', '20-', '21p', '21q', '30-', '31p', '31q', '32-']);
  });

  it('conditional choice without an empty list: a choice only on some paths', () => {
    const got = results((ctx) => {
      const kind = ctx.choose(['skip', 'pick', 'skip2']);
      return kind === 'pick' ? `pick:${ctx.choose([1, 2])}` : kind;
    });
    expect(got).toEqual(['skip', 'pick:1', 'pick:2', 'skip2']);
  });

  it('an empty option list produces no outcome and takes no ordinal', () => {
    expect(outcomes((ctx) => ctx.choose([]))).toEqual([]);
    const got = outcomes((ctx) => {
      const a = ctx.choose(['a', 'b', 'c']);
      const b = ctx.choose(a === 'b' ? [] : [1, 2]);
      return `${a}${b}`;
    });
    expect(got).toEqual([
      ['a1', 0],
      ['a2', 1],
      ['c1', 2],
      ['c2', 3],
    ]);
    // An empty choice after other choices on the same path.
    expect(
      results((ctx) => {
        const a = ctx.choose([1, 2]);
        const b = ctx.choose([1, 2]);
        ctx.choose(a + b === 3 ? [] : ['ok']);
        return a * 10 + b;
      }),
    ).toEqual([11, 22]);
    // Every path empty: nothing at all.
    expect(outcomes((ctx) => [ctx.choose([1, 2]), ctx.choose([])])).toEqual([]);
  });

  it('results are whatever the run returns, including undefined and null', () => {
    expect(outcomes((ctx) => (ctx.choose([0, 1]) ? null : undefined))).toEqual([
      [undefined, 0],
      [null, 1],
    ]);
  });

  it('propagates errors other than an empty choice', () => {
    const boom = new Error('boom');
    const seen: number[] = [];
    expect(() =>
      forEachOutcome(
        (ctx) => {
          const x = ctx.choose([0, 1, 2]);
          if (x === 1) throw boom;
          return x;
        },
        (r) => seen.push(r),
      ),
    ).toThrow(boom);
    expect(seen).toEqual([0]);
  });

  it('nondeterminism: a different option count on a re-run throws NondeterminismError', () => {
    let run = 0;
    const f = () =>
      forEachOutcome(
        (ctx) => {
          run++;
          const a = ctx.choose(run === 1 ? [1, 2] : [1, 2, 3]);
          return a;
        },
        () => {},
      );
    expect(f).toThrow(NondeterminismError);
    run = 0;
    expect(f).toThrow(/saw 3 options where an earlier run saw 2/);

    // Deeper position: the middle choice changes its arity while the last one is being advanced.
    // (A choice after the advanced position is new territory: its options may legitimately differ.)
    let n = 0;
    expect(() =>
      forEachOutcome(
        (ctx) => {
          n++;
          ctx.choose(['a', 'b']);
          ctx.choose(n === 1 ? [1] : [1, 2]);
          return ctx.choose(['x', 'y']);
        },
        () => {},
      ),
    ).toThrow(NondeterminismError);

    // A previously non-empty choice that becomes empty.
    let m = 0;
    expect(() =>
      forEachOutcome(
        (ctx) => {
          m++;
          ctx.choose(['a', 'b']);
          return ctx.choose(m === 1 ? [1, 2] : []);
        },
        () => {},
      ),
    ).toThrow(NondeterminismError);
  });

  it('each call uses a fresh odometer (the function is reentrant across calls and nested use)', () => {
    const inner = (seed: number) => results((ctx) => seed * 10 + ctx.choose([1, 2]));
    const got = results((ctx) => {
      const a = ctx.choose([1, 2]);
      return [a, inner(a)];
    });
    expect(got).toEqual([
      [1, [11, 12]],
      [2, [21, 22]],
    ]);
  });
});

describe('OutcomeEnumerator (reused across enumerations)', () => {
  function collect<R>(e: OutcomeEnumerator, run: (ctx: ChoiceCtx) => R): [R, number][] {
    const out: [R, number][] = [];
    e.forEach(run, (r, i) => out.push([r, i]));
    return out;
  }

  it('gives the same outcomes as a fresh enumeration, call after call', () => {
    const e = new OutcomeEnumerator();
    const runs: ((ctx: ChoiceCtx) => unknown)[] = [
      (ctx) => [ctx.choose([1, 2]), ctx.choose(['a', 'b', 'c'])],
      () => 'none',
      (ctx) => ctx.choose([]),
      (ctx) => {
        const x = ctx.choose([0, 1, 2]);
        return [x, ctx.choose([...Array(x).keys()])];
      },
      (ctx) => ctx.choose(['only']),
    ];
    for (let round = 0; round < 3; round++) {
      for (const run of runs) expect(collect(e, run)).toEqual(outcomes(run));
    }
  });

  it('the context object is the same on every run and every call', () => {
    const e = new OutcomeEnumerator();
    const seen = new Set<ChoiceCtx>();
    e.forEach((ctx) => seen.add(ctx).size + ctx.choose([1, 2]), () => {});
    e.forEach((ctx) => seen.add(ctx).size, () => {});
    expect([...seen]).toEqual([e.ctx]);
  });

  it('starts afresh after an enumeration aborted by a throw in the run, in emit, or by nondeterminism', () => {
    const e = new OutcomeEnumerator();
    const product = (ctx: ChoiceCtx) => [ctx.choose([1, 2]), ctx.choose([1, 2, 3])];
    const expected = outcomes(product);

    // Abort in the middle of the odometer (path [1, 0]) from inside the run.
    expect(() =>
      e.forEach(
        (ctx) => {
          const r = product(ctx);
          if (r[0] === 2) throw new Error('run');
          return r;
        },
        () => {},
      ),
    ).toThrow('run');
    expect(collect(e, product)).toEqual(expected);

    // Abort from emit.
    expect(() =>
      e.forEach(product, (_, i) => {
        if (i === 4) throw new Error('emit');
      }),
    ).toThrow('emit');
    expect(collect(e, product)).toEqual(expected);

    // Abort by nondeterminism.
    let n = 0;
    expect(() => e.forEach((ctx) => [ctx.choose([1, 2]), ctx.choose(++n < 2 ? [1, 2] : [1])], () => {})).toThrow(NondeterminismError);
    expect(collect(e, product)).toEqual(expected);

    // A different computation after the abort: the old path must not leak in as a "previous run".
    expect(() =>
      e.forEach(
        (ctx) => {
          const x = ctx.choose([1, 2, 3, 4]);
          if (x === 3) throw new Error('x');
          return ctx.choose(x === 1 ? [1] : [1, 2]);
        },
        () => {},
      ),
    ).toThrow('x');
    expect(collect(e, (ctx) => ctx.choose(['a', 'b']))).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });

  it('property: a shared enumerator over a random sequence of computations, some aborting, matches fresh ones', () => {
    const compArb = fc.record({
      arities: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
      abortAt: fc.option(fc.nat(12), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(compArb, { maxLength: 8 }), (comps) => {
        const e = new OutcomeEnumerator();
        for (const { arities, abortAt } of comps) {
          let runs = 0;
          const run = (ctx: ChoiceCtx) => {
            if (abortAt !== undefined && runs++ === abortAt) throw new Error('abort');
            return arities.map((n) => ctx.choose([...Array(n).keys()]));
          };
          const mk = () => {
            runs = 0;
            return run;
          };
          let fresh: unknown;
          let shared: unknown;
          try {
            fresh = outcomes(mk());
          } catch (err) {
            fresh = (err as Error).message;
          }
          try {
            shared = collect(e, mk());
          } catch (err) {
            shared = (err as Error).message;
          }
          expect(shared).toEqual(fresh);
        }
      }),
    );
  });
});

describe('forEachOutcome: a re-run that makes fewer choices', () => {
  it('is reported as nondeterminism instead of emitting a wrong path', () => {
    let n = 0;
    const run = (ctx: { choose<T>(o: readonly T[]): T }) => {
      n++;
      const a = ctx.choose(['a', 'b']);
      return n === 1 ? [a, ctx.choose([1, 2])] : [a];
    };
    expect(() => forEachOutcome(run, () => {})).toThrow(NondeterminismError);
  });
});
