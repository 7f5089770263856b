/**
 * Silent model mistakes are reported: an effect that adds a field (exit 75, naming the action and
 * the field), an effect that returns a value (exit 75, on both effect paths), a thread kind without
 * instances (a configuration error, exit 150). Fixture: test/fixtures/modelMistakes.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { UsageError } from '../../../checker/engine/errors';
import { instantiate } from '../../../checker/model/instantiate';
import mistakes from '../../fixtures/modelMistakes';
import { runCli } from '../../support/cli';

const FIXTURE = 'test/fixtures/modelMistakes.ts';

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('model mistakes through the CLI: one line, the documented exit code', () => {
  it.each([
    ['adds-field', 'fast', 75, 'hmmcheck: model error: Inc: state has a field "lokc" not in its schema (record {n, lock, m})'],
    ['adds-map-key', 'immer', 75, 'hmmcheck: model error: Inc: state.m has a field "c" not in its schema (map over {a, b})'],
    ['returns-state', 'fast', 75, 'hmmcheck: model error: Inc: effects mutate the draft; return nothing (the effect returned an object)'],
    ['returns-state', 'immer', 75, 'hmmcheck: model error: Inc: effects mutate the draft; return nothing (the effect returned an object)'],
    ['no-instances', 'fast', 150, 'hmmcheck: model fixtures/model-mistakes: thread T: instances must be a positive integer count or a list of distinct ids, got 0 (an empty list [] switches the kind off on purpose)'],
  ])('%s (--effects %s) exits %i', (variant, effects, code, message) => {
    const r = runCli(['check', FIXTURE, '--variant', variant, '--effects', effects, '--workers', '1']);
    expect(r.code).toBe(code);
    expect(oneLine(r.stderr)).toBe(message);
  });

  it('the same model without a mistake holds', () => {
    expect(runCli(['check', FIXTURE, '--workers', '1']).code).toBe(0);
  });
});

describe('model mistakes on both effect paths', () => {
  for (const effects of ['fast', 'immer'] as const) {
    it(`--effects ${effects}: an added field or map key, and a returned value, are model errors naming the action`, () => {
      const verdict = (variant: string) => checkSpec(instantiate(mistakes, variant).spec, { effects }).result.verdict;
      expect(verdict('fixed')).toMatchObject({ kind: 'holds' });
      expect(verdict('adds-field')).toMatchObject({ kind: 'error', message: 'Inc: state has a field "lokc" not in its schema (record {n, lock, m})' });
      expect(verdict('adds-map-key')).toMatchObject({ kind: 'error', message: 'Inc: state.m has a field "c" not in its schema (map over {a, b})' });
      expect(verdict('returns-state')).toMatchObject({ kind: 'error', message: 'Inc: effects mutate the draft; return nothing (the effect returned an object)' });
      expect(verdict('step-returns')).toMatchObject({ kind: 'error', message: 'T.set: effects mutate the draft; return nothing (the effect returned 1)' });
    });
  }

  it('a thread kind without instances is refused when the spec is built', () => {
    expect(() => instantiate(mistakes, 'no-instances')).toThrow(UsageError);
  });
});
