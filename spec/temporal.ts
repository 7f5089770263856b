/**
 * Temporal properties and fairness, with TLA+'s meaning. Behaviours are infinite: a state with no
 * successor, or any state at all, may stutter for ever unless fairness forbids it, so liveness
 * needs fairness assumptions (exactly as in TLC: a spec without fairness fails every `eventually`).
 *
 * @example
 * spec(...)
 *   .fair('weak', { eachThreadOf: 'Exit' })                  // WF per thread instance
 *   .liveness('ExitFinishes', eventually((s) => s.Exit[0].pc === 'done'))
 *   .liveness('Progress', leadsTo((s) => s.req, (s) => s.ack))
 */

export type StatePred = (s: any) => boolean;

/** `<>P`, `[]<>P`, `<>[]P`, `P ~> Q`. */
export type LiveFormula =
  | { readonly kind: 'eventually'; readonly p: StatePred }
  | { readonly kind: 'alwaysEventually'; readonly p: StatePred }
  | { readonly kind: 'eventuallyAlways'; readonly p: StatePred }
  | { readonly kind: 'leadsTo'; readonly p: StatePred; readonly q: StatePred };

/** `<>P`: every behaviour reaches a state satisfying P. */
export function eventually<S>(p: (s: S) => boolean): LiveFormula {
  return { kind: 'eventually', p };
}

/** `[]<>P`: P holds infinitely often. */
export function alwaysEventually<S>(p: (s: S) => boolean): LiveFormula {
  return { kind: 'alwaysEventually', p };
}

/** `<>[]P`: from some point on, P holds for ever. */
export function eventuallyAlways<S>(p: (s: S) => boolean): LiveFormula {
  return { kind: 'eventuallyAlways', p };
}

/** `P ~> Q`: every P state is eventually followed by a Q state. */
export function leadsTo<S>(p: (s: S) => boolean, q: (s: S) => boolean): LiveFormula {
  return { kind: 'leadsTo', p, q };
}

/**
 * What a fairness assumption is about:
 * - `{ action: 'Name' }`: the action with any parameters (TLA+ `WF_vars(\E p: Name(p))`);
 * - `{ actions: ['A', 'B'], eachValueOf: 'self' }`: one assumption per value of parameter `self`
 *   over those actions (TLA+ `\A self: WF_vars(A(self) \/ B(self))`, a process written as actions);
 * - `{ anyOf: ['A', 'B'] }`: one assumption over all instances of several actions (or thread
 *   kinds), TLA+ `WF_vars(A \/ B)`, e.g. `WF_vars(Next)` (see AnyOfFairTarget);
 * - `{ thread: 'Kind' }`: any step of any instance of a thread kind (one assumption for the kind);
 * - `{ eachThreadOf: 'Kind' }`: one assumption per instance of the kind (`\A self: WF_vars(step(self))`);
 * - `'eachThread'`: one assumption per instance of every thread kind (PlusCal's `fair process`);
 * - `{ cpu, threads, free }`: per-CPU scheduling fairness (build it with `cpuFair` from
 *   spec/kernel/cpu.ts): one assumption per thread id in `threads` (all bound to CPU `cpu`) over the
 *   steps of that thread instance, observed only in the states where `free(s, id)` holds (the CPU is
 *   not held by another thread's non-preemptible section). See `CpuFairTarget`.
 */
export type FairTarget =
  | { readonly action: string }
  | AnyOfFairTarget
  | { readonly actions: readonly string[]; readonly eachValueOf: string }
  | { readonly thread: string }
  | { readonly eachThreadOf: string }
  | 'eachThread'
  | CpuFairTarget;

/**
 * Per-CPU fairness: "a CPU that is not held by a non-preemptible section eventually runs each
 * runnable thread bound to it". Fairness of thread `id`'s steps is evaluated on the subsequence of
 * states where `free(s, id)` holds (TLA+: WF is `(<>[](free => ENABLED <<A>>_v) /\ []<>free) =>
 * []<><<A>>_v`, SF is `[]<>(free /\ ENABLED <<A>>_v) => []<><<A>>_v`). A behaviour in which the
 * CPU is never free again (a thread spins with preemption off for ever) owes the thread nothing, so
 * starvation by a same-CPU spinner is a liveness violation; a spinner that reaches a free state in
 * every iteration (cond_resched, sleeping) must let the runnable thread run. When `free` always
 * holds this is exactly WF / SF.
 */
export interface CpuFairTarget {
  readonly cpu: string;
  /** Thread ids bound to `cpu` (kworkers, or every thread on it). */
  readonly threads: readonly string[];
  /** Whether thread `thread` may be scheduled on the CPU in state `s`. */
  readonly free: (s: any, thread: string) => boolean;
}

/**
 * Fairness of a disjunction of actions, TLA+'s `WF_vars(A \/ B)` (and `WF_vars(Next)` when it
 * names them all): one fairness condition over all their instances, enabled when any of them is
 * and satisfied when any of them is taken. Weaker than fairness of each (`{ action: 'A' }` and
 * `{ action: 'B' }`): A may starve while B keeps being taken. A name may be an action (a thread
 * step's name is `Kind.label`) or a thread kind (all of its steps).
 *
 * @example spec(...).fair('weak', { anyOf: ['Send', 'Receive'] })
 */
export interface AnyOfFairTarget {
  readonly anyOf: readonly string[];
}

/** One fairness assumption (`.fair(kind, target)`): its kind and what it is about. */
export interface FairnessDecl {
  /** Weak (`WF`: continuously enabled ⇒ eventually taken) or strong (`SF`: infinitely often enabled ⇒ taken). */
  readonly kind: 'weak' | 'strong';
  readonly target: FairTarget;
}

/** A fairness target in words, for reports: `action Send`, `each thread instance`, … */
export function describeFairTarget(t: FairTarget): string {
  if (t === 'eachThread') return 'each thread instance';
  if ('cpu' in t) return `${t.threads.join(', ')} on CPU ${t.cpu} while it is free`;
  if ('action' in t) return `action ${t.action}`;
  if ('anyOf' in t) return `${t.anyOf.join(' \\/ ')} (as one action)`;
  if ('actions' in t) return `${t.actions.join(' \\/ ')} for each ${t.eachValueOf}`;
  if ('thread' in t) return `thread kind ${t.thread}`;
  return `each instance of ${t.eachThreadOf}`;
}
