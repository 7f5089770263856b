/**
 * The exact accesses one action instance makes from one concrete state, by running its guard and
 * effect under the partial-order probe (checker/por/probe.ts) with the state's values; one result
 * per `ctx.choose` outcome. Memoised per instance by a decision tree over the values it read: a
 * guard and effect are deterministic in what they read, so a state that agrees with an earlier one
 * on those leaves (compared in the order they were first read) makes exactly the same accesses.
 */
import type { ActionInstance } from '../engine/compiled';
import type { LeafNode } from '../por/leaves';
import { probe } from '../por/probe';

type Leaf<T> = { readonly runs: readonly T[] };
type Node<T> = { readonly leaf: number; readonly next: Map<unknown, Node<T> | Leaf<T>> };
const isNode = <T>(x: Node<T> | Leaf<T>): x is Node<T> => 'leaf' in x;

export class StepAccesses<T> {
  private readonly roots: (Node<T> | Leaf<T> | undefined)[] = [];
  /** Probe runs made (memo misses × outcomes), for the report. */
  probes = 0;

  /** `summarize` turns a run's leaves read and written into what the caller keeps of it. */
  constructor(
    private readonly root: LeafNode,
    private readonly count: number,
    private readonly getters: readonly ((s: any) => unknown)[],
    private readonly summarize: (reads: readonly number[], writes: ReadonlySet<number>) => T,
  ) {}

  /** One summary per outcome of `inst` from state `s`. The same array for the same behaviour. */
  of(inst: ActionInstance, s: any): readonly T[] {
    let n = this.roots[inst.id];
    while (n && isNode(n)) n = n.next.get(this.getters[n.leaf]!(s));
    return n ? n.runs : this.insert(inst, s);
  }

  private insert(inst: ActionInstance, s: any): readonly T[] {
    const runs: T[] = [];
    const order: number[] = [];
    const inOrder = new Set<number>();
    const { guard, effect } = inst.action;
    probe(
      this.root,
      this.count,
      (st, ctx) => void (guard(st, inst.params) && effect(st, inst.params, ctx)),
      {
        state: (id) => this.getters[id]!(s),
        onRun: (reads, writes) => {
          for (const id of reads) if (!inOrder.has(id)) (inOrder.add(id), order.push(id));
          runs.push(this.summarize(reads, writes));
        },
      },
    );
    this.probes += Math.max(1, runs.length);
    const result: Leaf<T> = { runs };
    // Follow the existing tree along this state's values; the new branch starts where it diverges.
    let i = 0;
    let at: Node<T> | undefined;
    let n = this.roots[inst.id];
    while (n && isNode(n)) {
      at = n;
      n = n.next.get(this.getters[n.leaf]!(s));
      i++;
    }
    let tail: Node<T> | Leaf<T> = result;
    for (let k = order.length - 1; k >= i; k--) tail = { leaf: order[k]!, next: new Map([[this.getters[order[k]!]!(s), tail]]) };
    if (at) at.next.set(this.getters[at.leaf]!(s), tail);
    else this.roots[inst.id] = tail;
    return runs;
  }
}
