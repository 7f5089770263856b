/**
 * 64-bit checksums of checkpoint data, built on the fingerprint hash (state/hash.ts). Its murmur3
 * steps are bijective in the running state, so two inputs of the same length that differ in a
 * single word always hash differently: any one flipped byte is detected, not just most.
 */
import { hashWords } from '../state/hash';

/** The checksum of a sequence of word arrays (their lengths included), as [hi, lo]. */
export function checksumOf(arrays: readonly Uint32Array[]): [number, number] {
  // Hash each array, then the list of (hash, length) triples: one pass over the data, no copy.
  const summary = new Uint32Array(arrays.length * 3);
  const out = new Uint32Array(2);
  arrays.forEach((a, i) => {
    hashWords(a, 0, a.length, out);
    summary[3 * i] = out[0]!;
    summary[3 * i + 1] = out[1]!;
    summary[3 * i + 2] = a.length;
  });
  hashWords(summary, 0, summary.length, out);
  return [out[0]!, out[1]!];
}

/** Whether a stored [hi, lo] checksum equals the computed one. */
export function sameChecksum(stored: unknown, computed: readonly [number, number]): boolean {
  return Array.isArray(stored) && stored.length === 2 && stored[0] === computed[0] && stored[1] === computed[1];
}
