/**
 * The trace view of an ITF trace hmmcheck did not write (Quint, Apalache): there is no model, so
 * the lanes are groups of variables (variableGroups.ts), each step's box stands in the lanes whose
 * variables it changed, values are shown as the file has them, and no property is judged. Quint's
 * model-based-testing variables (`mbt::actionTaken`, `mbt::nondetPicks`) name the steps. Pure.
 */
import type { GenericItf } from '../trace/genericItf';
import { formatItfValue, itfParts } from './itfValueText';
import type { StateRow, TraceView, ViewChange, ViewStep } from './types';
import { variableGroups } from './variableGroups';

/** What the page and the text say about such a trace. */
export const UNKNOWN_MODEL_NOTE =
  'The model is unknown: this trace was not written by hmmcheck (it has no #meta.hmmcheck), so its lanes are groups of variables, not threads, and no property is checked.';

const ACTION_VAR = 'mbt::actionTaken';
const PICKS_VAR = 'mbt::nondetPicks';

/** A path of the state tree, merged over every state (maps may gain keys from one state to the next). */
interface Node {
  readonly path: string;
  readonly name: string;
  readonly depth: number;
  readonly variable: string;
  readonly children: Map<string, Node>;
  inner: boolean;
  leaf: boolean;
}

/** The step's name: Quint's `mbt::actionTaken` with its `mbt::nondetPicks`, an ITF `#meta.action`, else undefined. */
function actionOf(state: Readonly<Record<string, unknown>>): string | undefined {
  const taken = state[ACTION_VAR];
  const meta = state['#meta'];
  const action = typeof taken === 'string' && taken !== '' ? taken : typeof meta === 'object' && meta !== null && typeof (meta as Record<string, unknown>).action === 'string' ? ((meta as Record<string, unknown>).action as string) : undefined;
  if (action === undefined) return undefined;
  const picks = state[PICKS_VAR];
  if (typeof picks !== 'object' || picks === null || Array.isArray(picks)) return action;
  // Each pick is an Option: `None` when the action did not use it.
  const used = Object.entries(picks as Record<string, unknown>).flatMap(([k, v]) => {
    const o = v as { tag?: unknown; value?: unknown } | null;
    if (o && typeof o === 'object' && o.tag === 'None') return [];
    return [`${k}=${formatItfValue(o && typeof o === 'object' && o.tag === 'Some' ? o.value : v)}`];
  });
  return used.length ? `${action}(${used.join(', ')})` : action;
}

export function buildGenericTraceView(doc: GenericItf, note: string = UNKNOWN_MODEL_NOTE): TraceView {
  const vars = doc.vars.filter((v) => v !== ACTION_VAR && v !== PICKS_VAR);
  const groups = variableGroups(vars);
  const groupOf = new Map(groups.flatMap(([g, vs]) => vs.map((v) => [v, g] as const)));

  // The state tree: one walk per state records every path's value and merges the paths.
  const roots = new Map<string, Node>();
  const valuesAt = doc.states.map((state) => {
    const at = new Map<string, unknown>();
    const walk = (node: Node, x: unknown) => {
      at.set(node.path, x);
      const parts = itfParts(x);
      if (!parts) {
        node.leaf = true;
        return;
      }
      node.inner = true;
      for (const [suffix, name, value] of parts) {
        let child = node.children.get(suffix);
        if (!child) node.children.set(suffix, (child = { path: node.path + suffix, name, depth: node.depth + 1, variable: node.variable, children: new Map(), inner: false, leaf: false }));
        walk(child, value);
      }
    };
    for (const v of vars) {
      if (!Object.hasOwn(state, v)) continue;
      let root = roots.get(v);
      if (!root) roots.set(v, (root = { path: v, name: v, depth: 0, variable: v, children: new Map(), inner: false, leaf: false }));
      walk(root, state[v]);
    }
    return at;
  });

  // Rows in tree order; a path that is a group in one state and a plain value in another is shown whole.
  const rows: StateRow[] = [];
  const leaves: Node[] = [];
  const emit = (node: Node) => {
    const leaf = node.leaf || node.children.size === 0;
    rows.push({ path: node.path, display: node.path, name: node.name, depth: node.depth, leaf });
    if (leaf) leaves.push(node);
    else for (const child of node.children.values()) emit(child);
  };
  for (const v of vars) if (roots.has(v)) emit(roots.get(v)!);

  const valueText = (i: number, node: Node) => (valuesAt[i]!.has(node.path) ? formatItfValue(valuesAt[i]!.get(node.path)) : '(absent)');
  const values = doc.states.map((_, i) => leaves.map((node) => valueText(i, node)));
  const laneOrder = groups.map(([g]) => g);

  const steps: ViewStep[] = doc.states.map((state, i) => {
    const action = actionOf(state);
    if (i === 0) return { index: 0, lane: null, action: action ?? 'Init', label: action ?? 'Init', doc: 'initial state', finishes: false, changes: [], pc: {}, holds: {}, values: values[0]! };
    const changes: ViewChange[] = leaves.flatMap((node, k) => {
      const before = values[i - 1]![k]!;
      const after = values[i]![k]!;
      return before === after ? [] : [{ path: node.path, display: node.path, before, after, ownPc: false, local: false }];
    });
    const changed = new Set(changes.map((c) => groupOf.get(leaves.find((l) => l.path === c.path)!.variable)!));
    const touched = laneOrder.filter((g) => changed.has(g));
    const label = action ?? `step ${i}`;
    // A step that changes nothing (stuttering) stands in the first lane.
    const lane = touched[0] ?? laneOrder[0] ?? 'state';
    const doc = touched.length ? `changes ${touched.join(', ')}` : 'changes nothing (a stuttering step)';
    return { index: i, lane, action: label, label, doc, finishes: false, changes, pc: {}, holds: {}, values: values[i]!, ...(touched.length > 1 ? { touches: touched.slice(1) } : {}) };
  });

  const meta = doc['#meta'];
  const source = typeof meta?.source === 'string' && meta.source !== '' ? meta.source : undefined;
  const last = doc.states[doc.states.length - 1]!;
  return {
    model: source ?? 'unknown model',
    variant: '',
    constants: {},
    strategy: '',
    version: '',
    description: typeof meta?.description === 'string' ? meta.description : '',
    property: '',
    propertyKind: 'none',
    violationStep: null,
    ...(doc.loop !== undefined ? { loop: doc.loop } : {}),
    lanes: laneOrder.length ? groups.map(([g, vs]) => ({ id: g, kind: '', environment: false, vars: vs })) : [{ id: 'state', kind: '', environment: false, vars: [] }],
    rows,
    steps,
    locks: [],
    finalState: vars.filter((v) => Object.hasOwn(last, v)).map((v) => `${v} = ${formatItfValue(last[v])}`),
    unknownModel: note,
  };
}
