/**
 * The ITF document of a check's counterexample, with the run metadata replay needs (model,
 * variant, constants, property, strategy, version). Shared by `check --out`, `check --save` and
 * `regress --update`, so every saved trace has the same shape.
 */
import type { Instance } from '../model/instantiate';
import type { CheckResult, Verdict } from '../engine/result';
import type { Finding } from '../engine/simulate';
import { verdictLine } from '../report/summary';
import { VERSION } from '../cli/version';
import { traceToItf, type ItfTrace, type TraceMeta } from './itf';
import type { Trace } from './trace';

/** What a trace file records as violated, for a check's verdict or a simulation's finding. */
export function metaProperty(v: Verdict | Finding): Pick<TraceMeta, 'property' | 'propertyKind'> {
  if (v.kind === 'violation') return { property: v.property, propertyKind: v.propertyKind };
  if (v.kind === 'deadlock') return { property: 'deadlock', propertyKind: 'deadlock' };
  if (v.kind === 'liveness') return { property: v.property, propertyKind: 'liveness' };
  return { property: 'model-error', propertyKind: 'error' };
}

export function itfOf(inst: Instance, result: CheckResult, trace: Trace, modelPath?: string): ItfTrace {
  const meta: TraceMeta = {
    model: inst.model.name,
    ...(modelPath ? { modelPath } : {}),
    variant: inst.variant,
    constants: inst.constants,
    ...metaProperty(result.verdict),
    strategy: result.strategy,
    version: VERSION,
  };
  return traceToItf(inst.spec.schema, trace, meta, verdictLine(result.verdict));
}
