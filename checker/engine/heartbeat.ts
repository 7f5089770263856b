/**
 * What a search is doing, readable from another thread: the state being expanded and the action
 * instance being evaluated (the explorer writes them with plain stores, a few per state), plus the
 * stop request the main thread raises on SIGINT/SIGTERM and the search's acknowledgement of it.
 * Shared so that the main thread can name the action a stuck search is in, and tell a search that
 * is winding down (writing its checkpoint) from one stuck in model code.
 */

/** Set by the main thread: stop at the next poll. */
export const HB_STOP = 0;
/** Set by the search when it has seen the stop and is winding down (checkpoint, result). */
export const HB_STOPPING = 1;
/** Index of the state being expanded in the state log (-1 before the first). */
export const HB_STATE = 2;
/** The action instance being evaluated in that state: its id, HB_INIT, or HB_IDLE between expansions. */
export const HB_ACTION = 3;
/** 1 while the search writes a periodic checkpoint (slow for big runs, but not stuck). */
export const HB_CHECKPOINTING = 4;
export const HB_IDLE = -1;
export const HB_INIT = -2;

/** A heartbeat, over a SharedArrayBuffer when another thread is to read it. */
export function newHeartbeat(shared: boolean): Int32Array {
  const hb = new Int32Array(shared ? new SharedArrayBuffer(5 * 4) : new ArrayBuffer(5 * 4));
  hb[HB_STATE] = -1;
  hb[HB_ACTION] = HB_IDLE;
  return hb;
}

/** The action the heartbeat says is being evaluated, in words: `action A.spin`, `Init`, or `model code`. */
export function heartbeatAction(hb: Int32Array, labelOf: (instance: number) => string): string {
  const action = hb[HB_ACTION]!;
  if (action === HB_INIT) return 'Init';
  return action >= 0 ? `action ${labelOf(action)}` : 'model code';
}
