import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedQueue, PackedStack, REC_DEPTH, REC_INDEX, REC_WORDS } from '../../../checker/store/frontier';

/** Records per chunk in frontier.ts. */
const CHUNK_RECORDS = 1 << 14;

type Frontier = PackedQueue | PackedStack;

/** A distinct payload per sequence number: index, depth and every state word differ. */
function payload(seq: number, w: number): number {
  return (Math.imul(seq + 1, 0x9e3779b1) ^ Math.imul(w + 1, 0x85ebca6b)) >>> 0;
}

function push(f: Frontier, seq: number, words: number): void {
  f.pushSlot();
  const { buf, off } = f;
  buf[off + REC_INDEX] = seq;
  buf[off + REC_DEPTH] = (seq ^ 0xa5a5a5a5) >>> 0;
  for (let w = 0; w < words; w++) buf[off + REC_WORDS + w] = payload(seq, w);
}

/** Pops one record and returns its sequence number after checking the whole record. */
function pop(f: Frontier, words: number): number {
  if (!f.pop()) throw new Error('pop() returned false on a non-empty frontier');
  const { buf, off } = f;
  const seq = buf[off + REC_INDEX]!;
  if (buf[off + REC_DEPTH] !== (seq ^ 0xa5a5a5a5) >>> 0) throw new Error(`record ${seq}: depth corrupted`);
  for (let w = 0; w < words; w++) {
    if (buf[off + REC_WORDS + w] !== payload(seq, w)) throw new Error(`record ${seq}: word ${w} corrupted`);
  }
  return seq;
}

describe('PackedQueue', () => {
  it('is FIFO across several chunk boundaries', () => {
    for (const words of [0, 1, 3]) {
      const q = new PackedQueue(words);
      const n = 3 * CHUNK_RECORDS + 17;
      for (let i = 0; i < n; i++) push(q, i, words);
      expect(q.length).toBe(n);
      expect(q.bytes).toBe(4 * CHUNK_RECORDS * (REC_WORDS + words) * 4);
      for (let i = 0; i < n; i++) {
        const seq = pop(q, words);
        if (seq !== i) expect.fail(`popped ${seq}, expected ${i}`);
      }
      expect(q.length).toBe(0);
      expect(q.pop()).toBe(false);
      // Drained: at most one chunk is kept for reuse.
      expect(q.bytes).toBeLessThanOrEqual(CHUNK_RECORDS * (REC_WORDS + words) * 4);
    }
  });

  it('pop on an empty queue returns false, and the queue is reusable afterwards', () => {
    const q = new PackedQueue(2);
    expect(q.pop()).toBe(false);
    push(q, 1, 2);
    expect(pop(q, 2)).toBe(1);
    expect(q.pop()).toBe(false);
    push(q, 2, 2);
    push(q, 3, 2);
    expect(pop(q, 2)).toBe(2);
    push(q, 4, 2);
    expect(pop(q, 2)).toBe(3);
    expect(pop(q, 2)).toBe(4);
    expect(q.pop()).toBe(false);
  });

  it('BFS pattern: pop one, push several, across chunk boundaries', () => {
    const words = 2;
    const q = new PackedQueue(words);
    let next = 0;
    let expected = 0;
    push(q, next++, words);
    let maxLen = 0;
    // Each popped record is read before its successors are pushed (as run.ts does).
    for (let step = 0; step < 80_000 && q.length > 0; step++) {
      const seq = pop(q, words);
      if (seq !== expected++) expect.fail(`popped ${seq}, expected ${expected - 1}`);
      const k = step < 40_000 ? 2 : step % 3 === 0 ? 1 : 0;
      for (let j = 0; j < k; j++) push(q, next++, words);
      maxLen = Math.max(maxLen, q.length);
    }
    expect(maxLen).toBeGreaterThan(2 * CHUNK_RECORDS);
    while (q.length > 0) if (pop(q, words) !== expected++) expect.fail('wrong record while draining');
    expect(expected).toBe(next);
  });
});

describe('PackedStack', () => {
  it('is LIFO across several chunk boundaries', () => {
    for (const words of [0, 1, 3]) {
      const s = new PackedStack(words);
      const n = 3 * CHUNK_RECORDS + 17;
      for (let i = 0; i < n; i++) push(s, i, words);
      expect(s.length).toBe(n);
      for (let i = n - 1; i >= 0; i--) {
        const seq = pop(s, words);
        if (seq !== i) expect.fail(`popped ${seq}, expected ${i}`);
      }
      expect(s.length).toBe(0);
      expect(s.pop()).toBe(false);
    }
  });

  it('push/pop oscillating exactly at a chunk boundary', () => {
    // Stack size alternates C+1, C, C-1, C: each round opens a chunk, empties it, and drops below it.
    const words = 1;
    const s = new PackedStack(words);
    const model: number[] = [];
    let next = 0;
    for (let i = 0; i < CHUNK_RECORDS; i++) {
      push(s, next, words);
      model.push(next++);
    }
    for (let r = 0; r < 50; r++) {
      push(s, next, words);
      model.push(next++);
      expect(pop(s, words)).toBe(model.pop());
      expect(pop(s, words)).toBe(model.pop());
      push(s, next, words);
      model.push(next++);
      expect(s.length).toBe(model.length);
    }
    while (model.length > 0) if (pop(s, words) !== model.pop()) expect.fail('wrong record while draining');
    expect(s.pop()).toBe(false);
  });
});

describe('frontiers against an array model (property)', () => {
  // Operations: push n, pop n. Counts reach past chunk sizes so boundaries are crossed in both directions.
  const opArb = fc.oneof(
    fc.record({ push: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ pop: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ push: fc.integer({ min: CHUNK_RECORDS - 50, max: CHUNK_RECORDS + 50 }) }),
    fc.record({ pop: fc.integer({ min: CHUNK_RECORDS - 50, max: CHUNK_RECORDS + 50 }) }),
  );
  const opsArb = fc.array(opArb, { maxLength: 25 });

  /** The model: an array with a head index (Array#shift is O(n) on large arrays). */
  class Model {
    items: number[] = [];
    head = 0;
    constructor(readonly fifo: boolean) {}
    get length(): number {
      return this.items.length - this.head;
    }
    push(x: number): void {
      this.items.push(x);
    }
    take(): number {
      return this.fifo ? this.items[this.head++]! : this.items.pop()!;
    }
  }

  for (const [name, make, fifo] of [
    ['PackedQueue (FIFO)', (w: number) => new PackedQueue(w), true],
    ['PackedStack (LIFO)', (w: number) => new PackedStack(w), false],
  ] as const) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 3 }), opsArb, (words, ops) => {
          const f = make(words);
          const model = new Model(fifo);
          let next = 0;
          for (const op of ops) {
            if ('push' in op) {
              for (let i = 0; i < op.push; i++) {
                push(f, next, words);
                model.push(next++);
              }
            } else {
              for (let i = 0; i < op.pop; i++) {
                if (model.length === 0) {
                  expect(f.pop()).toBe(false);
                  break;
                }
                const seq = pop(f, words);
                const want = model.take();
                if (seq !== want) expect.fail(`popped ${seq}, model says ${want}`);
              }
            }
            expect(f.length).toBe(model.length);
            // Memory is released as records leave: at most two chunks beyond what is needed.
            const chunkBytes = CHUNK_RECORDS * (REC_WORDS + words) * 4;
            expect(f.bytes).toBeLessThanOrEqual((Math.ceil(model.length / CHUNK_RECORDS) + 2) * chunkBytes);
          }
          while (model.length > 0) if (pop(f, words) !== model.take()) expect.fail('wrong record while draining');
          expect(f.pop()).toBe(false);
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('PackedQueue spilling to disk', () => {
  it('keeps FIFO order across spilled chunks and reads each back once', () => {
    const words = 3;
    const q = new PackedQueue(words, 2 * (1 << 14) * (2 + words) * 4); // room for two chunks
    const n = 5 * (1 << 14) + 123;
    for (let i = 0; i < n; i++) {
      q.pushSlot();
      q.buf[q.off] = i;
      q.buf[q.off + 2] = i * 7;
    }
    expect(q.spills).toBeGreaterThan(0);
    expect(q.bytes).toBeLessThanOrEqual(3 * (1 << 14) * (2 + words) * 4);
    for (let i = 0; i < n; i++) {
      expect(q.pop()).toBe(true);
      if (q.buf[q.off] !== i || q.buf[q.off + 2] !== i * 7) throw new Error(`record ${i} out of order`);
    }
    expect(q.pop()).toBe(false);
    q.dispose();
  });
});
