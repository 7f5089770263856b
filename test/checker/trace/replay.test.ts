import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { traceToItf, type ItfTrace } from '../../../checker/trace/itf';
import { replayTrace } from '../../../checker/trace/replay';
import jugs from '../../fixtures/jugs';

const cs = new CompiledSpec(jugs);
const { trace } = checkSpec(cs);
const meta = { model: 'jugs', variant: 'fixed', constants: {}, property: 'NotSolved', propertyKind: 'invariant' as const, strategy: 'bfs', version: '0' };
const doc = (): ItfTrace => JSON.parse(JSON.stringify(traceToItf(jugs.schema, trace!, meta, '')));

describe('replayTrace', () => {
  it('reproduces the violation of a saved trace', () => {
    expect(replayTrace(cs, doc())).toEqual({ kind: 'reproduced', property: 'NotSolved', propertyKind: 'invariant', steps: 6 });
  });

  it('names the step whose state the action does not produce', () => {
    const d = doc();
    (d.states[3] as any).small = 1;
    expect(replayTrace(cs, d)).toEqual({
      kind: 'diverged',
      step: 3,
      reason: 'EmptySmall does not produce the recorded state (small: model gives 0, trace has 1)',
    });
  });

  it('names an action that is not enabled, or unknown', () => {
    const d = doc();
    (d.states[2]!['#meta'] as any).action = 'Nope';
    expect(replayTrace(cs, d)).toMatchObject({ kind: 'diverged', step: 2, reason: "the model has no action instance 'Nope'" });
  });

  it('rejects a first state that is not initial', () => {
    const d = doc();
    (d.states[0] as any).big = 5;
    expect(replayTrace(cs, d)).toMatchObject({ kind: 'diverged', step: 0 });
  });

  it('says when a valid behaviour no longer violates its property', () => {
    const d = doc();
    d.states.length = 3;
    expect(replayTrace(cs, d)).toEqual({ kind: 'not-violated', property: 'NotSolved', steps: 2 });
  });
});
