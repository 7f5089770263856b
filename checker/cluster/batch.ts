/**
 * Batches of packed states on their way to the partition that owns them: one Uint32Array, a header
 * [epoch, depth, count] and per state [fingerprint hi, lo, parent partition, parent index,
 * transition, ...packed words] (the engine's codec packing, store/frontier.ts records without the
 * index). The owner deduplicates by the fingerprint, which the sender computed as the
 * single-process engine does (symmetry and VIEW included).
 */

export const BATCH_HEADER = 3;
export const B_EPOCH = 0;
export const B_DEPTH = 1;
export const B_COUNT = 2;
/** Words per state before the packed state. */
export const BATCH_REC = 5;

/** Which partition owns a fingerprint. */
export function ownerOf(hi: number, partitions: number): number {
  return (hi >>> 0) % partitions;
}

/** A batch being filled for one destination. */
export class Outbox {
  private data: Uint32Array;
  private count = 0;

  constructor(
    private readonly width: number,
    private readonly capacity: number,
  ) {
    this.data = new Uint32Array(BATCH_HEADER + width * capacity);
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  get length(): number {
    return this.count;
  }

  add(hi: number, lo: number, part: number, index: number, transition: number, words: Uint32Array, from: number, n: number): void {
    const at = BATCH_HEADER + this.count * this.width;
    const d = this.data;
    d[at] = hi;
    d[at + 1] = lo;
    d[at + 2] = part;
    d[at + 3] = index;
    d[at + 4] = transition;
    d.set(words.subarray(from, from + n), at + BATCH_REC);
    this.count++;
  }

  /** The batch as bytes to send (its header filled in); the outbox starts empty again. */
  take(epoch: number, depth: number): Uint8Array {
    const out = this.data.slice(0, BATCH_HEADER + this.count * this.width);
    out[B_EPOCH] = epoch;
    out[B_DEPTH] = depth;
    out[B_COUNT] = this.count;
    this.count = 0;
    return new Uint8Array(out.buffer);
  }
}

/** The words of a received batch (copied: a message buffer need not be 4-byte aligned). */
export function batchWords(bytes: Uint8Array): Uint32Array {
  const w = new Uint32Array(bytes.length >>> 2);
  new Uint8Array(w.buffer).set(bytes.subarray(0, w.length * 4));
  return w;
}
