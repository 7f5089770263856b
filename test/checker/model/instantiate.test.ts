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

  it.each([
    [['nope', {}], "model test/m has no variant 'nope'; valid: fixed, buggy"],
    [['fixed', { M: '1' }], "model test/m has no constant 'M'; valid: N (1..4), mode (a|b), fast (true|false)"],
    [['fixed', { N: '9' }], 'constant N=9 is out of range; valid: N (1..4)'],
    [['fixed', { N: '1.5' }], 'constant N=1.5 is out of range; valid: N (1..4)'],
    [['fixed', { mode: 'c' }], 'constant mode=c is not valid; valid: mode (a|b)'],
  ] as const)('rejects %j with a message listing the valid choices', ([variant, overrides], message) => {
    expect(() => instantiate(model, variant, overrides)).toThrow(new UsageError(message));
  });
});
