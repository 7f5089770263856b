import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenSet } from '../../../checker/store/seenSet';
import { prngU32 as prng } from '../../support/prng';


/** The oracle: a JS Set of lo per hi (a Set of `${hi}:${lo}` strings works too, but is slower). */
class Oracle {
  private readonly m = new Map<number, Set<number>>();
  size = 0;
  has(hi: number, lo: number): boolean {
    return this.m.get(hi)?.has(lo) ?? false;
  }
  add(hi: number, lo: number): void {
    let s = this.m.get(hi);
    if (!s) this.m.set(hi, (s = new Set()));
    if (!s.has(lo)) {
      s.add(lo);
      this.size++;
    }
  }
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

function checkShape(s: SeenSet): void {
  expect(isPow2(s.capacity)).toBe(true);
  expect(s.size / s.capacity).toBeLessThanOrEqual(0.7);
  expect(s.bytes).toBe(s.capacity * 8);
}

describe('SeenSet', () => {
  it('add/has semantics', () => {
    const s = new SeenSet();
    expect(s.size).toBe(0);
    expect(s.has(1, 2)).toBe(false);
    expect(s.add(1, 2)).toBe(true);
    expect(s.has(1, 2)).toBe(true);
    expect(s.has(2, 1)).toBe(false);
    expect(s.has(1, 3)).toBe(false);
    expect(s.add(1, 2)).toBe(false);
    expect(s.size).toBe(1);
    // One lane zero is a valid fingerprint (only 0:0 is reserved).
    expect(s.add(0, 5)).toBe(true);
    expect(s.add(5, 0)).toBe(true);
    expect(s.has(0, 5)).toBe(true);
    expect(s.has(5, 0)).toBe(true);
    expect(s.has(0, 0)).toBe(false);
    expect(s.size).toBe(3);
  });

  it('treats negative int32 and uint32 spellings of the same lanes as the same fingerprint', () => {
    const s = new SeenSet();
    expect(s.add(0xffffffff, 0x80000000)).toBe(true);
    expect(s.has(-1, -0x80000000)).toBe(true);
    expect(s.add(-1, -0x80000000)).toBe(false);
    expect(s.size).toBe(1);
  });

  it('rounds the initial capacity up to a power of two (at least 16)', () => {
    for (const [init, cap] of [
      [0, 16],
      [1, 16],
      [16, 16],
      [17, 32],
      [100, 128],
      [1 << 16, 1 << 16],
      [(1 << 16) + 1, 1 << 17],
    ] as const) {
      const s = new SeenSet(init);
      expect(s.capacity).toBe(cap);
      checkShape(s);
    }
    expect(new SeenSet().capacity).toBe(1 << 16);
  });

  it('grows by doubling at 70% load and keeps every element', () => {
    const s = new SeenSet(16);
    const caps: number[] = [];
    for (let i = 1; i <= 1000; i++) {
      expect(s.add(i, i * 7919)).toBe(true);
      if (caps[caps.length - 1] !== s.capacity) caps.push(s.capacity);
      checkShape(s);
    }
    expect(caps).toEqual([16, 32, 64, 128, 256, 512, 1024, 2048]);
    // Grows exactly when the count passes floor(capacity * 0.7).
    const g = new SeenSet(16);
    for (let i = 1; i <= 11; i++) g.add(i, 1);
    expect(g.capacity).toBe(16);
    g.add(12, 1);
    expect(g.capacity).toBe(32);
    for (let i = 1; i <= 1000; i++) expect(s.has(i, i * 7919)).toBe(true);
    expect(s.has(1001, 1001 * 7919)).toBe(false);
  });

  it('300k random fingerprints through many resizes agree with a JS Set oracle', () => {
    const s = new SeenSet(16);
    const oracle = new Oracle();
    const rnd = prng(42);
    const inserted: [number, number][] = [];
    let resizes = 0;
    let cap = s.capacity;
    for (let i = 0; i < 300_000; i++) {
      let hi: number;
      let lo: number;
      const r = i % 10;
      if (r < 2 && inserted.length > 0) {
        // Re-insert a known fingerprint: must report a duplicate.
        [hi, lo] = inserted[rnd() % inserted.length]!;
      } else if (r === 2) {
        // Near-duplicates: same lo, hi differing in one bit.
        const [h0, l0] = inserted.length > 0 ? inserted[rnd() % inserted.length]! : [1, 1];
        hi = (h0 ^ (1 << (rnd() & 31))) >>> 0;
        lo = l0;
      } else if (r === 3) {
        hi = 0;
        lo = rnd() || 1;
      } else {
        hi = rnd();
        lo = rnd();
      }
      if (hi === 0 && lo === 0) continue;
      const fresh = !oracle.has(hi, lo);
      if (s.has(hi, lo) === fresh) expect.fail(`has(${hi}, ${lo}) returned ${fresh}, oracle says ${!fresh}`);
      if (s.add(hi, lo) !== fresh) expect.fail(`add(${hi}, ${lo}) returned ${!fresh}, oracle says ${fresh}`);
      if (fresh) {
        oracle.add(hi, lo);
        inserted.push([hi, lo]);
      }
      if (s.capacity !== cap) {
        resizes++;
        cap = s.capacity;
        checkShape(s);
      }
    }
    expect(resizes).toBeGreaterThanOrEqual(15);
    expect(s.size).toBe(oracle.size);
    checkShape(s);
    for (const [hi, lo] of inserted) if (!s.has(hi, lo)) expect.fail(`lost ${hi}:${lo}`);
    // Absent fingerprints are absent.
    const probe = prng(7);
    for (let i = 0; i < 50_000; i++) {
      const hi = probe();
      const lo = probe();
      if (s.has(hi, lo) !== oracle.has(hi, lo)) expect.fail(`has(${hi}, ${lo}) disagrees with the oracle`);
    }
  });

  it('a cluster of fingerprints hashing to the same slot', () => {
    // The slot is (lo ^ (hi >>> 7)) & mask: with lo = k and hi = k << 7 every entry starts at slot 0.
    const s = new SeenSet(16);
    for (let k = 1; k <= 3000; k++) expect(s.add(k << 7, k)).toBe(true);
    for (let k = 1; k <= 3000; k++) {
      expect(s.has(k << 7, k)).toBe(true);
      expect(s.add(k << 7, k)).toBe(false);
      expect(s.has(k << 7, k + 1)).toBe(false);
    }
    expect(s.size).toBe(3000);
    checkShape(s);
  });

  it('property: interleaved add/has against a Set model', () => {
    const fp = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })).filter(([hi, lo]) => hi !== 0 || lo !== 0);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fp), { maxLength: 400 }), (ops) => {
        const s = new SeenSet(16);
        const model = new Set<string>();
        for (const [isAdd, [hi, lo]] of ops) {
          const k = `${hi}:${lo}`;
          if (isAdd) {
            expect(s.add(hi, lo)).toBe(!model.has(k));
            model.add(k);
          } else {
            expect(s.has(hi, lo)).toBe(model.has(k));
          }
          expect(s.size).toBe(model.size);
        }
        checkShape(s);
      }),
      { numRuns: 200 },
    );
  });
});
