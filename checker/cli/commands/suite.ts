/**
 * `hmmcheck suite` (`npm start`): every model in the registry, every variant, at default bounds;
 * one summary table, and a non-zero exit if any verdict differs from the variant's expectation.
 */
import { registry } from '../../../models';
import type { Expectation } from '../../../spec/model';
import { checkSpec } from '../../check';
import type { Verdict } from '../../engine/result';
import { instantiate } from '../../model/instantiate';
import { EXIT } from '../exitCodes';
import { formatTable } from '../../report/table';

export interface SuiteRow {
  model: string;
  variant: string;
  expected: string;
  verdict: string;
  ok: boolean;
  traceSteps?: number;
  distinct: number;
  generated: number;
  seconds: number;
}

function expectationText(e: Expectation): string {
  return e.verdict === 'violation' || e.verdict === 'liveness' ? `violates ${e.property}` : e.verdict;
}

function verdictText(v: Verdict): string {
  switch (v.kind) {
    case 'violation': return `violates ${v.property}`;
    case 'deadlock': return 'deadlock';
    case 'liveness': return `violates ${v.property}`;
    case 'holds': return 'holds';
    case 'error': return `model error: ${v.message}`;
    case 'incomplete': return `incomplete (${v.reason})`;
  }
}

export function runSuite(filter?: (model: string) => boolean): SuiteRow[] {
  const rows: SuiteRow[] = [];
  for (const model of registry) {
    if (filter && !filter(model.name)) continue;
    for (const [variant, def] of Object.entries(model.variants)) {
      const inst = instantiate(model, variant);
      const { result, trace } = checkSpec(inst.spec);
      const expected = expectationText(def.expect);
      const verdict = verdictText(result.verdict);
      rows.push({
        model: model.name,
        variant,
        expected,
        verdict,
        ok: expected === verdict,
        traceSteps: trace ? trace.steps.length - 1 : undefined,
        distinct: result.stats.distinct,
        generated: result.stats.generated,
        seconds: result.stats.elapsedMs / 1000,
      });
    }
  }
  return rows;
}

export function formatSuite(rows: readonly SuiteRow[]): string {
  const head = ['model', 'variant', 'expected', 'verdict', 'ok', 'trace', 'distinct', 'generated', 'time (s)'];
  const body = rows.map((r) => [
    r.model,
    r.variant,
    r.expected,
    r.verdict,
    r.ok ? 'yes' : 'NO',
    r.traceSteps === undefined ? '-' : String(r.traceSteps),
    r.distinct.toLocaleString('en-US'),
    r.generated.toLocaleString('en-US'),
    r.seconds.toFixed(2),
  ]);
  return formatTable(head, body);
}

export function suiteCommand(args: { filter?: string }, print: (s: string) => void): number {
  const rows = runSuite(args.filter ? (m) => m.includes(args.filter!) : undefined);
  print(formatSuite(rows));
  const bad = rows.filter((r) => !r.ok);
  print(bad.length === 0 ? `\nAll ${rows.length} checks gave their expected verdict.` : `\n${bad.length} of ${rows.length} checks differ from their expected verdict.`);
  return bad.length === 0 ? EXIT.OK : EXIT.SUITE_MISMATCH;
}
