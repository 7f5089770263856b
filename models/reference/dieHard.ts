/**
 * Port of tlaplus/Examples specifications/DieHard/DieHard.tla (the Die Hard 3 jug puzzle).
 * Config: Init/Next with the invariants TypeOK and NotSolved, as the module's closing comment
 * describes (DieHard.cfg was not readable from our source index). NotSolved is *meant* to
 * fail: the counterexample is the puzzle's solution, and the shortest one (BFS) has 6 steps.
 * No deviations.
 */
import { spec } from '../../spec/builder';
import { defineModel } from '../../spec/model';
import { t } from '../../spec/types';

const Min = (m: number, n: number) => (m < n ? m : n);

export const dieHard = defineModel({
  name: 'reference/diehard',
  title: 'Die Hard jugs (tlaplus/Examples DieHard)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/DieHard/DieHard.tla',
  constants: {},
  variants: {
    fixed: { doc: 'DieHard.tla as published: NotSolved fails, the trace solves the puzzle', expect: { verdict: 'violation', property: 'NotSolved' } },
  },
  build: () =>
    // The schema's ranges are TypeOK's: the codec rejects anything outside them.
    spec({ big: t.int(0, 5), small: t.int(0, 3) })
      .init(() => ({ big: 0, small: 0 }))
      // None of the six actions has a guard: each always has exactly one successor.
      .action('FillSmallJug', {}, { effect: (d) => { d.small = 3; } })
      .action('FillBigJug', {}, { effect: (d) => { d.big = 5; } })
      .action('EmptySmallJug', {}, { effect: (d) => { d.small = 0; } })
      .action('EmptyBigJug', {}, { effect: (d) => { d.big = 0; } })
      .action('SmallToBig', {}, {
        effect: (d) => {
          const big = Min(d.big + d.small, 5);
          d.small = d.small - (big - d.big);
          d.big = big;
        },
      })
      .action('BigToSmall', {}, {
        effect: (d) => {
          const small = Min(d.big + d.small, 3);
          d.big = d.big - (small - d.small);
          d.small = small;
        },
      })
      .invariant('TypeOK', (s) => s.small >= 0 && s.small <= 3 && s.big >= 0 && s.big <= 5)
      .invariant('NotSolved', (s) => s.big !== 4)
      .build(),
});
