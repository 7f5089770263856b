/** The Markdown summary of a nightly run, written beside its JSON results. */
import { formatTable } from '../report/table';
import type { JobResult } from './run';

export function nightlyMarkdown(date: string, results: readonly JobResult[], regressions: readonly string[], previous?: string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const table = formatTable(
    ['job', 'model', 'variant', 'verdict', 'trace', 'distinct', 'generated', 'depth', 'time (s)', 'states/s', 'peak RSS (MiB)'],
    results.map((r) => [
      r.name,
      r.model,
      r.variant,
      r.stopped ? `${r.verdict} (${r.stopped})` : r.verdict,
      r.steps === undefined ? '-' : String(r.steps),
      n(r.distinct),
      n(r.generated),
      String(r.depth),
      r.seconds.toFixed(1),
      n(r.statesPerSec),
      String(r.peakRssMiB),
    ]),
  );
  const cmp = previous
    ? regressions.length === 0
      ? `No regression against ${previous}.`
      : `Regressions against ${previous}:\n\n${regressions.map((r) => `- ${r}`).join('\n')}`
    : 'No earlier run to compare with.';
  return `# Nightly run ${date}\n\n${table}\n\n${cmp}\n`;
}
