import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFairCycle } from '../../../checker/liveness/fairCycle';
import { forEachScc } from '../../../checker/liveness/scc';
import { EdgeStore } from '../../../checker/store/edgeStore';

/** A graph of `n` states with the given out-edges (action 0 on every edge). */
function graphOf(n: number, out: readonly (readonly number[])[]): EdgeStore {
  const edges = new EdgeStore();
  for (let s = 0; s < n; s++) {
    edges.open(s);
    for (const t of out[s] ?? []) edges.add(t, 0);
  }
  edges.close(n);
  return edges;
}

/** Reachability by repeated relaxation: reach[s][t] (the reference the SCCs are checked against). */
function closure(n: number, out: readonly (readonly number[])[], mask: Uint8Array): boolean[][] {
  const reach = Array.from({ length: n }, (_, s) => Array.from({ length: n }, (_, t) => s === t));
  for (let changed = true; changed; ) {
    changed = false;
    for (let s = 0; s < n; s++)
      for (const m of out[s]!)
        if (mask[s] && mask[m])
          for (let t = 0; t < n; t++)
            if (reach[m]![t] && !reach[s]![t]) changed = reach[s]![t] = true;
  }
  return reach;
}

const graphs = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.tuple(
    fc.constant(n),
    fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  ),
);

describe('forEachScc', () => {
  it('emits each masked state once, in components of mutually reachable states, successors first', () => {
    fc.assert(
      fc.property(graphs, ([n, out, keep]) => {
        const mask = Uint8Array.from(keep, (k) => (k ? 1 : 0));
        const reach = closure(n, out, mask);
        const compOf = new Int32Array(n).fill(-1);
        const comps: number[][] = [];
        forEachScc(graphOf(n, out), mask, [...Array(n).keys()], (stack, from, to) => {
          const c = stack.slice(from, to);
          for (const s of c) compOf[s] = comps.length;
          comps.push(c);
        });
        for (let s = 0; s < n; s++) expect(compOf[s] >= 0).toBe(mask[s] === 1);
        expect(comps.flat().length).toBe(mask.reduce((a, b) => a + b, 0));
        for (let s = 0; s < n; s++)
          for (let t = 0; t < n; t++) {
            if (!mask[s] || !mask[t]) continue;
            expect(compOf[s] === compOf[t]).toBe(reach[s]![t]! && reach[t]![s]!);
            // Reverse topological order: a component comes after every component it reaches.
            if (reach[s]![t]) expect(compOf[s]!).toBeGreaterThanOrEqual(compOf[t]!);
          }
      }),
    );
  });

  it('stops when emit returns false', () => {
    let calls = 0;
    forEachScc(graphOf(3, [[], [], []]), new Uint8Array([1, 1, 1]), [0, 1, 2], () => ++calls < 2);
    expect(calls).toBe(2);
  });
});

describe('findFairCycle', () => {
  it('takes the component holding the smallest state first, whatever order Tarjan emits them in', () => {
    // Two cycles: {3, 4} is found (and emitted) before {1, 2}, which holds the smaller state. The
    // weakly fair unit is enabled everywhere, so no state may stutter for ever.
    const edges = graphOf(5, [[3, 1], [2], [1], [4], [3]]);
    const wf = { name: 'WF(step)', kind: 'weak' as const, member: new Uint8Array([1]) };
    const cycle = findFairCycle(edges, new Uint8Array([1, 1, 1, 1, 1]), () => true, [wf]);
    expect(cycle?.stutter).toBe(false);
    expect([...cycle!.nodes].sort()).toEqual([1, 2]);
  });

  it('lets a state alone stutter when it accepts and no fairness unit is demanded there', () => {
    const edges = graphOf(3, [[1], [2], []]);
    expect(findFairCycle(edges, new Uint8Array([1, 1, 1]), (s) => s === 1, [])).toEqual({ nodes: [1], stutter: true });
  });
});
