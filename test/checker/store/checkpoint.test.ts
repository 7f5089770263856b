import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec, type CheckOptions } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import type { Parts } from '../../../checker/store/checkpoint';
import { CheckpointError, readCheckpoint, writeCheckpoint } from '../../../checker/store/checkpoint';
import { instantiate } from '../../../checker/model/instantiate';
import { UsageError } from '../../../checker/engine/errors';
import { findModel } from '../../../models';

const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-ckpt-'));

/** Runs to completion, interrupting after `stopAfter` polls, resuming from the checkpoint file each time. */
function interruptedRun(model: string, variant: string, consts: Record<string, string>, stopAfter: number) {
  const cs = new CompiledSpec(instantiate(findModel(model)!, variant, consts).spec);
  const path = join(dir, `${model.replace('/', '_')}-${variant}.ckpt`);
  let resume: Record<string, Parts> | undefined;
  for (let round = 0; ; round++) {
    let polls = 0;
    const opts: CheckOptions = {
      resume,
      shouldStop: () => ++polls > stopAfter,
      onCheckpoint: (parts) => writeCheckpoint(path, { run: { model, variant }, parts }),
    };
    const out = checkSpec(cs, opts);
    if (out.result.verdict.kind !== 'incomplete') return { ...out, rounds: round + 1 };
    resume = readCheckpoint(path).parts as Record<string, Parts>;
  }
}

function uninterrupted(model: string, variant: string, consts: Record<string, string>) {
  return checkSpec(new CompiledSpec(instantiate(findModel(model)!, variant, consts).spec));
}

describe('checkpoint and resume', () => {
  it.each([
    ['reference/twophase', 'fixed', { RM: '5' }],
    ['reference/n-peterson', 'fixed', { N: '4' }],
    ['hmm/m2-device-fault', 'fixed', {}],
    ['hmm/m2-device-fault', 'write-fault-ro-vma-loop', {}],
    ['hmm/m2-device-fault', 'interval-remove-lockless-wait', { invalidations: '3' }],
  ] as const)('%s %s: an interrupted run resumed gives the uninterrupted counts, verdict and trace', (model, variant, consts) => {
    const a = uninterrupted(model, variant, consts);
    const b = interruptedRun(model, variant, consts, 3);
    expect(b.rounds).toBeGreaterThan(1);
    expect(b.result.verdict).toEqual(a.result.verdict);
    expect({ ...b.result.stats, elapsedMs: 0, storeBytes: 0 }).toEqual({ ...a.result.stats, elapsedMs: 0, storeBytes: 0 });
    expect(b.result.coverage).toEqual(a.result.coverage);
    expect(b.trace?.steps.map((s) => s.label)).toEqual(a.trace?.steps.map((s) => s.label));
  });

  it('rejects a file that is not a checkpoint, of format 1 or 2, truncated or extended', () => {
    const bad = join(dir, 'bad.ckpt');
    writeCheckpoint(bad, { run: {}, parts: { x: { meta: {}, arrays: [new Uint32Array([1, 2, 3])] } } });
    expect(readCheckpoint(bad).parts.x!.arrays[0]).toEqual(new Uint32Array([1, 2, 3]));
    const good = readFileSync(bad);
    const refusal = (what: string) => new CheckpointError(`checkpoint ${bad} is damaged: ${what}; it cannot be resumed`);
    writeFileSync(bad, good.subarray(0, -4));
    expect(() => readCheckpoint(bad)).toThrow(refusal(`truncated (${good.length - 4} of ${good.length} bytes)`));
    writeFileSync(bad, Buffer.concat([good, Buffer.alloc(4)]));
    expect(() => readCheckpoint(bad)).toThrow(refusal('4 unexpected bytes after the last part'));
    writeFileSync(bad, Buffer.concat([Buffer.from('HMMCKPT1'), good.subarray(8)]));
    expect(() => readCheckpoint(bad)).toThrow(new CheckpointError(`checkpoint ${bad} has format 1 (no checksums), written by an older hmmcheck; it cannot be resumed: start the run again`));
    writeFileSync(bad, Buffer.concat([Buffer.from('HMMCKPT2'), good.subarray(8)]));
    expect(() => readCheckpoint(bad)).toThrow(new CheckpointError(`checkpoint ${bad} has format 2 (8-byte seen table slots and state log records), written by an older hmmcheck; it cannot be resumed: start the run again`));
    writeFileSync(bad, 'hello');
    expect(() => readCheckpoint(bad)).toThrow(new CheckpointError(`${bad} is not an hmmcheck checkpoint`));
    expect(new CheckpointError('x')).toBeInstanceOf(UsageError);
  });

  it('refuses every single flipped bit of a checkpoint, naming the damaged part', () => {
    const path = join(dir, 'small.ckpt');
    writeCheckpoint(path, sample);
    const good = readFileSync(path);
    const named = new Set<string>();
    for (let at = 0; at < good.length; at++) {
      for (const bit of [0x01, 0x80]) {
        const b = Buffer.from(good);
        b[at]! ^= bit;
        writeFileSync(path, b);
        let refusal: unknown;
        try {
          readCheckpoint(path);
        } catch (e) {
          refusal = e;
        }
        expect(refusal, `byte ${at}`).toBeInstanceOf(CheckpointError);
        const m = /is damaged: (.*?) checksum mismatch/.exec((refusal as Error).message);
        if (m) named.add(m[1]!);
      }
    }
    expect([...named].sort()).toEqual(['header (run identity, counters, layout)', 'seen table', 'state log']);
  });

  it('fuzz: a mutated checkpoint (flips, truncation, appended bytes) is refused or reads back unchanged', () => {
    const path = join(dir, 'fuzz.ckpt');
    writeCheckpoint(path, sample);
    const good = readFileSync(path);
    const mutation = fc.oneof(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => (b: Buffer) => {
        for (const [at, x] of flips) b[at]! ^= x;
        return b;
      }),
      fc.integer({ min: 0, max: good.length - 1 }).map((n) => (b: Buffer) => b.subarray(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => (b: Buffer) => Buffer.concat([b, tail])),
    );
    fc.assert(
      fc.property(mutation, (mutate) => {
        writeFileSync(path, mutate(Buffer.from(good)));
        try {
          const back = readCheckpoint(path);
          expect(back).toEqual(sample);
        } catch (e) {
          expect(e).toBeInstanceOf(CheckpointError);
          expect((e as Error).message).not.toContain('\n');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

/** A small checkpoint: two stores and a counters part whose numbers live in the header. */
const sample = {
  run: { model: 'm', constants: { N: 3 } },
  parts: {
    seen: { meta: { count: 3 }, arrays: [new Uint32Array([0, 0, 7, 9, 0, 0, 4, 2])] },
    log: { meta: { n: 3, chunks: 1 }, arrays: [new Uint32Array([0xffffffff, 0, 1]), new Uint32Array([0, 5, 6])] },
    counters: { meta: { stats: { distinct: 3, generated: 11 } }, arrays: [] },
  },
};
