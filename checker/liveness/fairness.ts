/**
 * Fairness assumptions compiled to units: each unit is a set of action instances with weak or
 * strong fairness (TLA+ WF_vars / SF_vars). A unit is enabled in a state when one of its instances
 * has a successor *different* from the state (ENABLED <<A>>_vars: stuttering steps do not count),
 * and taken on an edge u -> v with u != v.
 *
 * A unit may be observed only in some states (`only`, from per-CPU fairness): its fairness then
 * constrains the subsequence of states where `only` holds — WF: a cycle whose `only` states all
 * have the unit enabled, and that has at least one, must take it; SF: a cycle with an `only` state
 * where the unit is enabled must take it.
 */
import type { CpuFairTarget, FairnessDecl, StatePred } from '../../spec/temporal';
import { describeFairTarget } from '../../spec/temporal';
import type { ActionInstance } from '../engine/compiled';
import { UsageError } from '../engine/errors';

export interface FairUnit {
  readonly name: string;
  readonly kind: 'weak' | 'strong';
  /** Membership by action instance id. */
  readonly member: Uint8Array;
  /** The unit is observed only in states satisfying this predicate (per-CPU fairness). */
  readonly only?: StatePred;
  /** `only` read from the labels of a recorded graph, by state index (set by checkLiveness). */
  readonly counts?: (s: number) => boolean;
}

// One predicate object per (declaration, thread), so the graph labels it once and finds it again.
const freePreds = new WeakMap<CpuFairTarget, Map<string, StatePred>>();

/** The state predicate "thread `id` may run on its CPU" of a per-CPU fairness declaration. */
function freePredicate(t: CpuFairTarget, id: string): StatePred {
  let byThread = freePreds.get(t);
  if (!byThread) freePreds.set(t, (byThread = new Map()));
  let p = byThread.get(id);
  if (!p) byThread.set(id, (p = (s) => t.free(s, id)));
  return p;
}

/** The `only` predicates of the units, each once, in a fixed order (the graph records them). */
export function fairnessPredicates(units: readonly FairUnit[]): StatePred[] {
  const preds: StatePred[] = [];
  for (const u of units) if (u.only && !preds.includes(u.only)) preds.push(u.only);
  return preds;
}

/** Whether unit `u` is observed in state `s` (always, unless it has an `only` predicate). */
export function unitCounts(u: FairUnit, s: number): boolean {
  return u.counts ? u.counts(s) : true;
}

export function compileFairness(decls: readonly FairnessDecl[], instances: readonly ActionInstance[], threadKinds: readonly string[]): FairUnit[] {
  const units: FairUnit[] = [];
  const unit = (name: string, kind: 'weak' | 'strong', pick: (i: ActionInstance) => boolean, only?: StatePred) => {
    const member = new Uint8Array(instances.length);
    let any = false;
    instances.forEach((i) => {
      if (pick(i)) {
        member[i.id] = 1;
        any = true;
      }
    });
    if (!any) throw new UsageError(`fairness on ${name}: no such action or thread`);
    units.push(only ? { name, kind, member, only } : { name, kind, member });
  };
  const prefix = (k: 'weak' | 'strong') => (k === 'weak' ? 'WF' : 'SF');
  for (const d of decls) {
    const t = d.target;
    if (t === 'eachThread' || (typeof t === 'object' && 'eachThreadOf' in t)) {
      const kinds = t === 'eachThread' ? threadKinds : [t.eachThreadOf];
      for (const kind of kinds) {
        if (!threadKinds.includes(kind)) throw new UsageError(`fairness on thread kind ${kind}: no such thread`);
        // A kind instantiated zero times (a constant set to 0) has no steps and needs no fairness.
        const ids = instances.find((i) => i.action.thread?.kind === kind)?.action.thread?.ids ?? [];
        ids.forEach((id, self) => unit(`${prefix(d.kind)}(${id})`, d.kind, (i) => i.action.thread?.kind === kind && i.params.self === self));
      }
    } else if ('cpu' in t) {
      for (const id of t.threads) {
        const ofThread = (i: ActionInstance) => i.action.thread !== undefined && i.action.thread.ids[i.params.self as number] === id;
        if (!instances.some(ofThread)) throw new UsageError(`fairness on CPU ${t.cpu}: no thread ${id}`);
        unit(`${prefix(d.kind)}(${id} on CPU ${t.cpu} while free)`, d.kind, ofThread, freePredicate(t, id));
      }
    } else if ('actions' in t) {
      const chosen = instances.filter((i) => t.actions.includes(i.action.name));
      const values = [...new Set(chosen.map((i) => i.params[t.eachValueOf]))];
      if (values.some((v) => v === undefined)) throw new UsageError(`fairness on ${t.actions.join(', ')}: not every action has a parameter ${t.eachValueOf}`);
      for (const v of values) {
        unit(`${prefix(d.kind)}(${t.actions.join(' \\/ ')} for ${t.eachValueOf}=${String(v)})`, d.kind, (i) => t.actions.includes(i.action.name) && i.params[t.eachValueOf] === v);
      }
    } else if ('anyOf' in t) {
      const name = t.anyOf.join(' \\/ ');
      if (t.anyOf.length === 0) throw new UsageError('fairness on anyOf: the list of actions is empty');
      const named = (i: ActionInstance, n: string) => i.action.name === n || i.action.thread?.kind === n;
      const missing = t.anyOf.find((n) => !instances.some((i) => named(i, n)));
      if (missing !== undefined) throw new UsageError(`fairness on ${name}: no such action or thread ${missing}`);
      unit(`${prefix(d.kind)}(${name})`, d.kind, (i) => t.anyOf.some((n) => named(i, n)));
    } else if ('thread' in t) {
      if (!instances.some((i) => i.action.thread?.kind === t.thread)) continue;
      unit(`${prefix(d.kind)}(${t.thread})`, d.kind, (i) => i.action.thread?.kind === t.thread);
    } else {
      unit(`${prefix(d.kind)}(${t.action})`, d.kind, (i) => i.action.name === t.action);
    }
  }
  return units;
}

export function describeFairness(decls: readonly FairnessDecl[]): string {
  if (decls.length === 0) return 'none (every state may stutter for ever)';
  return decls.map((d) => `${d.kind === 'weak' ? 'WF' : 'SF'} ${describeFairTarget(d.target)}`).join('; ');
}
