/**
 * Compares a nightly run with the previous one: a changed verdict (a new violation, or a bug that
 * disappeared), a changed state count, a job that now runs out of its budget, or a slowdown.
 */
import type { JobResult } from './run';

/** A job counts as slower when it takes this much longer (and at least SLOW_MIN_SEC more). */
const SLOW_FACTOR = 1.5;
const SLOW_MIN_SEC = 5;

export function compareRuns(prev: readonly JobResult[], now: readonly JobResult[]): string[] {
  const out: string[] = [];
  const before = new Map(prev.map((r) => [r.name, r]));
  for (const r of now) {
    const p = before.get(r.name);
    if (!p) continue;
    if (r.verdict !== p.verdict) out.push(`${r.name}: verdict changed: ${p.verdict} -> ${r.verdict}`);
    else if (r.stopped === undefined && p.stopped === undefined && (r.distinct !== p.distinct || r.generated !== p.generated)) {
      out.push(`${r.name}: state count changed: ${p.distinct.toLocaleString('en-US')}/${p.generated.toLocaleString('en-US')} -> ${r.distinct.toLocaleString('en-US')}/${r.generated.toLocaleString('en-US')} (distinct/generated)`);
    }
    if (r.stopped && !p.stopped) out.push(`${r.name}: now stops at its ${r.stopped}`);
    if (r.seconds > p.seconds * SLOW_FACTOR && r.seconds - p.seconds >= SLOW_MIN_SEC) {
      out.push(`${r.name}: slower: ${p.seconds.toFixed(1)} s -> ${r.seconds.toFixed(1)} s`);
    }
  }
  return out;
}
