/**
 * What the explorer records for liveness: the state graph (CSR edges) and, per state, one bit per
 * state predicate the temporal properties mention, evaluated once when the state is first stored.
 */
import type { StatePred } from '../../spec/temporal';
import type { Parts } from '../store/checkpoint';
import { EdgeStore } from '../store/edgeStore';

export class LiveGraph {
  edges = new EdgeStore();
  private labels: Uint32Array = new Uint32Array(1 << 12);
  private n = 0;

  dump(): { labels: Parts; edges: Parts } {
    return { labels: { meta: { n: this.n }, arrays: [this.labels.subarray(0, this.n)] }, edges: this.edges.dump() };
  }

  /** Restores the recorded graph into this (freshly made) LiveGraph. */
  load(labels: Parts, edges: Parts): void {
    this.n = labels.meta.n as number;
    this.labels = this.n > 0 ? labels.arrays[0]! : new Uint32Array(1 << 12);
    this.edges = EdgeStore.load(edges);
  }

  constructor(readonly preds: readonly StatePred[]) {
    if (preds.length > 32) throw new Error('at most 32 distinct state predicates in temporal properties');
  }

  /** Records the predicate bits of the next stored state (states arrive in index order). */
  label(s: unknown): void {
    let bits = 0;
    for (let i = 0; i < this.preds.length; i++) if (this.preds[i]!(s)) bits |= 1 << i;
    this.pushLabel(bits);
  }

  /** Records the predicate bits of the next stored state as computed elsewhere (a parallel worker). */
  pushLabel(bits: number): void {
    if (this.n === this.labels.length) {
      const next = new Uint32Array(this.labels.length * 2);
      next.set(this.labels);
      this.labels = next;
    }
    this.labels[this.n++] = bits;
  }

  /** The predicate bits of the states labelled so far, in index order. */
  labelBits(): Uint32Array {
    return this.labels.subarray(0, this.n);
  }

  get states(): number {
    return this.n;
  }

  /** Whether predicate `pred` holds in state `s`. */
  holds(s: number, pred: number): boolean {
    return (this.labels[s]! & (1 << pred)) !== 0;
  }

  /** Bytes of the edge store and labels actually in use: 8 per edge, 4 + 4 per state. */
  get usedBytes(): number {
    return this.edges.edges * 8 + this.n * 8;
  }
}
