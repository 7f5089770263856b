/**
 * The progress line (checker/cli/progress.ts): its formatting, the ETA estimator over BFS level
 * sizes, the TTY line cut to the terminal's width, and the banner `check` prints before it starts.
 */
import { describe, expect, it } from 'vitest';
import { bannerLines, estimateEta, formatBytes, formatDuration, formatEta, formatSearchProgress, progress } from '../../../checker/cli/progress';
import { VERSION } from '../../../checker/cli/version';
import type { ProgressStats } from '../../../checker/engine/result';
import { runCli } from '../../support/cli';

const stats = (over: Partial<ProgressStats>): ProgressStats => ({ distinct: 0, generated: 0, depth: 0, expanded: 0, elapsedMs: 0, storeBytes: 0, edges: 0, ...over });

describe('estimateEta', () => {
  // Levels of 100, 200, 300, 300, 200 states: growth ratios 2, 1.5, 1, 0.67, each about 0.67 of the last.
  const shrinking = [100, 200, 300, 300, 200];

  it('needs BFS levels, and five of them', () => {
    expect(estimateEta({ distinct: 10, expandRate: 5 })).toEqual({ unknown: 'no BFS levels' });
    expect(estimateEta({ distinct: 10, queue: 9, levelSizes: [1, 3, 6, 9], levelBase: 19, expandRate: 5 })).toEqual({ unknown: 'too few levels yet' });
  });

  it('gives none while the levels grow without slowing', () => {
    // Level 5 (160 states) is half expanded and has produced 160 of level 6: 320 expected, x2 as before.
    expect(estimateEta({ distinct: 470, queue: 240, levelSizes: [10, 20, 40, 80, 160], levelBase: 310, expandRate: 10 })).toEqual({ unknown: 'levels still growing x2.00' });
  });

  it('extrapolates the next level from the expanded part of this one, then lets the growth keep falling', () => {
    // Level 5: 200 states, 100 expanded, 50 of level 6 stored: level 6 ≈ 100 (x0.5). The ratio fell
    // x0.67, x0.67, x0.75 over the last levels (mean x0.693): levels 6.. ≈ 100, 34.7, 8.3, 1.4, 0.2,
    // so 100 + 244.6 expansions are left, at 10/s.
    const eta = estimateEta({ distinct: 1150, queue: 150, levelSizes: shrinking, levelBase: 1100, expandRate: 10 });
    expect(eta).toMatchObject({ growth: 0.5 });
    expect('seconds' in eta && [eta.seconds, eta.slowing]).toEqual([expect.closeTo(24.455, 2), expect.closeTo(0.6934, 3)]);
  });

  it('early in a level, continues the trend of the ratios', () => {
    // Level 5 not started: level 6 ≈ 200 × 0.67 × 0.67 = 88.9, then 26.3, 5.2, 0.7: 321.1 left.
    const eta = estimateEta({ distinct: 1100, queue: 200, levelSizes: shrinking, levelBase: 1100, expandRate: 10 });
    expect('seconds' in eta && [eta.seconds, eta.growth, eta.slowing]).toEqual([expect.closeTo(32.11, 2), expect.closeTo(0.4444, 3), expect.closeTo(0.6667, 3)]);
  });

  it('has no time without a rate', () => {
    expect(estimateEta({ distinct: 1150, queue: 150, levelSizes: shrinking, levelBase: 1100, expandRate: 0 })).toEqual({ unknown: 'no rate yet' });
  });
});

describe('formatting', () => {
  it('durations, bytes and the ETA', () => {
    expect([formatDuration(42.4), formatDuration(185), formatDuration(7620)]).toEqual(['42 s', '3 min 05 s', '2 h 07 min']);
    expect([formatBytes(812 * 1024), formatBytes(312.4 * 2 ** 20), formatBytes(1.84 * 2 ** 30)]).toEqual(['812.0 KiB', '312.4 MiB', '1.8 GiB']);
    expect(formatEta({ seconds: 14, growth: 1.2, slowing: 0.8 })).toBe('ETA ~14 s (level growth x1.20, falling x0.80 per level)');
    expect(formatEta({ seconds: 14, growth: 0.5, slowing: 1 })).toBe('ETA ~14 s (level growth x0.50)');
    expect(formatEta({ unknown: 'no BFS levels' })).toBe('ETA unknown (no BFS levels)');
  });

  it('one line: counts, queue, current and average rate, store and process memory, time, ETA', () => {
    const prev = { distinct: 2_000_000, expanded: 1_500_000, elapsedMs: 50_000 };
    const now = stats({ distinct: 2_300_000, generated: 9_876_543, depth: 17, expanded: 1_800_000, elapsedMs: 60_000, storeBytes: 312.4 * 2 ** 20, queue: 500_000, levelSizes: [1, 300_000, 600_000, 900_000, 1_000_000], levelBase: 2_000_000 });
    expect(formatSearchProgress(now, prev, 1.5 * 2 ** 30)).toBe(
      '2,300,000 distinct, 9,876,543 generated, depth 17, queue 500,000; 30,000 distinct/s now, 38,333 avg; stores 312.4 MiB (process 1.5 GiB); 1 min 00 s, ETA ~22 s (level growth x0.38, falling x0.57 per level)',
    );
  });

  it('DFS (no queue or levels) and the first sample (no previous one: the current rate is the average)', () => {
    expect(formatSearchProgress(stats({ distinct: 1000, generated: 3000, depth: 40, expanded: 900, elapsedMs: 2000, storeBytes: 2 ** 20 }), undefined)).toBe(
      '1,000 distinct, 3,000 generated, depth 40; 500 distinct/s now, 500 avg; stores 1.0 MiB; 2 s, ETA unknown (no BFS levels)',
    );
  });

  it("a parallel search's second pass after a verdict says what it is for", () => {
    expect(formatSearchProgress(stats({ distinct: 1000, generated: 3000, depth: 7, expanded: 900, elapsedMs: 2000, storeBytes: 2 ** 20, againToDepth: 12 }), undefined)).toBe(
      "again to depth 12 for one worker's counterexample: 1,000 distinct, 3,000 generated, depth 7; 500 distinct/s now, 500 avg; stores 1.0 MiB; 2 s, ETA unknown (no BFS levels)",
    );
  });

  it('on a TTY the line is rewritten in place and cut to the width; otherwise whole lines', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 30, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream;
    let t = 0;
    const p = progress((s: string) => s, tty, () => t);
    expect(p.progressMs).toBe(1000);
    p.onProgress('too early: throttled');
    t = 1000;
    p.onProgress('a very long progress line that does not fit');
    p.done();
    expect(written).toEqual(['\rprogress: a very long progre…\x1b[K', '\r\x1b[K']);
    const plain: string[] = [];
    const file = { isTTY: false, write: (s: string) => (plain.push(s), true) } as unknown as NodeJS.WriteStream;
    t = 0;
    const q = progress((s: string) => s, file, () => t);
    expect(q.progressMs).toBe(10_000);
    t = 5000;
    q.onProgress('throttled');
    t = 10_000;
    q.onProgress('short');
    q.done();
    expect(plain).toEqual(['progress: short\n']);
  });
});

describe('the banner', () => {
  it('names model, variant, constants, strategy, workers and the properties checked', () => {
    const properties = { invariants: ['TPTypeOK', 'TCConsistent'], actionProperties: [], deadlock: true, temporal: [] };
    expect(bannerLines({ model: 'reference/twophase', variant: 'fixed', constants: { RM: 7 }, strategy: 'bfs', workers: 2, properties })).toEqual([
      `hmmcheck ${VERSION}: reference/twophase variant fixed (RM=7), bfs, 2 workers`,
      'Checking invariants TPTypeOK, TCConsistent; deadlock.',
    ]);
    expect(bannerLines({ model: 'reference/twophase', variant: 'fixed', constants: {}, strategy: 'bfs', workers: 1, partitions: 4, properties })[0]).toBe(
      `hmmcheck ${VERSION}: reference/twophase variant fixed, bfs, 4 partitions on the cluster`,
    );
  });

  it('is printed before the run starts (stdout), progress goes to stderr', () => {
    const r = runCli(['check', 'test/fixtures/workStarvation.ts', '--variant', 'fixed', '--strategy', 'dfs']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `hmmcheck ${VERSION}: fixtures/work-starvation variant fixed (fairness=cpu), dfs, 1 worker`,
      'Checking invariant INV-NOERR; deadlock. Not checking temporal property WorkRuns (--strategy dfs checks invariants, action properties and deadlock only; use bfs).',
      'No error has been found: every checked property holds; temporal property WorkRuns was not checked (--strategy dfs checks invariants, action properties and deadlock only; use bfs).',
    ]);
    expect(r.stdout).not.toContain('Warning:');
  });
});
