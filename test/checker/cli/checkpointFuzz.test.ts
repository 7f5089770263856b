/**
 * Fuzz through the CLI: `check --resume` from a mutated TwoPhase RM=7 checkpoint (random byte
 * flips, truncation, appended bytes) never ends in an internal error or a stack trace, and never
 * resumes to a wrong count.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCheckInterrupted } from '../../support/cliAsync';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-ckpt-fuzz-'));
const ckpt = join(tmp, 'tp7.ckpt');
const mutated = join(tmp, 'mutated.ckpt');
const check = ['check', 'reference/twophase', '--const', 'RM=7', '--workers', '1'];
/** The uninterrupted run's counts (TwoPhase RM=7). */
const COUNTS = '2,744,706 states generated, 296,448 distinct states found, depth 23 (bfs).';

describe('fuzz: resuming from a mutated checkpoint', () => {
  let good: Buffer;
  beforeAll(async () => {
    const r = await runCheckInterrupted(check, ckpt);
    expect(r.code, r.stderr).toBe(20);
    good = readFileSync(ckpt);
  }, 60_000);

  it('is refused with one line and exit 150, or resumes to the exact counts', () => {
    const mutation = fc.oneof(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => ({ flips })),
      fc.nat(good.length - 1).map((truncateTo) => ({ truncateTo })),
      fc.uint8Array({ minLength: 1, maxLength: 16 }).map((append) => ({ append })),
    );
    fc.assert(
      fc.property(mutation, (m) => {
        let b = Buffer.from(good);
        if ('flips' in m) for (const [at, x] of m.flips) b[at]! ^= x;
        if ('truncateTo' in m) b = b.subarray(0, m.truncateTo);
        if ('append' in m) b = Buffer.concat([b, m.append]);
        writeFileSync(mutated, b);
        const r = runCli([...check, '--checkpoint', mutated, '--resume']);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        if (r.code === 0) expect(r.stdout).toContain(COUNTS);
        else {
          expect(r.code).toBe(150);
          expect(r.stderr).toMatch(/^hmmcheck: [^\n]*(damaged|not an hmmcheck checkpoint)[^\n]*\n$/);
        }
      }),
      { numRuns: 12 },
    );
  });
});
