import { REC_INDEX } from './frontier';

/**
 * A frontier that is one growable Uint32Array of fixed-width records: what a parallel worker
 * fills during a BFS level and hands back to the coordinator in one transfer.
 */
export class FlatFrontier {
  data: Uint32Array;
  buf: Uint32Array;
  off = 0;
  private end = 0;

  constructor(
    readonly width: number,
    initialRecords = 1024,
  ) {
    this.data = new Uint32Array(width * initialRecords);
    this.buf = this.data;
  }

  get length(): number {
    return this.end / this.width;
  }

  pushSlot(): void {
    if (this.end + this.width > this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
      this.buf = next;
    }
    this.off = this.end;
    this.end += this.width;
  }

  /**
   * Appends a copy of the record at from[at..] (this frontier's width) with its index field set to
   * `index`: how the coordinator moves a worker's new state into the next level. (A word loop, not
   * set(subarray(...)): a view per state cost more than the copy.)
   */
  pushCopy(from: Uint32Array, at: number, index: number): void {
    this.pushSlot();
    const { buf, off, width } = this;
    for (let w = 0; w < width; w++) buf[off + w] = from[at + w]!;
    buf[off + REC_INDEX] = index;
  }

  /** The records written so far (a view). */
  records(): Uint32Array {
    return this.data.subarray(0, this.end);
  }
}
