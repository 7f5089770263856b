/**
 * Enumerates every outcome of a computation that makes nondeterministic choices (`ctx.choose`),
 * by re-running it once per choice path in odometer order: deterministic, so a successor is named
 * by its ordinal in this enumeration and a trace can be rebuilt by re-execution.
 *
 * HOT PATH: called once per enabled action instance; `OutcomeEnumerator` reuses its arrays and
 * context, and a computation that makes no choice runs exactly once.
 */
import type { ChoiceCtx } from '../../spec/spec';

/** Thrown inside a run when `choose([])` has no option: that path has no outcome. */
const NO_OPTION = Symbol('no option');

/** Whether `e` is the signal of an empty choice (a caller wrapping a run must let it through). */
export function isNoOption(e: unknown): boolean {
  return e === NO_OPTION;
}

export class NondeterminismError extends Error {}

export class OutcomeEnumerator {
  private readonly path: number[] = [];
  private readonly arity: number[] = [];
  private pos = 0;
  private used = false;
  readonly ctx: ChoiceCtx;

  constructor() {
    const self = this;
    this.ctx = {
      choose<T>(options: readonly T[]): T {
        return self.choose(options);
      },
    };
  }

  private choose<T>(options: readonly T[]): T {
    this.used = true;
    const { path, arity, pos } = this;
    if (pos < path.length) {
      if (arity[pos] !== options.length) {
        throw new NondeterminismError(`choose() saw ${options.length} options where an earlier run saw ${arity[pos]}: the effect is not deterministic`);
      }
    } else {
      path.push(0);
      arity.push(options.length);
    }
    if (options.length === 0) throw NO_OPTION;
    return options[path[this.pos++]!]!;
  }

  /**
   * Calls `emit(result, ordinal)` for each choice path of `run`, ordinals 0, 1, … in a fixed
   * order. Paths that hit an empty choice produce nothing (and take no ordinal).
   */
  forEach<R>(run: (ctx: ChoiceCtx) => R, emit: (result: R, ordinal: number) => void): void {
    const { path, arity } = this;
    // Left empty by every completed enumeration; reset only after an aborted one (a throw).
    if (path.length !== 0) {
      path.length = 0;
      arity.length = 0;
    }
    this.used = false;
    let ordinal = 0;
    for (;;) {
      this.pos = 0;
      let result: R | typeof NO_OPTION;
      try {
        result = run(this.ctx);
      } catch (e) {
        if (e !== NO_OPTION) throw e;
        result = NO_OPTION;
      }
      if (result !== NO_OPTION) {
        if (this.pos !== path.length) {
          throw new NondeterminismError(`choose() was called ${this.pos} times where an earlier run called it ${path.length} times: the effect is not deterministic`);
        }
        emit(result, ordinal++);
      }
      if (!this.used) return;
      // Advance the odometer; positions past `pos` were not reached on this run.
      path.length = Math.min(path.length, Math.max(this.pos, 1));
      arity.length = path.length;
      let k = path.length - 1;
      while (k >= 0 && path[k]! + 1 >= arity[k]!) k--;
      if (k < 0) {
        path.length = 0;
        arity.length = 0;
        return;
      }
      path[k]!++;
      path.length = k + 1;
      arity.length = k + 1;
    }
  }
}

/** One-off form of OutcomeEnumerator.forEach. */
export function forEachOutcome<R>(run: (ctx: ChoiceCtx) => R, emit: (result: R, ordinal: number) => void): void {
  new OutcomeEnumerator().forEach(run, emit);
}
