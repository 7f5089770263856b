/**
 * Per distinct state, in discovery order: the index of its parent state and the transition that
 * produced it (action instance + instances × successor ordinal, engine/explorer.ts packTransition).
 * Enough to rebuild any trace by re-executing from an initial state (as TLC and Stateright do).
 * 6 bytes per state: parents as Uint32 and transitions as Uint16, in fixed-size typed-array
 * chunks, so growth never copies. Transitions fit 16 bits on every model we have (the largest over
 * every model and variant at default constants was 228, on 2026-12-04); the first one that does
 * not widens the transition chunks to Uint32 once (8 bytes per state from then on), so no model
 * hits a limit here.
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

import type { Parts } from './checkpoint';
import { InternalLimitError } from '../engine/errors';

/** Parent of an initial state. */
export const NO_PARENT = 0xffffffff;

export class StateLog {
  private parents: Uint32Array[] = [];
  private transitions: (Uint16Array | Uint32Array)[] = [];
  /** Whether transitions are Uint32 (one exceeded 0xffff). */
  private wide = false;
  private n = 0;

  get size(): number {
    return this.n;
  }

  get bytes(): number {
    return this.parents.length * CHUNK * (this.wide ? 8 : 6);
  }

  /** Bytes per record: 6, or 8 once a transition needed more than 16 bits. */
  get recordBytes(): number {
    return this.wide ? 8 : 6;
  }

  /** Appends a record and returns the new state's index. */
  push(parent: number, transition: number): number {
    const i = this.n;
    if (i === 0xffffffff) throw new InternalLimitError('the state log holds at most 2^32 - 1 states; make the state space smaller (--symmetry, --view, --por or smaller constants)');
    const c = i >>> CHUNK_BITS;
    if (c === this.parents.length) {
      this.parents.push(new Uint32Array(CHUNK));
      this.transitions.push(this.wide ? new Uint32Array(CHUNK) : new Uint16Array(CHUNK));
    }
    if (transition > 0xffff && !this.wide) this.widen();
    this.parents[c]![i & (CHUNK - 1)] = parent;
    this.transitions[c]![i & (CHUNK - 1)] = transition;
    this.n++;
    return i;
  }

  /** From 16-bit to 32-bit transitions (a copy of the chunks so far, once per run at most). */
  private widen(): void {
    this.transitions = this.transitions.map((t) => Uint32Array.from(t));
    this.wide = true;
  }

  parent(i: number): number {
    return this.parents[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  transition(i: number): number {
    return this.transitions[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  /** Parent chunks, then transition chunks (16-bit ones as the Uint32 words over the same bytes). */
  dump(): Parts {
    const words = this.transitions.map((t) => (t instanceof Uint32Array ? t : new Uint32Array(t.buffer, t.byteOffset, CHUNK / 2)));
    return { meta: { n: this.n, chunks: this.parents.length, wide: this.wide }, arrays: [...this.parents, ...words] };
  }

  static load(p: Parts): StateLog {
    const log = new StateLog();
    const k = p.meta.chunks as number;
    log.wide = p.meta.wide === true;
    log.parents = p.arrays.slice(0, k);
    log.transitions = p.arrays.slice(k, 2 * k).map((a) => (log.wide ? a : new Uint16Array(a.buffer, a.byteOffset, CHUNK)));
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
