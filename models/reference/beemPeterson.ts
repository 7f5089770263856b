/**
 * BEEM's `peterson` (Peterson's filter lock for N processes; Pelánek's BEEM benchmark, instance
 * peterson.4 is N = 4 with 1,119,560 states). Written from the successor function DiVinE
 * generated from the DVE source, as stored in plug-obp/beem-benchmark
 * compiled/peterson.4.dve.cpp (commit 4c4884c): the DVE text itself and its .pm/.stat.xml are not
 * in our source index.
 *
 * Per process i (DVE control states 0..4, named here after the algorithm):
 *   NCS  → loop   j := 1
 *   loop → set    if j < N: pos[i] := j
 *   loop → CS     if j = N
 *   set  → scan   step[j-1] := i; k := 0
 *   scan → scan   if k < N && (k = i || pos[k] < j): k := k + 1
 *   scan → loop   if step[j-1] ≠ i || k = N: j := j + 1
 *   CS   → NCS    pos[i] := 0
 * Both scan transitions can be enabled at once. Globals pos[N] and step[N] (step[N-1] is never
 * written, as in the DVE), locals j and k per process; everything starts at 0.
 *
 * Counts (symmetry off): N = 4 gives 1,119,560 states (BEEM's published count for peterson.4);
 * N = 3 gives 12,498.
 */
import { spec } from '../../spec/builder';
import { constant, defineModel } from '../../spec/model';
import { t } from '../../spec/types';

const CONTROL = ['NCS', 'CS', 'loop', 'set', 'scan'] as const;

export const beemPeterson = defineModel<{ N: number }>({
  name: 'reference/beem-peterson',
  title: "BEEM peterson: Peterson's filter lock for N processes (peterson.4 is N=4)",
  source: 'https://github.com/plug-obp/beem-benchmark (compiled/peterson.4.dve.cpp)',
  constants: { N: constant.int(2, 5, 3, 'processes') },
  variants: {
    fixed: { doc: 'BEEM peterson.N', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const N = constants.N;
    const ids = Array.from({ length: N }, (_, i) => i);
    // Each transition's DVE source state: P[i].pc, the process's control state.
    const at = (is: (typeof CONTROL)[number]) => ({ field: ({ i }: { i: number }) => ['P', i, 'pc'], is });
    return spec({
      P: t.array(t.record({ pc: t.enum(...CONTROL), j: t.int(0, N), k: t.int(0, N) }), N),
      pos: t.array(t.int(0, N - 1), N),
      step: t.array(t.int(0, N - 1), N),
    })
      .init(() => ({
        P: ids.map(() => ({ pc: 'NCS' as const, j: 0, k: 0 })),
        pos: ids.map(() => 0),
        step: ids.map(() => 0),
      }))
      .action('enter', { i: ids }, {
        at: at('NCS'),
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'loop';
          p.j = 1;
        },
      })
      .action('setPos', { i: ids }, {
        at: at('loop'),
        guard: (s, { i }) => s.P[i]!.j < N,
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'set';
          d.pos[i] = p.j;
        },
      })
      .action('toCS', { i: ids }, {
        at: at('loop'),
        guard: (s, { i }) => s.P[i]!.j === N,
        effect: (d, { i }) => void (d.P[i]!.pc = 'CS'),
      })
      .action('setStep', { i: ids }, {
        at: at('set'),
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'scan';
          d.step[p.j - 1] = i;
          p.k = 0;
        },
      })
      .action('scanNext', { i: ids }, {
        at: at('scan'),
        guard: (s, { i }) => {
          const p = s.P[i]!;
          return p.k < N && (p.k === i || s.pos[p.k]! < p.j);
        },
        effect: (d, { i }) => void d.P[i]!.k++,
      })
      .action('nextLevel', { i: ids }, {
        at: at('scan'),
        guard: (s, { i }) => {
          const p = s.P[i]!;
          return s.step[p.j - 1] !== i || p.k === N;
        },
        effect: (d, { i }) => {
          const p = d.P[i]!;
          p.pc = 'loop';
          p.j++;
        },
      })
      .action('leave', { i: ids }, {
        at: at('CS'),
        effect: (d, { i }) => {
          d.P[i]!.pc = 'NCS';
          d.pos[i] = 0;
        },
      })
      .invariant('MutualExclusion', (s) => s.P.filter((p) => p.pc === 'CS').length <= 1)
      .build();
  },
});
