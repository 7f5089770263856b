/**
 * The built form of a specification: what the checker consumes. Models do not construct this by
 * hand; they use `SpecBuilder` (spec/builder.ts). Nothing here imports the checker.
 *
 * @example
 * const sp: Spec = spec({ x: t.int(0, 3) }).init(() => ({ x: 0 })).invariant('Small', (s) => s.x <= 3).build();
 * sp.invariants.map((p) => p.name);   // ['Small']
 * expectHolds(sp, { distinct: 1 });     // hmmcheck/testing checks a built spec as it is
 */
import type { AccessDecls, StepAtomicity } from './access';
import type { Citation } from './citation';
import type { FairnessDecl, LiveFormula } from './temporal';
import type { Key, RecordType, Type } from './types';

/** Nondeterministic choice inside an init or an effect: one successor per option (TLA+ `\E`). */
export interface ChoiceCtx {
  /** Returns one of `options`; the checker explores every option. An empty list yields no successor. */
  choose<T>(options: readonly T[]): T;
}

/** Parameters of an action instance: one value per declared parameter domain. */
export type Params = Readonly<Record<string, Key>>;

/** Which thread step an action instance is: kind, instance, id and label. */
export interface ThreadStepInfo {
  /** Thread kind, e.g. `Unreg`. */
  readonly kind: string;
  /** Instance index within the kind. */
  readonly index: number;
  /** Global thread id, e.g. `Unreg` or `Unreg1`. */
  readonly id: string;
  /** Step label, e.g. `K2`. */
  readonly label: string;
}

/** Where an action's instances are enabled at most (ActionSpec `control`): a leaf's path and value. */
export interface ControlState {
  /** The leaf's keys from the state's root for an instance's parameters, e.g. `['P', 2, 'pc']`. */
  readonly path: (p: Params) => readonly Key[];
  /** The leaf's value there (an enum value, an int). */
  readonly is: Key;
}

/** One action (a family of action instances, one per parameter combination). */
export interface ActionSpec {
  /** Name used in coverage, traces and trace files, e.g. `TMRcvPrepared` or `Unreg.K2`. */
  readonly name: string;
  /** Parameter domains, in order: the instances are their cartesian product. */
  readonly params: readonly (readonly [string, readonly Key[]])[];
  /**
   * Set for actions compiled from a thread step (then `params` is `self` over instances). The
   * checker then takes the action as disabled, without calling `guard`, while `s[kind][self].pc` is
   * not `label` (the builder's guards test that first).
   */
  readonly thread?: { readonly kind: string; readonly label: string; readonly ids: readonly string[] };
  /**
   * The control state the action's instances are at: an instance is disabled, whatever `guard`
   * says, wherever the state's leaf at `path(params)` (keys from the root) is not `is`. A thread
   * step's is its thread's pc at its label (`[kind, self, 'pc']`); a plain action's is its `at`
   * (ActionOptions). The checker reads each such field once per expanded state and calls only the
   * guards of the instances at its value, as SPIN tries only a process's current state's transitions.
   */
  readonly control?: ControlState;
  /**
   * Whether the action is enabled. A guard from the builder for an action with a `control` state
   * also carries `atControl`, which the checker calls instead where it knows the state is at it:
   * the guard without that test, or `null` for one without any other (always enabled there). A
   * guard put in its place (a mutation) has none, so it is the one called (guardAtControl).
   */
  readonly guard: ((s: any, p: Params) => boolean) & { readonly atControl?: ((s: any, p: Params) => boolean) | null };
  /**
   * Mutates the draft `d` of the current state into a successor. A thread step's effect from the
   * builder also carries `step`, which the checker calls instead where it writes the pc itself: the
   * effect without the pc's move, returning the index in the kind's ThreadSpec `labels` the pc moves
   * to (`labels.length`: done), or -1 when the step returned a value (which `effect` then reports).
   */
  readonly effect: ((d: any, p: Params, ctx: ChoiceCtx) => void) & { readonly step?: (d: any, p: Params, ctx: ChoiceCtx) => number };
  /** Kernel step label, source reference or note shown with the step. */
  readonly doc?: string;
  /** The kernel source (or mail) the step follows, machine-readable (spec/citation.ts). */
  readonly src?: readonly Citation[];
  /** A thread step's locks held for the whole step and its atomicity justification (`hmmcheck lint`). */
  readonly atomicity?: StepAtomicity;
}

/** A named property or constraint: an invariant, action property, constraint or temporal formula. */
export interface NamedPredicate<F> {
  /** The name in reports and traces, e.g. `INV-UAF-D`. */
  readonly name: string;
  readonly check: F;
  /** What it says, printed with a violation. */
  readonly doc?: string;
}

/** A thread kind as built: its instances, labels in program order and per-label facts. */
export interface ThreadSpec {
  readonly kind: string;
  /** Global ids of the instances; the state holds `s[kind][i]` = `{ pc, ...locals }`. */
  readonly ids: readonly string[];
  /** Step labels in program order; `done` is the terminal label. */
  readonly labels: readonly string[];
}

/** A whole specification: schema, initial states, actions (threads compiled to actions), properties and fairness. */
export interface Spec {
  /** The full state schema, thread records included. */
  readonly schema: RecordType<Record<string, Type>>;
  /** Builds the initial states; each choice path gives one initial state. */
  readonly init: (ctx: ChoiceCtx) => any;
  readonly actions: readonly ActionSpec[];
  readonly threads: readonly ThreadSpec[];
  readonly invariants: readonly NamedPredicate<(s: any) => boolean>[];
  /** Predicates over a step s → t (TLA+ [][A]_v style). */
  readonly actionProperties: readonly NamedPredicate<(s: any, t: any) => boolean>[];
  /** TLC CONSTRAINT: states failing one are counted and checked, but neither stored nor expanded. */
  readonly constraints: readonly NamedPredicate<(s: any) => boolean>[];
  /** Whether a state with no successors (and not every thread done) is reported. */
  readonly checkDeadlock: boolean;
  /** Temporal properties (checked over the state graph after the safety search). */
  readonly liveness: readonly NamedPredicate<LiveFormula>[];
  /** Fairness assumptions under which liveness is checked. */
  readonly fairness: readonly FairnessDecl[];
  /**
   * TLC VIEW: a projection of the state used for fingerprinting when the run asks for it
   * (`--view`): states with the same view are one state. An abstraction that can hide bugs.
   */
  readonly view?: { readonly schema: RecordType<Record<string, Type>>; readonly project: (s: any) => unknown; readonly doc?: string };
  /** How shared fields are accessed (`.access(...)`), for `hmmcheck lint`. */
  readonly access?: AccessDecls;
}

/** Thread pc value of a finished thread. */
export const DONE = 'done';
