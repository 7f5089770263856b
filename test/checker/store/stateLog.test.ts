import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../../../checker/store/checkpoint';
import { NO_PARENT, StateLog } from '../../../checker/store/stateLog';

const CHUNK = 1 << 16;

describe('StateLog', () => {
  it('starts empty and returns consecutive indices', () => {
    const log = new StateLog();
    expect(log.size).toBe(0);
    expect(log.bytes).toBe(0);
    expect(log.push(NO_PARENT, 0)).toBe(0);
    expect(log.push(NO_PARENT, 1)).toBe(1);
    expect(log.push(0, 7)).toBe(2);
    expect(log.size).toBe(3);
    expect(log.parent(0)).toBe(NO_PARENT);
    expect(log.parent(2)).toBe(0);
    expect(log.transition(1)).toBe(1);
    expect(log.transition(2)).toBe(7);
    expect(log.bytes).toBe(CHUNK * 6);
    expect(log.recordBytes).toBe(6);
  });

  it('stores full 32-bit parents and transitions across chunk boundaries (> 65536 entries)', () => {
    const log = new StateLog();
    const n = 3 * CHUNK + 123;
    for (let i = 0; i < n; i++) {
      const parent = i === 0 ? NO_PARENT : Math.imul(i, 2654435761) >>> 0;
      if (log.push(parent, (i * 0x9e3779b1) >>> 0) !== i) expect.fail(`push ${i} returned another index`);
    }
    expect(log.size).toBe(n);
    expect(log.bytes).toBe(4 * CHUNK * 8);
    expect(log.recordBytes).toBe(8);
    for (let i = 0; i < n; i++) {
      const parent = i === 0 ? NO_PARENT : Math.imul(i, 2654435761) >>> 0;
      if (log.parent(i) !== parent) expect.fail(`parent(${i}) = ${log.parent(i)}, expected ${parent}`);
      if (log.transition(i) !== (i * 0x9e3779b1) >>> 0) expect.fail(`transition(${i}) wrong`);
    }
    // Entries right at the boundaries.
    for (const i of [CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK, 3 * CHUNK]) {
      expect(log.transition(i)).toBe((i * 0x9e3779b1) >>> 0);
    }
    expect(log.transition(0)).toBe(0);
    const max = log.push(n - 1, 0xfffffffe);
    expect(log.transition(max)).toBe(0xfffffffe);
  });

  it('pathTo: initial states, a chain across chunk boundaries, and a tree', () => {
    const log = new StateLog();
    // Two initial states, then a chain 1 → 2 → … of length 2.5 chunks hanging off state 1.
    log.push(NO_PARENT, 0);
    log.push(NO_PARENT, 1);
    const chainEnd = Math.floor(2.5 * CHUNK);
    for (let i = 2; i <= chainEnd; i++) log.push(i - 1, i);
    expect(log.pathTo(0)).toEqual([0]);
    expect(log.pathTo(1)).toEqual([1]);
    expect(log.pathTo(5)).toEqual([1, 2, 3, 4, 5]);
    const long = log.pathTo(chainEnd);
    expect(long.length).toBe(chainEnd);
    expect(long[0]).toBe(1);
    for (let k = 1; k < long.length; k++) if (long[k] !== long[k - 1]! + 1) expect.fail(`path breaks at ${k}`);
    // A tree branching from the boundaries: children of states on both sides of a chunk edge.
    const a = log.push(CHUNK - 1, 99);
    const b = log.push(a, 100);
    const c = log.push(0, 101);
    expect(log.pathTo(b)).toEqual([...log.pathTo(CHUNK - 1), a, b]);
    expect(log.pathTo(c)).toEqual([0, c]);
    expect(log.pathTo(b).map((i) => log.transition(i)).slice(-2)).toEqual([99, 100]);
  });

  it('a binary tree: the path of every node is its parent’s path plus itself', () => {
    const log = new StateLog();
    const n = CHUNK + 5000;
    log.push(NO_PARENT, 0);
    for (let i = 1; i < n; i++) log.push((i - 1) >>> 1, i);
    for (const i of [1, 2, 1000, CHUNK - 1, CHUNK, n - 1]) {
      const path = log.pathTo(i);
      expect(path[0]).toBe(0);
      expect(path[path.length - 1]).toBe(i);
      expect(path.length).toBe(Math.floor(Math.log2(i + 1)) + 1);
      for (let k = 1; k < path.length; k++) expect(log.parent(path[k]!)).toBe(path[k - 1]);
    }
  });

  it('keeps 16-bit transitions in 6 bytes per state; the first wider one widens them all, keeping the earlier ones', () => {
    const log = new StateLog();
    const n = CHUNK + 1000;
    for (let i = 0; i < n; i++) log.push(i === 0 ? NO_PARENT : i - 1, (i * 7) & 0xffff);
    expect(log.bytes).toBe(2 * CHUNK * 6);
    log.push(n - 1, 0x10000);
    expect(log.recordBytes).toBe(8);
    expect(log.bytes).toBe(2 * CHUNK * 8);
    for (let i = 0; i < n; i++) if (log.transition(i) !== ((i * 7) & 0xffff)) expect.fail(`transition(${i}) changed when widening`);
    expect(log.transition(n)).toBe(0x10000);
    for (let i = n + 1; i < 2 * CHUNK + 10; i++) log.push(i - 1, 0xfffffffe - i);
    expect(log.transition(2 * CHUNK + 9)).toBe(0xfffffffe - (2 * CHUNK + 9));
    expect(log.bytes).toBe(3 * CHUNK * 8);
  });

  it.each([
    ['16-bit transitions', 0xffff],
    ['32-bit transitions', 0xfffffffe],
  ] as const)('checkpoint round trip through a file (%s); the loaded log goes on appending', (_, max) => {
    const log = new StateLog();
    const n = CHUNK + 77;
    const transition = (i: number) => (i * 2654435761) % (max + 1);
    for (let i = 0; i < n; i++) log.push(i === 0 ? NO_PARENT : (i * 31) % i, transition(i));
    const path = join(mkdtempSync(join(tmpdir(), 'hmmcheck-log-')), 'log.ckpt');
    writeCheckpoint(path, { run: {}, parts: { log: log.dump() } });
    const back = StateLog.load(readCheckpoint(path).parts.log!);
    expect([back.size, back.bytes, back.recordBytes]).toEqual([log.size, log.bytes, log.recordBytes]);
    for (let i = 0; i < n; i++) if (back.parent(i) !== log.parent(i) || back.transition(i) !== transition(i)) expect.fail(`record ${i} differs`);
    for (let i = n; i < 2 * CHUNK + 5; i++) expect(back.push(i - 1, transition(i))).toBe(i);
    expect(back.transition(2 * CHUNK + 4)).toBe(transition(2 * CHUNK + 4));
    expect(back.pathTo(2 * CHUNK + 4).slice(-3)).toEqual([2 * CHUNK + 2, 2 * CHUNK + 3, 2 * CHUNK + 4]);
  });
});
