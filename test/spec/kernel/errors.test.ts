import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, forbid, freeableFields, kfree, noError, PRIMITIVE_ERRORS, raise, touch } from '../../../spec/kernel/errors';
import { t } from '../../../spec/types';

describe('error-state helpers', () => {
  it('errType lists the model codes and the primitives codes once', () => {
    const ty = errType('UAF_DEV', 'UNLOCK_NOT_HELD');
    expect(ty.kind).toBe('optional');
    expect([...ty.inner.values].sort()).toEqual(['UAF_DEV', ...PRIMITIVE_ERRORS].sort());
  });

  it('raise keeps the first error; touch and kfree name the freed object', () => {
    const d = { err: null as string | null, dev: { freed: false } };
    expect(touch(d, d.dev, 'UAF_DEV')).toBe(true);
    kfree(d, d.dev, 'UAF_DEV');
    expect(d.err).toBeNull();
    expect(touch(d, d.dev, 'UAF_DEV')).toBe(false);
    expect(d.err).toBe('UAF_DEV');
    raise(d, 'UNLOCK_NOT_HELD');
    expect(d.err).toBe('UAF_DEV');
  });

  it('forbid checks one error class, noError all of them', () => {
    const inv = forbid('UAF_DEV', 'UAF_MIRROR');
    expect(inv({ err: null })).toBe(true);
    expect(inv({ err: 'UAF_MIRROR' })).toBe(false);
    expect(inv({ err: 'UNLOCK_NOT_HELD' })).toBe(true);
    expect(noError({ err: 'UNLOCK_NOT_HELD' })).toBe(false);
    expect(() => forbid()).toThrow(/at least one/);
  });

  it('in a spec, the per-class invariant names the error and the trace ends at the offending step', () => {
    const sp = spec({ err: errType('UAF_DEV'), dev: t.record(freeableFields()) })
      .init(() => ({ err: null, dev: { freed: false } }))
      .thread('A', { instances: ['A'], steps: [{ label: 'USE', effect: (d) => void touch(d, d.dev, 'UAF_DEV') }] })
      .thread('B', { instances: ['B'], steps: [{ label: 'FREE', effect: (d) => kfree(d, d.dev, 'UAF_DEV') }] })
      .invariant('INV-UAF-D', forbid('UAF_DEV'))
      .invariant('INV-NOERR', noError)
      .build();
    const { result, trace } = checkSpec(sp);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-D' });
    expect(trace!.steps.slice(1).map((s) => s.label)).toEqual(['B.FREE', 'A.USE']);
    expect(trace!.steps.at(-1)!.state.err).toBe('UAF_DEV');
  });
});
