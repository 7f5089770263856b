/**
 * The HMM models whose thread instances are declared symmetric (`symmetric: true`): M2's
 * invalidations Inv1..Invk and M4-now's device faults F, F2. With `--symmetry` every variant
 * gives the verdict it gives without, the soundness check does not fire, fewer states are
 * stored, and the counterexample still replays on the unreduced model.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { instantiate } from '../../../checker/model/instantiate';
import { violatedProperty } from '../../../checker/report/summary';
import { itfOf } from '../../../checker/trace/itfOf';
import { replayTrace } from '../../../checker/trace/replay';
import { m2DeviceFault } from '../../../models/hmm/m2/deviceFault';
import { m4Now } from '../../../models/hmm/m4/now';
import type { ModelDef } from '../../../spec/model';

type Case = readonly [model: ModelDef<any>, variant: string, constants: Record<string, string>];
const everyVariant = (m: ModelDef<any>): Case[] => Object.keys(m.variants).map((v) => [m, v, {}]);
const cases: Case[] = [
  ...everyVariant(m2DeviceFault),
  ...everyVariant(m4Now),
  // M4-now's default has one fault thread (a trivial domain): its cheap bug variants with two.
  ...['interval-remove-lockless-wait', 'mutant-fault-skips-read-retry', 'mutant-retry-unlocks-mmap-twice'].map((v): Case => [m4Now, v, { faults: '2' }]),
];

describe('thread-instance symmetry on the HMM models', () => {
  it.each(cases.map(([m, v, c]) => [`${m.name} ${v} ${JSON.stringify(c)}`, m, v, c] as const))('%s: the same verdict with --symmetry, fewer states, and a trace that replays', (_name, model, variant, constants) => {
    const inst = instantiate(model, variant, constants);
    const plain = checkSpec(inst.spec).result;
    const reduced = checkSpec(inst.spec, { reductions: { symmetry: true } });
    const v = reduced.result.verdict;
    expect(v.kind).not.toBe('error');
    expect(v.kind).toBe(plain.verdict.kind);
    expect(violatedProperty(v)).toBe(violatedProperty(plain.verdict));
    expect(reduced.result.stats.distinct).toBeLessThanOrEqual(plain.stats.distinct);
    if (reduced.compiled.canon!.domains.some((d) => d.values.length > 1)) expect(reduced.result.stats.distinct).toBeLessThan(plain.stats.distinct);
    if (reduced.trace) {
      const replay = replayTrace(new CompiledSpec(inst.spec), itfOf(inst, reduced.result, reduced.trace));
      expect(replay).toMatchObject({ kind: 'reproduced', property: violatedProperty(v) });
    }
  });
});
