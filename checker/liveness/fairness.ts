/**
 * Fairness assumptions compiled to units: each unit is a set of action instances with weak or
 * strong fairness (TLA+ WF_vars / SF_vars). A unit is enabled in a state when one of its instances
 * has a successor *different* from the state (ENABLED <<A>>_vars: stuttering steps do not count),
 * and taken on an edge u -> v with u != v.
 */
import type { FairnessDecl } from '../../spec/temporal';
import { describeFairTarget } from '../../spec/temporal';
import type { ActionInstance } from '../engine/compiled';
import { UsageError } from '../engine/errors';

export interface FairUnit {
  readonly name: string;
  readonly kind: 'weak' | 'strong';
  /** Membership by action instance id. */
  readonly member: Uint8Array;
}

export function compileFairness(decls: readonly FairnessDecl[], instances: readonly ActionInstance[], threadKinds: readonly string[]): FairUnit[] {
  const units: FairUnit[] = [];
  const unit = (name: string, kind: 'weak' | 'strong', pick: (i: ActionInstance) => boolean) => {
    const member = new Uint8Array(instances.length);
    let any = false;
    instances.forEach((i) => {
      if (pick(i)) {
        member[i.id] = 1;
        any = true;
      }
    });
    if (!any) throw new UsageError(`fairness on ${name}: no such action or thread`);
    units.push({ name, kind, member });
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
    } else if ('actions' in t) {
      const chosen = instances.filter((i) => t.actions.includes(i.action.name));
      const values = [...new Set(chosen.map((i) => i.params[t.eachValueOf]))];
      if (values.some((v) => v === undefined)) throw new UsageError(`fairness on ${t.actions.join(', ')}: not every action has a parameter ${t.eachValueOf}`);
      for (const v of values) {
        unit(`${prefix(d.kind)}(${t.actions.join(' \\/ ')} for ${t.eachValueOf}=${String(v)})`, d.kind, (i) => t.actions.includes(i.action.name) && i.params[t.eachValueOf] === v);
      }
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
