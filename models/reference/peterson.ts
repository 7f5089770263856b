/**
 * Port of tlaplus/Examples specifications/locks_auxiliary_vars/Peterson.tla (Peterson's mutual
 * exclusion, PlusCal), config Peterson.cfg: SPECIFICATION Spec, INVARIANTS TypeOK Inv; no
 * constants (ProcSet = 1..2). Ported from the translated TLA+: one thread step per label
 * a0..a4/cs of process proc \in 1..2. The refinement to Lock.tla (LSpec) is not in the cfg and
 * is not ported.
 *
 * Deviation in representation only: the thread helper keeps pc in a per-process record
 * (`proc[i].pc`, i = 0-based index) instead of a function pc over ProcSet, and its pc type also
 * has the label `done`, which this never-terminating loop cannot reach.
 */
import { spec } from '../../spec/builder';
import { defineModel } from '../../spec/model';
import { t } from '../../spec/types';

const ProcSet = [1, 2] as const;
type Proc = (typeof ProcSet)[number];
const Other = (p: Proc): Proc => (p === 1 ? 2 : 1);
const LABELS = ['a0', 'a1', 'a2', 'a3', 'cs', 'a4'] as const;

export const peterson = defineModel({
  name: 'reference/peterson',
  title: "Peterson's algorithm (tlaplus/Examples locks_auxiliary_vars/Peterson)",
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/locks_auxiliary_vars/Peterson.tla',
  constants: {},
  variants: {
    fixed: { doc: 'Peterson.tla with Peterson.cfg', expect: { verdict: 'holds' } },
  },
  build: () => {
    // The TLA+ `self` of thread instance i (the thread helper numbers instances from 0).
    const me = (th: { self: number }): Proc => ProcSet[th.self]!;
    return spec({ c: t.map(ProcSet, t.bool()), turn: t.int(1, 2) })
      .init(() => ({ c: { 1: false, 2: false }, turn: 1 }))
      .thread('proc', {
        instances: ProcSet.map((p) => `proc${p}`), // trace labels proc1.a3 etc.
        steps: [
          { label: 'a0' }, // skip
          { label: 'a1', effect: (d, th) => { d.c[me(th)] = true; } },
          { label: 'a2', effect: (d, th) => { d.turn = Other(me(th)); } },
          { label: 'a3', guard: (s, th) => !s.c[Other(me(th))] || s.turn === me(th) },
          { label: 'cs' }, // skip
          { label: 'a4', effect: (d, th) => { d.c[me(th)] = false; th.goto('a0'); } }, // while (TRUE)
        ],
      })
      .invariant('TypeOK', (s) =>
        ProcSet.every((p) => typeof s.c[p] === 'boolean') &&
        (s.turn === 1 || s.turn === 2) &&
        ProcSet.every((p) => (LABELS as readonly string[]).includes(s.proc[p - 1]!.pc)))
      .invariant('Inv', (s) => {
        const pc = (p: Proc) => s.proc[p - 1]!.pc;
        const lockcs = (p: Proc) => pc(p) === 'cs' || pc(p) === 'a4';
        return (
          ProcSet.every((p) => s.c[p] === ['a2', 'a3', 'cs', 'a4'].includes(pc(p))) &&
          ProcSet.every((p) => !lockcs(p) || s.turn === p || ['a0', 'a1', 'a2'].includes(pc(Other(p)))) &&
          !(lockcs(1) && lockcs(2))
        );
      })
      .build();
  },
});
