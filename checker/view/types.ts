/**
 * The data a trace view is drawn from: lanes (one per thread instance, plus an environment lane
 * for actions that belong to no thread), steps in global order, the state tree every step's
 * values fill in, and the verdict. Plain JSON (no Sets, no functions): the HTML page embeds it
 * as is, and the text fallback reads the same object.
 */
import type { Citation } from '../../spec/citation';
import type { ConstValue } from '../../spec/model';
import type { TraceMeta } from '../trace/itf';

export interface ViewLane {
  /** Thread instance id (`Unreg`, `Fault1`), or the environment lane's id. */
  readonly id: string;
  /** Thread kind (`Fault` for `Fault1`); empty for the environment lane. */
  readonly kind: string;
  readonly environment: boolean;
  /** A trace of an unknown model (genericView.ts): the variables this lane groups. */
  readonly vars?: readonly string[];
}

/** One variable path in the state tree (the same paths `diffValues` reports). */
export interface StateRow {
  /** Raw path, e.g. `dev.mutex.owner`, `srcu.reader[Exit]`, `Exit[0].pc`. */
  readonly path: string;
  /** Path with thread records named by their thread id: `Exit.pc` for `Exit[0].pc`. */
  readonly display: string;
  /** Last segment, shown indented under its parent: `owner`, `[Exit]`, `pc`. */
  readonly name: string;
  readonly depth: number;
  /** Leaves carry a value; inner rows (records, arrays, maps, thread headers) only group. */
  readonly leaf: boolean;
  /** Set on a thread record's header row and on every row below it. */
  readonly thread?: string;
}

export interface ViewChange {
  readonly path: string;
  readonly display: string;
  readonly before: string;
  readonly after: string;
  /** `pc` of the thread that took the step (the step label says it already). */
  readonly ownPc: boolean;
  /** A thread-local variable (pc or local) rather than shared state. */
  readonly local: boolean;
}

/**
 * A state path whose value names a thread (see holders.ts): a mutex owner, an rwsem writer, a
 * member of an rwsem's readers set, a per-thread read-section entry.
 */
export interface Holding {
  /** Display path: `dev.mutex.owner`, `hrw.readers`, `srcu.reader[Exit]`. */
  readonly path: string;
  /** What to call it in the thread's lane: the path without the thread's own key. */
  readonly lock: string;
  /** The path's name says the thread waits for it (`waiting`, `queue`) rather than holds it. */
  readonly waits: boolean;
  /** For a lock the primitives mark (spec/kernel/lockdep.ts): `read`, `write`, `read×2`; absent when exclusive. */
  readonly mode?: string;
}

export interface ViewStep {
  readonly index: number;
  /** Lane id of the thread (or environment) that took the step; null for the initial state. */
  readonly lane: string | null;
  /** The ITF action: `Unreg.K2`, `TMRcvPrepared(r1)`, `Init`. */
  readonly action: string;
  /** What the box in the lane says: the step label (`K2`) or the action with its parameters. */
  readonly label: string;
  readonly doc?: string;
  /** The kernel source the step follows, from the model's citations (a trace file never supplies links). */
  readonly src?: readonly Citation[];
  /** The acting thread's next pc when the step jumps (not the next label in program order). */
  readonly jump?: string;
  /** The acting thread finished with this step. */
  readonly finishes: boolean;
  /** Every changed leaf, in schema order. */
  readonly changes: readonly ViewChange[];
  /** pc of every thread lane after the step. */
  readonly pc: Readonly<Record<string, string>>;
  /** What each thread lane holds after the step (lanes holding nothing are absent). */
  readonly holds: Readonly<Record<string, readonly Holding[]>>;
  /** Values of the leaf rows of `TraceView.rows`, in order, after the step. */
  readonly values: readonly string[];
  /** A trace of an unknown model: the other lanes whose variables the step changed. */
  readonly touches?: readonly string[];
}

export interface TraceView {
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly strategy: string;
  readonly version: string;
  /** The ITF description: the checker's verdict line. */
  readonly description: string;
  readonly property: string;
  /** `none` for a trace of an unknown model, which names no property. */
  readonly propertyKind: TraceMeta['propertyKind'] | 'none';
  readonly propertyDoc?: string;
  /**
   * The first step whose state (invariant), transition (action property) or end (deadlock,
   * error) breaks the property; null when the model says the trace does not violate it.
   */
  readonly violationStep: number | null;
  /** For lassos: the step the cycle returns to after the last step. */
  readonly loop?: number;
  readonly lanes: readonly ViewLane[];
  readonly rows: readonly StateRow[];
  readonly steps: readonly ViewStep[];
  /** Locks in order of first appearance (colours are given in this order). */
  readonly locks: readonly string[];
  /** The final state as `name = value` lines. */
  readonly finalState: readonly string[];
  /**
   * Set for a trace hmmcheck did not write (Quint, Apalache: no `#meta.hmmcheck`): the note saying
   * the model is unknown. Its lanes are variable groups, not threads, and no property is judged.
   */
  readonly unknownModel?: string;
}
