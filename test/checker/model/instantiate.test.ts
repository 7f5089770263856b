import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../checker/engine/errors';
import { instantiate } from '../../../checker/model/instantiate';
import { constant, defineModel } from '../../../spec/model';
import { spec } from '../../../spec/builder';
import { t } from '../../../spec/types';

const model = defineModel<{ N: number; mode: string; fast: boolean }>({
  name: 'test/m',
  title: 't',
  source: 'test',
  constants: { N: constant.int(1, 4, 2), mode: constant.enum(['a', 'b'], 'a'), fast: constant.bool(false) },
  variants: { fixed: { doc: '', expect: { verdict: 'holds' } }, buggy: { doc: '', expect: { verdict: 'holds' } } },
  build: ({ constants }) => spec({ n: t.int(0, 4) }).init(() => ({ n: constants.N })).build(),
});

describe('instantiate', () => {
  it('uses defaults and parses overrides by type', () => {
    expect(instantiate(model).constants).toEqual({ N: 2, mode: 'a', fast: false });
    expect(instantiate(model, 'buggy', { N: '4', mode: 'b', fast: 'true' }).constants).toEqual({ N: 4, mode: 'b', fast: true });
  });

  it("runs a variant at its bound (expect.at) over the defaults; the caller's overrides win", () => {
    const bounded = defineModel({ ...model, variants: { ...model.variants, deep: { doc: '', expect: { verdict: 'holds', at: { N: 3, mode: 'b' } } } } });
    expect(instantiate(bounded, 'deep').constants).toEqual({ N: 3, mode: 'b', fast: false });
    expect(instantiate(bounded, 'deep', { N: '1' }).constants).toEqual({ N: 1, mode: 'b', fast: false });
    expect(instantiate(bounded, 'fixed').constants).toEqual({ N: 2, mode: 'a', fast: false });
    const bad = defineModel({ ...model, variants: { ...model.variants, deep: { doc: '', expect: { verdict: 'holds', at: { N: 9 } } } } });
    expect(() => instantiate(bad, 'deep')).toThrow(new UsageError('constant N=9 is out of range; valid: N (1..4)'));
  });

  it.each([
    [['nope', {}], "model test/m has no variant 'nope'; valid: fixed, buggy"],
    [['fixed', { M: '1' }], "model test/m has no constant 'M'; valid: N (1..4), mode (a|b), fast (true|false)"],
    [['fixed', { N: '9' }], 'constant N=9 is out of range; valid: N (1..4)'],
    [['fixed', { N: '1.5' }], 'constant N=1.5 is out of range; valid: N (1..4)'],
    [['fixed', { mode: 'c' }], 'constant mode=c is not valid; valid: mode (a|b)'],
  ] as const)('rejects %j with a message listing the valid choices', ([variant, overrides], message) => {
    expect(() => instantiate(model, variant, overrides)).toThrow(new UsageError(message));
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('looks names up as own properties only: variant or constant %s is unknown', (name) => {
    expect(() => instantiate(model, name)).toThrow(new UsageError(`model test/m has no variant '${name}'; valid: fixed, buggy`));
    // As parsed from a trace file or a corpus entry: JSON.parse makes `__proto__` an own key.
    const overrides = JSON.parse(`{ ${JSON.stringify(name)}: 3 }`);
    expect(() => instantiate(model, 'fixed', overrides)).toThrow(new UsageError(`model test/m has no constant '${name}'; valid: N (1..4), mode (a|b), fast (true|false)`));
  });

  it('reports a spec that cannot be built as declared (a thread kind with no instances) as a usage error naming the model', () => {
    const zero = defineModel({
      ...model,
      name: 'test/zero',
      constants: {},
      build: () => spec({ n: t.int(0, 1) }).init(() => ({ n: 0 })).thread('T', { instances: 0, steps: [{ label: 'a' }] }).build(),
    });
    expect(() => instantiate(zero)).toThrow(
      new UsageError('model test/zero: thread T: instances must be a positive integer count or a list of distinct ids, got 0 (an empty list [] switches the kind off on purpose)'),
    );
  });
});
