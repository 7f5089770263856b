/**
 * `--json` output validated against the published schema (docs/hmmcheck-result.schema.json):
 * real runs of check (holds, a safety violation, a lasso, a model error, DFS over a model with
 * temporal properties), lint, and errors, which are JSON documents too with unchanged exit codes.
 * Child processes throughout.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_VERSION } from '../../../checker/cli/jsonOutput';
import { VERSION } from '../../../checker/cli/version';
import { runCli, type CliRun } from '../../support/cli';

const schemaPath = fileURLToPath(new URL('../../../docs/hmmcheck-result.schema.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
// ajv ships CommonJS: its class is the default export's default under ESM interop.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module;
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** The one JSON document on stdout, after checking it against the schema. */
function documentOf(r: CliRun): any {
  const doc = JSON.parse(r.stdout);
  const ok = validate(doc);
  expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
  expect(doc.schemaVersion).toBe(JSON_SCHEMA_VERSION);
  expect(doc.hmmcheck).toBe(VERSION);
  expect(doc.exitCode).toBe(r.code);
  return doc;
}

describe('check --json conforms to docs/hmmcheck-result.schema.json', () => {
  it('reference/twophase --const RM=7: holds, with the counts of the text report', () => {
    const r = runCli(['check', 'reference/twophase', '--const', 'RM=7', '--json']);
    expect(r.code).toBe(0);
    const doc = documentOf(r);
    expect(doc).toMatchObject({ kind: 'check-result', command: 'check', model: 'reference/twophase', variant: 'fixed', constants: { RM: 7 }, strategy: 'bfs' });
    expect(doc.verdict).toEqual({ kind: 'holds', text: 'No error has been found: every property holds.' });
    expect(doc.stats).toMatchObject({ distinct: 296_448, depth: 23 });
    expect(doc.properties).toEqual({ invariants: ['TPTypeOK', 'TCConsistent'], actionProperties: [], deadlock: true, temporal: [] });
    expect(doc.trace).toBeUndefined();
    // The schema is strict: an undocumented field (say a progress-only count in stats) fails it.
    expect(validate({ ...doc, stats: { ...doc.stats, queue: 0 } })).toBe(false);
  });

  it('an HMM bug variant: a safety violation with its ITF trace', () => {
    const r = runCli(['check', 'hmm/m1-mirror-2015', '--variant', 'v8-unregister-race', '--workers', '1', '--json']);
    expect(r.code).toBe(12);
    const doc = documentOf(r);
    expect(doc.verdict).toEqual({ kind: 'violation', property: 'INV-UAF-D', propertyKind: 'invariant', text: 'Error: invariant INV-UAF-D is violated.' });
    expect(doc.trace['#meta'].hmmcheck).toMatchObject({ model: 'hmm/m1-mirror-2015', variant: 'v8-unregister-race', property: 'INV-UAF-D', propertyKind: 'invariant' });
    expect(doc.trace.states.length).toBeGreaterThan(1);
  });

  it('a liveness violation: the lasso, with its loop index', () => {
    const r = runCli(['check', 'test/fixtures/workStarvation.ts', '--variant', 'spin-preempt-off', '--json']);
    expect(r.code).toBe(13);
    const doc = documentOf(r);
    expect(doc.verdict.kind).toBe('liveness');
    expect(doc.modelPath).toBe('test/fixtures/workStarvation.ts');
    expect(Number.isInteger(doc.trace.loop)).toBe(true);
  });

  it('--strategy dfs on a model with temporal properties says which it did not check, not as a warning', () => {
    const r = runCli(['check', 'test/fixtures/workStarvation.ts', '--variant', 'fixed', '--strategy', 'dfs', '--json']);
    expect(r.code).toBe(0);
    const doc = documentOf(r);
    expect(doc.properties.temporal).toEqual([]);
    expect(doc.properties.notChecked).toEqual({ properties: ['WorkRuns'], reason: '--strategy dfs checks invariants, action properties and deadlock only; use bfs' });
    expect(doc.verdict.text).toBe('No error has been found: every checked property holds; temporal property WorkRuns was not checked (--strategy dfs checks invariants, action properties and deadlock only; use bfs).');
    expect(doc.warnings).toEqual([]);
  });

  it('a model error is a result (exit 75), with the one line on stderr as well', () => {
    const r = runCli(['check', 'test/fixtures/modelMistakes.ts', '--variant', 'adds-field', '--workers', '1', '--json']);
    expect(r.code).toBe(75);
    const doc = documentOf(r);
    expect(doc.verdict).toMatchObject({ kind: 'error', message: 'Inc: state has a field "lokc" not in its schema (record {n, lock, m})' });
    expect(r.stderr).toBe('hmmcheck: model error: Inc: state has a field "lokc" not in its schema (record {n, lock, m})\n');
  });
});

describe('errors under --json are one JSON document on stdout, with the same exit code and stderr line', () => {
  it.each([
    [['check', 'no/such-model', '--json'], 150, 'usage', /^unknown model 'no\/such-model'/],
    [['check', 'reference/twophase', '--json', '--bogus'], 150, 'usage', /^Unknown argument: bogus \(see hmmcheck --help\)$/],
    [['check', 'reference/twophase', '--const', 'RM=99', '--json'], 150, 'usage', /RM/],
    [['lint', 'no/such-model', '--json'], 150, 'usage', /^unknown model 'no\/such-model'/],
  ])('%j exits %i', (argv, code, errorClass, message) => {
    const r = runCli(argv);
    expect(r.code).toBe(code);
    const doc = documentOf(r);
    expect(doc).toMatchObject({ kind: 'error', command: argv[0], error: { class: errorClass } });
    expect(doc.error.message).toMatch(message);
    expect(r.stderr).toBe(`hmmcheck: ${doc.error.message}\n`);
  });

  it('without --json, errors stay plain text', () => {
    const r = runCli(['check', 'no/such-model']);
    expect(r.code).toBe(150);
    expect(r.stdout).toBe('');
  });
});

describe('lint --json conforms to the schema', () => {
  it('test/fixtures/lintPair.ts: a finding (exit 1)', () => {
    const r = runCli(['lint', 'test/fixtures/lintPair.ts', '--variant', 'two-lockless-reads', '--json']);
    expect(r.code).toBe(1);
    const doc = documentOf(r);
    expect(doc).toMatchObject({ kind: 'lint-result', command: 'lint', totals: { finding: 1, warning: 0, justified: 0 } });
  });
});
