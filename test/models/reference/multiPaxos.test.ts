import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { multiPaxos } from '../../../models/reference/multiPaxos';

describe('reference/multipaxos (tlaplus/Examples MultiPaxos-SMR with MultiPaxos_MC_small.cfg)', () => {
  // TLC (manifest.json, MultiPaxos_MC_small.cfg: Replicas = {s1, s2, s3}, Writes = {w1},
  // Reads = {r1}, MaxBallot = 2, SYMMETRY SymmetricPerms): 343,796 distinct, 736,012 generated, depth 28.
  // About 20 s on an idle 2-core machine, 50 s under heavy load.
  it('with symmetry: TypeOK and Linearizability hold with 343,796 distinct / 736,012 generated, depth 28', { timeout: 180_000 }, () => {
    const spec = instantiate(multiPaxos, 'fixed', { Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2 }).spec;
    expect(Object.keys(spec.schema.fields)).toEqual(['msgs', 'node', 'pending', 'observed', 'pc']);
    const r = checkSpec(spec, { reductions: { symmetry: true } }).result;
    expect(r.verdict.kind).toBe('holds');
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([343_796, 736_012, 28]);
  });
});
