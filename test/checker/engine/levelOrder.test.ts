import { describe, expect, it } from 'vitest';
import type { ActionInstance } from '../../../checker/engine/compiled';
import { firstVerdict, orderLevel, type OrderedSlice } from '../../../checker/engine/levelOrder';
import type { Verdict } from '../../../checker/engine/result';
import { FlatFrontier } from '../../../checker/store/flatFrontier';
import { StateLog } from '../../../checker/store/stateLog';

// Frontier records of one word of state each: [index, depth, word]; the word names the state.
const width = 3;
const records = (...words: number[]) => Uint32Array.from(words.flatMap((w, k) => [k, 5, w]));
// Transitions below 103 are action 0's, the others action 1's.
const instances = Array.from({ length: 200 }, (_, i) => ({ actionIndex: i < 103 ? 0 : 1 }) as ActionInstance);

/**
 * A level of states #10, #11, #12 expanded by two workers. Worker B (state #12) stored W before
 * worker A reached it from #10 (rank 1) and from #11 (rank 0): both claims are recorded, and #10's
 * is W's least edge. One worker meets X (#10, rank 0), W (#10, rank 1), Y (#11, rank 1), Z (#12).
 */
function level(verdictA: Verdict[] = [], verdictB: Verdict[] = [], violatedB: number[] = []) {
  const a: OrderedSlice = {
    records: records(0xa0, 0xa1),
    parents: Uint32Array.of(10, 11),
    transitions: Uint32Array.of(100, 101),
    verdicts: verdictA,
    violated: verdictA.map(() => -1),
    order: { fresh: Uint32Array.of(1, 1, 0, 2, 2, 1), claims: Uint32Array.of(4, 4, 10, 1, 104, 4, 4, 11, 0, 105), ranks: verdictA.map(() => 0) },
  };
  const b: OrderedSlice = {
    records: records(0xb0, 0xb1),
    parents: Uint32Array.of(12, 12),
    transitions: Uint32Array.of(103, 102),
    verdicts: verdictB,
    violated: violatedB,
    order: { fresh: Uint32Array.of(4, 4, 0, 3, 3, 1), claims: new Uint32Array(0), ranks: verdictB.map(() => 0) },
  };
  const log = new StateLog();
  for (let i = 0; i < 13; i++) log.push(i - 1, 0);
  const next = new FlatFrontier(width);
  const coverage = [{ name: 'A', generated: 0, distinct: 0 }, { name: 'B', generated: 0, distinct: 0 }];
  // The slices in any order: B's result came first.
  const slices = [b, a];
  const ordered = orderLevel(slices, { first: 10, count: 3 }, { log, next, coverage, instances });
  return { slices, ordered, log, next, coverage };
}

describe('orderLevel: a level numbered as one worker numbers it', () => {
  it('appends the new states by least edge (a claim of a lesser source wins), with that edge as parent and action', () => {
    const { log, next, coverage } = level();
    const added = Array.from({ length: 4 }, (_, k) => [log.parent(13 + k), log.transition(13 + k)]);
    expect(added).toEqual([[10, 100], [10, 104], [11, 101], [12, 102]]);
    expect(Array.from(next.records())).toEqual([13, 5, 0xa0, 14, 5, 0xb0, 15, 5, 0xa1, 16, 5, 0xb1]);
    expect(coverage.map((c) => c.distinct)).toEqual([3, 1]);
  });

  it("reports the verdict one worker meets first: a violated state's at its least edge", () => {
    const violation: Verdict = { kind: 'violation', property: 'Inv', propertyKind: 'invariant', at: { last: 12, then: 103 } };
    // B's violation in W comes at W's least edge (#10, rank 1), before A's error at #11.
    const later = level([{ kind: 'error', message: 'boom', at: { last: 11 } }], [violation], [0]);
    expect(firstVerdict(later.slices, later.ordered)).toEqual({ ...violation, at: { last: 10, then: 104 } });
    // An error at #10 (rank 0, before any successor) comes before it.
    const error: Verdict = { kind: 'error', message: 'boom', at: { last: 10 } };
    const earlier = level([error], [violation], [0]);
    expect(firstVerdict(earlier.slices, earlier.ordered)).toEqual(error);
  });
});
