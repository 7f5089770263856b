/**
 * The machine-readable output of `--json` (check, lint): one JSON document on stdout per run,
 * a result or an error, versioned by `schemaVersion` and described by docs/hmmcheck-result.schema.json
 * (docs/json.md). Exit codes are the same as without --json.
 */
import type { CheckResult, Verdict } from '../engine/result';
import type { CheckedProperties } from '../report/checkedProperties';
import { verdictLine } from '../report/summary';
import type { ItfTrace } from '../trace/itf';
import type { VariantLint } from '../lint/report';
import type { LintSeverity } from '../lint/audit';
import type { ConstValue } from '../../spec/model';
import { VERSION } from './version';

/**
 * The schema's major version: bumped when a field is removed, renamed or changes meaning. Added
 * fields keep it (the published schema is updated with them); readers should ignore fields they
 * do not know.
 */
export const JSON_SCHEMA_VERSION = 1;

/** Commands that take `--json`; under it their errors are JSON documents too. */
export const JSON_COMMANDS: readonly string[] = ['check', 'lint'];

interface Envelope<K extends string> {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly kind: K;
  readonly command: string;
  /** hmmcheck's version. */
  readonly hmmcheck: string;
  /** The process's exit code (the same as without --json). */
  readonly exitCode: number;
}

function envelope<K extends string>(kind: K, command: string, exitCode: number): Envelope<K> {
  return { schemaVersion: JSON_SCHEMA_VERSION, kind, command, hmmcheck: VERSION, exitCode };
}

/** A verdict without the checker's internal state indices (the trace carries the states). */
export type JsonVerdict =
  | { readonly kind: 'holds'; readonly text: string }
  | { readonly kind: 'violation'; readonly property: string; readonly propertyKind: 'invariant' | 'action'; readonly text: string }
  | { readonly kind: 'deadlock'; readonly text: string }
  | { readonly kind: 'liveness'; readonly property: string; readonly fairness: string; readonly text: string }
  | { readonly kind: 'error'; readonly message: string; readonly text: string }
  | { readonly kind: 'incomplete'; readonly reason: 'max-states' | 'max-depth' | 'interrupted'; readonly text: string };

export function jsonVerdict(v: Verdict, text = verdictLine(v)): JsonVerdict {
  switch (v.kind) {
    case 'holds': return { kind: 'holds', text };
    case 'violation': return { kind: 'violation', property: v.property, propertyKind: v.propertyKind, text };
    case 'deadlock': return { kind: 'deadlock', text };
    case 'liveness': return { kind: 'liveness', property: v.property, fairness: v.fairness, text };
    case 'error': return { kind: 'error', message: v.message, text };
    case 'incomplete': return { kind: 'incomplete', reason: v.reason, text };
  }
}

export interface CheckRun {
  readonly model: string;
  /** The spec module's path, relative to the working folder, for a model loaded from a file. */
  readonly modelPath?: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly workers: number;
  readonly reductions: { readonly symmetry: boolean; readonly view: boolean; readonly por: boolean };
  readonly properties: CheckedProperties;
}

/**
 * The `check --json` document.
 *
 * @example
 * print(JSON.stringify(checkResultJson(run, result, verdictText, itf, exitCodeOf(result.verdict)), null, 1));
 */
export function checkResultJson(run: CheckRun, result: CheckResult, verdictText: string, trace: ItfTrace | undefined, exitCode: number) {
  return {
    ...envelope('check-result', 'check', exitCode),
    model: run.model,
    ...(run.modelPath !== undefined ? { modelPath: run.modelPath } : {}),
    variant: run.variant,
    constants: run.constants,
    strategy: result.strategy,
    workers: run.workers,
    reductions: run.reductions,
    properties: run.properties,
    verdict: jsonVerdict(result.verdict, verdictText),
    stats: result.stats,
    coverage: result.coverage,
    warnings: result.warnings,
    ...(trace ? { trace } : {}),
  };
}

/** The `lint --json` document: every linted variant's items, and the totals. */
export function lintResultJson(variants: readonly VariantLint[], totals: Record<LintSeverity, number>, exitCode: number) {
  return { ...envelope('lint-result', 'lint', exitCode), totals, variants };
}

/** What kind of error ended the run: the one-line message on stderr says the same. */
export type JsonErrorClass = 'usage' | 'model' | 'internal' | 'interrupted';

/** The document printed instead of a result when a `--json` run fails. */
export function errorJson(command: string, errorClass: JsonErrorClass, message: string, exitCode: number) {
  return { ...envelope('error', command, exitCode), error: { class: errorClass, message } };
}

/** The command of `argv` when it asks for JSON (`--json` on a command that has it), else undefined. */
export function jsonCommandOf(argv: readonly string[]): string | undefined {
  const command = argv.find((a) => !a.startsWith('-'));
  return command !== undefined && JSON_COMMANDS.includes(command) && argv.includes('--json') ? command : undefined;
}

/** One document, as printed. */
export function formatJson(doc: unknown): string {
  return JSON.stringify(doc, null, 1);
}
