import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { instantiate } from '../../../checker/model/instantiate';
import { paxos, votingInit } from '../../../models/reference/paxos';

const check = (constants: Record<string, number>, symmetry: boolean, strategy: 'bfs' | 'dfs' = 'bfs') =>
  checkSpec(instantiate(paxos, 'fixed', constants).spec, { strategy, reductions: { symmetry } }).result;

describe('reference/paxos (tlaplus/Examples Paxos.tla with MCPaxos.cfg)', () => {
  // TLC (manifest.json, MCPaxos.cfg with SYMMETRY MCSymmetry): 25 distinct, 82 generated, depth 9.
  // MCSymmetry permutes {a1} and {v1}, only the identity, so the counts are the same without it.
  it.each([
    [true, 'bfs'],
    [true, 'dfs'],
    [false, 'bfs'],
    [false, 'dfs'],
  ] as const)('symmetry %s, %s: Inv1..Inv4 and VotingSpecBar hold with 25 distinct / 82 generated', (symmetry, strategy) => {
    const r = check({}, symmetry, strategy);
    expect(r.verdict.kind).toBe('holds');
    expect(r.stats.distinct).toBe(25);
    expect(r.stats.generated).toBe(82);
    if (strategy === 'bfs') expect(r.stats.depth).toBe(9);
  });

  it('checks the invariants of the cfg and the [][V!Next] part of VotingSpecBar; V!Init holds initially', () => {
    const spec = instantiate(paxos).spec;
    expect(spec.invariants.map((i) => i.name)).toEqual(['Inv1', 'Inv2', 'Inv3', 'Inv4']);
    expect(spec.actionProperties.map((p) => p.name)).toEqual(['VotingSpecBar']);
    expect(votingInit(spec.init({ choose: () => { throw new Error('one initial state'); } }) as never)).toBe(true);
  });

  // Wider constants: Quorum = majorities (3 acceptors: MCPaxos.tla's commented-out
  // {{a1, a2}, {a1, a3}, {a2, a3}}); symmetry over both acceptors and values.
  it.each([
    [{ Acceptors: 2, Values: 2, MaxBallot: 1 }, 145, 611, 56, 239],
    [{ Acceptors: 3, Values: 1, MaxBallot: 1 }, 1681, 9903, 373, 2195],
    [{ Acceptors: 3, Values: 2, MaxBallot: 1 }, 3921, 23563, 443, 2697],
    [{ Acceptors: 1, Values: 2, MaxBallot: 2 }, 275, 1333, 151, 744],
  ])('%o: holds, %i / %i plain, %i / %i with symmetry', (constants, distinct, generated, symDistinct, symGenerated) => {
    const plain = check(constants, false);
    expect(plain.verdict.kind).toBe('holds');
    expect([plain.stats.distinct, plain.stats.generated]).toEqual([distinct, generated]);
    const sym = check(constants, true);
    expect(sym.verdict.kind).toBe('holds');
    expect([sym.stats.distinct, sym.stats.generated]).toEqual([symDistinct, symGenerated]);
  });

  it('the symmetric count at 3 acceptors / 2 values is the number of permutation classes (brute force)', () => {
    const spec = instantiate(paxos, 'fixed', { Acceptors: 3, Values: 2, MaxBallot: 1 }).spec;
    const A = ['a1', 'a2', 'a3'];
    const V = ['v1', 'v2'];
    const noOption = Symbol('no option');
    const first = { choose: <T>(o: readonly T[]) => { if (o.length === 0) throw noOption; return o[0]!; } };
    const successors = (s: any): any[] =>
      spec.actions.flatMap((a) => {
        const combos = a.params.reduce<Record<string, unknown>[]>((acc, [k, dom]) => acc.flatMap((p) => dom.map((x) => ({ ...p, [k]: x }))), [{}]);
        return combos.filter((p) => a.guard(s, p as never)).flatMap((p) => {
          const d = structuredClone(s);
          try {
            a.effect(d, p as never, first);
          } catch (e) {
            if (e === noOption) return [];
            throw e;
          }
          return [d];
        });
      });
    /** The state with acceptor A[pa[i]] renamed A[i] and value V[pv[j]] renamed V[j], as a string. */
    const renamed = (s: any, pa: number[], pv: number[]) => {
      const val = (v: string | null) => (v === null ? null : V[pv.indexOf(V.indexOf(v))]!);
      const byAcc = (f: (a: string) => unknown) => A.map((_, i) => f(A[pa[i]!]!));
      return JSON.stringify([
        byAcc((a) => s.maxBal[a]),
        byAcc((a) => s.maxVBal[a]),
        byAcc((a) => val(s.maxVal[a])),
        [...s.msg1a].sort(),
        byAcc((a) => [0, 1].map((b) => (s.msg1b[a][b] === null ? null : [s.msg1b[a][b].mbal, val(s.msg1b[a][b].mval)]))),
        [0, 1].map((b) => val(s.msg2a[b])),
        byAcc((a) => [0, 1].map((b) => val(s.msg2b[a][b]))),
      ]);
    };
    const ida = [0, 1, 2];
    const idv = [0, 1];
    const init = spec.init(first);
    const seen = new Map([[renamed(init, ida, idv), init]]);
    const stack = [init];
    while (stack.length > 0) {
      for (const u of successors(stack.pop())) {
        const k = renamed(u, ida, idv);
        if (!seen.has(k)) {
          seen.set(k, u);
          stack.push(u);
        }
      }
    }
    expect(seen.size).toBe(3921);
    const pas = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    const pvs = [[0, 1], [1, 0]];
    const classes = new Set([...seen.values()].map((s) => pas.flatMap((pa) => pvs.map((pv) => renamed(s, pa, pv))).sort()[0]));
    expect(classes.size).toBe(443);
  });

  it('Inv3 catches a leader that proposes a value other than the one a quorum reports', () => {
    const spec = instantiate(paxos, 'fixed', { Values: 2 }).spec;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) =>
        a.name === 'Phase2a' ? { ...a, effect: (d: any, p: any) => void (d.msg2a[p.b] = p.v) } : a),
    };
    expect(checkSpec(broken).result.verdict).toMatchObject({ kind: 'violation', property: 'Inv3' });
  });

  it('VotingSpecBar catches an acceptor that votes in a ballot below its promise', () => {
    const spec = instantiate(paxos).spec;
    const broken = {
      ...spec,
      actions: spec.actions.map((a) => (a.name === 'Phase2b' ? { ...a, guard: (s: any, p: any) => s.msg2a[p.b] !== null } : a)),
    };
    expect(checkSpec(broken).result.verdict).toMatchObject({ kind: 'violation', property: 'VotingSpecBar' });
  });
});
