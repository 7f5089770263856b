import { describe, expect, it } from 'vitest';
import { collisionProbability, type CheckResult, type Stats } from '../../../checker/engine/result';
import { statsLines } from '../../../checker/report/summary';

const stats = (over: Partial<Stats>): Stats => ({ distinct: 17_704_917, generated: 106_229_503, depth: 107, expanded: 17_704_917, elapsedMs: 1000, storeBytes: 0, edges: 0, ...over });
const result = (s: Stats): CheckResult => ({ verdict: { kind: 'holds' }, stats: s, coverage: [], strategy: 'bfs', warnings: [] });

describe('fingerprint collision estimate', () => {
  it("is TLC's n*(g-n)/2^64 unless the seen table compared fewer bits, and the line says which", () => {
    const full = stats({});
    const narrow = stats({ fingerprintBits: 60 });
    expect(collisionProbability(full)).toBeCloseTo((17_704_917 * (106_229_503 - 17_704_917)) / 2 ** 64, 20);
    expect(collisionProbability(narrow) / collisionProbability(full)).toBe(16);
    expect(statsLines(result(full))[2]).toBe("Fingerprint collision probability (optimistic, TLC's n*(g-n)/2^64): 8.5e-5");
    expect(statsLines(result(narrow))[2]).toBe("Fingerprint collision probability (optimistic, TLC's n*(g-n)/2^60; the seen table compares 60 of the 64 fingerprint bits): 1.4e-3");
  });
});
