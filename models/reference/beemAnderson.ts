/**
 * BEEM's `anderson` (Anderson's array-based queue lock for N processes; Pelánek's BEEM benchmark,
 * instance anderson.4 is N = 4). Written from the successor function DiVinE generated from the DVE
 * source, as stored in plug-obp/beem-benchmark compiled/anderson.4.dve.cpp (commit 4c4884c): the
 * DVE text and its .stat.xml are not in our source index, so the count below is the one SPIN
 * gives on bench/spin/beemAnderson.ts's rendering of the same transitions, not BEEM's published one.
 *
 * Per process i (DVE control states 0..4, named here after the algorithm):
 *   NCS     → take     myPlace := next; next := next + 1
 *   take    → wait     if myPlace = N-1: next := next - N
 *   take    → wait     if myPlace ≠ N-1: myPlace := myPlace mod N
 *   wait    → CS       if slot[myPlace] = 1
 *   CS      → release  slot[myPlace] := 0
 *   release → NCS      slot[(myPlace + 1) mod N] := 1
 * Globals slot[N] (slot[0] = 1, the others 0) and next = 0; myPlace per process, 0.
 *
 * Counts (symmetry off): N = 4 gives 29,641 states and 97,517 generated, depth 81 (SPIN 6.5.2
 * agrees: 29,641 stored, 97,517 transitions); N = 3 gives 1,459 and 3,706.
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { t } from '../../spec/types';

const CONTROL = ['NCS', 'take', 'wait', 'CS', 'release'] as const;

export const beemAnderson = defineModel<{ N: number }>({
  name: 'reference/beem-anderson',
  title: "BEEM anderson: Anderson's queue lock for N processes (anderson.4 is N=4)",
  source: 'https://github.com/plug-obp/beem-benchmark (compiled/anderson.4.dve.cpp)',
  constants: { N: constant.int(2, 6, 3, 'processes') },
  variants: {
    fixed: { doc: 'BEEM anderson.N', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const N = constants.N;
    const ids = Array.from({ length: N }, (_, i) => i);
    // Each transition's DVE source state: P[i].pc, the process's control state.
    const at = (is: (typeof CONTROL)[number]) => ({ field: ({ i }: { i: number }) => ['P', i, 'pc'], is });
    return spec({
      P: t.array(t.record({ pc: t.enum(...CONTROL), myPlace: t.int(0, 2 * N) }), N),
      slot: t.array(t.int(0, 1), N),
      next: t.int(0, 2 * N),
    })
      .init(() => ({ P: ids.map(() => ({ pc: 'NCS' as const, myPlace: 0 })), slot: ids.map((i) => (i === 0 ? 1 : 0)), next: 0 }))
      .action('take', { i: ids }, {
        at: at('NCS'),
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'take';
          p.myPlace = d.next;
          d.next++;
        },
      })
      .action('wrap', { i: ids }, {
        at: at('take'),
        guard: (s, { i }) => s.P[i]!.myPlace === N - 1,
        effect: (d, { i }) => {
          d.P[i]!.pc = 'wait';
          d.next -= N;
        },
      })
      .action('place', { i: ids }, {
        at: at('take'),
        guard: (s, { i }) => s.P[i]!.myPlace !== N - 1,
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'wait';
          p.myPlace %= N;
        },
      })
      .action('enter', { i: ids }, {
        at: at('wait'),
        guard: (s, { i }) => s.slot[s.P[i]!.myPlace] === 1,
        effect: (d, { i }) => void (d.P[i]!.pc = 'CS'),
      })
      .action('exitCS', { i: ids }, {
        at: at('CS'),
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'release';
          d.slot[p.myPlace] = 0;
        },
      })
      .action('release', { i: ids }, {
        at: at('release'),
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'NCS';
          d.slot[(p.myPlace + 1) % N] = 1;
        },
      })
      .invariant('MutualExclusion', (s) => s.P.filter((p) => p.pc === 'CS').length <= 1)
      .build();
  },
});
