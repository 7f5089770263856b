/**
 * HOT PATH. Frontiers of packed states: fixed-width records (state index, depth, packed words)
 * in typed-array chunks, with no JS object per queued state. `PackedQueue` is FIFO (BFS),
 * `PackedStack` is LIFO (DFS). A popped record is read in place from `buf` at `off`.
 *
 * A PackedQueue with a memory budget spills to disk: once its chunks exceed the budget, each
 * chunk it has finished filling (never the one being read) goes to a temporary file, and is read
 * back when the reading reaches it. BFS frontiers are read in order, so each spilled chunk is
 * written once and read once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parts } from './checkpoint';

const CHUNK_RECORDS = 1 << 14;

/** Record layout: [index, depth, ...words]. */
export const REC_INDEX = 0;
export const REC_DEPTH = 1;
export const REC_WORDS = 2;

abstract class Chunked {
  protected chunks: Uint32Array[] = [];
  protected readonly width: number;
  protected readonly chunkWords: number;
  protected count = 0;
  /** After pop(): the chunk holding the record and the record's offset in it. */
  buf: Uint32Array = new Uint32Array(0);
  off = 0;

  constructor(stateWords: number) {
    this.width = REC_WORDS + stateWords;
    this.chunkWords = CHUNK_RECORDS * this.width;
  }

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.chunks.length * this.chunkWords * 4;
  }
}

export class PackedQueue extends Chunked {
  private head = 0; // record offset in chunks[0]
  private tail = 0; // record offset in the last chunk
  /** Chunks written to disk, by position in `chunks` (their array slot holds an empty placeholder). */
  private readonly spilled = new Map<Uint32Array, string>();
  private spillDir: string | undefined;
  /** Chunks spilled over the queue's life, for reports and tests. */
  spills = 0;

  /** `memoryBudgetBytes`: keep at most this much in memory; spill the rest to a temporary folder. */
  constructor(
    stateWords: number,
    private readonly memoryBudgetBytes = Infinity,
  ) {
    super(stateWords);
  }

  override get bytes(): number {
    return (this.chunks.length - this.spilled.size) * this.chunkWords * 4;
  }

  dump(): Parts {
    return { meta: { head: this.head, tail: this.tail, count: this.count, width: this.width }, arrays: this.chunks.map((c) => this.inMemory(c)) };
  }

  static load(p: Parts, stateWords: number, memoryBudgetBytes?: number): PackedQueue {
    const q = new PackedQueue(stateWords, memoryBudgetBytes);
    if (p.meta.width !== q.width) throw new Error('checkpoint frontier has another record width');
    q.chunks = [...p.arrays];
    q.head = p.meta.head as number;
    q.tail = p.meta.tail as number;
    q.count = p.meta.count as number;
    return q;
  }

  /** Reserves a record at the tail and returns [chunk, offset] through buf/off for the caller to fill. */
  pushSlot(): void {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || this.tail === this.chunkWords) {
      // The chunk just filled is not read before every chunk ahead of it: spill it if over budget.
      if (last && this.chunks.length > 1 && this.bytes + this.chunkWords * 4 > this.memoryBudgetBytes) this.spill(this.chunks.length - 1);
      last = new Uint32Array(this.chunkWords);
      this.chunks.push(last);
      this.tail = 0;
    }
    this.buf = last;
    this.off = this.tail;
    this.tail += this.width;
    this.count++;
  }

  /** Pops the head record into buf/off; returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    if (this.head === this.chunkWords) {
      this.chunks.shift();
      this.chunks[0] = this.inMemory(this.chunks[0]!, true);
      this.head = 0;
    }
    this.buf = this.chunks[0]!;
    this.off = this.head;
    this.head += this.width;
    this.count--;
    if (this.count === 0) {
      // Reuse the single remaining chunk from the start.
      this.chunks.length = Math.min(this.chunks.length, 1);
      this.head = 0;
      this.tail = 0;
    }
    return true;
  }

  /** Removes the spill folder (files of chunks never read back). */
  dispose(): void {
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
    this.spilled.clear();
  }

  private spill(i: number): void {
    this.spillDir ??= mkdtempSync(join(tmpdir(), 'hmmcheck-frontier-'));
    const chunk = this.chunks[i]!;
    const path = join(this.spillDir, `chunk-${this.spills++}`);
    writeFileSync(path, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const placeholder = new Uint32Array(0);
    this.spilled.set(placeholder, path);
    this.chunks[i] = placeholder;
  }

  /** The chunk's words, read back from disk if it was spilled (and its file removed if `consume`). */
  private inMemory(chunk: Uint32Array, consume = false): Uint32Array {
    const path = this.spilled.get(chunk);
    if (path === undefined) return chunk;
    const b = readFileSync(path);
    const words = new Uint32Array(this.chunkWords);
    new Uint8Array(words.buffer).set(b);
    if (consume) {
      this.spilled.delete(chunk);
      rmSync(path, { force: true });
    }
    return words;
  }
}

export class PackedStack extends Chunked {
  private top = 0; // record offset after the last record in the last chunk
  /** One emptied chunk kept back, so a stack oscillating across a chunk boundary does not allocate. */
  private spare: Uint32Array | undefined;

  pushSlot(): void {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || this.top === this.chunkWords) {
      last = this.spare ?? new Uint32Array(this.chunkWords);
      this.spare = undefined;
      this.chunks.push(last);
      this.top = 0;
    }
    this.buf = last;
    this.off = this.top;
    this.top += this.width;
    this.count++;
  }

  /**
   * Pops the top record into buf/off. The record stays valid until the next pushSlot (a push may
   * overwrite it), so callers copy what they need first.
   */
  pop(): boolean {
    if (this.count === 0) return false;
    if (this.top === 0) {
      this.spare = this.chunks.pop();
      this.top = this.chunkWords;
    }
    this.buf = this.chunks[this.chunks.length - 1]!;
    this.top -= this.width;
    this.off = this.top;
    this.count--;
    return true;
  }
}
