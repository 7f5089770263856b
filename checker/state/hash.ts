/**
 * 64-bit fingerprint of a packed state: two murmur3-style 32-bit lanes with different seeds over
 * the same words. Fixed seeds, so fingerprints (and hence exploration order effects) are
 * reproducible across runs. The generated codec inlines the same arithmetic; this function is the
 * reference used by the reflective path and by tests.
 */

export const SEED1 = 0x9747b28c | 0;
export const SEED2 = 0x2f5a8e13 | 0;

/** Hashes `n` words of `w` starting at `o` into out[0] (hi) and out[1] (lo). Never yields 0:0. */
export function hashWords(w: Uint32Array, o: number, n: number, out: Uint32Array): void {
  let h1 = SEED1;
  let h2 = SEED2;
  for (let i = 0; i < n; i++) {
    let k = w[o + i]! | 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 ^= Math.imul(k, 0x85ebca6b);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2, 5) + 0x52dce729) | 0;
  }
  h1 ^= n;
  h2 ^= n;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 ^= h1 >>> 16; h1 = Math.imul(h1, 0x85ebca6b); h1 ^= h1 >>> 13; h1 = Math.imul(h1, 0xc2b2ae35); h1 ^= h1 >>> 16;
  h2 ^= h2 >>> 16; h2 = Math.imul(h2, 0x85ebca6b); h2 ^= h2 >>> 13; h2 = Math.imul(h2, 0xc2b2ae35); h2 ^= h2 >>> 16;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  if ((h1 | h2) === 0) h2 = 1;
  out[0] = h1;
  out[1] = h2;
}

/** The body of hashWords as source text, for inlining into generated code (variables w, o, out). */
export function hashSource(n: number): string {
  const lines = [`let h1 = ${SEED1}, h2 = ${SEED2}, k = 0;`];
  for (let i = 0; i < n; i++) {
    lines.push(
      `k = Math.imul(w[o + ${i}] | 0, 0xcc9e2d51); k = (k << 15) | (k >>> 17); k = Math.imul(k, 0x1b873593);`,
      `h1 ^= k; h1 = (h1 << 13) | (h1 >>> 19); h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;`,
      `h2 ^= Math.imul(k, 0x85ebca6b); h2 = (h2 << 17) | (h2 >>> 15); h2 = (Math.imul(h2, 5) + 0x52dce729) | 0;`,
    );
  }
  lines.push(
    `h1 ^= ${n}; h2 ^= ${n}; h1 = (h1 + h2) | 0; h2 = (h2 + h1) | 0;`,
    `h1 ^= h1 >>> 16; h1 = Math.imul(h1, 0x85ebca6b); h1 ^= h1 >>> 13; h1 = Math.imul(h1, 0xc2b2ae35); h1 ^= h1 >>> 16;`,
    `h2 ^= h2 >>> 16; h2 = Math.imul(h2, 0x85ebca6b); h2 ^= h2 >>> 13; h2 = Math.imul(h2, 0xc2b2ae35); h2 ^= h2 >>> 16;`,
    `h1 = (h1 + h2) | 0; h2 = (h2 + h1) | 0; if ((h1 | h2) === 0) h2 = 1;`,
    `out[0] = h1; out[1] = h2;`,
  );
  return lines.join('\n');
}
