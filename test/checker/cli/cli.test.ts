import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';

const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-cli-'));

/** Exactly one line on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('hmmcheck CLI', () => {
  it('lists models with variants and constants', () => {
    const r = runCli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^reference\/twophase — /m);
    expect(r.stdout).toMatch(/constants: RM=3 \(1\.\.10\)/);
  });

  it('checks a model and prints TLC-comparable counts', () => {
    const r = runCli(['check', 'reference/twophase']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1,146 states generated, 288 distinct states found');
  });

  it('finds a violation, saves it as ITF, and replays it', () => {
    const out = join(tmp, 'jugs.itf.json');
    const r = runCli(['check', 'test/fixtures/jugs.ts', '--out', out, '--workers', '1']);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: invariant NotSolved is violated.');
    expect(r.stdout).toContain('Counterexample (6 steps):');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc['#meta'].hmmcheck).toMatchObject({ property: 'NotSolved', propertyKind: 'invariant', variant: 'fixed' });
    expect(doc.states).toHaveLength(7);
    const rp = runCli(['replay', out, '--spec', 'test/fixtures/jugs.ts', '--quiet']);
    expect(rp.code).toBe(12);
    expect(rp.stdout.trim()).toBe('Replayed test/fixtures/jugs.ts variant fixed: 6 steps. Reproduced: invariant NotSolved is violated at the last state.');

    doc.states[4].big = 1;
    const edited = join(tmp, 'edited.json');
    writeFileSync(edited, JSON.stringify(doc));
    const rd = runCli(['replay', edited, '--spec', 'test/fixtures/jugs.ts']);
    expect(rd.code).toBe(21);
    expect(rd.stdout).toContain('diverges at step 4: BigToSmall does not produce the recorded state (big: model gives 0, trace has 1)');
  });

  it('finds H1 in hmm/m1-mirror-2015 with a trace naming each thread step, and replays it', () => {
    const out = join(tmp, 'h1.json');
    const r = runCli(['check', 'hmm/m1-mirror-2015', '--variant', 'v8-unregister-race', '--out', out]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Counterexample (17 steps):');
    expect(r.stdout).toMatch(/^ *12 {2}Exit\.X7a +-- X7 mutex_unlock\(&device->mutex\) \(a\) {3}@ <1432236705-4209-1-git-send-email-j\.glisse@gmail\.com> hmm_mirror_destroy\(\)$/m);
    expect(r.stdout).toMatch(/^ *17 {2}Exit\.X7b .*<== INV-UAF-D violated$/m);
    const rp = runCli(['replay', out]);
    expect(rp.code).toBe(12);
    expect(rp.stdout).toContain('Reproduced: invariant INV-UAF-D is violated at the last state.');
    expect(runCli(['check', 'hmm/m1-mirror-2015', '--no-coverage']).code).toBe(0);
  });

  it('runs parallel BFS with --workers, temporal properties included, and refuses it where it cannot apply', () => {
    const r = runCli(['check', 'reference/twophase', '--const', 'RM=4', '--workers', '2', '--no-coverage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bfs, 2 workers');
    expect(r.stdout).toContain('8,258 states generated, 1,568 distinct states found');
    // Temporal properties too: the same graph as one worker.
    const live = runCli(['check', 'reference/dining', '--workers', '2', '--no-coverage']);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('bfs, 2 workers');
    expect(live.stdout).toContain('336 states generated, 67 distinct states found, depth 29 (bfs).');
    expect(live.stdout).toContain('state graph 335 edges at 8 bytes/edge.');
    expect(runCli(['check', 'reference/twophase', '--workers', '2', '--strategy', 'dfs']).stderr.trim()).toBe(
      'hmmcheck: --workers > 1 works with --strategy bfs and without --checkpoint/--resume/--por/--step-timeout',
    );
    expect(runCli(['check', 'reference/twophase', '--workers', '2', '--por']).code).toBe(150);
  });

  it('--por: reports what the partial-order reduction did, refuses what it does not cover, and --compare checks the same properties', () => {
    const r = runCli(['check', 'hmm/m2-device-fault', '--variant', 'write-fault-ro-vma-loop', '--por', '--compare', '--no-coverage']);
    expect(r.code).toBe(0);
    // Said up front and in the verdict line, not as a warning after "holds".
    expect(r.stdout).toMatch(/^Checking .*\. Not checking temporal propert(y|ies) [^(]+ \(--por is a reduction for invariants and deadlock only\)\.$/m);
    expect(r.stdout).toMatch(/^No error has been found: every checked property holds; temporal propert/m);
    expect(r.stdout).not.toContain('temporal properties were not checked');
    expect(r.stdout).toMatch(/Reductions: partial-order \(15 of 34 transitions can form an ample set; 559 of 10,745 states expanded by one; [\d,]+ probe runs/);
    expect(r.stdout).toContain('Without reductions: 10,974 distinct states, verdict holds; reduction ratio 1.02x.');
    const blind = runCli(['check', 'hmm/m4-now', '--por', '--no-coverage']);
    expect(blind.stdout).toContain('partial-order (inactive: no thread step is invisible and independent; not analysable within budget, so taken to touch everything: INV-MIG2;');
    const paxos = runCli(['check', 'reference/paxos', '--por']);
    expect(paxos.code).toBe(150);
    expect(paxos.stderr.trim()).toBe('hmmcheck: --por covers invariants and deadlock; the model has action properties (VotingSpecBar)');
  });

  it('stops at --max-states with exit 20', () => {
    const r = runCli(['check', 'reference/twophase', '--max-states', '10', '--no-coverage']);
    expect(r.code).toBe(20);
    expect(r.stdout).toContain('Stopped before a verdict: --max-states reached.');
  });

  describe('bad input: one line and a documented exit code', () => {
    it.each([
      [['check', 'nope'], 150, /^hmmcheck: unknown model 'nope'; valid: .*reference\/twophase/],
      [['check', 'reference/twophase', '--variant', 'buggy'], 150, /^hmmcheck: model reference\/twophase has no variant 'buggy'; valid: fixed$/],
      [['check', 'reference/twophase', '--const', 'NP=3'], 150, /^hmmcheck: model reference\/twophase has no constant 'NP'; valid: RM \(1\.\.10\)$/],
      [['check', 'reference/twophase', '--const', 'RM=99'], 150, /^hmmcheck: constant RM=99 is out of range; valid: RM \(1\.\.10\)$/],
      [['check', 'reference/twophase', '--const', 'RM'], 150, /^hmmcheck: --const expects name=value, got 'RM'$/],
      [['check', 'reference/twophase', '--strategy', 'random'], 150, /^hmmcheck: Invalid values:/],
      [['frobnicate'], 150, /^hmmcheck: Unknown argument: frobnicate/],
      [['replay', 'no-such-file.json'], 150, /^hmmcheck: cannot read trace file no-such-file.json: ENOENT$/],
    ])('%j exits %i', (args, code, message) => {
      const r = runCli(args as string[]);
      expect(r.code).toBe(code);
      expect(oneLine(r.stderr)).toMatch(message);
    });

    it('rejects a truncated trace file', () => {
      const out = join(tmp, 'trunc-src.json');
      runCli(['check', 'test/fixtures/jugs.ts', '--out', out]);
      const truncated = join(tmp, 'trunc.json');
      writeFileSync(truncated, readFileSync(out, 'utf8').slice(0, 200));
      const r = runCli(['replay', truncated]);
      expect(r.code).toBe(150);
      expect(oneLine(r.stderr)).toMatch(/^hmmcheck: malformed trace file .*trunc\.json: not valid JSON \(truncated\?\)/);
    });

    it('reports a model whose effect throws as a model error (75)', () => {
      const r = runCli(['check', 'test/fixtures/broken.ts']);
      expect(r.code).toBe(75);
      expect(oneLine(r.stderr)).toBe('hmmcheck: model error: Step: effect threw: driver pointer is NULL');
      expect(r.stdout).not.toMatch(/\n\s+at /); // no stack trace
    });

    it('reports a successor outside its schema as a model error naming the field (75)', () => {
      const r = runCli(['check', 'test/fixtures/broken.ts', '--variant', 'leaves-schema']);
      expect(r.code).toBe(75);
      expect(oneLine(r.stderr)).toBe('hmmcheck: model error: Step: state.n = 4 is not int 0..3');
    });

    it('prints the stack trace only with --debug', () => {
      const r = runCli(['check', 'nope', '--debug']);
      expect(r.code).toBe(150);
      expect(r.stderr).toMatch(/\n\s+at /);
    });
  });
});
