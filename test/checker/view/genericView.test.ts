/**
 * Traces hmmcheck did not write (Quint, Apalache): the variable groups that become lanes, values
 * printed without a schema, and the view built from a Quint two-phase-commit trace
 * (test/fixtures/quint-two-phase-commit.itf.json, as `quint run --mbt --out-itf` writes it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ItfError } from '../../../checker/trace/itf';
import { parseAnyItf } from '../../../checker/trace/genericItf';
import { buildGenericTraceView, UNKNOWN_MODEL_NOTE } from '../../../checker/view/genericView';
import { renderTraceHtml } from '../../../checker/view/html';
import { formatItfValue } from '../../../checker/view/itfValueText';
import { formatTraceViewText } from '../../../checker/view/text';
import { variableGroups } from '../../../checker/view/variableGroups';

const QUINT = 'test/fixtures/quint-two-phase-commit.itf.json';

describe('variableGroups', () => {
  it('groups by qualifier or by a first word shared with another variable; others alone, in order', () => {
    expect(variableGroups(['rmState', 'tmState', 'tmPrepared', 'msgs'])).toEqual([['rmState', ['rmState']], ['tm', ['tmState', 'tmPrepared']], ['msgs', ['msgs']]]);
    expect(variableGroups(['rm_state', 'rm_prepared', 'tm_state'])).toEqual([['rm', ['rm_state', 'rm_prepared']], ['tm_state', ['tm_state']]]);
    expect(variableGroups(['inst::n', 'x', 'inst::m', 'proc.pc'])).toEqual([['inst', ['inst::n', 'inst::m']], ['x', ['x']], ['proc', ['proc.pc']]]);
  });
});

describe('formatItfValue', () => {
  it('prints ITF values as hmmcheck prints its own, Quint variants as Tag(value)', () => {
    expect(formatItfValue({ '#bigint': '12345678901234567890' })).toBe('12345678901234567890');
    expect(formatItfValue({ '#set': ['a', 1] })).toBe('{a, 1}');
    expect(formatItfValue({ '#tup': [1, true] })).toBe('<<1, true>>');
    expect(formatItfValue([1, 2])).toBe('<<1, 2>>');
    expect(formatItfValue({ '#map': [['k', { '#bigint': '3' }]] })).toBe('(k :> 3)');
    expect(formatItfValue({ a: 1, b: { '#set': [] } })).toBe('{ a: 1, b: {} }');
    expect(formatItfValue({ tag: 'Working', value: { '#tup': [] } })).toBe('Working');
    expect(formatItfValue({ tag: 'RMPrepared', value: 'rm2' })).toBe('RMPrepared(rm2)');
  });
});

describe('a Quint trace', () => {
  const parsed = parseAnyItf(readFileSync(QUINT, 'utf8'));
  if (parsed.kind !== 'generic') throw new Error('expected a generic trace');
  const view = buildGenericTraceView(parsed.doc);

  it('has a lane per variable group, steps named by mbt::actionTaken and its picks, no property', () => {
    expect(view.lanes.map((l) => l.id)).toEqual(['messages', 'preparedResourceManagers', 'resourceManagerStates', 'transactionManagerState']);
    expect(view.steps.map((s) => s.label)).toEqual([
      'init', 'prepare(rm=rm2)', 'addPreparedResourceManager(rm=rm2)', 'prepare(rm=rm1)', 'abort(rm=rm3)', 'decideOnAbort', 'abort(rm=rm1)', 'abort(rm=rm2)',
    ]);
    expect(view).toMatchObject({ model: 'two_phase_commit.qnt', propertyKind: 'none', violationStep: null, unknownModel: UNKNOWN_MODEL_NOTE });
  });

  it('puts a step in the first lane it changes and marks the others', () => {
    const prepare = view.steps[1]!;
    expect([prepare.lane, prepare.touches]).toEqual(['messages', ['resourceManagerStates']]);
    expect(prepare.changes.map((c) => `${c.path}: ${c.before} -> ${c.after}`)).toEqual(['messages: {} -> {RMPrepared(rm2)}', 'resourceManagerStates[rm2]: Working -> Prepared']);
    expect(view.steps[4]).toMatchObject({ lane: 'resourceManagerStates', doc: 'changes resourceManagerStates' });
    expect(view.steps[4]!.touches).toBeUndefined();
  });

  it('shows a map as a group of rows, one per key', () => {
    expect(view.rows.filter((r) => r.path.startsWith('resourceManagerStates')).map((r) => [r.path, r.leaf])).toEqual([
      ['resourceManagerStates', false], ['resourceManagerStates[rm1]', true], ['resourceManagerStates[rm2]', true], ['resourceManagerStates[rm3]', true],
    ]);
    expect(view.finalState).toContain('resourceManagerStates = (rm1 :> Aborted, rm2 :> Aborted, rm3 :> Aborted)');
  });

  it('renders as HTML and as text with the note and the lanes', () => {
    const html = renderTraceHtml(view);
    expect(html).toContain(`<p class="unknown-model" data-testid="unknown-model">${UNKNOWN_MODEL_NOTE}</p>`);
    expect(html.match(/data-testid="lane"/g)).toHaveLength(4);
    expect(html.match(/data-testid="step-box-also"/g)).toHaveLength(3); // both prepares and decideOnAbort change two lanes
    expect(html).toContain('7 steps · 4 variable groups');
    const text = formatTraceViewText(view, { width: 200 }).split('\n');
    expect(text.slice(0, 3)).toEqual(['two_phase_commit.qnt: 7 steps', UNKNOWN_MODEL_NOTE, 'Lanes: messages; preparedResourceManagers; resourceManagerStates; transactionManagerState.']);
    expect(text).toContain(' 1  prepare(rm=rm2)  |                                   *                      |                        changes messages, resourceManagerStates');
  });
});

describe('parseAnyItf', () => {
  it('checks a generic trace\'s outline, and an hmmcheck trace as parseItf does', () => {
    expect(() => parseAnyItf('{"states": [{}]}')).toThrow(new ItfError('missing vars (a list of variable names)'));
    expect(() => parseAnyItf('{"vars": [], "states": []}')).toThrow(new ItfError('no states'));
    expect(() => parseAnyItf('{"vars": [], "states": [{}], "loop": 3}')).toThrow('loop must be the index of a state of the trace, an integer 0..0; found 3');
    expect(parseAnyItf('{"vars": ["n"], "states": [{"n": 1}], "loop": null}')).toEqual({ kind: 'generic', doc: { vars: ['n'], states: [{ n: 1 }] } });
    expect(() => parseAnyItf('{"#meta": {"hmmcheck": {}}, "vars": [], "states": [{}]}')).toThrow('#meta.hmmcheck must name model, variant, constants and property');
  });
});
