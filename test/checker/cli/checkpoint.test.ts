/**
 * Checkpoint integrity through the CLI: a TwoPhase RM=7 run interrupted with SIGINT leaves a
 * checkpoint; one flipped byte in any part of it is refused (exit 150, one line naming the part),
 * and the undamaged checkpoint resumes to exactly the uninterrupted counts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runCheckInterrupted, runCliAsync } from '../../support/cliAsync';
import { runMain } from '../../support/mainInProcess';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-ckpt-cli-'));
const ckpt = join(tmp, 'tp.ckpt');
const damaged = join(tmp, 'damaged.ckpt');
const check = ['check', 'reference/twophase', '--const', 'RM=7', '--workers', '1'];

/** Where each region of a checkpoint file lies (format 3: see checker/store/checkpoint.ts). */
function regions(file: Buffer) {
  const headerLen = file.readUInt32LE(16);
  const header = JSON.parse(file.toString('utf8', 20, 20 + headerLen)) as { parts: Record<string, { lengths: number[] }> };
  let at = 20 + headerLen + ((4 - (headerLen % 4)) % 4);
  const parts: Record<string, [number, number]> = {};
  for (const [name, p] of Object.entries(header.parts)) {
    const bytes = 4 * p.lengths.reduce((a, b) => a + b, 0);
    if (bytes > 0) parts[name] = [at, at + bytes];
    at += bytes;
  }
  return { headerLen, parts, end: at };
}

/**
 * Resumes from `damaged` after `mutate` changed a copy of the checkpoint: main() in this process,
 * since a checkpoint is verified before any search starts (the refusals below are all there is).
 */
function resumeDamaged(mutate: (b: Buffer) => Buffer) {
  writeFileSync(damaged, mutate(Buffer.from(readFileSync(ckpt))));
  return runMain([...check, '--checkpoint', damaged, '--resume']);
}

const flip = (at: number) => (b: Buffer) => {
  b[at] ^= 0x10;
  return b;
};

describe('checkpoint integrity (TwoPhase RM=7, interrupted with SIGINT)', () => {
  beforeAll(async () => {
    const r = await runCheckInterrupted(check, ckpt);
    expect(r.code, r.stderr).toBe(20);
    expect(r.stdout).toContain(`Interrupted. Checkpoint written to ${ckpt}`);
  }, 60_000);

  it('refuses a checkpoint with one byte flipped in any part, naming the part (exit 150, one line)', async () => {
    const file = readFileSync(ckpt);
    const { headerLen, parts, end } = regions(file);
    expect(end).toBe(file.length);
    expect(Object.keys(parts)).toEqual(['seen', 'log', 'frontier']);
    const header = file.toString('latin1', 20, 20 + headerLen);
    const counter = 20 + header.indexOf('"generated":') + '"generated":'.length;
    const msg = (what: string) => `hmmcheck: checkpoint ${damaged} is damaged: ${what}; it cannot be resumed\n`;
    const cases: [string, (b: Buffer) => Buffer, string][] = [
      ['magic word', flip(0), `hmmcheck: ${damaged} is not an hmmcheck checkpoint\n`],
      ['header checksum', flip(11), msg('header (run identity, counters, layout) checksum mismatch')],
      ['header length past the end', flip(19), msg(`the header length (${headerLen + 0x10000000} bytes) runs past the end of the file`)],
      ['generated counter in the header', flip(counter), msg('header (run identity, counters, layout) checksum mismatch')],
      ['middle of the seen table', flip((parts.seen![0] + parts.seen![1]) >> 1), msg('seen table checksum mismatch')],
      ['state log', flip(parts.log![0] + 12345), msg('state log checksum mismatch')],
      ['frontier', flip(parts.frontier![1] - 1), msg('frontier checksum mismatch')],
      ['truncated', (b) => b.subarray(0, b.length - 1), msg(`truncated (${file.length - 1} of ${file.length} bytes)`)],
      ['appended', (b) => Buffer.concat([b, Buffer.from([0])]), msg('1 unexpected bytes after the last part')],
    ];
    for (const [what, mutate, stderr] of cases) {
      const r = await resumeDamaged(mutate);
      expect({ what, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ what, code: 150, stderr, stdout: '' });
    }
  });

  it('nightly --resume refuses a damaged job checkpoint the same way', () => {
    const out = join(tmp, 'nightly');
    const jobs = join(tmp, 'jobs.json');
    writeFileSync(jobs, JSON.stringify({ jobs: [{ name: 'big', model: 'reference/twophase', constants: { RM: 7 } }] }));
    const job = join(out, 'checkpoints', '2026-01-01--big.ckpt');
    mkdirSync(join(out, 'checkpoints'), { recursive: true });
    const file = readFileSync(ckpt);
    writeFileSync(job, flip(regions(file).parts.log![0])(Buffer.from(file)));
    const r = runCli(['nightly', '--jobs', jobs, '--out', out, '--date', '2026-01-01', '--resume']);
    expect(r.code).toBe(150);
    // The job's announcement, then the one-line refusal.
    expect(r.stderr).toBe(`nightly: big: reference/twophase fixed {"RM":7}\nhmmcheck: checkpoint ${job} is damaged: state log checksum mismatch; it cannot be resumed\n`);
  });

  it('resumes the undamaged checkpoint to exactly the uninterrupted counts', async () => {
    copyFileSync(ckpt, damaged);
    const r = await runCliAsync([...check, '--checkpoint', damaged, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No error has been found: every property holds.');
    expect(r.stdout).toContain('2,744,706 states generated, 296,448 distinct states found, depth 23 (bfs).');
  });
});
