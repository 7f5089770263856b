/**
 * Fuzz through the CLI's main(argv) in this process: `replay` and `view --text` of mutated saved
 * traces from results/corpus (byte flips, deleted fields, values swapped for another type, keys
 * named like prototype members) never exit 255, never print a stack trace, and report any error as
 * exactly one line; a trace that still replays reproduces what its file says. FUZZ_RUNS=N (and
 * FUZZ_TIMEOUT=ms) run it longer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMain } from '../../support/mainInProcess';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-trace-fuzz-'));
const TRACES = ['reference_dining--unfair.itf.json', 'hmm_m1-mirror-2015--v8-unregister-race.itf.json', 'reference_diehard--fixed.itf.json'];
const EXPECTED_CODES = [0, 11, 12, 13, 21, 75, 150];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `doc` (object keys and array indices). */
function paths(doc: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      const p = [...at, Array.isArray(doc) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

/** A replacement of another type (or a hostile key) for the value at a path. */
const swapArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, '', '1', 'toString', '__proto__', './payload.mjs', [], {}, { '#map': [['__proto__', 1]] }, { '#set': [1, 1] }, { '#tup': 'x' }),
  fc.string({ maxLength: 8 }),
  fc.integer(),
);

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

type Mutation = { flips: [number, number][] } | { delete: number } | { swap: number; value: Json } | { protoKey: number };

function mutate(text: string, m: Mutation): string {
  if ('flips' in m) {
    const b = Buffer.from(text);
    for (const [at, x] of m.flips) b[at % b.length]! ^= x;
    return b.toString('latin1');
  }
  const doc = JSON.parse(text) as Json;
  const all = paths(doc);
  const p = all[('delete' in m ? m.delete : 'swap' in m ? m.swap : m.protoKey) % all.length]!;
  const parent = p.slice(0, -1).reduce<any>((o, k) => o[k], doc);
  const key = p[p.length - 1]!;
  if ('delete' in m) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if ('swap' in m) parent[key] = m.value;
  else if (!Array.isArray(parent)) {
    // Rename the key to a prototype member's name, as an own key (defineProperty: `__proto__` too).
    const value = parent[key];
    delete parent[key];
    Object.defineProperty(parent, PROTO_NAMES[m.protoKey % PROTO_NAMES.length]!, { value, enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(doc);
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => ({ flips })),
  fc.nat().map((n) => ({ delete: n })),
  fc.tuple(fc.nat(), swapArb).map(([n, value]) => ({ swap: n, value })),
  fc.nat().map((n) => ({ protoKey: n })),
);

describe('fuzz: replay and view --text of mutated trace files', () => {
  it('never exit 255, never print a stack trace, report errors in one line', async () => {
    const sources = TRACES.map((f) => readFileSync(join('results/corpus', f), 'utf8'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(sources.length - 1), mutationArb, async (which, m) => {
        const file = join(tmp, `t${n++ % 8}.json`);
        writeFileSync(file, mutate(sources[which]!, m));
        for (const args of [['replay', file, '--quiet'], ['view', file, '--text']]) {
          const r = await runMain(args);
          const what = `${args.join(' ')} after ${JSON.stringify(m)}: ${r.stderr}`;
          expect(EXPECTED_CODES, what).toContain(r.code);
          expect(r.stderr, what).not.toMatch(/internal error|\n\s+at /);
          if (r.stderr !== '') expect(r.stderr, what).toMatch(/^hmmcheck: [^\n]+\n$/);
          // A verdict comes with what the file says was violated, never silently something else.
          if (args[0] === 'replay' && r.code === 12) expect(r.stdout, what).toMatch(/Reproduced: (invariant|action|deadlock)/);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 250) },
    );
  }, Number(process.env.FUZZ_TIMEOUT ?? 60_000));
});
