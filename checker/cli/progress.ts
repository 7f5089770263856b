/**
 * What a long run says while it runs: a banner at the start (model, variant, constants, strategy,
 * workers, the properties checked), then progress on stderr — one updating line on a TTY, a line
 * every 10 s otherwise — with counts, queue, current and average rate, store memory and an ETA
 * estimated from the BFS level sizes once their growth is seen to slow.
 */
import type { ProgressStats } from '../engine/result';
import type { ConstValue } from '../../spec/model';
import { checkedPropertiesLine, type CheckedProperties } from '../report/checkedProperties';
import { VERSION } from './version';

export interface Progress<T> {
  onProgress: (s: T) => void;
  done: () => void;
  /** How often callers should report (they may report more often: reports are throttled here). */
  progressMs: number;
}

/**
 * A progress reporter printing `format(stats)`, at most once a second on a TTY (one line, rewritten
 * in place and cut to the terminal's width so it never wraps), every 10 s otherwise. `clock` is
 * for tests.
 */
export function progress<T>(format: (s: T) => string, stream: NodeJS.WriteStream = process.stderr, clock: () => number = () => performance.now()): Progress<T> {
  const tty = Boolean(stream.isTTY);
  const progressMs = tty ? 1000 : 10_000;
  let shown = false;
  let last = clock();
  return {
    progressMs,
    onProgress: (s) => {
      const now = clock();
      if (now - last < progressMs * 0.9) return;
      last = now;
      const line = `progress: ${format(s)}`;
      if (tty) {
        const width = stream.columns ?? 0;
        stream.write(`\r${width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line}\x1b[K`);
        shown = true;
      } else stream.write(line + '\n');
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** `42 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** `812.0 KiB`, `312.4 MiB`, `1.8 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 2 ** 20) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** An estimate of the time left (and the level growth it assumes), or why there is none. */
export type Eta = { readonly seconds: number; readonly growth: number; readonly slowing: number } | { readonly unknown: string };

/** What the ETA is estimated from: a progress sample (ProgressStats) and the current expansion rate. */
export interface EtaInput {
  readonly distinct: number;
  readonly queue?: number;
  readonly levelSizes?: readonly number[];
  readonly levelBase?: number;
  /** States expanded per second, now. */
  readonly expandRate: number;
}

/** The fraction of the current level that must be expanded before its yield predicts the next level. */
const MIN_LEVEL_DONE = 0.1;
/** Levels needed before the growth trend means anything (the first few grow erratically). */
const MIN_LEVELS = 5;
/** Growing levels must slow by at least this factor per level for an estimate. */
const MAX_SLOWING = 0.97;
/** Predicted states left, in multiples of the states seen, beyond which there is no estimate. */
const MAX_AHEAD = 50;

/**
 * Time left for a BFS, from its level sizes. The growth ratio g of a level (next size / size)
 * typically falls by a steady factor s per level as the state space fills up, the levels grow,
 * peak and die out (reference/twophase RM=7: g = 1.59, 1.44, 1.29, 1.14, 0.99, 0.86, …; s ≈ 0.87).
 * The next level's size is extrapolated from what the expanded part of the current level produced
 * (early in a level, from the last ratio), s from the last ratios, and the levels after it are
 * predicted with g falling by s per level (by nothing when s ≥ 1) until they are empty. The
 * states left to expand, at the current rate, give the time. While the ratios do not fall and the
 * levels still grow, or before MIN_LEVELS levels, there is no estimate.
 *
 * @example
 * // Level 5 half expanded, yielding x0.5; the ratios fell x0.67, x0.67, x0.75: about 24 s left.
 * estimateEta({ distinct: 1150, queue: 150, levelSizes: [100, 200, 300, 300, 200], levelBase: 1100, expandRate: 10 })
 */
export function estimateEta(input: EtaInput): Eta {
  const { levelSizes: sizes, levelBase, queue, distinct, expandRate } = input;
  const growingFor = (g: number) => ({ unknown: `levels still growing x${g.toFixed(2)}` });
  if (!sizes || levelBase === undefined || queue === undefined) return { unknown: 'no BFS levels' };
  if (sizes.length < MIN_LEVELS) return { unknown: 'too few levels yet' };
  const k = sizes.length - 1;
  const current = sizes[k]!;
  const ratio = (j: number) => sizes[j + 1]! / Math.max(1, sizes[j]!);
  const stored = Math.max(0, distinct - levelBase);
  const left = Math.min(current, Math.max(0, queue - stored));
  const done = (current - left) / Math.max(1, current);
  const fall = (j: number) => ratio(j) / Math.max(1e-9, ratio(j - 1));
  const falls = [fall(k - 2), fall(k - 1)];
  // The next level from this one's yield so far; early in the level, from the trend of the ratios.
  const known = done >= MIN_LEVEL_DONE;
  const next = known ? stored / done : Math.max(stored, current * ratio(k - 1) * Math.min(1, fall(k - 1)));
  const growth = next / Math.max(1, current);
  if (known) falls.push(growth / Math.max(1e-9, ratio(k - 1)));
  // The ratio's fall per level: the geometric mean of the last few.
  const slowing = Math.exp(falls.reduce((a, f) => a + Math.log(Math.max(1e-9, f)), 0) / falls.length);
  // Levels that grow with no clear slowing could go on for any number of levels.
  if (growth >= 1 && slowing > MAX_SLOWING) return growingFor(growth);
  if (!(expandRate > 0)) return { unknown: 'no rate yet' };
  let remaining = left + next;
  let level = next;
  let g = growth;
  for (let i = 0; level >= 1 && i < 100_000; i++) {
    g *= Math.min(1, slowing);
    level *= g;
    remaining += level;
    // More than MAX_AHEAD times the states seen so far: too far out to be worth a number.
    if (remaining > MAX_AHEAD * distinct) return growingFor(growth);
  }
  return { seconds: remaining / expandRate, growth, slowing: Math.min(1, slowing) };
}

export function formatEta(eta: Eta): string {
  if ('unknown' in eta) return `ETA unknown (${eta.unknown})`;
  const trend = eta.slowing < 1 ? `, falling x${eta.slowing.toFixed(2)} per level` : '';
  return `ETA ~${formatDuration(eta.seconds)} (level growth x${eta.growth.toFixed(2)}${trend})`;
}

/** The previous sample, for the current rate. */
export interface Sample {
  readonly distinct: number;
  readonly expanded: number;
  readonly elapsedMs: number;
}

/**
 * One progress line of an exhaustive search: counts, depth, queue, current and average rate, store
 * memory (and the whole process's, worker threads included, when given), elapsed time and ETA;
 * what a parallel search's second pass is for, during it.
 */
export function formatSearchProgress(s: ProgressStats, prev: Sample | undefined, processBytes?: number): string {
  const secs = s.elapsedMs / 1000;
  const dt = prev ? (s.elapsedMs - prev.elapsedMs) / 1000 : 0;
  const average = secs > 0 ? s.distinct / secs : 0;
  const now = prev && dt > 0 ? (s.distinct - prev.distinct) / dt : average;
  const expandRate = prev && dt > 0 ? (s.expanded - prev.expanded) / dt : secs > 0 ? s.expanded / secs : 0;
  const queue = s.queue !== undefined ? `, queue ${n(s.queue)}` : '';
  const memory = `stores ${formatBytes(s.storeBytes)}${processBytes ? ` (process ${formatBytes(processBytes)})` : ''}`;
  const again = s.againToDepth !== undefined ? `again to depth ${s.againToDepth} for one worker's counterexample: ` : '';
  return `${again}${n(s.distinct)} distinct, ${n(s.generated)} generated, depth ${s.depth}${queue}; ${n(now)} distinct/s now, ${n(average)} avg; ${memory}; ${formatDuration(secs)}, ${formatEta(estimateEta({ ...s, expandRate }))}`;
}

/** Progress of an exhaustive search. */
export function progressReporter(stream?: NodeJS.WriteStream): Progress<ProgressStats> {
  let prev: Sample | undefined;
  return progress((s: ProgressStats) => {
    const line = formatSearchProgress(s, prev, process.memoryUsage.rss());
    prev = { distinct: s.distinct, expanded: s.expanded, elapsedMs: s.elapsedMs };
    return line;
  }, stream);
}

/** What the banner names. */
export interface RunBanner {
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly strategy: 'bfs' | 'dfs';
  readonly workers: number;
  /** Partitions of a search on the cluster (then `workers` is not this process's to say). */
  readonly partitions?: number;
  readonly properties: CheckedProperties;
}

/**
 * The banner `check` prints before it starts: `hmmcheck 0.1.0: reference/twophase variant fixed
 * (RM=7), bfs, 2 workers` (or `…, bfs, 2 partitions on the cluster`), then which properties it
 * checks (and which not, and why).
 */
export function bannerLines(b: RunBanner): string[] {
  const consts = Object.entries(b.constants).map(([k, x]) => `${k}=${x}`).join(' ');
  const where = b.partitions !== undefined ? `${b.partitions} partitions on the cluster` : `${b.workers} worker${b.workers === 1 ? '' : 's'}`;
  return [
    `hmmcheck ${VERSION}: ${b.model} variant ${b.variant}${consts ? ` (${consts})` : ''}, ${b.strategy}, ${where}`,
    checkedPropertiesLine(b.properties),
  ];
}
