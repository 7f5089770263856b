/**
 * Per distinct state, in discovery order: the index of its parent state and the transition that
 * produced it (action instance + successor ordinal, packed in one word). Enough to rebuild any
 * trace by re-executing from an initial state (as TLC and Stateright do). 8 bytes per state in
 * fixed-size typed-array chunks, so growth never copies.
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

import type { Parts } from './checkpoint';
import { InternalLimitError } from '../engine/errors';

/** Parent of an initial state. */
export const NO_PARENT = 0xffffffff;

export class StateLog {
  private parents: Uint32Array[] = [];
  private transitions: Uint32Array[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  get bytes(): number {
    return this.parents.length * CHUNK * 8;
  }

  /** Appends a record and returns the new state's index. */
  push(parent: number, transition: number): number {
    const i = this.n;
    if (i === 0xffffffff) throw new InternalLimitError('the state log holds at most 2^32 - 1 states; make the state space smaller (--symmetry, --view, --por or smaller constants)');
    const c = i >>> CHUNK_BITS;
    if (c === this.parents.length) {
      this.parents.push(new Uint32Array(CHUNK));
      this.transitions.push(new Uint32Array(CHUNK));
    }
    this.parents[c]![i & (CHUNK - 1)] = parent;
    this.transitions[c]![i & (CHUNK - 1)] = transition;
    this.n++;
    return i;
  }

  parent(i: number): number {
    return this.parents[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  transition(i: number): number {
    return this.transitions[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  dump(): Parts {
    return { meta: { n: this.n, chunks: this.parents.length }, arrays: [...this.parents, ...this.transitions] };
  }

  static load(p: Parts): StateLog {
    const log = new StateLog();
    const k = p.meta.chunks as number;
    log.parents = p.arrays.slice(0, k);
    log.transitions = p.arrays.slice(k, 2 * k);
    log.n = p.meta.n as number;
    return log;
  }

  /** Indices from an initial state to `i`, inclusive. */
  pathTo(i: number): number[] {
    const path: number[] = [];
    for (let j = i; j !== NO_PARENT; j = this.parent(j)) path.push(j);
    return path.reverse();
  }
}
