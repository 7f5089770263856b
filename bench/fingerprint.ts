/**
 * Micro-benchmark: the generated fingerprint (codec.fingerprint: validate + pack + hash, straight-line
 * code per schema) against the reflective reference (reflectFingerprint: walks the schema per value)
 * on a 20-field state shaped like our models. Issue requirement: compiled ≥ 10× faster.
 *
 * Also reports the compiled path split into encode-only and hash-only, to show where its time goes.
 */
import { compileCodec, type Codec } from '../checker/state/codec';
import { reflectFingerprint } from '../checker/state/reflect';
import { t, type Type } from '../spec/types';
import type { Workload, WorkloadReport } from './run';
import { prng } from '../test/support/prng';
import { median } from '../scripts/childProcessTime.mjs';

const pc = t.enum('idle', 'lock', 'walk', 'fault', 'migrate', 'unlock', 'done');
const Thread = t.record({ pc, tmp: t.int(0, 3), retry: t.bool() });

/** 20 top-level fields: bools, small ints, enums, a small set, maps over 3 keys, optionals, a seq and threads. */
export const schema = t.record({
  lock: t.optional(t.enum('T0', 'T1', 'T2')),
  seq: t.int(0, 7),
  valid: t.bool(),
  dirty: t.bool(),
  mapped: t.bool(),
  invalidating: t.bool(),
  pfn: t.enum('none', 'ram', 'device', 'migrating'),
  notifierSeq: t.int(0, 15),
  rangeStart: t.int(0, 3),
  rangeEnd: t.int(0, 3),
  pageRefs: t.int(0, 4),
  owner: t.enum('cpu', 'gpu', 'none'),
  pending: t.set(['T0', 'T1', 'T2', 'T3']),
  pte: t.map(['p0', 'p1', 'p2'], t.enum('none', 'ro', 'rw')),
  devPte: t.map(['p0', 'p1', 'p2'], t.bool()),
  retries: t.int(0, 3),
  migrateDst: t.optional(t.int(0, 3)),
  log: t.seq(t.enum('inv', 'fault', 'mig'), 3),
  threads: t.array(Thread, 3),
  done: t.bool(),
});


/** A random value of `type` (runtime representation of spec/types.ts). */
export function randomValue(type: Type, rnd: () => number): any {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (type.kind) {
    case 'bool':
      return rnd() < 0.5;
    case 'int':
      return type.min + Math.floor(rnd() * (type.max - type.min + 1));
    case 'enum':
      return pick(type.values);
    case 'record':
      return Object.fromEntries(Object.entries(type.fields).map(([k, ft]) => [k, randomValue(ft, rnd)]));
    case 'array':
      return Array.from({ length: type.length }, () => randomValue(type.elem, rnd));
    case 'tuple':
      return type.elems.map((e) => randomValue(e, rnd));
    case 'map':
      return Object.fromEntries(type.domain.map((k) => [k, randomValue(type.value, rnd)]));
    case 'set':
      return new Set(type.domain.filter(() => rnd() < 0.5));
    case 'seq':
      return Array.from({ length: Math.floor(rnd() * (type.maxLength + 1)) }, () => randomValue(type.elem, rnd));
    case 'optional':
      return rnd() < 0.3 ? null : randomValue(type.inner, rnd);
  }
}

/** `n` distinct random states of `schema` (distinct by fingerprint). */
export function distinctStates(codec: Codec, n: number, seed = 1): any[] {
  const rnd = prng(seed);
  const seen = new Set<string>();
  const out: any[] = [];
  const fp = new Uint32Array(2);
  while (out.length < n) {
    const s = randomValue(schema, rnd);
    codec.fingerprint(s, fp);
    const k = `${fp[0]}:${fp[1]}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(s);
  }
  return out;
}

/**
 * Times `body` (one pass over `count` items, returning a checksum) for `rounds` rounds after
 * `warmup` rounds; each round repeats the pass until it lasts at least `minRoundMs`.
 * Returns the median ns per item.
 */
function timePerItem(body: () => number, count: number, opts: { warmup: number; rounds: number; minRoundMs: number }): { ns: number; sink: number } {
  let sink = 0;
  for (let i = 0; i < opts.warmup; i++) sink ^= body();
  // Calibrate passes per round.
  let passes = 1;
  for (;;) {
    const t0 = performance.now();
    for (let p = 0; p < passes; p++) sink ^= body();
    const dt = performance.now() - t0;
    if (dt >= opts.minRoundMs || passes >= 1 << 20) break;
    passes = Math.max(passes * 2, Math.ceil((passes * opts.minRoundMs) / Math.max(dt, 0.01)));
  }
  const samples: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const t0 = performance.now();
    for (let p = 0; p < passes; p++) sink ^= body();
    const dt = performance.now() - t0;
    samples.push((dt * 1e6) / (passes * count));
  }
  return { ns: median(samples), sink };
}

export interface FingerprintBenchOptions {
  /** Distinct states to fingerprint (default 4096). */
  states?: number;
  /** Timed rounds per implementation (default 15). */
  rounds?: number;
  /** Untimed warm-up passes per implementation (default 5). */
  warmup?: number;
  /** Minimum duration of one timed round in ms (default 20). */
  minRoundMs?: number;
  seed?: number;
}

export interface FingerprintBenchResult {
  fields: number;
  words: number;
  states: number;
  /** Median ns per state, codec.fingerprint (validate + pack + hash). */
  compiledNs: number;
  /** Median ns per state, reflectFingerprint. */
  reflectiveNs: number;
  /** reflectiveNs / compiledNs. */
  ratio: number;
  /** Breakdown of the compiled path: codec.encode alone, codec.hash alone (over pre-packed words). */
  encodeNs: number;
  hashNs: number;
  /** XOR of all timed results (returned so that no timed work is dead code). */
  checksum: number;
}

/** Runs the benchmark and returns the numbers. */
export function runFingerprintBench(opts: FingerprintBenchOptions = {}): FingerprintBenchResult {
  const codec = compileCodec(schema);
  const n = opts.states ?? 4096;
  const timing = { warmup: opts.warmup ?? 5, rounds: opts.rounds ?? 15, minRoundMs: opts.minRoundMs ?? 20 };
  const states = distinctStates(codec, n, opts.seed ?? 1);

  // Sanity: both implementations agree on every state before anything is timed.
  const out = new Uint32Array(2);
  for (const s of states) {
    codec.fingerprint(s, out);
    const r = reflectFingerprint(schema, s);
    if (r[0] !== out[0] || r[1] !== out[1]) throw new Error('compiled and reflective fingerprints disagree');
  }

  const compiled = timePerItem(
    () => {
      let x = 0;
      for (let i = 0; i < states.length; i++) {
        codec.fingerprint(states[i], out);
        x ^= out[0]! ^ out[1]!;
      }
      return x;
    },
    n,
    timing,
  );
  const reflective = timePerItem(
    () => {
      let x = 0;
      for (let i = 0; i < states.length; i++) {
        const r = reflectFingerprint(schema, states[i]);
        x ^= r[0]! ^ r[1]!;
      }
      return x;
    },
    n,
    timing,
  );

  const words = codec.words;
  const packed = new Uint32Array(n * words);
  states.forEach((s, i) => codec.encode(s, packed, i * words));
  const scratch = new Uint32Array(words);
  const encode = timePerItem(
    () => {
      let x = 0;
      for (let i = 0; i < states.length; i++) {
        codec.encode(states[i], scratch, 0);
        x ^= scratch[0]!;
      }
      return x;
    },
    n,
    timing,
  );
  const hash = timePerItem(
    () => {
      let x = 0;
      for (let i = 0; i < states.length; i++) {
        codec.hash(packed, i * words, out);
        x ^= out[0]! ^ out[1]!;
      }
      return x;
    },
    n,
    timing,
  );

  return {
    fields: Object.keys(schema.fields).length,
    words,
    states: n,
    compiledNs: compiled.ns,
    reflectiveNs: reflective.ns,
    ratio: reflective.ns / compiled.ns,
    encodeNs: encode.ns,
    hashNs: hash.ns,
    checksum: (compiled.sink ^ reflective.sink ^ encode.sink ^ hash.sink) >>> 0,
  };
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const perSec = (ns: number) => Math.round(1e9 / ns).toLocaleString('en-US');

export const workload: Workload = {
  name: 'fingerprint',
  title: 'State fingerprint: generated codec vs reflective reference',
  run(): WorkloadReport {
    const r = runFingerprintBench();
    return {
      summary: `${r.fields}-field record schema (${r.words} packed words), ${r.states} distinct random states; median of timed rounds after warm-up.`,
      headers: ['path', 'ns/state', 'states/s', 'vs compiled'],
      rows: [
        ['compiled `codec.fingerprint`', fmt(r.compiledNs), perSec(r.compiledNs), '1.0×'],
        ['reflective `reflectFingerprint`', fmt(r.reflectiveNs), perSec(r.reflectiveNs), `${fmt(r.ratio)}× slower`],
        ['↳ compiled `codec.encode` only', fmt(r.encodeNs), perSec(r.encodeNs), ''],
        ['↳ compiled `codec.hash` only', fmt(r.hashNs), perSec(r.hashNs), ''],
      ],
      notes: [`speed-up (reflective / compiled): **${fmt(r.ratio)}×** (requirement: ≥ 10×) — ${r.ratio >= 10 ? 'met' : 'NOT met'}`],
      data: r,
    };
  },
};
