import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec, type CheckOptions } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import type { Parts } from '../../../checker/store/checkpoint';
import { CheckpointError, readCheckpoint, writeCheckpoint } from '../../../checker/store/checkpoint';
import { instantiate } from '../../../checker/model/instantiate';
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

  it('rejects a file that is not a checkpoint, or is truncated', () => {
    const bad = join(dir, 'bad.ckpt');
    writeCheckpoint(bad, { run: {}, parts: { x: { meta: {}, arrays: [new Uint32Array([1, 2, 3])] } } });
    expect(readCheckpoint(bad).parts.x!.arrays[0]).toEqual(new Uint32Array([1, 2, 3]));
    const fs = require('node:fs') as typeof import('node:fs');
    fs.writeFileSync(bad, fs.readFileSync(bad).subarray(0, -4));
    expect(() => readCheckpoint(bad)).toThrow(new CheckpointError(`checkpoint ${bad} is truncated`));
    fs.writeFileSync(bad, 'hello');
    expect(() => readCheckpoint(bad)).toThrow(CheckpointError);
  });
});
