/**
 * Timing helpers for the scripts and benchmarks (scripts/startupTime.mjs, bench/workers.ts,
 * bench/fingerprint.ts): child processes' CPU time, and medians. Plain JavaScript: startupTime runs
 * without tsx.
 */
import { existsSync, readFileSync } from 'node:fs';

/** CPU ms of this process's finished children (cutime + cstime of /proc/self/stat, at 100 ticks/s); NaN where there is no /proc. */
export function childCpuMs() {
  if (!existsSync('/proc/self/stat')) return NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** The median of a non-empty list (the mean of the two middle values for an even length). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}
