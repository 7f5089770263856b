/**
 * Port of tlaplus/Examples specifications/MultiPaxos-SMR/MultiPaxos.tla (Guanzhou Hu's SMR-style
 * MultiPaxos, PlusCal with its translation) with the configuration MultiPaxos_MC_small.cfg:
 *
 *   Replicas = {s1, s2, s3}   Writes = {w1}   Reads = {r1}   MaxBallot <- ConstMaxBallot (== 2)
 *   SYMMETRY SymmetricPerms, INVARIANTS TypeOK Linearizability, CHECK_DEADLOCK TRUE
 *
 * TLC (manifest.json): 343,796 distinct states, 736,012 generated, depth 28, success.
 * Sources: our index holds MultiPaxos.tla, MultiPaxos_MC_small.cfg and manifest.json, not
 * MultiPaxos_MC.tla; TypeOK and Linearizability follow the author's other _MC modules
 * (Crossword_MC.tla; the Linearizability of an earlier MultiPaxos_MC.tla), with "nil" for "no
 * write before" (comparing the string "nil" with 0 would be a TLC error). SymmetricPerms permutes
 * Replicas (Writes and Reads are singletons: only the identity), so Replicas is `symmetric`.
 *
 * Constants: the registry default is small (2 replicas, one write, no read, so that every
 * registry-wide test runs it in a second); the cfg is `--const Replicas=3 --const Reads=1` (and
 * the defaults Writes=1, MaxBallot=2). With two writes, TLC's SymmetricPerms would permute Writes
 * too; here only Replicas is symmetric, so such counts with symmetry are not TLC's.
 *
 * Representation: the natural one. msgs is a set of records — one set per message kind, since
 * the kinds have different fields (TLA+'s Messages is the union of five record sets, and a
 * message's `type` names its set); each record keeps its `type` field (one value, no bits).
 * node is a function of records, pending and observed are sequences, pc is PlusCal's. "none" (no
 * leader) is null; a client event's missing `val` (a Req event) is null.
 *
 * Actions and TLC's generated count (one successor per satisfied disjunct of the action-level
 * `\/` and per witness of `\E`): Next == (\E self \in Replicas : rloop(self)) \/ Terminating.
 * rloop(self) is `IF ~terminated THEN <seven disjuncts> ELSE pc' = "Done"`; each disjunct is an
 * action here, guarded by `pc[self] = "rloop" /\ ~terminated`, with its `\E b \in Ballots` (a
 * parameter) or `\E m \in msgs` (a `ctx.choose` over the matching messages, which the guard
 * first requires to exist: a choice among none would only throw away the draft) as its witnesses;
 * the ELSE branch is the action Finish; Terminating (every pc "Done", UNCHANGED vars) is a
 * stuttering action: its self-loop is generated like any successor, and it keeps the final
 * states from being deadlocks.
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { symmetric, t } from '../../spec/types';
import { ValueSet } from '../../spec/valueSet';

type Replica = string;
type Command = string;
type Vote = { bal: number; cmd: Command };
type Inst = { status: 'Empty' | 'Preparing' | 'Accepting' | 'Committed'; cmd: Command; voted: Vote };
type Node = { leader: Replica | null; kvalue: Command; commitUpTo: number; balPrepared: number; balMaxKnown: number; insts: Record<number, Inst> };
type PrepareReply = { type: 'PrepareReply'; src: Replica; bal: number; votes: Record<number, Vote> };
type Event = { type: 'Req' | 'Ack'; cmd: Command; val: Command | null };
interface State {
  msgs: {
    prepare: ValueSet<{ type: 'Prepare'; src: Replica; bal: number }>;
    prepareReply: ValueSet<PrepareReply>;
    accept: ValueSet<{ type: 'Accept'; src: Replica; bal: number; slot: number; cmd: Command }>;
    acceptReply: ValueSet<{ type: 'AcceptReply'; src: Replica; bal: number; slot: number }>;
    commitNotice: ValueSet<{ type: 'CommitNotice'; upto: number }>;
  };
  node: Record<Replica, Node>;
  pending: Command[];
  observed: Event[];
  pc: Record<Replica, 'rloop' | 'Done'>;
}

const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
/** `\E m \in msgs : p(m)`, in a guard: an action with no witness is disabled before its effect runs. */
const some = <T>(msgs: Iterable<T>, p: (m: T) => boolean): boolean => {
  for (const m of msgs) if (p(m)) return true;
  return false;
};
const sameEvent = (a: Event, b: Event) => a.type === b.type && a.cmd === b.cmd && a.val === b.val;

/** Every sequence of the elements of `xs` (the bijections [1..n -> xs]). */
function orderings<T>(xs: readonly T[]): T[][] {
  if (xs.length === 0) return [[]];
  return xs.flatMap((x, i) => orderings([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

export const multiPaxos = defineModel<{ Replicas: number; Writes: number; Reads: number; MaxBallot: number }>({
  name: 'reference/multipaxos',
  title: 'MultiPaxos in SMR style (tlaplus/Examples MultiPaxos-SMR, MultiPaxos_MC_small.cfg)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/MultiPaxos-SMR/MultiPaxos.tla',
  constants: {
    Replicas: constant.int(1, 3, 2, 'Replicas = {s1, ..., sN}, symmetric (MultiPaxos_MC_small.cfg: 3; default 2 keeps the registry run short)'),
    Writes: constant.int(1, 2, 1, 'Writes = {w1, ..., wN} (MultiPaxos_MC_small.cfg: 1)'),
    Reads: constant.int(0, 2, 0, 'Reads = {r1, ..., rN} (MultiPaxos_MC_small.cfg: 1; default 0 keeps the registry run short)'),
    MaxBallot: constant.int(2, 3, 2, 'Ballots = 1..MaxBallot (ConstMaxBallot == 2)'),
  },
  variants: {
    fixed: { doc: 'MultiPaxos.tla with MultiPaxos_MC_small.cfg (TLC: 343,796 distinct / 736,012 generated with SYMMETRY)', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const Replicas = range(1, constants.Replicas).map((i) => `s${i}`);
    const Writes = range(1, constants.Writes).map((i) => `w${i}`);
    const Reads = range(1, constants.Reads).map((i) => `r${i}`);
    const Commands = [...Writes, ...Reads];
    const MaxBallot = constants.MaxBallot;
    const NumCommands = Commands.length;
    const MajorityNum = Math.floor(Replicas.length / 2) + 1;
    const Ballots = range(1, MaxBallot);
    const Slots = range(1, NumCommands);
    const isWrite = (c: Command) => Writes.includes(c);

    // ---- types (Messages, NodeStates, ClientEvents) ----
    const Repl = symmetric('Replicas', Replicas);
    const ballot = t.int(0, MaxBallot); // {0} \cup Ballots
    const cmdOrNil = t.enum('nil', ...Commands);
    const Vote = t.record({ bal: ballot, cmd: cmdOrNil });
    const InstState = t.record({ status: t.enum('Empty', 'Preparing', 'Accepting', 'Committed'), cmd: cmdOrNil, voted: Vote });
    const NodeState = t.record({
      leader: t.optional(t.symValue(Repl)), // {"none"} \cup Replicas
      kvalue: t.enum('nil', ...Writes),
      commitUpTo: t.int(0, NumCommands),
      balPrepared: ballot,
      balMaxKnown: ballot,
      insts: t.map(Slots, InstState),
    });
    const bal = t.int(1, MaxBallot);
    const slot = t.int(1, NumCommands);
    const src = t.symValue(Repl);
    // The five record sets whose union is Messages.
    const PrepareMsg = t.record({ type: t.enum('Prepare'), src, bal });
    const PrepareReplyMsg = t.record({ type: t.enum('PrepareReply'), src, bal, votes: t.map(Slots, Vote) });
    const AcceptMsg = t.record({ type: t.enum('Accept'), src, bal, slot, cmd: t.enum(...Commands) });
    const AcceptReplyMsg = t.record({ type: t.enum('AcceptReply'), src, bal, slot });
    const CommitNoticeMsg = t.record({ type: t.enum('CommitNotice'), upto: slot });
    // ClientEvents == [type: {"Req"}, cmd: Commands] \cup [type: {"Ack"}, cmd: Commands, val: {"nil"} \cup Writes]
    const ClientEvent = t.record({ type: t.enum('Req', 'Ack'), cmd: t.enum(...Commands), val: t.optional(t.enum('nil', ...Writes)) });

    // ---- the define block and operators ----
    const nullInst = (): Inst => ({ status: 'Empty', cmd: 'nil', voted: { bal: 0, cmd: 'nil' } });
    const nullNode = (): Node => ({ leader: null, kvalue: 'nil', commitUpTo: 0, balPrepared: 0, balMaxKnown: 0, insts: Object.fromEntries(Slots.map((sl) => [sl, nullInst()])) });
    const perReplica = <V>(f: () => V) => Object.fromEntries(Replicas.map((r) => [r, f()])) as Record<Replica, V>;
    /** UnseenPending(insts) == SelectSeq(pending, LAMBDA c : c \notin {insts[s].cmd : s \in Slots}) */
    const unseenPending = (s: State, insts: Record<number, Inst>) => s.pending.filter((c) => Slots.every((sl) => insts[sl]!.cmd !== c));
    const reqsMade = (s: State) => new Set(s.observed.filter((e) => e.type === 'Req').map((e) => e.cmd));
    const acksRecv = (s: State) => new Set(s.observed.filter((e) => e.type === 'Ack').map((e) => e.cmd));
    /** Cardinality({e.cmd : e \in Range(observed) : e.type = type}), without building the set (guards are hot). */
    const observedCount = (s: State, type: Event['type']) => {
      const seen: Command[] = [];
      for (const e of s.observed) if (e.type === type && !seen.includes(e.cmd)) seen.push(e.cmd);
      return seen.length;
    };
    const terminated = (s: State) => s.pending.length === 0 && observedCount(s, 'Req') === NumCommands && observedCount(s, 'Ack') === NumCommands;
    /** VotesByNode(n) == [s \in Slots |-> n.insts[s].voted] */
    const votesByNode = (n: Node) => Object.fromEntries(Slots.map((sl) => [sl, { ...n.insts[sl]!.voted }]));
    /** PeakVotedCmd(prs, s): the command voted at the highest ballot in slot s, or "nil". */
    const peakVotedCmd = (prs: readonly PrepareReply[], sl: number): Command => {
      if (prs.every((pr) => pr.votes[sl]!.bal === 0)) return 'nil';
      const top = Math.max(...prs.map((pr) => pr.votes[sl]!.bal));
      // CHOOSE bc \in Ballots \X Commands: the first command (in Commands' order) voted at the top ballot.
      return Commands.find((c) => prs.some((pr) => pr.votes[sl]!.bal === top && pr.votes[sl]!.cmd === c))!;
    };
    /** FirstEmptySlot(insts) */
    const firstEmptySlot = (insts: Record<number, Inst>) => Slots.find((sl) => insts[sl]!.status === 'Empty' && Slots.every((u) => u >= sl || insts[u]!.status !== 'Empty'))!;
    /** Observe(e): append e to observed unless it is there already. */
    const observe = (d: State, e: Event) => {
      if (!d.observed.some((x) => sameEvent(x, e))) d.observed.push(e);
    };
    /** [insts EXCEPT ![s].status = IF @ = "Accepting" THEN "Preparing" ELSE @] for every slot */
    const unprepare = (n: Node) => {
      for (const sl of Slots) if (n.insts[sl]!.status === 'Accepting') n.insts[sl]!.status = 'Preparing';
    };
    const running = (s: State, self: Replica) => s.pc[self] === 'rloop' && !terminated(s);
    // The messages a handler may take (its \E m \in msgs), tested by its guard and chosen from by its effect.
    /** HandlePrepare's `m.bal > node[self].balMaxKnown` */
    const preparable = (n: Node, m: { bal: number }) => m.bal > n.balMaxKnown;
    /** HandleAccept's `m.bal >= node[self].balMaxKnown /\ m.bal > node[self].insts[m.slot].voted.bal` */
    const acceptable = (n: Node, m: { bal: number; slot: number }) => m.bal >= n.balMaxKnown && m.bal > n.insts[m.slot]!.voted.bal;

    // ---- MultiPaxos_MC's Linearizability ----
    const orders = orderings(Commands);
    const linearizable = (s: State): boolean => {
      if (!terminated(s)) return true;
      const reqPos = (c: Command) => s.observed.findIndex((e) => e.type === 'Req' && e.cmd === c);
      const ackPos = (c: Command) => s.observed.findIndex((e) => e.type === 'Ack' && e.cmd === c);
      const resultOf = (c: Command) => s.observed[ackPos(c)]!.val;
      /** LastWriteBefore(order, j): the last write before position j, "nil" if none. */
      const lastWriteBefore = (order: Command[], j: number) => order.slice(0, j).reverse().find(isWrite) ?? 'nil';
      // \E order \in [1..NumCommands -> Commands] : IsLinearOrder(order) /\ ObeysRealTime(order)
      return orders.some(
        (order) =>
          order.every((c, j) => resultOf(c) === lastWriteBefore(order, j)) &&
          Commands.every((c1) => Commands.every((c2) => !(ackPos(c1) < reqPos(c2)) || order.indexOf(c1) < order.indexOf(c2))),
      );
    };

    return spec({
      msgs: t.record({
        prepare: t.set(PrepareMsg),
        prepareReply: t.set(PrepareReplyMsg),
        accept: t.set(AcceptMsg),
        acceptReply: t.set(AcceptReplyMsg),
        commitNotice: t.set(CommitNoticeMsg),
      }),
      node: t.map(Repl, NodeState),
      pending: t.seq(t.enum(...Commands), NumCommands),
      observed: t.seq(ClientEvent, 2 * NumCommands),
      pc: t.map(Repl, t.enum('rloop', 'Done')),
    })
      .init(() => ({
        msgs: { prepare: new ValueSet(), prepareReply: new ValueSet(), accept: new ValueSet(), acceptReply: new ValueSet(), commitNotice: new ValueSet() },
        node: perReplica(nullNode),
        pending: [...Commands], // InitPending: the writes, then the reads (W.L.O.G., as the module says)
        observed: [],
        pc: perReplica((): 'rloop' | 'Done' => 'rloop'),
      }))
      // BecomeLeader(self): \E b \in Ballots (a parameter)
      .action('BecomeLeader', { self: Replicas, b: Ballots }, {
        guard: (s, { self, b }) => {
          if (!running(s, self) || s.node[self].leader === self || b <= s.node[self].balMaxKnown) return false;
          for (const m of s.msgs.prepare) if (m.bal === b) return false;
          return true;
        },
        effect: (d, { self, b }) => {
          const n = d.node[self];
          n.leader = self;
          n.balPrepared = 0;
          n.balMaxKnown = b;
          unprepare(n);
          d.msgs.prepare.add({ type: 'Prepare', src: self, bal: b });
          d.msgs.prepareReply.add({ type: 'PrepareReply', src: self, bal: b, votes: votesByNode(n) });
        },
      })
      // HandlePrepare(self): \E m \in msgs (a choice over the Prepare messages it may take)
      .action('HandlePrepare', { self: Replicas }, {
        guard: (s, { self }) => running(s, self) && some(s.msgs.prepare, (m) => preparable(s.node[self], m)),
        effect: (d, { self }, ctx) => {
          const n = d.node[self];
          const m = ctx.choose([...d.msgs.prepare].filter((m) => preparable(n, m)));
          n.leader = m.src;
          n.balMaxKnown = m.bal;
          unprepare(n);
          d.msgs.prepareReply.add({ type: 'PrepareReply', src: self, bal: m.bal, votes: votesByNode(n) });
        },
      })
      // HandlePrepareReplies(self)
      .action('HandlePrepareReplies', { self: Replicas }, {
        guard: (s, { self }) => {
          const n = s.node[self];
          if (!running(s, self) || n.leader !== self || n.balPrepared !== 0) return false;
          let prs = 0;
          for (const m of s.msgs.prepareReply) if (m.bal === n.balMaxKnown) prs++;
          return prs >= MajorityNum;
        },
        effect: (d, { self }) => {
          const n = d.node[self];
          const prs = [...d.msgs.prepareReply].filter((m) => m.bal === n.balMaxKnown);
          n.balPrepared = n.balMaxKnown;
          for (const sl of Slots) {
            const inst = n.insts[sl]!;
            const peak = peakVotedCmd(prs, sl);
            if (inst.status === 'Preparing' || (inst.status === 'Empty' && peak !== 'nil')) inst.status = 'Accepting';
            inst.cmd = peak;
          }
          for (const sl of Slots) {
            const inst = n.insts[sl]!;
            if (inst.status === 'Accepting') d.msgs.accept.add({ type: 'Accept', src: self, bal: n.balPrepared, slot: sl, cmd: inst.cmd });
          }
        },
      })
      // TakeNewRequest(self). Its guard's `\E s \in Slots : node[self].insts[s].status = "Empty"` is a
      // conjunct of the action, so TLC branches on it too: one (identical) successor per empty slot.
      .action('TakeNewRequest', { self: Replicas }, {
        guard: (s, { self }) => {
          const n = s.node[self];
          return running(s, self) && n.leader === self && n.balPrepared === n.balMaxKnown && unseenPending(s, n.insts).length > 0;
        },
        effect: (d, { self }, ctx) => {
          const n = d.node[self];
          ctx.choose(Slots.filter((sl) => n.insts[sl]!.status === 'Empty'));
          const sl = firstEmptySlot(n.insts);
          const c = unseenPending(d, n.insts)[0]!;
          n.insts[sl] = { status: 'Accepting', cmd: c, voted: { bal: n.balPrepared, cmd: c } };
          d.msgs.accept.add({ type: 'Accept', src: self, bal: n.balPrepared, slot: sl, cmd: c });
          d.msgs.acceptReply.add({ type: 'AcceptReply', src: self, bal: n.balPrepared, slot: sl });
          observe(d, { type: 'Req', cmd: c, val: null });
        },
      })
      // HandleAccept(self): \E m \in msgs
      .action('HandleAccept', { self: Replicas }, {
        guard: (s, { self }) => running(s, self) && some(s.msgs.accept, (m) => acceptable(s.node[self], m)),
        effect: (d, { self }, ctx) => {
          const n = d.node[self];
          const m = ctx.choose([...d.msgs.accept].filter((m) => acceptable(n, m)));
          n.leader = m.src;
          n.balMaxKnown = m.bal;
          n.insts[m.slot] = { status: 'Accepting', cmd: m.cmd, voted: { bal: m.bal, cmd: m.cmd } };
          d.msgs.acceptReply.add({ type: 'AcceptReply', src: self, bal: m.bal, slot: m.slot });
        },
      })
      // HandleAcceptReplies(self)
      .action('HandleAcceptReplies', { self: Replicas }, {
        guard: (s, { self }) => {
          const n = s.node[self];
          if (!running(s, self) || n.leader !== self || n.balPrepared !== n.balMaxKnown || n.commitUpTo >= NumCommands) return false;
          const sl = n.commitUpTo + 1;
          if (n.insts[sl]!.status !== 'Accepting') return false;
          let ars = 0;
          for (const m of s.msgs.acceptReply) if (m.slot === sl && m.bal === n.balPrepared) ars++;
          return ars >= MajorityNum;
        },
        effect: (d, { self }) => {
          const n = d.node[self];
          const sl = n.commitUpTo + 1;
          const c = n.insts[sl]!.cmd;
          const v = n.kvalue;
          n.insts[sl]!.status = 'Committed';
          n.commitUpTo = sl;
          if (isWrite(c)) n.kvalue = c;
          observe(d, { type: 'Ack', cmd: c, val: v });
          d.pending = d.pending.filter((x) => x !== c); // Resolve(c)
          d.msgs.commitNotice.add({ type: 'CommitNotice', upto: sl });
        },
      })
      // HandleCommitNotice(self): \E m \in msgs (the one CommitNotice for the slot)
      .action('HandleCommitNotice', { self: Replicas }, {
        guard: (s, { self }) => {
          const n = s.node[self];
          const sl = n.commitUpTo + 1;
          return running(s, self) && n.leader !== self && n.commitUpTo < NumCommands && n.insts[sl]!.status === 'Accepting' && some(s.msgs.commitNotice, (m) => m.upto === sl);
        },
        effect: (d, { self }, ctx) => {
          const n = d.node[self];
          const sl = n.commitUpTo + 1;
          ctx.choose([...d.msgs.commitNotice].filter((m) => m.upto === sl));
          const c = n.insts[sl]!.cmd;
          n.insts[sl]!.status = 'Committed';
          n.commitUpTo = sl;
          if (isWrite(c)) n.kvalue = c;
        },
      })
      // rloop's ELSE: the loop ends once terminated
      .action('Finish', { self: Replicas }, {
        guard: (s, { self }) => s.pc[self] === 'rloop' && terminated(s),
        effect: (d, { self }) => void (d.pc[self] = 'Done'),
      })
      // Terminating == \A self \in ProcSet : pc[self] = "Done" /\ UNCHANGED vars (a stuttering step)
      .action('Terminating', {}, {
        guard: (s) => Replicas.every((r) => s.pc[r] === 'Done'),
        effect: () => {},
      })
      // TypeOK: what the schema does not already say (msgs \subseteq Messages, node \in NodeStates).
      .invariant('TypeOK', (s) =>
        s.pending.length <= NumCommands &&
        new Set(s.pending).size === s.pending.length &&
        s.observed.length <= 2 * NumCommands &&
        new Set(s.observed.map((e) => `${e.type}/${e.cmd}/${e.val}`)).size === s.observed.length &&
        reqsMade(s).size >= acksRecv(s).size &&
        s.observed.every((e) => (e.type === 'Req') === (e.val === null)))
      .invariant('Linearizability', linearizable)
      .build();
  },
});
