/**
 * liveness/levelVerdict.ts on hand-made worker results: the verdict one worker expanding the level
 * in index order would report, whichever worker stored a violating state.
 */
import { describe, expect, it } from 'vitest';
import type { LevelResult } from '../../../checker/engine/parallelExpand';
import type { Verdict } from '../../../checker/engine/result';
import { BY_FINGERPRINT } from '../../../checker/liveness/edgeRecorder';
import { levelVerdict } from '../../../checker/liveness/levelVerdict';

/** An edge to fingerprint (hi, 7) by transition `t`. */
const edge = (hi: number, t: number) => [hi, 7, t, BY_FINGERPRINT];

/** A worker's result: `sources` with their edges, the states it stored (`stored`: their hi), its verdicts. */
function result(sources: [number, number[][]][], stored: number[], verdicts: Verdict[], violated: number[]): LevelResult {
  return {
    type: 'level',
    records: new Uint32Array(0),
    parents: new Uint32Array(0),
    transitions: new Uint32Array(0),
    generated: 0,
    expanded: sources.length,
    coverage: [],
    verdicts,
    violated,
    rest: new Uint32Array(0),
    graph: {
      sources: Uint32Array.from(sources.map(([s]) => s)),
      degrees: Uint32Array.from(sources.map(([, es]) => es.length)),
      edges: Uint32Array.from(sources.flatMap(([, es]) => es.flat())),
      fingerprints: Uint32Array.from(stored.flatMap((hi) => [hi, 7])),
      slots: new Uint32Array(stored.length),
      labels: new Uint32Array(stored.length),
    },
  };
}

const inv = (last: number, then: number): Verdict => ({ kind: 'violation', property: 'Inv', propertyKind: 'invariant', at: { last, then } });

describe('levelVerdict', () => {
  it('reports a violating state from its least source, though another worker stored it', () => {
    // Worker A expanded state 5, whose second edge (transition 12) reaches X (hi 100), already stored by B.
    const a = result([[5, [edge(50, 11), edge(100, 12)]]], [50], [], []);
    // Worker B stored X from state 9 (transition 30) and found the invariant broken there.
    const b = result([[9, [edge(100, 30)]]], [100], [inv(9, 30)], [0]);
    expect(levelVerdict([b, a])).toEqual(inv(5, 12));
  });

  it("takes a source's first edge to a violating state before its own later verdict", () => {
    const actionBroken: Verdict = { kind: 'violation', property: 'Act', propertyKind: 'action', at: { last: 4, then: 8 } };
    // State 4 reaches X (stored and failed by the other worker) by transition 2, then breaks an action property.
    const a = result([[4, [edge(100, 2)]]], [], [actionBroken], [-1]);
    const b = result([[6, [edge(100, 40)]]], [100], [inv(6, 40)], [0]);
    expect(levelVerdict([a, b])).toEqual(inv(4, 2));
  });

  it("keeps the least source's own verdict when no edge of a lesser one reaches a violating state", () => {
    const deadlock: Verdict = { kind: 'deadlock', at: { last: 3 } };
    const a = result([[3, []]], [], [deadlock], [-1]);
    const b = result([[6, [edge(100, 40)]]], [100], [inv(6, 40)], [0]);
    expect(levelVerdict([b, a])).toEqual(deadlock);
    expect(levelVerdict([result([[3, [edge(50, 1)]]], [50], [], [])])).toBeUndefined();
    // A verdict that names no state is still one.
    const error: Verdict = { kind: 'error', message: 'boom' };
    expect(levelVerdict([result([[3, []]], [], [error], [-1])])).toEqual(error);
  });
});
