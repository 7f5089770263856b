/**
 * Text report of a check: verdict line, statistics with TLC's counting, the fingerprint collision
 * estimate, and per-action coverage with never-enabled actions flagged.
 */
import { collisionProbability, type CheckResult, type Verdict } from '../engine/result';

/** The property a verdict is about: an invariant, action or temporal property name, `deadlock`, or undefined. */
export function violatedProperty(v: Verdict): string | undefined {
  return v.kind === 'violation' || v.kind === 'liveness' ? v.property : v.kind === 'deadlock' ? 'deadlock' : undefined;
}

/** A verdict in a few words, for tables: `holds`, `violates P`, `deadlock`, `model error: …`, `incomplete (why)`. */
export function verdictSummary(v: Verdict): string {
  switch (v.kind) {
    case 'holds': return 'holds';
    case 'violation':
    case 'liveness': return `violates ${v.property}`;
    case 'deadlock': return 'deadlock';
    case 'error': return `model error: ${v.message}`;
    case 'incomplete': return `incomplete (${v.reason})`;
  }
}

/** A variant's bound (`expect.at`) as `levels=3, populators=2`; empty when it runs at the defaults. */
export function boundText(at: Readonly<Record<string, string | number | boolean>> | undefined): string {
  return Object.entries(at ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export function verdictLine(v: Verdict): string {
  switch (v.kind) {
    case 'holds': return 'No error has been found: every property holds.';
    case 'violation': return `Error: ${v.propertyKind === 'action' ? 'action property' : 'invariant'} ${v.property} is violated.`;
    case 'deadlock': return 'Error: deadlock reached (no enabled action and not every thread is done).';
    case 'liveness': return `Error: temporal property ${v.property} is violated (fairness: ${v.fairness}).`;
    case 'error': return `Error: model evaluation failed: ${v.message}`;
    case 'incomplete':
      return `Stopped before a verdict: ${v.reason === 'max-states' ? '--max-states reached' : v.reason === 'max-depth' ? '--max-depth reached (states beyond it were not expanded)' : 'interrupted'}.`;
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function statsLines(r: CheckResult): string[] {
  const s = r.stats;
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? Math.round(s.distinct / secs) : 0;
  const bits = s.fingerprintBits ?? 64;
  return [
    `${fmt(s.generated)} states generated, ${fmt(s.distinct)} distinct states found, depth ${s.depth} (${r.strategy}).`,
    `Time ${secs.toFixed(2)} s, ${fmt(rate)} distinct states/s; stores ${(s.storeBytes / 2 ** 20).toFixed(1)} MiB${s.bytesPerState ? `, ${s.bytesPerState.toFixed(1)} bytes per state (seen set + trace records)` : ''}${s.spilledChunks ? `; frontier: ${s.spilledChunks} chunks spilled to disk` : ''}.`,
    `Fingerprint collision probability (optimistic, TLC's n*(g-n)/2^${bits}${bits < 64 ? `; the seen table compares ${bits} of the 64 fingerprint bits` : ''}): ${collisionProbability(s).toExponential(1)}`,
  ];
}

export function coverageLines(r: CheckResult): string[] {
  // Only a complete search can tell that an action is never enabled.
  const complete = r.verdict.kind === 'holds' || r.verdict.kind === 'liveness';
  const lines = [`Coverage (successors generated / new distinct states, per action${complete ? '' : '; the search stopped early'}):`];
  const width = Math.max(...r.coverage.map((c) => c.name.length), 6);
  for (const c of r.coverage) {
    const flag = c.generated === 0 ? (complete ? '   <- never enabled: likely a model bug' : '   (not reached)') : '';
    lines.push(`  ${c.name.padEnd(width)}  ${fmt(c.generated).padStart(10)}  ${fmt(c.distinct).padStart(10)}${flag}`);
  }
  return lines;
}
