/**
 * The layout data of a trace view, computed from an ITF trace and the spec it is a behaviour of:
 * lanes, one step per trace state in global order (its lane, label, doc, changes, what every
 * thread holds), the state rows and values, the violated property and where it first fails.
 * Pure: no I/O, no rendering.
 */
import type { Spec } from '../../spec/spec';
import { DONE } from '../../spec/spec';
import { CompiledSpec } from '../engine/compiled';
import { diffValues, formatState } from '../state/format';
import type { ItfTrace } from '../trace/itf';
import { decodeStates } from '../trace/replay';
import { lockHolders } from './holders';
import { laneIndex, lanesUsed } from './lanes';
import { displayPaths, flattenState } from './stateRows';
import type { TraceView, ViewChange, ViewStep } from './types';

/** The first step at which the recorded property fails, judged by the spec; null if it never does. */
function firstViolation(spec: Spec, itf: ItfTrace, states: readonly any[]): number | null {
  const { property, propertyKind } = itf['#meta'].hmmcheck;
  const last = states.length - 1;
  const safely = (f: () => boolean) => {
    try {
      return f();
    } catch {
      return true; // a predicate that throws on this state is reported by check, not here
    }
  };
  switch (propertyKind) {
    case 'invariant': {
      const inv = spec.invariants.find((p) => p.name === property);
      if (!inv) return last;
      const i = states.findIndex((s) => !safely(() => inv.check(s)));
      return i < 0 ? null : i;
    }
    case 'action': {
      const prop = spec.actionProperties.find((p) => p.name === property);
      if (!prop) return last;
      for (let i = 1; i < states.length; i++) if (!safely(() => prop.check(states[i - 1], states[i]))) return i;
      return null;
    }
    default:
      return last;
  }
}

function propertyDoc(spec: Spec, itf: ItfTrace): string | undefined {
  const { property, propertyKind } = itf['#meta'].hmmcheck;
  if (propertyKind === 'deadlock') return 'no step is enabled and not every thread has finished';
  if (propertyKind === 'invariant') return spec.invariants.find((p) => p.name === property)?.doc;
  if (propertyKind === 'action') return spec.actionProperties.find((p) => p.name === property)?.doc;
  // Other kinds (temporal properties) are looked up by name in the spec's other lists of named properties.
  const lists = Object.entries(spec)
    .filter(([k, x]) => k !== 'actions' && k !== 'threads' && Array.isArray(x))
    .map(([, x]) => x as { name?: unknown; doc?: unknown }[]);
  for (const list of lists) {
    const hit = list.find((p) => p && typeof p === 'object' && p.name === property && typeof p.doc === 'string');
    if (hit) return hit.doc as string;
  }
  return undefined;
}

export function buildTraceView(itf: ItfTrace, spec: Spec): TraceView {
  // Decoding through the codec also rejects values outside the schema (ItfError naming the state).
  const states = decodeStates(new CompiledSpec(spec), itf);
  const meta = itf['#meta'].hmmcheck;
  const index = laneIndex(spec);
  const display = displayPaths(spec.threads);
  const { rows } = flattenState(spec.schema, states[0], spec.threads);
  const threadOf = new Map(spec.threads.flatMap((th) => th.ids.map((id, i) => [id, { kind: th.kind, i }] as const)));
  const pcOf = (s: any) => Object.fromEntries([...threadOf].map(([id, { kind, i }]) => [id, String(s[kind][i].pc)]));

  const steps: ViewStep[] = states.map((s, i) => {
    const action = itf.states[i]!['#meta'].action;
    const values = flattenState(spec.schema, s, spec.threads).values;
    const pc = pcOf(s);
    const holds = lockHolders(spec.schema, s, spec.threads);
    if (i === 0) {
      return { index: 0, lane: null, action, label: action, doc: 'initial state', finishes: false, changes: [], pc, holds, values };
    }
    const at = index.resolve(action);
    const ownPcPath = at.thread ? `${at.thread.spec.kind}[${at.thread.index}].pc` : undefined;
    const changes: ViewChange[] = diffValues(spec.schema, states[i - 1], s, '').map((c) => {
      const m = /^([^.[\]]+)\[\d+\]/.exec(c.path);
      const local = m !== null && spec.threads.some((th) => th.kind === m[1]);
      return { path: c.path, display: display(c.path), before: c.before, after: c.after, ownPc: c.path === ownPcPath, local };
    });
    let jump: string | undefined;
    let finishes = false;
    if (at.thread) {
      const labels = at.thread.spec.labels;
      const k = labels.indexOf(at.label);
      const next = labels[k + 1] ?? DONE;
      const after = pc[at.lane]!;
      finishes = after === DONE;
      if (after !== next && !finishes) jump = after;
    }
    return { index: i, lane: at.lane, action, label: at.label, ...(at.doc ? { doc: at.doc } : {}), ...(at.src?.length ? { src: at.src } : {}), ...(jump ? { jump } : {}), finishes, changes, pc, holds, values };
  });

  const locks: string[] = [];
  for (const st of steps) for (const hs of Object.values(st.holds)) for (const h of hs) if (!locks.includes(h.lock)) locks.push(h.lock);

  const doc = propertyDoc(spec, itf);
  return {
    model: meta.model,
    variant: meta.variant,
    constants: meta.constants,
    strategy: meta.strategy ?? '',
    version: meta.version ?? '',
    description: itf['#meta'].description ?? '',
    property: meta.property,
    propertyKind: meta.propertyKind,
    ...(doc ? { propertyDoc: doc } : {}),
    violationStep: firstViolation(spec, itf, states),
    ...(itf.loop !== undefined ? { loop: itf.loop } : {}),
    lanes: lanesUsed(index, steps.map((s) => s.lane)),
    rows,
    steps,
    locks,
    finalState: formatState(spec.schema, states[states.length - 1]),
  };
}
