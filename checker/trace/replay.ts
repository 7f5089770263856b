/**
 * Re-executes a saved trace against its model: the first state must be an initial state, every
 * step must be an enabled action instance producing exactly the next state, and the recorded
 * property must fail at the end. A divergence names the step and says why.
 */
import type { CompiledSpec } from '../engine/compiled';
import { diffValues } from '../state/format';
import { fromItfValue, ItfError, type ItfTrace } from './itf';
import { lassoProblem } from './lassoCheck';

export type ReplayResult =
  | { readonly kind: 'reproduced'; readonly property: string; readonly propertyKind: string; readonly steps: number }
  | { readonly kind: 'diverged'; readonly step: number; readonly reason: string }
  | { readonly kind: 'not-violated'; readonly property: string; readonly steps: number };

function packed(cs: CompiledSpec, s: unknown): Uint32Array {
  const w = new Uint32Array(cs.codec.words);
  cs.codec.encode(s, w, 0);
  return w;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Decodes the trace's states against the model's schema (ItfError on a malformed value). */
export function decodeStates(cs: CompiledSpec, doc: ItfTrace): any[] {
  const fields = cs.spec.schema.fields;
  const missing = Object.keys(fields).filter((v) => !doc.vars.includes(v));
  if (missing.length) throw new ItfError(`trace lacks variables of the model: ${missing.join(', ')}`);
  return doc.states.map((st, i) => {
    const s: Record<string, unknown> = {};
    for (const [v, ft] of Object.entries(fields)) s[v] = fromItfValue(ft, Object.hasOwn(st, v) ? st[v] : undefined, `state ${i}: ${v}`);
    try {
      packed(cs, s);
    } catch (e) {
      throw new ItfError(`state ${i}: ${(e as Error).message}`);
    }
    return s;
  });
}

export function replayTrace(cs: CompiledSpec, doc: ItfTrace): ReplayResult {
  const states = decodeStates(cs, doc);
  const first = packed(cs, states[0]);
  let isInit = false;
  cs.forEachInit((s) => {
    if (!isInit && sameWords(packed(cs, s), first)) isInit = true;
  });
  if (!isInit) return { kind: 'diverged', step: 0, reason: 'the first state is not an initial state of the model' };

  const byLabel = new Map(cs.instances.map((inst) => [inst.label, inst]));
  for (let i = 1; i < states.length; i++) {
    const label = doc.states[i]!['#meta'].action;
    const inst = byLabel.get(label);
    if (!inst) return { kind: 'diverged', step: i, reason: `the model has no action instance '${label}'` };
    const prev = states[i - 1];
    if (!cs.enabled(inst, prev)) return { kind: 'diverged', step: i, reason: `${label} is not enabled in state ${i - 1}` };
    const want = packed(cs, states[i]);
    let matched = false;
    let nearest: any;
    cs.forEachSuccessor(inst, prev, (t) => {
      if (matched) return;
      if (sameWords(packed(cs, t), want)) matched = true;
      else nearest ??= t;
    });
    if (!matched) {
      const diff = nearest === undefined ? [] : diffValues(cs.spec.schema, nearest, states[i], '');
      const shown = diff.slice(0, 3).map((d) => `${d.path}: model gives ${d.before}, trace has ${d.after}`).join('; ');
      return { kind: 'diverged', step: i, reason: `${label} does not produce the recorded state${shown ? ` (${shown})` : ''}` };
    }
  }

  const { property, propertyKind } = doc['#meta'].hmmcheck;
  const last = states[states.length - 1];
  const steps = states.length - 1;
  if (propertyKind === 'liveness') {
    const props = cs.spec.liveness.filter((p) => p.name === property);
    if (props.length === 0) throw new ItfError(`the model has no temporal property '${property}'`);
    if (doc.loop === undefined) throw new ItfError('a liveness trace needs a loop index');
    const actions = doc.states.map((s) => s['#meta'].action);
    const problems = props.map((p) => lassoProblem(cs, states, actions, doc.loop!, p.check));
    if (problems.some((x) => x === undefined)) return { kind: 'reproduced', property, propertyKind, steps };
    const why = problems[0]!;
    return why.startsWith('the property holds') ? { kind: 'not-violated', property, steps } : { kind: 'diverged', step: steps, reason: why };
  }
  const violated = (() => {
    switch (propertyKind) {
      case 'invariant': {
        const inv = cs.spec.invariants.find((p) => p.name === property);
        if (!inv) throw new ItfError(`the model has no invariant '${property}'`);
        return !inv.check(last);
      }
      case 'action': {
        const prop = cs.spec.actionProperties.find((p) => p.name === property);
        if (!prop) throw new ItfError(`the model has no action property '${property}'`);
        return states.length > 1 && !prop.check(states[states.length - 2], last);
      }
      case 'deadlock':
        return !cs.instances.some((inst) => cs.enabled(inst, last)) && !cs.allThreadsDone(last);
      default:
        throw new ItfError(`cannot replay a trace of kind '${propertyKind}'`);
    }
  })();
  return violated ? { kind: 'reproduced', property, propertyKind, steps } : { kind: 'not-violated', property, steps };
}
