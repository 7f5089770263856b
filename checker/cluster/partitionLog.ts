/**
 * A partition's state log: per state it owns, in the order it stored them, the parent's partition
 * and index there, and the transition from the parent (as store/stateLog.ts, plus the partition a
 * parent reference needs on a cluster). 12 bytes per state in fixed-size chunks.
 */
import type { Parts } from '../store/checkpoint';
import { InternalLimitError } from '../engine/errors';

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/** A parent reference with its partition, and the transition from it. */
export interface ParentRecord {
  /** Partition of the parent (meaningless for an initial state). */
  readonly part: number;
  /** The parent's index in its partition, NO_PARENT for an initial state. */
  readonly index: number;
  /** Transition from the parent (an initial state: its ordinal among the initial states). */
  readonly transition: number;
}

export class PartitionLog {
  /** Three words per state: parent partition, parent index, transition. */
  private chunks: Uint32Array[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  get bytes(): number {
    return this.chunks.length * CHUNK * 12;
  }

  push(part: number, index: number, transition: number): number {
    const i = this.n;
    if (i === 0xffffffff) throw new InternalLimitError('a partition holds at most 2^32 - 1 states; use more partitions');
    const c = i >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(3 * CHUNK));
    const at = 3 * (i & (CHUNK - 1));
    const chunk = this.chunks[c]!;
    chunk[at] = part;
    chunk[at + 1] = index;
    chunk[at + 2] = transition;
    this.n++;
    return i;
  }

  get(i: number): ParentRecord {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`no state #${i} in this partition (it holds ${this.n})`);
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const at = 3 * (i & (CHUNK - 1));
    return { part: chunk[at]!, index: chunk[at + 1]!, transition: chunk[at + 2]! };
  }

  dump(): Parts {
    return { meta: { n: this.n }, arrays: this.chunks };
  }

  static load(p: Parts): PartitionLog {
    const log = new PartitionLog();
    log.chunks = [...p.arrays];
    log.n = p.meta.n as number;
    return log;
  }
}
