/**
 * Port of tlaplus/Examples specifications/lamport_mutex/LamportMutex.tla (Stephan Merz's
 * specification of Lamport's distributed mutual exclusion, CACM 1978) with the configuration
 * MCLamportMutex.cfg:
 *
 *   N = 3, maxClock = 6, MaxNat = 7 (Nat <- 0..MaxNat), INVARIANTS TypeOK BoundedNetwork Mutex,
 *   CONSTRAINT ClockConstraint (\A p \in Proc : clock[p] <= maxClock)
 *
 * TLC (manifest.json): 724,274 distinct states, 2,729,079 generated, depth 61, success.
 * Sources: our index holds MCLamportMutex.tla/.cfg and manifest.json, and copies of
 * LamportMutex.tla (with and without comments; the actions agree).
 *
 * Constants: the registry default bounds clocks at 2 (511 states, so registry-wide tests stay
 * fast); the cfg is `--const maxClock=6` (N = 3 is the default).
 *
 * Representation: the natural one. network[p][q] is the FIFO queue of message records from p to
 * q (`Seq(Message)`, with Message = [type, clock]), ack[p] and crit are sets of processes. The
 * CONSTRAINT's meaning is TLC's: a state with a clock above maxClock is counted and checked but
 * not expanded, so clocks reach maxClock + 1 and req values too. Queues are typed up to 4
 * messages so that BoundedNetwork (at most 3) is checked as an invariant, not by the schema.
 *
 * Actions and TLC's generated count: Next is `\E p \in Proc : Request(p) \/ Enter(p) \/ Exit(p)`
 * or `\E p \in Proc : \E q \in Proc \ {p} : ReceiveRequest(p, q) \/ ...`; no action has an
 * existential of its own (Enter's `\A q` is a condition), so each action instance (p, or p and
 * q) has at most one successor. Processes are numbers compared by `<` (beats), so not symmetric.
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { t } from '../../spec/types';

type Msg = { type: 'req' | 'ack' | 'rel'; clock: number };
interface State {
  clock: Record<number, number>;
  req: Record<number, Record<number, number>>;
  ack: Record<number, Set<number>>;
  network: Record<number, Record<number, Msg[]>>;
  crit: Set<number>;
}

const AckMessage: Msg = { type: 'ack', clock: 0 };
const RelMessage: Msg = { type: 'rel', clock: 0 };
const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

export const lamportMutex = defineModel<{ N: number; maxClock: number }>({
  name: 'reference/lamport-mutex',
  title: "Lamport's distributed mutual exclusion (tlaplus/Examples lamport_mutex, MCLamportMutex.cfg)",
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/lamport_mutex/LamportMutex.tla',
  constants: {
    N: constant.int(1, 4, 3, 'processes: Proc = 1..N (MCLamportMutex.cfg: 3)'),
    maxClock: constant.int(1, 8, 2, 'ClockConstraint bound on each clock (MCLamportMutex.cfg: 6; default 2 keeps the registry run short)'),
  },
  variants: {
    fixed: { doc: 'LamportMutex.tla with MCLamportMutex.cfg (TLC: 724,274 distinct / 2,729,079 generated)', expect: { verdict: 'holds' } },
  },
  build: ({ constants: { N, maxClock } }) => {
    const Proc = range(1, N);
    const per = <V>(f: (p: number) => V) => Object.fromEntries(Proc.map((p) => [p, f(p)])) as Record<number, V>;
    const Message = t.record({ type: t.enum('req', 'ack', 'rel'), clock: t.int(0, maxClock) });
    /** beats(p, q): p's request has priority over q's (or p has none from q). */
    const beats = (s: State, p: number, q: number) => s.req[p]![q] === 0 || s.req[p]![p]! < s.req[p]![q]! || (s.req[p]![p] === s.req[p]![q] && p < q);
    /** network[s] := Broadcast(s, m): append m to every queue from s but its own. */
    const broadcast = (d: State, from: number, m: Msg) => {
      for (const r of Proc) if (r !== from) d.network[from]![r]!.push({ ...m });
    };
    /** The head of q's queue to p, when it is a message of `type`. */
    const headIs = (s: State, q: number, p: number, type: Msg['type']) => s.network[q]![p]!.length > 0 && s.network[q]![p]![0]!.type === type;
    const others = { p: Proc, q: Proc };

    return spec({
      clock: t.map(Proc, t.int(1, maxClock + 1)),
      req: t.map(Proc, t.map(Proc, t.int(0, maxClock + 1))),
      ack: t.map(Proc, t.set(Proc)),
      network: t.map(Proc, t.map(Proc, t.seq(Message, 4))),
      crit: t.set(Proc),
    })
      .init(() => ({
        clock: per(() => 1),
        req: per(() => per(() => 0)),
        ack: per(() => new Set<number>()),
        network: per(() => per((): Msg[] => [])),
        crit: new Set<number>(),
      }))
      .action('Request', { p: Proc }, {
        guard: (s, { p }) => s.req[p]![p] === 0,
        effect: (d, { p }) => {
          d.req[p]![p] = d.clock[p]!;
          broadcast(d, p, { type: 'req', clock: d.clock[p]! });
          d.ack[p] = new Set([p]);
        },
      })
      .action('Enter', { p: Proc }, {
        guard: (s, { p }) => s.ack[p]!.size === N && Proc.every((q) => q === p || beats(s, p, q)),
        effect: (d, { p }) => void d.crit.add(p),
      })
      .action('Exit', { p: Proc }, {
        guard: (s, { p }) => s.crit.has(p),
        effect: (d, { p }) => {
          d.crit.delete(p);
          broadcast(d, p, RelMessage);
          d.req[p]![p] = 0;
          d.ack[p] = new Set();
        },
      })
      // ReceiveRequest(p, q), q \in Proc \ {p}
      .action('ReceiveRequest', others, {
        guard: (s, { p, q }) => p !== q && headIs(s, q, p, 'req'),
        effect: (d, { p, q }) => {
          const c = d.network[q]![p]!.shift()!.clock;
          d.req[p]![q] = c;
          d.clock[p] = c > d.clock[p]! ? c + 1 : d.clock[p]! + 1;
          d.network[p]![q]!.push({ ...AckMessage });
        },
      })
      .action('ReceiveAck', others, {
        guard: (s, { p, q }) => p !== q && headIs(s, q, p, 'ack'),
        effect: (d, { p, q }) => {
          d.network[q]![p]!.shift();
          d.ack[p]!.add(q);
        },
      })
      .action('ReceiveRelease', others, {
        guard: (s, { p, q }) => p !== q && headIs(s, q, p, 'rel'),
        effect: (d, { p, q }) => {
          d.network[q]![p]!.shift();
          d.req[p]![q] = 0;
        },
      })
      // TypeOK: clock \in [Proc -> Clock] with Clock = Nat \ {0} and Nat <- 0..MaxNat (MaxNat = maxClock + 1, 7 in the cfg);
      // the rest (req, ack, network, crit) the schema says.
      .invariant('TypeOK', (s) => Proc.every((p) => s.clock[p]! >= 1 && s.clock[p]! <= maxClock + 1 && Proc.every((q) => s.req[p]![q]! <= maxClock + 1)))
      .invariant('BoundedNetwork', (s) => Proc.every((p) => Proc.every((q) => s.network[p]![q]!.length <= 3)))
      .invariant('Mutex', (s) => s.crit.size <= 1)
      .constraint('ClockConstraint', (s) => Proc.every((p) => s.clock[p]! <= maxClock))
      .build();
  },
});
