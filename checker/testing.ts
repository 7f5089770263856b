/**
 * Assertions for users' own test files (vitest, jest, node:test — they only throw): check a model
 * or spec and fail with a readable message that includes the counterexample, step by step with
 * the variables each step changed.
 *
 * @example
 * import { expectHolds, expectViolation } from 'hmmcheck/checker/testing';
 * it('finds H1', () => expectViolation(m1Mirror2015, { variant: 'v8-unregister-race', property: 'INV-UAF-D', maxSteps: 17 }));
 * it('fixed holds', () => expectHolds(m1Mirror2015, { distinct: 142 }));
 */
import type { ConstValue, ModelDef } from '../spec/model';
import type { Spec } from '../spec/spec';
import { checkSpec, type CheckOutcome } from './check';
import { instantiate } from './model/instantiate';
import { verdictLine, violatedProperty } from './report/summary';
import { formatTrace } from './report/traceText';
import type { Trace } from './trace/trace';

/** Which instance of a model to check: the variant and constant overrides (ignored for a built spec). */
export interface TargetOptions {
  /** Model variant (models only; default `fixed`). */
  variant?: string;
  /** Constant overrides (models only). */
  constants?: Record<string, string | ConstValue>;
}

function resolve(target: ModelDef<any> | Spec, opts: TargetOptions): { spec: Spec; name: string } {
  const isModel = 'build' in target && 'variants' in target;
  const spec = isModel ? instantiate(target, opts.variant ?? 'fixed', opts.constants ?? {}).spec : (target as Spec);
  return { spec, name: isModel ? `${target.name} variant ${opts.variant ?? 'fixed'}` : 'spec' };
}

function run(target: ModelDef<any> | Spec, opts: TargetOptions): CheckOutcome & { spec: Spec; name: string } {
  const r = resolve(target, opts);
  return { ...checkSpec(r.spec), ...r };
}

function traceText(out: { spec: Spec; trace?: Trace }): string {
  return out.trace ? `\n${formatTrace(out.spec.schema, out.trace)}` : '';
}

/** Fails unless checking violates `property` (invariant, action or temporal property), in at most `maxSteps` steps. */
export function expectViolation(target: ModelDef<any> | Spec, opts: TargetOptions & { property: string; maxSteps?: number }): Trace {
  const out = run(target, opts);
  const v = out.result.verdict;
  const got = violatedProperty(v);
  if (got !== opts.property) {
    const what = v.kind === 'holds' ? `every property holds (${out.result.stats.distinct.toLocaleString('en-US')} distinct states)` : verdictLine(v);
    throw new Error(`${out.name}: expected a violation of ${opts.property}, but ${what}${traceText(out)}`);
  }
  const steps = out.trace!.steps.length - 1;
  if (opts.maxSteps !== undefined && steps > opts.maxSteps) {
    throw new Error(`${out.name}: ${opts.property} is violated, but in ${steps} steps, more than the expected ${opts.maxSteps}${traceText(out)}`);
  }
  return out.trace!;
}

/** Fails unless every property holds (and, if given, exactly `distinct` states are reachable). */
export function expectHolds(target: ModelDef<any> | Spec, opts: TargetOptions & { distinct?: number } = {}): void {
  const out = run(target, opts);
  const v = out.result.verdict;
  if (v.kind !== 'holds') throw new Error(`${out.name}: expected every property to hold, but: ${verdictLine(v)}${traceText(out)}`);
  const n = out.result.stats.distinct;
  if (opts.distinct !== undefined && n !== opts.distinct) {
    throw new Error(`${out.name}: every property holds, but with ${n.toLocaleString('en-US')} distinct states, not the expected ${opts.distinct.toLocaleString('en-US')}`);
  }
}

/**
 * The invariants violated in some reachable state, in declaration order: what a search per
 * invariant would find, from one exhaustive search that evaluates every invariant on every state
 * and goes on past violations (deadlock and temporal properties are not checked; an action
 * property or a model error still ends the search, and then the list is what was seen before it).
 * For "this bug variant violates only what its doc says".
 *
 * @example
 * expect(violatedInvariants(m4Now, { variant: 'swap-fault-no-page-ref' })).toEqual(['INV-PGMAP', 'INV-NOERR']);
 */
export function violatedInvariants(target: ModelDef<any> | Spec, opts: TargetOptions = {}): string[] {
  const { spec } = resolve(target, opts);
  const seen = new Set<string>();
  const recording: Spec = {
    ...spec,
    checkDeadlock: false,
    invariants: spec.invariants.map((i) => ({ ...i, check: (s: unknown) => (i.check(s) || seen.add(i.name), true) })),
  };
  checkSpec(recording, { liveness: false });
  return spec.invariants.map((i) => i.name).filter((n) => seen.has(n));
}
