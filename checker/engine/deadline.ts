/**
 * Running a slice of a search under a time limit that interrupts even an infinite loop: node:vm's
 * `timeout` terminates the isolate's JavaScript from a watchdog thread, and unlike a timer it needs
 * no cooperation from the code it stops. This is how `--step-timeout` catches a guard or effect
 * that never returns. A call costs a watchdog thread (about 0.1–0.3 ms), so callers run slices of
 * about SLICE_MS each and the limit measures one expansion to within that.
 */
import vm from 'node:vm';

/** How long a timed slice runs before it returns (callers check the clock between expansions). */
export const SLICE_MS = 50;

/** The slice's time limit was reached: the code it ran is abandoned mid-way. */
export class DeadlineExceeded extends Error {}

const context = vm.createContext({ slice: undefined as (() => unknown) | undefined });
const call = new vm.Script('slice()');

/** Runs `slice` and returns its result, or throws DeadlineExceeded if it runs longer than `ms`. */
export function runWithin<T>(ms: number, slice: () => T): T {
  context.slice = slice;
  try {
    return call.runInContext(context, { timeout: Math.max(1, Math.round(ms)) }) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new DeadlineExceeded(`no return within ${ms} ms`);
    throw e;
  } finally {
    context.slice = undefined;
  }
}

/** The model error a step timeout is reported as. */
export function stepTimeoutMessage(what: string, ms: number): string {
  return `${what} did not return within ${ms / 1000} s (--step-timeout)`;
}
