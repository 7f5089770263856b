/**
 * Port of tlaplus/Examples specifications/Paxos/Paxos.tla (Lamport's Paxos "without explicit
 * leaders or learners", refining Voting.tla) with the model-checking configuration
 * MCPaxos.tla / MCPaxos.cfg:
 *
 *   MCAcceptor == {a1}   MCValue == {v1}   MCQuorum == {{a1}}   MCBallot == 0..MCMaxBallot, MCMaxBallot == 1
 *   SPECIFICATION Spec, INVARIANT Inv1 Inv2 Inv3 Inv4, PROPERTY VotingSpecBar (== V!Spec),
 *   SYMMETRY MCSymmetry == Permutations(MCAcceptor) \cup Permutations(MCValue)
 *
 * Sources: our index holds tlaplus/Examples' MCPaxos.cfg, Voting.tla and manifest.json (TLC:
 * 25 distinct, 82 generated, depth 9, "success") but not Paxos.tla nor MCPaxos.tla; those were
 * read from the fork ahelwer/Examples (same paths; Unicode notation), and Paxos.tla checked
 * against tlaplus/tla-example-library's copy (same actions and invariants; its None is CHOOSE
 * v : v \notin Ballot rather than \notin Value, immaterial since the cfg makes None a model
 * value).
 *
 * Symmetry: TLC permutes the model values of Acceptor and of Value (separately); ballots are
 * integers and are not permuted. Both are `symmetric(...)` domains here. With the cfg's
 * singleton sets both permutation groups are trivial, so TLC's 25 / 82 equal the counts without
 * symmetry (ours: 25 / 82 both ways). Constants (defaults = the cfg) widen the model:
 * Acceptors = |Acceptor| (Quorum = its majorities, which for 3 acceptors is MCPaxos.tla's
 * commented-out {{a1, a2}, {a1, a3}, {a2, a3}}), Values = |Value| and MaxBallot.
 *
 * Representation. msgs is a set of records; here it is split by message type, keyed by the
 * acceptors and ballots it names, so that Acceptor and Value can be permuted:
 *   msg1a[b]         = [type |-> "1a", bal |-> b] \in msgs
 *   msg1b[a][b]      = <<mbal, mval>> of the 1b message from a for ballot b, or null if none
 *   msg2a[b]         = val of the 2a message for ballot b, or null if none
 *   msg2b[a][b]      = val of the 2b message from a for ballot b, or null if none
 * This is a bijection on the reachable states: an acceptor sends at most one 1b message per
 * ballot (Phase1b needs m.bal > maxBal[a] and sets maxBal[a] to m.bal, which never decreases),
 * Phase2a sends at most one 2a message per ballot (its first conjunct), and a 2b message for
 * ballot b carries the value of the 2a message for b. So the counts are those of the module.
 * None (a model value) is null.
 *
 * Actions and TLC's generated count. TLC generates one successor per way of satisfying an
 * action's existentials and disjunctions, duplicates included. Each witness is therefore an
 * action parameter or a ctx.choose option: Phase1b(a) and Phase2b(a) take the ballot b of the
 * message they receive; Phase2a(b, v) takes the quorum Q of `\E Q \in Quorum` as a parameter, and
 * `\/ Q1bv = {} \/ \E m \in Q1bv : ...` is a choice over its witnesses (the one first disjunct,
 * or every m with m.mval = v and maximal m.mbal; `\A a \in Q : \E m \in Q1b : m.acc = a` has one
 * witness per a, as a sends one 1b message per ballot). With the cfg's one quorum and one
 * acceptor every action instance has at most one witness.
 *
 * VotingSpecBar == V!Spec == V!Init /\ [][V!Next]_<<votes, maxBal>> (Voting under the refinement
 * mapping votes == [a |-> {<<m.bal, m.val>> : 2b messages m from a}]): [][V!Next]_<<...>> is an
 * action property on every step; V!Init holds of the (single) initial state, which
 * test/models/reference/paxos.test.ts checks. `Ballot <-[Voting] MCBallot`: Voting's Ballot is
 * 0..MaxBallot too.
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { symmetric, t } from '../../spec/types';

type Acc = string;
type Val = string;
type Bal = number;
type OneB = { mbal: number; mval: Val | null };
interface PaxosState {
  maxBal: Record<Acc, number>;
  maxVBal: Record<Acc, number>;
  maxVal: Record<Acc, Val | null>;
  msg1a: Set<Bal>;
  msg1b: Record<Acc, Record<Bal, OneB | null>>;
  msg2a: Record<Bal, Val | null>;
  msg2b: Record<Acc, Record<Bal, Val | null>>;
}

const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);

/** All subsets of `xs` of exactly `k` elements. */
function subsetsOfSize<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [x, ...rest] = xs;
  return [...subsetsOfSize(rest, k - 1).map((s) => [x!, ...s]), ...subsetsOfSize(rest, k)];
}

export const paxos = defineModel<{ Acceptors: number; Values: number; MaxBallot: number }>({
  name: 'reference/paxos',
  title: 'Paxos (tlaplus/Examples Paxos.tla, MCPaxos)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/Paxos/Paxos.tla',
  constants: {
    Acceptors: constant.int(1, 3, 1, 'acceptors: Acceptor = {a1, ..., aN}, Quorum = its majorities (MCPaxos: {a1}, {{a1}})'),
    Values: constant.int(1, 3, 1, 'values: Value = {v1, ..., vN} (MCPaxos: {v1})'),
    MaxBallot: constant.int(0, 3, 1, 'Ballot = 0..MaxBallot (MCPaxos: MCMaxBallot == 1)'),
  },
  variants: {
    fixed: { doc: 'Paxos.tla with MCPaxos.tla / MCPaxos.cfg', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const Acceptor = range(1, constants.Acceptors).map((i) => `a${i}`);
    const Value = range(1, constants.Values).map((i) => `v${i}`);
    const Ballot = range(0, constants.MaxBallot);
    const maxB = constants.MaxBallot;
    const Quorum = subsetsOfSize(Acceptor, Math.floor(Acceptor.length / 2) + 1);
    const quorumIds = Quorum.map((_, i) => i);
    // SYMMETRY Permutations(MCAcceptor) \cup Permutations(MCValue)
    const Acc = symmetric('Acceptor', Acceptor);
    const Vals = symmetric('Value', Value);
    const all = <K extends string | number, V>(keys: readonly K[], v: () => V) => Object.fromEntries(keys.map((k) => [k, v()])) as Record<K, V>;

    // ---- Voting's definitions, over the refinement mapping (votes from the 2b messages) ----
    /** VotedFor(a, b, v) == <<b, v>> \in votes[a] */
    const votedFor = (s: PaxosState, a: Acc, b: Bal, v: Val) => s.msg2b[a]![b] === v;
    /** votes[a] as <<bal, val>> pairs */
    const votesOf = (s: PaxosState, a: Acc) => Ballot.flatMap((b) => (s.msg2b[a]![b] !== null ? [[b, s.msg2b[a]![b]!] as const] : []));
    const didNotVoteAt = (s: PaxosState, a: Acc, b: Bal) => Value.every((v) => !votedFor(s, a, b, v));
    const cannotVoteAt = (s: PaxosState, a: Acc, b: Bal) => s.maxBal[a]! > b && didNotVoteAt(s, a, b);
    const noneOtherChoosableAt = (s: PaxosState, b: Bal, v: Val) =>
      Quorum.some((Q) => Q.every((a) => votedFor(s, a, b, v) || cannotVoteAt(s, a, b)));
    const safeAt = (s: PaxosState, b: Bal, v: Val) => range(0, b - 1).every((c) => noneOtherChoosableAt(s, c, v));
    const showsSafeAt = (s: PaxosState, Q: readonly Acc[], b: Bal, v: Val) =>
      Q.every((a) => s.maxBal[a]! >= b) &&
      range(-1, b - 1).some((c) =>
        (c === -1 || Q.some((a) => votedFor(s, a, c, v))) &&
        range(c + 1, b - 1).every((d) => Q.every((a) => didNotVoteAt(s, a, d))));
    const votingTypeOK = (s: PaxosState) =>
      Acceptor.every((a) => votesOf(s, a).every(([b, v]) => Ballot.includes(b) && Value.includes(v)) && (s.maxBal[a] === -1 || Ballot.includes(s.maxBal[a]!)));
    const votesSafe = (s: PaxosState) => Acceptor.every((a) => Ballot.every((b) => Value.every((v) => !votedFor(s, a, b, v) || safeAt(s, b, v))));
    const oneValuePerBallot = (s: PaxosState) =>
      Acceptor.every((a1) => Acceptor.every((a2) => Ballot.every((b) => Value.every((v1) => Value.every((v2) =>
        !(votedFor(s, a1, b, v1) && votedFor(s, a2, b, v2)) || v1 === v2)))));
    /** V!Next (on the mapped variables votes, maxBal) */
    const votingNext = (s: PaxosState, u: PaxosState) =>
      Acceptor.some((a) => Ballot.some((b) => {
        const othersSame = (except: Acc) => Acceptor.every((c) => c === except || s.maxBal[c] === u.maxBal[c]);
        const votesSame = (except: Acc | null) => Acceptor.every((c) => c === except || Ballot.every((bb) => s.msg2b[c]![bb] === u.msg2b[c]![bb]));
        // IncreaseMaxBal(a, b)
        if (b > s.maxBal[a]! && u.maxBal[a] === b && othersSame(a) && votesSame(null)) return true;
        // \E v \in Value : VoteFor(a, b, v)
        return Value.some((v) =>
          s.maxBal[a]! <= b &&
          votesOf(s, a).every(([vb]) => vb !== b) &&
          Acceptor.every((c) => c === a || votesOf(s, c).every(([vb, vv]) => vb !== b || vv === v)) &&
          Quorum.some((Q) => showsSafeAt(s, Q, b, v)) &&
          // votes' = [votes EXCEPT ![a] = @ \cup {<<b, v>>}]
          votesSame(a) && Ballot.every((bb) => (bb === b ? u.msg2b[a]![bb] === v : u.msg2b[a]![bb] === s.msg2b[a]![bb])) &&
          u.maxBal[a] === b && othersSame(a));
      }));
    /** <<votes, maxBal>> unchanged */
    const votingVarsSame = (s: PaxosState, u: PaxosState) =>
      Acceptor.every((a) => s.maxBal[a] === u.maxBal[a] && Ballot.every((b) => s.msg2b[a]![b] === u.msg2b[a]![b]));

    return (
      spec({
        maxBal: t.map(Acc, t.int(-1, maxB)),
        maxVBal: t.map(Acc, t.int(-1, maxB)),
        maxVal: t.map(Acc, t.optional(t.symValue(Vals))), // null = None
        // msgs, by message type (see the header)
        msg1a: t.set(Ballot),
        msg1b: t.map(Acc, t.map(Ballot, t.optional(t.record({ mbal: t.int(-1, maxB), mval: t.optional(t.symValue(Vals)) })))),
        msg2a: t.map(Ballot, t.optional(t.symValue(Vals))),
        msg2b: t.map(Acc, t.map(Ballot, t.optional(t.symValue(Vals)))),
      })
        .init(() => ({
          maxBal: all(Acceptor, () => -1),
          maxVBal: all(Acceptor, () => -1),
          maxVal: all(Acceptor, () => null),
          msg1a: new Set<number>(), // msgs = {}
          msg1b: all(Acceptor, () => all(Ballot, () => null)),
          msg2a: all(Ballot, () => null),
          msg2b: all(Acceptor, () => all(Ballot, () => null)),
        }))
        // Next == \/ \E b \in Ballot : \/ Phase1a(b) \/ \E v \in Value : Phase2a(b, v)
        //         \/ \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)
        // Phase1a(b) == Send([type |-> "1a", bal |-> b]) /\ UNCHANGED <<maxBal, maxVBal, maxVal>>
        // (always enabled; a self-loop once the message is in msgs).
        .action('Phase1a', { b: Ballot }, {
          effect: (d, { b }) => { d.msg1a.add(b); },
        })
        // Phase2a(b, v): no 2a message for b yet, and \E Q \in Quorum with a 1b message for b from
        // every a \in Q, and either none of them reports a vote (Q1bv = {}) or one with the
        // highest mbal among them reports v.
        .action('Phase2a', { b: Ballot, v: Value, q: quorumIds }, {
          guard: (s, { b, q }) => s.msg2a[b] === null && Quorum[q]!.every((a) => s.msg1b[a]![b] !== null),
          effect: (d, { b, v, q }, ctx) => {
            const Q1bv = Quorum[q]!.map((a) => d.msg1b[a]![b]!).filter((m) => m.mbal >= 0);
            // \/ Q1bv = {} \/ \E m \in Q1bv : m.mval = v /\ \A mm \in Q1bv : m.mbal >= mm.mbal
            // Distinct acceptors' messages are distinct messages, so each is its own witness.
            const witnesses = Q1bv.length === 0 ? [null] : Q1bv.filter((m) => m.mval === v && Q1bv.every((mm) => m.mbal >= mm.mbal));
            ctx.choose(witnesses);
            d.msg2a[b] = v; // Send([type |-> "2a", bal |-> b, val |-> v])
          },
        })
        // Phase1b(a) == \E m \in msgs : m.type = "1a" /\ m.bal > maxBal[a] /\ ... (b = m.bal)
        .action('Phase1b', { a: Acceptor, b: Ballot }, {
          guard: (s, { a, b }) => s.msg1a.has(b) && b > s.maxBal[a]!,
          effect: (d, { a, b }) => {
            d.maxBal[a] = b;
            d.msg1b[a]![b] = { mbal: d.maxVBal[a]!, mval: d.maxVal[a]! };
          },
        })
        // Phase2b(a) == \E m \in msgs : m.type = "2a" /\ m.bal >= maxBal[a] /\ ... (b = m.bal)
        .action('Phase2b', { a: Acceptor, b: Ballot }, {
          guard: (s, { a, b }) => s.msg2a[b] !== null && b >= s.maxBal[a]!,
          effect: (d, { a, b }) => {
            const v = d.msg2a[b]!;
            d.maxBal[a] = b;
            d.maxVBal[a] = b;
            d.maxVal[a] = v;
            d.msg2b[a]![b] = v;
          },
        })
        // Inv1 == TypeOK (Ballot = MCBallot); the schema keeps msgs \subseteq Message.
        .invariant('Inv1', (s) =>
          Acceptor.every((a) =>
            (s.maxBal[a] === -1 || Ballot.includes(s.maxBal[a]!)) &&
            (s.maxVBal[a] === -1 || Ballot.includes(s.maxVBal[a]!)) &&
            (s.maxVal[a] === null || Value.includes(s.maxVal[a]!))))
        // Inv2 == \A a : IF maxVBal[a] = -1 THEN maxVal[a] = None ELSE <<maxVBal[a], maxVal[a]>> \in votes[a]
        .invariant('Inv2', (s) =>
          Acceptor.every((a) => (s.maxVBal[a] === -1 ? s.maxVal[a] === null : s.maxVal[a] !== null && votedFor(s, a, s.maxVBal[a]!, s.maxVal[a]!))))
        // Inv3 == \A m \in msgs : (1b => maxBal[m.acc] >= m.bal /\ (m.mbal >= 0 => <<m.mbal, m.mval>> \in votes[m.acc]))
        //                      /\ (2a => (\E Q : V!ShowsSafeAt(Q, m.bal, m.val)) /\ one value per ballot)
        .invariant('Inv3', (s) =>
          Acceptor.every((a) => Ballot.every((b) => {
            const m = s.msg1b[a]![b];
            return m === null || (s.maxBal[a]! >= b && (m.mbal < 0 || (m.mval !== null && votedFor(s, a, m.mbal, m.mval))));
          })) &&
          // the 2a messages for b are one value at most by construction (msg2a[b] is one value)
          Ballot.every((b) => s.msg2a[b] === null || Quorum.some((Q) => showsSafeAt(s, Q, b, s.msg2a[b]!))))
        // Inv4 == V!Inv == V!TypeOK /\ V!VotesSafe /\ V!OneValuePerBallot
        .invariant('Inv4', (s) => votingTypeOK(s) && votesSafe(s) && oneValuePerBallot(s))
        // VotingSpecBar == V!Spec: [][V!Next]_<<votes, maxBal>> (V!Init: see the header)
        .actionProperty('VotingSpecBar', (s, u) => votingVarsSame(s, u) || votingNext(s, u))
        .build()
    );
  },
});

/** V!Init == votes = [a \in Acceptor |-> {}] /\ maxBal = [a \in Acceptor |-> -1] (for tests). */
export function votingInit(s: { maxBal: Record<string, number>; msg2b: Record<string, Record<number, string | null>> }): boolean {
  return Object.values(s.maxBal).every((b) => b === -1) && Object.values(s.msg2b).every((row) => Object.values(row).every((v) => v === null));
}
