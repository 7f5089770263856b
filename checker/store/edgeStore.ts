/**
 * The explored state graph for liveness checking, in compressed sparse row form: states are
 * expanded in index order (BFS), so each state's out-edges are one contiguous run. 8 bytes per
 * edge (target index + action instance) and 4 per state (the run's start), in growable typed
 * arrays. An edge to a state that was not stored (cut by a constraint) has target OUTSIDE: it
 * still makes its action enabled, but it is not part of any cycle.
 */

import type { Parts } from './checkpoint';

export const OUTSIDE = 0xffffffff;

export class GrowableU32 {
  data: Uint32Array;
  length = 0;

  constructor(capacity = 1 << 12) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }

  static of(a: Uint32Array): GrowableU32 {
    const g = new GrowableU32();
    g.data = a.length > 0 ? a : new Uint32Array(1 << 12);
    g.length = a.length;
    return g;
  }

  used(): Uint32Array {
    return this.data.subarray(0, this.length);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

export class EdgeStore {
  private start = new GrowableU32();
  private targets = new GrowableU32();
  private actions = new GrowableU32();

  dump(): Parts {
    return { meta: {}, arrays: [this.start.used(), this.targets.used(), this.actions.used()] };
  }

  static load(p: Parts): EdgeStore {
    const e = new EdgeStore();
    e.start = GrowableU32.of(p.arrays[0]!);
    e.targets = GrowableU32.of(p.arrays[1]!);
    e.actions = GrowableU32.of(p.arrays[2]!);
    return e;
  }

  /** Opens the out-edge run of state `state`; states must be opened in index order 0, 1, 2, … */
  open(state: number): void {
    while (this.start.length <= state) this.start.push(this.targets.length);
  }

  add(target: number, action: number): void {
    this.targets.push(target);
    this.actions.push(action);
  }

  /** Closes the graph: `states` is the number of states (states never opened have no edges). */
  close(states: number): void {
    this.open(states);
  }

  get edges(): number {
    return this.targets.length;
  }

  get bytes(): number {
    return this.start.data.byteLength + this.targets.data.byteLength + this.actions.data.byteLength;
  }

  /** Index range of the out-edges of `s` in targets/actions. */
  first(s: number): number {
    return this.start.data[s]!;
  }

  end(s: number): number {
    return this.start.data[s + 1]!;
  }

  target(e: number): number {
    return this.targets.data[e]!;
  }

  action(e: number): number {
    return this.actions.data[e]!;
  }
}
