/**
 * Action instances and the pc prefilter over them, shared by the checker (CompiledSpec's candidate
 * list) and by models that ask "can any thread step?" themselves (M3's quiescence test): a thread
 * step's instance can be enabled only where its thread's pc is at the step's label, so reading each
 * thread's pc once says which few guards are worth calling.
 */
import type { ActionSpec, Params } from './spec';

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

/** One thread instance (kind, self) of a StepIndex: its labels that have steps, and the items at each. */
export interface IndexedThread<T> {
  readonly kind: string;
  readonly self: number;
  /** In the order the items first name them. */
  readonly labels: readonly string[];
  /** `at[m]`: the items at `labels[m]`, in item order. */
  readonly at: readonly (readonly T[])[];
}

/** Items (action instances, in some form) grouped by the thread instance whose step they are. */
export interface StepIndex<T> {
  /** The items that are not thread steps, in item order. */
  readonly free: readonly T[];
  /** The thread instances, in the order the items first name them. */
  readonly threads: readonly IndexedThread<T>[];
  /** Per item: the index of its thread in `threads`, or -1. */
  readonly threadOf: Int32Array;
}

/**
 * Groups `items` by the thread instance whose step each is (`action.thread`, `params.self`).
 *
 * @example
 * const index = indexThreadSteps(actions.flatMap((a) => paramCombinations(a).map((p) => ({ a, p }))), (x) => x.a, (x) => x.p);
 * // index.threads[j].at[m]: the steps thread j can take while its pc is index.threads[j].labels[m]
 */
export function indexThreadSteps<T>(items: readonly T[], actionOf: (item: T) => ActionSpec, paramsOf: (item: T) => Params): StepIndex<T> {
  const free: T[] = [];
  const threads: { kind: string; self: number; labels: string[]; at: T[][] }[] = [];
  const byKey = new Map<string, number>();
  const threadOf = new Int32Array(items.length).fill(-1);
  items.forEach((item, n) => {
    const thread = actionOf(item).thread;
    if (!thread) {
      free.push(item);
      return;
    }
    const self = paramsOf(item).self as number;
    const key = `${thread.kind}#${self}`;
    let j = byKey.get(key);
    if (j === undefined) byKey.set(key, (j = threads.push({ kind: thread.kind, self, labels: [], at: [] }) - 1));
    const t = threads[j]!;
    let m = t.labels.indexOf(thread.label);
    if (m < 0) {
      m = t.labels.push(thread.label) - 1;
      t.at.push([]);
    }
    t.at[m]!.push(item);
    threadOf[n] = j;
  });
  return { free, threads, threadOf };
}
