/**
 * Action instances and the control-state prefilter over them, shared by the checker (CompiledSpec's
 * candidate list) and by models that ask "can anything step?" themselves (M3's quiescence test):
 * an instance with a control state (ActionSpec `control`: a thread step's pc at its label, a plain
 * action's `at`) can be enabled only where its field holds its value, so reading each such field
 * once says which few guards are worth calling.
 */
import type { ActionSpec, Params } from './spec';
import type { Key, Type } from './types';

/**
 * Every combination of an action's parameter values, in the order the checker numbers its
 * instances (the first parameter varies slowest).
 *
 * @example
 * paramCombinations(action) // for params [['i', [0, 1]], ['k', ['a', 'b']]]: {i:0,k:'a'}, {i:0,k:'b'}, {i:1,k:'a'}, {i:1,k:'b'}
 */
export function paramCombinations(action: Pick<ActionSpec, 'params'>): Params[] {
  let acc: Params[] = [{}];
  for (const [name, dom] of action.params) acc = acc.flatMap((p) => dom.map((v) => ({ ...p, [name]: v })));
  return acc;
}

/**
 * The guard to call for an instance of `action` in a state where its control state is known to
 * hold: its guard's `atControl` (null: enabled there), else the whole guard (one put in place of
 * the builder's, by a mutation, has none and is called whole).
 *
 * @example
 * const g = guardAtControl(action);
 * const enabled = g === null || g(s, params); // where readPath(s, action.control.path(params)) === action.control.is
 */
export function guardAtControl(action: ActionSpec): ActionSpec['guard'] | null {
  return action.control && action.guard.atControl !== undefined ? action.guard.atControl : action.guard;
}

/**
 * The value at `path` in `s` (undefined where a key is missing on the way).
 *
 * @example
 * readPath({ P: [{ pc: 'NCS' }] }, ['P', 0, 'pc']) // 'NCS'
 */
export function readPath(s: unknown, path: readonly Key[]): unknown {
  let v = s as any;
  for (let i = 0; i < path.length && v != null; i++) v = v[path[i]!];
  return v;
}

/** The most values a control field may take (a location set, not a counter). */
export const MAX_CONTROL_VALUES = 1024;

/**
 * The values a control field at `path` of a state of type `schema` can hold (an enum's values, an
 * int's range), or undefined when the path does not name such a leaf of at most MAX_CONTROL_VALUES values.
 *
 * @example
 * controlValues(t.record({ P: t.array(t.record({ pc: t.enum('a', 'b') }), 2) }), ['P', 1, 'pc']) // ['a', 'b']
 */
export function controlValues(schema: Type, path: readonly Key[]): readonly Key[] | undefined {
  let t: Type | undefined = schema;
  for (const key of path) {
    const k = String(key);
    if (t.kind === 'record') t = Object.hasOwn(t.fields, k) ? t.fields[k] : undefined;
    else if (t.kind === 'map') t = t.domain.some((d) => String(d) === k) ? t.value : undefined;
    else if (t.kind === 'array') t = /^(0|[1-9]\d*)$/.test(k) && Number(k) < t.length ? t.elem : undefined;
    else if (t.kind === 'tuple') t = /^(0|[1-9]\d*)$/.test(k) ? t.elems[Number(k)] : undefined;
    else t = undefined;
    if (t === undefined) return undefined;
  }
  if (t.kind === 'enum') return t.values.length <= MAX_CONTROL_VALUES ? t.values : undefined;
  if (t.kind !== 'int' || t.max - t.min >= MAX_CONTROL_VALUES) return undefined;
  const { min, max } = t;
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** One control field of a StepIndex: a leaf of the state, and the items at each of its values. */
export interface ControlField<T> {
  /** The leaf's keys from the root, e.g. `['Fault', 0, 'pc']`. */
  readonly path: readonly Key[];
  /** The values items are at, in the order the items first name them. */
  readonly values: readonly Key[];
  /** `at[m]`: the items at `values[m]`, in item order. */
  readonly at: readonly (readonly T[])[];
}

/** Items (action instances, in some form) grouped by the control field their state is on. */
export interface StepIndex<T> {
  /** The items without a control state, in item order. */
  readonly free: readonly T[];
  /** The control fields, in the order the items first name them (one per thread instance, for thread steps). */
  readonly fields: readonly ControlField<T>[];
  /** Per item: the index of its field in `fields`, or -1. */
  readonly fieldOf: Int32Array;
}

/**
 * Groups `items` by the field of their action's control state (`action.control.path(params)`).
 *
 * @example
 * const index = indexControlStates(actions.flatMap((a) => paramCombinations(a).map((p) => ({ a, p }))), (x) => x.a, (x) => x.p);
 * // index.fields[j].at[m]: the steps that can be enabled while readPath(s, index.fields[j].path) is index.fields[j].values[m]
 */
export function indexControlStates<T>(items: readonly T[], actionOf: (item: T) => ActionSpec, paramsOf: (item: T) => Params): StepIndex<T> {
  const free: T[] = [];
  const fields: { path: readonly Key[]; values: Key[]; at: T[][] }[] = [];
  const byPath = new Map<string, number>();
  const fieldOf = new Int32Array(items.length).fill(-1);
  items.forEach((item, n) => {
    const control = actionOf(item).control;
    if (!control) {
      free.push(item);
      return;
    }
    const path = control.path(paramsOf(item));
    // s.P[1] and s.P['1'] are the same field.
    const key = JSON.stringify(path.map(String));
    let j = byPath.get(key);
    if (j === undefined) byPath.set(key, (j = fields.push({ path, values: [], at: [] }) - 1));
    const f = fields[j]!;
    let m = f.values.indexOf(control.is);
    if (m < 0) {
      m = f.values.push(control.is) - 1;
      f.at.push([]);
    }
    f.at[m]!.push(item);
    fieldOf[n] = j;
  });
  return { free, fields, fieldOf };
}
