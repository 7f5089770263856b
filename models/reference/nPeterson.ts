/**
 * Port of CMurphi's ex/mux/n_peterson.m (GitHub melver/cmurphi; "muxn.m", Peterson's algorithm,
 * mutual exclusion for N processes, Stanford Murphi group 1992/93). Our source index does not hold
 * melver/cmurphi's copy of this file (only its ex/mux/Readme, which lists it); it was read from a
 * copy of the same Murphi distribution file, ammubhave/6.823-lab
 * lab3handout/Murphi/ex/mux/n_peterson.m, whose closing notes give the published N=5 counts.
 *
 * The .m file has `Const N: 7`; here N is a constant (default 3, 2..7).
 *
 * Counts (symmetry reduction off; Murphi's BFS):
 *
 *   N | distinct states | Murphi "rules fired" | our generated
 *   3 |             882 |                2,646 |         2,647
 *   4 |          22,281 |               89,124 |        89,125
 *   5 |         628,868 |            3,144,340 |     3,144,341
 *   6 |      17,704,917 |          106,229,502 |   106,229,503
 *
 * N=3 and N=5 are the "-nosym" results in the file's closing notes (Murphi 2.73S; its older
 * "release 2.3" lines, 771 and 576,551 states, predate the current rules). rumur v2022.08.20
 * (`--symmetry-reduction off`) gives exactly the same numbers for N = 3, 4, 5 and 6.
 *
 * Generated vs. rules fired: every process is at exactly one label, and exactly one of its five
 * rules is enabled at each label (L3's "execute wait until" has no guard beyond P[i] = L3 and
 * just leaves the state unchanged when the wait condition is false). So every state has exactly
 * N enabled rule instances and rules fired = N × states. Murphi's "rules fired" counts the
 * successors of the states it expands and does not count the start state; our `generated`
 * follows TLC and counts the initial states as well as every successor (self-loops included),
 * so generated = rules fired + 1 (one start state).
 *
 * Representation:
 * - pid is `scalarset(N)`; with symmetry off it is a plain range, here the pids 1..N.
 * - turn: Array[priority] Of pid, with every entry `Undefine`d in the start state. Undefined is
 *   a value of its own in Murphi's state (it counts towards distinct states), so an entry is an
 *   optional pid with null for undefined. turn[0] is never assigned (localj >= 1 when used).
 *   Every read of turn[localj[i]] follows i's own assignment at L2, so no undefined value is
 *   ever read (Murphi would report an error).
 * - `Clear localj` sets every entry to the least value of 0..N, i.e. 0.
 * - The exit rule, "execute critical and assign Qi 0", sets Q[i] := 1 (not 0, despite its name
 *   and the enum comment); kept as in the file, since it shapes the state space.
 *
 * Deviations (names only): the .m invariant is anonymous; it is named MutualExclusion here.
 * Rules are named after their Murphi strings in camel case (the exact string is each action's
 * doc). Deadlock: CMurphi (and rumur by default, "stuttering") also reports a state whose
 * enabled rules all lead back to itself; our checker reports only states with no enabled action
 * (TLC). Neither fires here: every state has N enabled rules, and the filter lock always lets a
 * process make progress (rumur with stuttering deadlock detection reports no error).
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { symmetric, t } from '../../spec/types';

const LABELS = ['L0', 'L1', 'L2', 'L3', 'L4'] as const;

export const nPeterson = defineModel<{ N: number }>({
  name: 'reference/n-peterson',
  title: "Peterson's algorithm for N processes (CMurphi ex/mux/n_peterson.m)",
  source: 'https://github.com/melver/cmurphi/blob/master/ex/mux/n_peterson.m',
  constants: { N: constant.int(2, 7, 3, 'processes') },
  variants: {
    fixed: { doc: 'n_peterson.m, symmetry off', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const N = constants.N;
    const pid = Array.from({ length: N }, (_, k) => k + 1);
    // pid: scalarset(N): symmetric, explored once per permutation class with --symmetry.
    const Pid = symmetric('pid', pid);
    const priority = Array.from({ length: N + 1 }, (_, k) => k); // 0..N
    const all = <V>(keys: readonly number[], v: V): Record<number, V> => Object.fromEntries(keys.map((k) => [k, v]));
    // Each rule's `P[i] = Lk` guard: the process's control state.
    const at = (is: (typeof LABELS)[number]) => ({ field: ({ i }: { i: number }) => ['P', i], is });

    return (
      spec({
        P: t.map(Pid, t.enum(...LABELS)),
        Q: t.map(Pid, t.int(0, N)),
        turn: t.map(priority, t.optional(t.symValue(Pid))), // null = undefined
        localj: t.map(Pid, t.int(0, N)),
      })
        .init(() => ({
          P: all(pid, 'L0' as const),
          Q: all(pid, 0),
          turn: all(priority, null), // For i: priority Do Undefine turn[i]
          localj: all(pid, 0), // Clear localj
        }))
        // Ruleset i: pid Do ... End
        .action('executeIncJAndWhile', { i: pid }, {
          doc: 'execute inc j and while',
          at: at('L0'),
          effect: (d, { i }) => {
            d.localj[i] = 1;
            d.P[i] = 'L1';
          },
        })
        .action('executeAssignQiJ', { i: pid }, {
          doc: 'execute assign Qi j',
          at: at('L1'),
          effect: (d, { i }) => {
            d.Q[i] = d.localj[i]!;
            d.P[i] = 'L2';
          },
        })
        .action('executeAssignTurnJI', { i: pid }, {
          doc: 'execute assign TURNj i',
          at: at('L2'),
          effect: (d, { i }) => {
            d.turn[d.localj[i]!] = i;
            d.P[i] = 'L3';
          },
        })
        // Always enabled at L3: when the wait condition is false the rule still fires and the
        // successor is the same state.
        .action('executeWaitUntil', { i: pid }, {
          doc: 'execute wait until',
          at: at('L3'),
          effect: (d, { i }) => {
            const j = d.localj[i]!;
            // Murphi stops with an error when an expression reads an undefined value.
            if (d.turn[j] === null) throw new Error(`turn[${j}] is undefined`);
            if (pid.every((k) => k === i || d.Q[k]! < j) || d.turn[j] !== i) {
              d.localj[i] = j + 1;
              d.P[i] = j + 1 < N ? 'L1' : 'L4';
            }
          },
        })
        .action('executeCriticalAndAssignQi0', { i: pid }, {
          doc: 'execute critical and assign Qi 0',
          at: at('L4'),
          effect: (d, { i }) => {
            d.Q[i] = 1; // sic: the .m file assigns 1
            d.P[i] = 'L0';
          },
        })
        // Invariant ! Exists i1: pid Do Exists i2: pid Do (i1 != i2 & P[i1] = L4 & P[i2] = L4)
        .invariant('MutualExclusion', (s) =>
          !pid.some((i1) => pid.some((i2) => i1 !== i2 && s.P[i1] === 'L4' && s.P[i2] === 'L4')))
        .build()
    );
  },
});
