/**
 * The library entry point: check a spec (or a model instance) with a strategy and get the result
 * as data, with the counterexample trace rebuilt when there is one.
 *
 * @example
 * const { result, trace } = checkSpec(instantiate(model, 'fixed').spec, { strategy: 'bfs' });
 * if (result.verdict.kind === 'violation') console.log(result.verdict.property, trace!.steps.length);
 */
import type { Spec } from '../spec/spec';
import { bfs } from './engine/bfs';
import { CompiledSpec, type EffectMode } from './engine/compiled';
import { dfs } from './engine/dfs';
import type { ExploreOptions } from './engine/explorer';
import type { CheckResult } from './engine/result';
import { rebuildTrace, type Trace } from './trace/trace';

export interface CheckOptions extends ExploreOptions {
  strategy?: 'bfs' | 'dfs';
  /** How effects run when `spec` is not already compiled: generated copies (default) or immer drafts. */
  effects?: EffectMode;
}

export interface CheckOutcome {
  readonly result: CheckResult;
  /** The counterexample (violation, deadlock, or the state where a model error happened). */
  readonly trace?: Trace;
  readonly compiled: CompiledSpec;
}

export function checkSpec(spec: Spec | CompiledSpec, opts: CheckOptions = {}): CheckOutcome {
  const compiled = spec instanceof CompiledSpec ? spec : new CompiledSpec(spec, opts.effects);
  const run = (opts.strategy ?? 'bfs') === 'dfs' ? dfs : bfs;
  const { result, explorer } = run(compiled, opts);
  const v = result.verdict;
  const at = v.kind === 'violation' || v.kind === 'deadlock' || v.kind === 'error' ? v.at : undefined;
  let trace: Trace | undefined;
  if (at) {
    try {
      trace = rebuildTrace(compiled, explorer.log, at);
    } catch (e) {
      // A model error can also break re-execution; the verdict still stands without a trace.
      if (v.kind !== 'error') throw e;
    }
  }
  return { result, trace, compiled };
}
