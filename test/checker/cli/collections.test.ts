import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../../support/cliAsync';

const spec = 'test/fixtures/duplicatingNetwork.ts';
const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-collections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI: sets of records and bags in traces from the search and simulation threads', () => {
  it('check prints the trace, writes ITF with #set and #map, and replay reproduces it', async () => {
    const out = join(dir, 'check.json');
    const check = await runCliAsync(['check', spec, '--workers', '1', '--out', out]);
    expect(check.code).toBe(12);
    expect(check.stdout).toContain('net: ({ from: A, seq: 0 } :> 1) -> ({ from: A, seq: 0 } :> 2)');
    const itf = JSON.parse(readFileSync(out, 'utf8'));
    expect(itf.states.at(-1).sent).toEqual({ '#set': [{ from: 'A', seq: 0 }] });
    expect(itf.states.at(-1).net).toEqual({ '#map': [[{ from: 'A', seq: 0 }, 2]] });
    const replay = await runCliAsync(['replay', out, '--spec', spec]);
    expect(replay.code).toBe(12);
    expect(replay.stdout).toContain('Reproduced: invariant NoDuplicates is violated at the last state.');
  });

  it('a swarm\'s finding replays too', async () => {
    const out = join(dir, 'sim.json');
    const sim = await runCliAsync(['simulate', spec, '--workers', '2', '--traces', '50', '--depth', '4', '--out', out]);
    expect(sim.code).toBe(12);
    const replay = await runCliAsync(['replay', out, '--spec', spec]);
    expect(replay.code).toBe(12);
  });
});
