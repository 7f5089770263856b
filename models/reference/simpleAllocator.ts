/**
 * Port of tlaplus/Examples specifications/allocator/SimpleAllocator.tla (Stephan Merz's resource
 * allocator), config SimpleAllocator.cfg: Clients = {c1, c2, c3}, Resources = {r1, r2},
 * SPECIFICATION SimpleAllocator, INVARIANTS TypeInvariant ResourceMutex, PROPERTIES
 * ClientsWillReturn ClientsWillObtain InfOftenSatisfied (deadlock checked, TLC's default). TLC
 * (the repository's manifest.json): all hold, 400 distinct states, 1633 generated, depth 6; we get
 * the same three numbers. The .cfg itself was not readable from our source index: its constants
 * are the ones that give 400 states without symmetry (per resource: 2^3 states with it free +
 * 3 * 2^2 with one of three holders = 20, and 20^2 = 400), which is also what a Veil port of this
 * spec checks (3 clients, 2 resources, "the same number of states as the TLA+ model").
 *
 * Temporal properties (one `.liveness` per value of the bound variables):
 * - ClientsWillReturn == \A c \in Clients : unsat[c] = {} ~> alloc[c] = {}
 * - ClientsWillObtain == \A c \in Clients, r \in Resources : r \in unsat[c] ~> r \in alloc[c]
 * - InfOftenSatisfied == \A c \in Clients : []<>(unsat[c] = {})
 * Fairness of SimpleAllocator (both conjuncts are one assumption per client):
 * - \A c \in Clients : WF_vars(Return(c, alloc[c]))                      (weak)
 * - \A c \in Clients : SF_vars(\E S \in SUBSET Resources : Allocate(c, S)) (STRONG)
 *
 * Next == \E c \in Clients, S \in SUBSET Resources : Request(c,S) \/ Allocate(c,S) \/ Return(c,S)
 * becomes actions over c \in Clients and S \in SUBSET Resources \ {{}} (S = {} is never enabled:
 * every disjunct requires S # {}), S written as a key like '{r1,r2}'. One deviation in how the
 * Return disjunct is cut into actions: the fairness formulas name Return(c, alloc[c]) (and
 * SimpleAllocator2 names unsat[c] = {} /\ Return(c, alloc[c])), sub-actions of Return picked by the
 * state, while our fairness targets are named actions. So Return(c, S) is partitioned into
 * - ReturnSome(c, S):  Return(c, S) with S # alloc[c] (a strict part of what c holds),
 * - ReturnAll(c):      Return(c, alloc[c]) with unsat[c] = {} (the request was fully served),
 * - ReturnAllEarly(c): Return(c, alloc[c]) with unsat[c] # {},
 * which together are exactly \E S : Return(c, S), each (c, S) instance of TLC falling in exactly
 * one of them: same transitions, same generated count. WF_vars(Return(c, alloc[c])) is then WF of
 * ReturnAll(c) \/ ReturnAllEarly(c) (enabled iff alloc[c] # {}, taken iff c returns all it holds),
 * and SimpleAllocator2's WF_vars(unsat[c] = {} /\ Return(c, alloc[c])) is WF of ReturnAll(c).
 *
 * Variants (each changes one fairness conjunct; TLC would report a lasso for each, since each
 * lasso below is a behaviour of Init /\ [][Next]_vars that meets every remaining fairness conjunct
 * and violates the property; `check --variant v --out t.json` + `replay t.json` reproduce them):
 * - `weak-allocate`: SF -> WF on Allocate. ClientsWillObtain fails on a fair cycle where c1 waits
 *   for r1 while other clients request r1, get it and return it, for ever. Allocate(c1, {r1}) is
 *   enabled whenever r1 is free and disabled while another client holds it: WF (disabled
 *   somewhere on the cycle) is met without c1 ever being served, SF (enabled infinitely often,
 *   never taken) is not. Our lasso (7 steps, loop at 1): Request(c1, {r1}), then c2 and c3 in
 *   turn do Request({r1}), Allocate({r1}), ReturnAll; their Allocate and Return units are taken
 *   on the cycle and c1's Return unit is disabled (c1 holds nothing). ClientsWillReturn still
 *   holds; InfOftenSatisfied fails too, but ClientsWillObtain is checked first.
 * - `allocator2`: the module's own SimpleAllocator2, WF_vars(unsat[c] = {} /\ Return(c, alloc[c])):
 *   clients need only return once fully served. The module states SimpleAllocator2 =>
 *   ClientsWillReturn and that ClientsWillObtain and InfOftenSatisfied do not hold: two clients
 *   that both want {r1, r2} get one each and then wait for each other for ever. Our lasso (5
 *   steps, stuttering at 5): Request(c1, {r1}), Request(c2, {r1,r2}), Request(c3, {r1,r2}),
 *   Allocate(c2, {r1}), Allocate(c3, {r2}), then stuttering: every Allocate is disabled (what each
 *   client misses is held by another) and every ReturnAll too (no unsat is empty), so stuttering is
 *   fair while r1 \in unsat[c1] is never followed by r1 \in alloc[c1].
 * - `no-return-fairness`: without the WF Return conjunct a client that holds all it asked for may
 *   keep it for ever: Request(c1, {r1}), Allocate(c1, {r1}), then stuttering (2 steps; SF Allocate
 *   is disabled everywhere there). ClientsWillReturn fails (all three properties do; it is the
 *   first checked).
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { alwaysEventually, leadsTo } from '../../spec/temporal';
import { t } from '../../spec/types';

type Sets = Record<string, Set<string>>;
type State = { unsat: Sets; alloc: Sets };

/** Non-empty subsets of `xs` (by bitmask order), keyed '{x1,x2}'. */
function nonEmptySubsets(xs: readonly string[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (let m = 1; m < 1 << xs.length; m++) {
    const sub = xs.filter((_, i) => m & (1 << i));
    out.set(`{${sub.join(',')}}`, sub);
  }
  return out;
}

export const simpleAllocator = defineModel<{ Clients: number; Resources: number }>({
  name: 'reference/simple-allocator',
  title: 'Simple resource allocator (tlaplus/Examples allocator/SimpleAllocator)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/allocator/SimpleAllocator.tla',
  constants: {
    // At most 32 distinct state predicates in temporal properties: 2 * Clients + 2 * Clients * Resources.
    Clients: constant.int(1, 4, 3, 'number of clients: Clients = {c1, ..., cN}'),
    Resources: constant.int(1, 3, 2, 'number of resources: Resources = {r1, ..., rN}'),
  },
  variants: {
    fixed: { doc: 'SimpleAllocator.tla with its cfg: WF Return(c, alloc[c]), SF Allocate(c); all properties hold', expect: { verdict: 'holds' } },
    'weak-allocate': {
      doc: 'SF -> WF on Allocate(c): a client can starve while another takes and returns its resource for ever',
      expect: { verdict: 'liveness', property: 'ClientsWillObtain' },
    },
    allocator2: {
      doc: "the module's SimpleAllocator2: return only once fully served; two clients each hold half of what both want",
      expect: { verdict: 'liveness', property: 'ClientsWillObtain' },
    },
    'no-return-fairness': {
      doc: 'without WF Return(c, alloc[c]): a served client keeps its resources for ever',
      expect: { verdict: 'liveness', property: 'ClientsWillReturn' },
    },
  },
  build: ({ constants, variant }) => {
    const Clients = Array.from({ length: constants.Clients }, (_, i) => `c${i + 1}`);
    const Resources = Array.from({ length: constants.Resources }, (_, i) => `r${i + 1}`);
    const Subsets = nonEmptySubsets(Resources);
    const SubsetKeys = [...Subsets.keys()];
    const members = (S: string) => Subsets.get(S)!;
    const sameSet = (a: ReadonlySet<string>, b: readonly string[]) => a.size === b.length && b.every((x) => a.has(x));

    // available == Resources \ (UNION {alloc[c] : c \in Clients})
    const available = (s: State, r: string) => Clients.every((c) => !s.alloc[c]!.has(r));
    const empty = () => Object.fromEntries(Clients.map((c) => [c, new Set<string>()]));

    // Shared predicate objects: a state predicate used twice costs one label bit.
    const unsatEmpty = new Map(Clients.map((c) => [c, (s: State) => s.unsat[c]!.size === 0]));
    const allocEmpty = new Map(Clients.map((c) => [c, (s: State) => s.alloc[c]!.size === 0]));

    let b = spec({
      unsat: t.map(Clients, t.set(Resources)),
      alloc: t.map(Clients, t.set(Resources)),
    })
      // Init == unsat = [c \in Clients |-> {}] /\ alloc = [c \in Clients |-> {}]
      .init(() => ({ unsat: empty(), alloc: empty() }))
      // Request(c,S) == unsat[c] = {} /\ alloc[c] = {} /\ S # {} /\ unsat' = [unsat EXCEPT ![c] = S] /\ UNCHANGED alloc
      .action('Request', { c: Clients, S: SubsetKeys }, {
        guard: (s, { c }) => s.unsat[c]!.size === 0 && s.alloc[c]!.size === 0,
        effect: (d, { c, S }) => { for (const r of members(S)) d.unsat[c]!.add(r); },
      })
      // Allocate(c,S) == S # {} /\ S \subseteq available \cap unsat[c]
      //                  /\ alloc' = [alloc EXCEPT ![c] = @ \cup S] /\ unsat' = [unsat EXCEPT ![c] = @ \ S]
      .action('Allocate', { c: Clients, S: SubsetKeys }, {
        guard: (s, { c, S }) => members(S).every((r) => available(s, r) && s.unsat[c]!.has(r)),
        effect: (d, { c, S }) => {
          for (const r of members(S)) {
            d.alloc[c]!.add(r);
            d.unsat[c]!.delete(r);
          }
        },
      })
      // Return(c,S) == S # {} /\ S \subseteq alloc[c] /\ alloc' = [alloc EXCEPT ![c] = @ \ S] /\ UNCHANGED unsat,
      // cut by S = alloc[c] and unsat[c] = {} so that the fairness formulas name whole actions.
      .action('ReturnSome', { c: Clients, S: SubsetKeys }, {
        doc: 'Return(c, S) with S # alloc[c]',
        guard: (s, { c, S }) => members(S).every((r) => s.alloc[c]!.has(r)) && !sameSet(s.alloc[c]!, members(S)),
        effect: (d, { c, S }) => { for (const r of members(S)) d.alloc[c]!.delete(r); },
      })
      .action('ReturnAll', { c: Clients }, {
        doc: 'Return(c, alloc[c]) with unsat[c] = {}',
        guard: (s, { c }) => s.alloc[c]!.size > 0 && s.unsat[c]!.size === 0,
        effect: (d, { c }) => { d.alloc[c]!.clear(); },
      })
      .action('ReturnAllEarly', { c: Clients }, {
        doc: 'Return(c, alloc[c]) with unsat[c] # {}',
        guard: (s, { c }) => s.alloc[c]!.size > 0 && s.unsat[c]!.size > 0,
        effect: (d, { c }) => { d.alloc[c]!.clear(); },
      })
      // TypeInvariant == unsat \in [Clients -> SUBSET Resources] /\ alloc \in [Clients -> SUBSET Resources]
      .invariant('TypeInvariant', (s) =>
        [s.unsat, s.alloc].every((f) =>
          Object.keys(f).length === Clients.length &&
          Clients.every((c) => f[c] instanceof Set && [...f[c]!].every((r) => Resources.includes(r)))))
      // ResourceMutex == \A c1,c2 \in Clients : c1 # c2 => alloc[c1] \cap alloc[c2] = {}
      .invariant('ResourceMutex', (s) =>
        Clients.every((c1) => Clients.every((c2) => c1 === c2 || [...s.alloc[c1]!].every((r) => !s.alloc[c2]!.has(r)))));

    // ClientsWillReturn == \A c \in Clients : unsat[c]={} ~> alloc[c]={}
    for (const c of Clients) b = b.liveness('ClientsWillReturn', leadsTo(unsatEmpty.get(c)!, allocEmpty.get(c)!));
    // ClientsWillObtain == \A c \in Clients, r \in Resources : r \in unsat[c] ~> r \in alloc[c]
    for (const c of Clients) {
      for (const r of Resources) {
        b = b.liveness('ClientsWillObtain', leadsTo((s: State) => s.unsat[c]!.has(r), (s: State) => s.alloc[c]!.has(r)));
      }
    }
    // InfOftenSatisfied == \A c \in Clients : []<>(unsat[c] = {})
    for (const c of Clients) b = b.liveness('InfOftenSatisfied', alwaysEventually(unsatEmpty.get(c)!));

    // SimpleAllocator: \A c: WF_vars(Return(c, alloc[c])); SimpleAllocator2: \A c: WF_vars(unsat[c] = {} /\ Return(c, alloc[c])).
    if (variant === 'allocator2') b = b.fair('weak', { actions: ['ReturnAll'], eachValueOf: 'c' });
    else if (variant !== 'no-return-fairness') b = b.fair('weak', { actions: ['ReturnAll', 'ReturnAllEarly'], eachValueOf: 'c' });
    // \A c \in Clients: SF_vars(\E S \in SUBSET Resources: Allocate(c,S))
    b = b.fair(variant === 'weak-allocate' ? 'weak' : 'strong', { actions: ['Allocate'], eachValueOf: 'c' });
    return b.build();
  },
});
