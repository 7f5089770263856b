import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../../../checker/store/checkpoint';
import { mixHi, SeenSet, type SlotLayout } from '../../../checker/store/seenSet';
import { prngU32 as prng } from '../../support/prng';

/** The oracle: a JS Set of lo per hi, with the table's own lo = 0 → 1 (0 marks an empty slot). */
class Oracle {
  private readonly m = new Map<number, Map<number, number>>();
  size = 0;
  get(hi: number, lo: number): number | undefined {
    return this.m.get(hi >>> 0)?.get(lo >>> 0 || 1);
  }
  has(hi: number, lo: number): boolean {
    return this.get(hi, lo) !== undefined;
  }
  add(hi: number, lo: number, at = 0): void {
    let s = this.m.get(hi >>> 0);
    if (!s) this.m.set(hi >>> 0, (s = new Map()));
    if (!s.has(lo >>> 0 || 1)) {
      s.set(lo >>> 0 || 1, at);
      this.size++;
    }
  }
}


const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;
const log2 = (n: number) => Math.round(Math.log2(n));

/** Layouts that reach the quotiented 6- and 5-byte slots after a few hundred entries (keeping fewer than 64 bits there). */
const SMALL_MEDIUM: SlotLayout = { medium: 7, narrow: 30 };
const SMALL_NARROW: SlotLayout = { medium: 10, narrow: 10 };
const DEFAULT: SlotLayout = { medium: 21, narrow: 25 };

/** Bytes per slot for a layout at a size: 8 (pairs), 6 or 5. */
const slotBytes = (cap: number, layout: SlotLayout) => (log2(cap) >= layout.narrow ? 5 : log2(cap) >= layout.medium ? 6 : 8);

function checkShape(s: SeenSet, layout: SlotLayout = DEFAULT, indexed = false): void {
  expect(isPow2(s.capacity)).toBe(true);
  expect(s.size / s.capacity).toBeLessThanOrEqual(0.7);
  expect(s.bytes).toBe(s.capacity * (slotBytes(s.capacity, layout) + (indexed ? 4 : 0)) + 100 * s.overflowSize);
}

/** Fingerprints whose home bits (the top of mixHi) all start with `prefix` (its top `bits` bits). */
function sharingTopBits(n: number, prefix: number, bits: number, seed: number): [number, number][] {
  const rnd = prng(seed);
  const out: [number, number][] = [];
  const low = 2 ** (32 - bits) - 1;
  for (let i = 0; i < n; i++) {
    const lo = rnd() || 1;
    const mixed = ((prefix & ~low) | (rnd() & low)) >>> 0;
    out.push([mixHi(mixed, lo), lo]);
  }
  return out;
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
    expect(s.add(0, 5)).toBe(true);
    expect(s.add(5, 0)).toBe(true);
    expect(s.has(0, 5)).toBe(true);
    expect(s.has(5, 0)).toBe(true);
    expect(s.size).toBe(3);
    expect(s.has(5, 1)).toBe(false);
    expect(s.has(0, 0)).toBe(false);
    expect(s.fingerprintBits).toBe(64);
    // Quotiented, lo = 0 is stored as lo = 1 (0 marks an empty slot): (5, 0) and (5, 1) are one fingerprint.
    const q = new SeenSet(64, false, SMALL_MEDIUM);
    for (let i = 0; i < 100; i++) q.add(i + 100, i + 500);
    expect(q.add(5, 0)).toBe(true);
    expect(q.has(5, 1)).toBe(true);
    expect(q.add(5, 1)).toBe(false);
  });

  it('treats negative int32 and uint32 spellings of the same lanes as the same fingerprint', () => {
    const s = new SeenSet();
    expect(s.add(0xffffffff, 0x80000000)).toBe(true);
    expect(s.has(-1, -0x80000000)).toBe(true);
    expect(s.add(-1, -0x80000000)).toBe(false);
    expect(s.size).toBe(1);
  });

  it('mixHi is its own inverse in hi for a given lo', () => {
    const rnd = prng(3);
    for (let k = 0; k < 1000; k++) {
      const hi = rnd();
      const lo = rnd() || 1;
      expect(mixHi(mixHi(hi, lo), lo)).toBe(hi);
    }
  });

  it('rounds the initial capacity up to a power of two (at least 16); slots are 8, 6 or 5 bytes by size', () => {
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
    // The default layout: (hi, lo) pairs to 2^20, 6-byte slots to 2^24 (64 bits kept), 5-byte from 2^25 (q + 35 bits).
    const sets = [20, 21, 25].map((q) => new SeenSet(2 ** q));
    expect(sets.map((s) => s.bytes / s.capacity)).toEqual([8, 6, 5]);
    expect(sets.map((s) => s.fingerprintBits)).toEqual([64, 64, 60]);
    expect(new SeenSet(1 << 21, true).bytes).toBe(10 * (1 << 21));
    expect(() => new SeenSet(16, false, { medium: 5, narrow: 8 })).toThrow('bad seen set layout');
  });

  it.each([
    ['pairs', DEFAULT],
    ['pairs, then 6-byte slots', SMALL_MEDIUM],
  ] as const)('grows by doubling at 70%% load and keeps every element (%s)', (_, layout) => {
    const s = new SeenSet(16, false, layout);
    const caps: number[] = [];
    for (let i = 1; i <= 1000; i++) {
      expect(s.add(i, i * 7919)).toBe(true);
      if (caps[caps.length - 1] !== s.capacity) caps.push(s.capacity);
      checkShape(s, layout);
    }
    expect(caps).toEqual([16, 32, 64, 128, 256, 512, 1024, 2048]);
    // Grows exactly when the count passes floor(capacity * 0.7).
    const g = new SeenSet(16, false, layout);
    for (let i = 1; i <= 11; i++) g.add(i, 1);
    expect(g.capacity).toBe(16);
    g.add(12, 1);
    expect(g.capacity).toBe(32);
    for (let i = 1; i <= 1000; i++) expect(s.has(i, i * 7919)).toBe(true);
    expect(s.has(1001, 1001 * 7919)).toBe(false);
    expect(s.overflowSize).toBe(0);
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
        // Near-duplicates: same lo, hi differing in one bit (the key's top or remainder bits).
        const [h0, l0] = inserted.length > 0 ? inserted[rnd() % inserted.length]! : [1, 1];
        hi = (h0 ^ (1 << (rnd() & 31))) >>> 0;
        lo = l0;
      } else if (r === 3) {
        hi = 0;
        lo = rnd() || 2;
      } else {
        hi = rnd();
        lo = rnd();
      }
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
    expect(resizes).toBeGreaterThanOrEqual(13);
    expect(s.size).toBe(oracle.size);
    expect(s.fingerprintBits).toBe(64);
    // Random fingerprints never need the overflow map: Robin Hood probes stay far below 32.
    expect(s.overflowSize).toBe(0);
    checkShape(s);
    for (const [hi, lo] of inserted) if (!s.has(hi, lo)) expect.fail(`lost ${hi}:${lo}`);
    const probe = prng(7);
    for (let i = 0; i < 50_000; i++) {
      const hi = probe();
      const lo = probe();
      if (s.has(hi, lo) !== oracle.has(hi, lo)) expect.fail(`has(${hi}, ${lo}) disagrees with the oracle`);
    }
  });

  it('crossing from 8- to 6-byte slots at 2^21 slots keeps all 64 bits', () => {
    const s = new SeenSet(1 << 20);
    const rnd = prng(8);
    const fps: [number, number][] = [];
    for (let i = 0; i < 760_000; i++) {
      const f: [number, number] = [rnd(), rnd()];
      if (s.add(f[0], f[1])) fps.push(f);
    }
    expect(s.capacity).toBe(1 << 21);
    expect(s.bytes).toBe(6 * (1 << 21));
    checkShape(s);
    expect(s.fingerprintBits).toBe(64);
    expect(s.size).toBe(fps.length);
    for (const [hi, lo] of fps) if (!s.has(hi, lo)) expect.fail(`lost ${hi}:${lo}`);
    // Every bit of hi still counts (the dropped-bit case is the 5-byte test below).
    for (let k = 0; k < 20_000; k++) {
      const [hi, lo] = fps[k]!;
      if (s.has(hi ^ (1 << (k & 31)), lo)) expect.fail(`a one-bit change of hi (${k & 31}) was seen`);
    }
  });

  it('fingerprints sharing their home bits: the overflow map keeps those too far from home, through growth', () => {
    const s = new SeenSet(1 << 21, true);
    // 200 sharing 31 top bits: one home at every size; 32 fit from there on, 168 are outside.
    const one = sharingTopBits(200, 0x9876_5432, 31, 5);
    one.forEach(([hi, lo], at) => expect(s.insert(hi, lo, at)).toBe(-1));
    expect(s.size).toBe(200);
    expect(s.overflowSize).toBe(168);
    one.forEach(([hi, lo], at) => {
      expect(s.insert(hi, lo, 9999)).toBe(at);
      expect(s.lookup(hi, lo)).toBe(at);
      expect(s.has(hi, lo ^ 0x10)).toBe(false);
      expect(s.has(hi ^ 0x8000_0000, lo)).toBe(false);
    });
    // 3000 sharing 10 top bits: crowded into 2048 slots, then 4096 once the table doubles.
    const few = sharingTopBits(3000, 0xa000_0000, 10, 6);
    few.forEach(([hi, lo], at) => expect(s.insert(hi, lo, 200 + at)).toBe(-1));
    const crowded = s.overflowSize;
    expect(crowded).toBeGreaterThan(168 + 300);
    const rnd = prng(12);
    for (let i = 0; i < 1_470_000; i++) s.insert(rnd(), rnd(), 3200 + i);
    expect(s.capacity).toBe(1 << 22);
    expect(s.overflowSize).toBeGreaterThanOrEqual(168);
    expect(s.overflowSize).toBeLessThan(crowded - 300);
    one.forEach(([hi, lo], at) => expect(s.lookup(hi, lo)).toBe(at));
    few.forEach(([hi, lo], at) => {
      if (s.lookup(hi, lo) !== 200 + at) expect.fail(`lookup of the ${at}th lost its index`);
    });
  });

  it('a quotiented table stops at 2^keyBits slots with an InternalLimitError', () => {
    // Quotiented from 64 slots, 6-byte slots keep 6 + 11 = 17 bits of hi: 2^17 slots at most.
    const s = new SeenSet(64, false, { medium: 6, narrow: 30 });
    const rnd = prng(13);
    expect(() => {
      for (let i = 0; i < 100_000; i++) s.add(rnd(), rnd());
    }).toThrow(/^the seen set reached its largest size \(2\^17 slots\) at 91,751 states/);
  });

  it('property: random fingerprints with heavy top-bit collisions, interleaved add/has/lookup, against a model', () => {
    // (Quotiented from 64 slots, keeping 17 bits of hi: the bits below are the same.) A fingerprint: one of 16 consecutive 10-bit home prefixes (many share their top bits, and the clusters
    // of neighbouring homes interleave, so entries swap), a few low bits and lo: many duplicates.
    const fp = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.nat(), fc.integer({ min: 0, max: 6 })).map(([p, low, lo]) => [mixHi((((0x2a0 + p) << 22) | ((low & 7) << 15)) >>> 0, lo || 1), lo] as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('add', 'has', 'lookup'), fp), { minLength: 200, maxLength: 600 }), (ops) => {
        const s = new SeenSet(64, true, { medium: 6, narrow: 30 });
        const model = new Oracle();
        ops.forEach(([op, [hi, lo]], at) => {
          if (op === 'add') {
            expect(s.insert(hi, lo, at)).toBe(model.get(hi, lo) ?? -1);
            model.add(hi, lo, at);
          } else if (op === 'has') expect(s.has(hi, lo)).toBe(model.has(hi, lo));
          else expect(s.lookup(hi, lo)).toBe(model.get(hi, lo) ?? -1);
          expect(s.size).toBe(model.size);
        });
        checkShape(s, { medium: 6, narrow: 30 }, true);
      }),
      { numRuns: 100 },
    );
  });

  it('5-byte slots keep q + 35 bits: fingerprints that differ only in the dropped bits of hi become one', () => {
    // narrow = 10: from 2^10 slots, 5 bytes a slot, whose keys keep 10 + 35 = 45 bits (19 bits of hi dropped).
    const s = new SeenSet(1024, true, SMALL_NARROW);
    const rnd = prng(11);
    const fps: [number, number][] = [];
    for (let i = 0; i < 300; i++) fps.push([rnd(), rnd() || 1]);
    fps.forEach(([hi, lo], at) => s.insert(hi, lo, at));
    expect([s.capacity, s.bytes, s.fingerprintBits]).toEqual([1024, 9 * 1024, 45]);
    // A flip in the low 19 bits of hi is not seen; one above them is.
    fps.forEach(([hi, lo], at) => {
      expect(s.lookup(hi ^ 0x7ffff, lo)).toBe(at);
      expect(s.has(hi ^ 0x80000, lo)).toBe(false);
    });
    for (let i = 0; i < 2000; i++) s.add(rnd(), rnd());
    expect(s.capacity).toBe(4096);
    expect(s.fingerprintBits).toBe(45);
    fps.forEach(([hi, lo], at) => expect(s.lookup(hi, lo)).toBe(at));
  });

  it('property: narrowing at growth agrees with a model over the kept key bits (merged keys are recounted)', () => {
    // 16 values of the top bits and 4 of the bits narrowing drops: it really merges fingerprints.
    const fp = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 40 })).map(([top, bottom, lo]) => [mixHi(((top << 28) | bottom) >>> 0, lo), lo] as const);
    fc.assert(
      fc.property(fc.array(fp, { minLength: 100, maxLength: 400 }), (fps) => {
        // From 64 to 128 slots the set goes from 6-byte slots (64 - 21 bits kept) to 5-byte ones (42 bits).
        const s = new SeenSet(64, false, { medium: 6, narrow: 7 });
        const seen: (readonly [number, number])[] = [];
        const kept = (bits: number, [hi, lo]: readonly [number, number]) => `${mixHi(hi, lo) >>> (64 - bits)}:${lo}`;
        for (const f of fps) {
          const bits = s.fingerprintBits;
          const fresh = !seen.some((g) => kept(bits, g) === kept(bits, f));
          expect(s.add(f[0], f[1])).toBe(fresh);
          seen.push(f);
          expect(s.size).toBe(new Set(seen.map((g) => kept(s.fingerprintBits, g))).size);
        }
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['pairs, not indexed', undefined, false],
    ['6-byte slots, indexed', SMALL_MEDIUM, true],
    ['5-byte slots, indexed', SMALL_NARROW, true],
  ] as const)('checkpoint round trip through a file (%s), overflow entries included; the loaded set goes on growing', (_, layout, indexed) => {
    const s = new SeenSet(64, indexed, layout);
    const rnd = prng(21);
    const fps: [number, number][] = [...sharingTopBits(100, 0x5a000000, 8, 9)];
    for (let i = 0; i < 600; i++) fps.push([rnd(), rnd()]);
    fps.forEach(([hi, lo], at) => s.insert(hi, lo, at));
    expect(s.overflowSize > 0).toBe(layout !== undefined);
    const path = join(mkdtempSync(join(tmpdir(), 'hmmcheck-seen-')), 'seen.ckpt');
    writeCheckpoint(path, { run: {}, parts: { seen: s.dump() } });
    const back = SeenSet.load(readCheckpoint(path).parts.seen!);
    expect([back.size, back.capacity, back.bytes, back.fingerprintBits, back.overflowSize]).toEqual([s.size, s.capacity, s.bytes, s.fingerprintBits, s.overflowSize]);
    fps.forEach(([hi, lo], at) => expect(indexed ? back.lookup(hi, lo) : back.insert(hi, lo, 0)).toBe(indexed ? at : 0));
    for (let i = 0; i < 5000; i++) {
      const hi = rnd();
      const lo = rnd();
      expect(back.insert(hi, lo, 10_000 + i)).toBe(s.insert(hi, lo, 10_000 + i));
    }
    expect(back.capacity).toBeGreaterThan(1024);
    expect([back.size, back.capacity, back.fingerprintBits]).toEqual([s.size, s.capacity, s.fingerprintBits]);
    fps.forEach(([hi, lo], at) => expect(indexed ? back.lookup(hi, lo) : back.has(hi, lo)).toBe(indexed ? at : true));
  });

  it('lookup needs an indexed set; insert returns the stored index of a duplicate', () => {
    expect(() => new SeenSet().lookup(1, 2)).toThrow('SeenSet.lookup needs an indexed set');
    const s = new SeenSet(64, true);
    expect(s.insert(7, 8, 123)).toBe(-1);
    expect(s.insert(7, 8, 456)).toBe(123);
    expect(s.lookup(7, 8)).toBe(123);
    expect(s.lookup(7, 9)).toBe(-1);
    expect(new SeenSet().insert(7, 8, 1)).toBe(-1);
    const u = new SeenSet();
    u.insert(7, 8, 1);
    expect(u.insert(7, 8, 2)).toBe(0);
  });
});
