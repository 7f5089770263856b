import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { runMain } from '../../support/mainInProcess';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-simulate-'));

describe('hmmcheck simulate', () => {
  it('is reproducible: the same seed writes byte-identical trace files, which replay', () => {
    const a = join(tmp, 'jugs-a.json');
    const b = join(tmp, 'jugs-b.json');
    const r = runCli(['simulate', 'test/fixtures/jugs.ts', '--seed', '42', '--traces', '500', '--depth', '50', '--out', a]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('simulate: seed 42, 500 traces of up to 50 steps, 1 worker');
    expect(r.stdout).toContain('Error: invariant NotSolved is violated.');
    expect(r.stdout).toMatch(/Found by trace #\d+ of seed 42; reproduce with: hmmcheck simulate test\/fixtures\/jugs\.ts --variant fixed --seed 42 --traces \d+ --depth 50$/m);
    expect(r.stdout).toMatch(/traces\/s/);
    const r2 = runCli(['simulate', 'test/fixtures/jugs.ts', '--seed', '42', '--traces', '500', '--depth', '50', '--out', b]);
    expect(r2.code).toBe(12);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const doc = JSON.parse(readFileSync(a, 'utf8'));
    expect(doc['#meta'].hmmcheck).toMatchObject({ property: 'NotSolved', propertyKind: 'invariant', strategy: 'simulate', simulation: { seed: 42, swarmConfig: 0 } });
    const rp = runCli(['replay', a, '--spec', 'test/fixtures/jugs.ts', '--quiet']);
    expect(rp.code).toBe(12);
    expect(rp.stdout).toContain('Reproduced: invariant NotSolved is violated at the last state.');
  });

  it('prints the default seed, and the printed command reproduces the trace', () => {
    const out = join(tmp, 'h1.json');
    const r = runCli(['simulate', 'hmm/m1-mirror-2015', '--variant', 'v8-unregister-race', '--out', out]);
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/simulate: seed \d+ \(default\)/);
    const cmd = /reproduce with: hmmcheck (simulate .*)$/m.exec(r.stdout)![1]!.split(' ');
    const again = join(tmp, 'h1-again.json');
    const r2 = runCli([...cmd, '--out', again]);
    expect(r2.code).toBe(12);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(runCli(['replay', out, '--quiet']).code).toBe(12);
  });

  it('says that finding nothing is not a proof, with exit 0', () => {
    const r = runCli(['simulate', 'hmm/m2-device-fault', '--seed', '3', '--traces', '200']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No violation found in 200 traces.');
    expect(r.stdout).toContain('Simulation is not a proof');
  });

  it('runs a swarm, reports each worker and the union, and the finding reproduces with one worker', () => {
    const out = join(tmp, 'swarm.json');
    const r = runCli(['simulate', 'hmm/m1-mirror-2015', '--variant', 'v8-unregister-race', '--seed', '7', '--workers', '2', '--out', out]);
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/^ {2}worker 0: seed 7, swarm config 0 \(uniform\)/m);
    expect(r.stdout).toMatch(/^ {2}worker 1: seed \d+, swarm config \d+ /m);
    expect(r.stdout).toMatch(/^ {2}invariant INV-UAF-D: worker \d, seed \d+, swarm config \d+, trace #\d+/m);
    expect(r.stdout).toMatch(/Time .* \(wall clock, 2 workers\), [\d,]+ traces\/s/);
    const cmd = /reproduce with: hmmcheck (simulate .*)$/m.exec(r.stdout)![1]!.split(' ');
    const again = join(tmp, 'swarm-again.json');
    expect(runCli([...cmd, '--out', again]).code).toBe(12);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  // Refused before any simulation starts: main() in this process.
  it('rejects bad flags with exit 150', async () => {
    for (const args of [
      ['--seed', '-1'],
      ['--seed', 'abc'],
      ['--traces', '0'],
      ['--workers', '2', '--swarm-config', '5'],
      ['--variant', 'nope'],
      ['--const', 'invalidations=9'],
    ]) {
      const r = await runMain(['simulate', 'hmm/m2-device-fault', ...args]);
      expect(r.code, args.join(' ')).toBe(150);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});

describe('simulate where BFS runs out of budget', () => {
  // BFS needs 176,571 states for this 32-step counterexample; the swarm's second worker finds one
  // in its tenth trace. (H9 at this bound, 33 steps since M4-now runs every invalidation at step
  // granularity, is no longer found by this swarm within 60 s: C must stay parked across the
  // eviction's 14 steps.)
  it("a swarm finds the driver's skipped copy (INV-DATA) in hmm/m4-now at faults=2, cpu=wr, where BFS within 50,000 states does not", () => {
    const consts = ['--const', 'faults=2', '--const', 'cpu=wr'];
    const bfs = runCli(['check', 'hmm/m4-now', '--variant', 'mutant-driver-skips-copy', ...consts, '--max-states', '50000', '--no-coverage']);
    expect(bfs.code).toBe(20);
    const sim = runCli(['simulate', 'hmm/m4-now', '--variant', 'mutant-driver-skips-copy', ...consts, '--seed', '1', '--traces', '400000', '--depth', '80', '--workers', '2', '--time-budget', '60']);
    expect(sim.code).toBe(12);
    expect(sim.stdout).toContain('Error: invariant INV-DATA is violated.');
  }, 120_000);
});
