/**
 * `hmmcheck lint [model] [--variant V]`: the atomicity audit (checker/lint/) over one model
 * variant, every variant of a model, or — with no model — every registry model and variant.
 * Prints each finding, warning and justified exception; exit 1 if there is any finding.
 */
import { registry } from '../../../models';
import type { ModelDef } from '../../../spec/model';
import { UsageError } from '../../engine/errors';
import { lintSpec } from '../../lint/audit';
import { formatVariantLint, lintTotals, plural, type VariantLint } from '../../lint/report';
import { instantiate } from '../../model/instantiate';
import { EXIT } from '../exitCodes';
import { loadModel } from '../loadModel';
import { formatJson, lintResultJson } from '../jsonOutput';
import { parseConstFlags } from './check';

export interface LintArgs {
  model?: string;
  variant?: string;
  const?: string[];
  maxStates?: number;
  /** Count accesses to undeclared fields as lock-free: their warnings become findings. */
  strict?: boolean;
  /** Print one JSON document (every variant's items and counts) instead of text. */
  json?: boolean;
}

export async function lintCommand(args: LintArgs, print: (s: string) => void): Promise<number> {
  const start = performance.now();
  if (args.maxStates !== undefined && !(Number.isInteger(args.maxStates) && args.maxStates > 0)) throw new UsageError('--max-states must be a positive integer');
  if (!args.model && (args.variant !== undefined || args.const?.length)) throw new UsageError('--variant and --const need a model: hmmcheck lint <model> --variant V');
  const models: ModelDef<any>[] = args.model ? [(await loadModel(args.model)).model] : [...registry];
  const all: VariantLint[] = [];
  for (const model of models) {
    const variants = args.variant !== undefined ? [args.variant] : Object.keys(model.variants);
    for (const variant of variants) {
      const inst = instantiate(model, variant, parseConstFlags(args.const));
      const v: VariantLint = { model: model.name, variant, lint: lintSpec(inst.spec, { maxStates: args.maxStates, strict: args.strict }) };
      all.push(v);
      if (!args.json) for (const line of formatVariantLint(v)) print(line);
    }
  }
  const t = lintTotals(all);
  const code = t.finding > 0 ? EXIT.LINT_FINDINGS : EXIT.OK;
  if (args.json) {
    print(formatJson(lintResultJson(all, t, code)));
    return code;
  }
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  print(
    `lint: ${plural(t.finding, 'finding')}, ${plural(t.warning, 'warning')}, ${plural(t.justified, 'justified exception')} in ${plural(all.length, 'variant')} of ${plural(models.length, 'model')} (${secs} s)`
      + (t.finding ? '' : args.strict ? '' : t.warning ? '; warnings name fields without a declared discipline (see README "Lint")' : ''),
  );
  return code;
}
