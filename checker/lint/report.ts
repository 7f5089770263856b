/**
 * The lint report as text: per model and variant a header line, then one line per item — the
 * step label, what is wrong, the fields and the locks the thread held (or the justification of an
 * `atomic` step). Findings first, then warnings, then justified exceptions.
 */
import type { LintItem, LintSeverity, SpecLint } from './audit';

export interface VariantLint {
  readonly model: string;
  readonly variant: string;
  readonly lint: SpecLint;
}

const ORDER: Record<LintSeverity, number> = { finding: 0, warning: 1, justified: 2 };

/** `1 finding`, `2 findings`. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** One item as one line. */
export function formatLintItem(item: LintItem): string {
  const head = `${item.severity.padEnd(9)} ${item.step ? `${item.step}: ` : ''}${item.message}`;
  if (item.code === 'atomic') return `${head}: "${item.why}"`;
  if (!item.step) return item.fields.length ? `${head}: ${item.fields.join(', ')}` : head;
  return `${head}: ${item.fields.join(', ')}; locks held: ${item.locks.length ? item.locks.join(', ') : 'none'}`;
}

/** The report of one model variant: a header and its items, indented. */
export function formatVariantLint(v: VariantLint): string[] {
  const { lint } = v;
  const count = (s: LintSeverity) => lint.items.filter((i) => i.severity === s).length;
  const head = `${v.model} ${v.variant}: ${plural(lint.states, 'state')}, ${plural(lint.steps, 'thread step')} — `
    + `${plural(count('finding'), 'finding')}, ${plural(count('warning'), 'warning')}, ${count('justified')} justified`;
  const items = [...lint.items].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return [head, ...items.map((i) => `  ${formatLintItem(i)}`)];
}

/** Totals over every linted variant. */
export function lintTotals(all: readonly VariantLint[]): Record<LintSeverity, number> {
  const t: Record<LintSeverity, number> = { finding: 0, warning: 0, justified: 0 };
  for (const v of all) for (const i of v.lint.items) t[i.severity]++;
  return t;
}
