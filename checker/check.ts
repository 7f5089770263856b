/**
 * The library entry point: check a spec (or a model instance) with a strategy and get the result
 * as data, with the counterexample trace rebuilt when there is one.
 *
 * @example
 * const { result, trace } = checkSpec(instantiate(model, 'fixed').spec, { strategy: 'bfs' });
 * if (result.verdict.kind === 'violation') console.log(result.verdict.property, trace!.steps.length);
 */
import type { Spec } from '../spec/spec';
import { bfsFrontier } from './engine/bfs';
import { CompiledSpec, type EffectMode, type Reductions } from './engine/compiled';
import { dfsFrontier } from './engine/dfs';
import { runExhaustive, runExhaustiveAsync, type RunOutcome } from './engine/run';
import type { ExploreOptions } from './engine/explorer';
import { traceRefOf, type CheckResult } from './engine/result';
import { rebuildIndexPath, rebuildTrace, type Trace } from './trace/trace';
import { LiveGraph } from './liveness/graph';
import { livenessPredicates, recordsGraph } from './liveness/check';
import { temporalSkipReason, temporalSkipWarning } from './report/checkedProperties';

export interface CheckOptions extends ExploreOptions {
  strategy?: 'bfs' | 'dfs';
  /** How effects run when `spec` is not already compiled: generated copies (default) or immer drafts. */
  effects?: EffectMode;
  /** Check the spec's temporal properties (default: when it has any; needs BFS). */
  liveness?: boolean;
  /** State-space reductions (when `spec` is not already compiled). */
  reductions?: Reductions;
}

export interface CheckOutcome {
  readonly result: CheckResult;
  /** The counterexample (violation, deadlock, or the state where a model error happened). */
  readonly trace?: Trace;
  readonly compiled: CompiledSpec;
}

function prepare(spec: Spec | CompiledSpec, opts: CheckOptions) {
  const compiled = spec instanceof CompiledSpec ? spec : new CompiledSpec(spec, opts.effects, opts.reductions);
  const strategy = opts.strategy ?? 'bfs';
  const wantLive = (opts.liveness ?? true) && compiled.spec.liveness.length > 0;
  const graph = strategy === 'bfs' && recordsGraph(compiled, opts.liveness) ? new LiveGraph(livenessPredicates(compiled)) : undefined;
  const runOpts = { ...opts, graph };
  const frontier = strategy === 'dfs' ? dfsFrontier(compiled, runOpts) : bfsFrontier(compiled, runOpts);
  return { compiled, strategy, wantLive, graph, runOpts, frontier };
}

function finish(p: ReturnType<typeof prepare>, { result: raw, explorer }: RunOutcome): CheckOutcome {
  const { compiled, wantLive, graph } = p;
  const skipped = temporalSkipWarning(temporalSkipReason({ strategy: p.strategy, por: Boolean(compiled.por) }) ?? 'temporal properties were skipped');
  const result = wantLive && !graph ? { ...raw, warnings: [...raw.warnings, skipped] } : raw;
  const v = result.verdict;
  if (v.kind === 'liveness') {
    const trace = rebuildIndexPath(compiled, explorer.log, explorer.seen, graph!.edges, v.lasso.path, v.lasso.loop);
    return { result, trace, compiled };
  }
  const at = traceRefOf(v);
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

export function checkSpec(spec: Spec | CompiledSpec, opts: CheckOptions = {}): CheckOutcome {
  const p = prepare(spec, opts);
  return finish(p, runExhaustive(p.compiled, p.runOpts, p.strategy, p.frontier));
}

/** As checkSpec, returning to the event loop now and then so signals and timers are handled. */
export async function checkSpecAsync(spec: Spec | CompiledSpec, opts: CheckOptions = {}): Promise<CheckOutcome> {
  const p = prepare(spec, opts);
  return finish(p, await runExhaustiveAsync(p.compiled, p.runOpts, p.strategy, p.frontier));
}
