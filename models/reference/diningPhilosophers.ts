/**
 * Port of tlaplus/Examples specifications/DiningPhilosophers/DiningPhilosophers.tla (Chandy-Misra
 * dining philosophers, PlusCal), config DiningPhilosophers.cfg: NP = 5, SPECIFICATION Spec (the
 * .cfg was not readable from our source index: NP and the counts come from the repository's
 * manifest.json). Invariants: the module's TypeOK and ExclusiveAccess; temporal property:
 * NobodyStarves (\A p: []<>~hungry[p]) under Spec's fairness conjunct
 * \A self \in 1..NP : WF_vars(Philosopher(self)) (TLC: holds, 67 states). Variant `unfair`
 * drops the fairness conjunct (`process` instead of `fair process`): TLC then reports a lasso.
 *
 * Ported from the translated TLA+, with plain actions Loop/Think/Eat over `self \in 1..NP` and
 * pc, hungry and forks as functions over 1..NP exactly as in the translation (hungry is a
 * process variable, but the translation makes it a global function, and Loop's next pc comes
 * from a nested IF rather than a fixed successor label).
 */
import { spec } from '../../spec/builder';
import { alwaysEventually } from '../../spec/temporal';
import { constant, defineModel } from '../../spec/model';
import { t } from '../../spec/types';

const LABELS = ['Loop', 'Eat', 'Think'] as const;

export const diningPhilosophers = defineModel<{ NP: number }>({
  name: 'reference/dining',
  title: 'Dining philosophers, Chandy-Misra (tlaplus/Examples DiningPhilosophers)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/DiningPhilosophers/DiningPhilosophers.tla',
  constants: { NP: constant.int(1, 8, 5, 'number of philosophers (and forks)') },
  variants: {
    fixed: { doc: 'DiningPhilosophers.tla with its cfg: fair processes, NobodyStarves', expect: { verdict: 'holds' } },
    unfair: { doc: 'the same without fairness: a philosopher may stop for ever', expect: { verdict: 'liveness', property: 'NobodyStarves' } },
  },
  build: ({ constants, variant }) => {
    const NP = constants.NP;
    const Procs = Array.from({ length: NP }, (_, i) => i + 1); // ProcSet == 1..NP, also the forks
    const LeftFork = (p: number) => p;
    const RightFork = (p: number) => (p === NP ? 1 : p + 1);
    const LeftPhilosopher = (p: number) => (p === 1 ? NP : p - 1);
    const RightPhilosopher = (p: number) => (p === NP ? 1 : p + 1);

    type Fork = { holder: number; clean: boolean };
    type Forks = Record<number, Fork>;
    const IsHoldingBothForks = (forks: Forks, p: number) => forks[LeftFork(p)]!.holder === p && forks[RightFork(p)]!.holder === p;
    const BothForksAreClean = (forks: Forks, p: number) => forks[LeftFork(p)]!.clean && forks[RightFork(p)]!.clean;
    const CanEat = (forks: Forks, p: number) => IsHoldingBothForks(forks, p) && BothForksAreClean(forks, p);
    const ShareFork = (p: number, q: number) =>
      [LeftFork(p), RightFork(p)].some((f) => f === LeftFork(q) || f === RightFork(q));

    const s0 = spec({
      forks: t.map(Procs, t.record({ holder: t.int(1, NP), clean: t.bool() })),
      pc: t.map(Procs, t.enum(...LABELS)),
      hungry: t.map(Procs, t.bool()),
    })
      .init(() => ({
        // Each fork starts dirty, held by the lower-numbered adjacent philosopher.
        forks: Object.fromEntries(Procs.map((fork) => [fork, { holder: fork === 2 ? 1 : fork, clean: false }])),
        hungry: Object.fromEntries(Procs.map((self) => [self, true])),
        pc: Object.fromEntries(Procs.map((self) => [self, 'Loop' as const])),
      }))
      // Loop is deterministic: exactly one successor (possibly the same state) whenever pc = Loop.
      .action('Loop', { self: Procs }, {
        guard: (s, p) => s.pc[p.self] === 'Loop',
        effect: (d, { self }) => {
          // The translation's CanEat(self) reads the unprimed forks, so decide before the hand-over.
          const next = d.hungry[self] ? (CanEat(d.forks, self) ? 'Eat' : 'Loop') : 'Think';
          // Hand a dirty fork we hold, cleaned, to the neighbour who shares it.
          if (d.forks[LeftFork(self)]!.holder === self && !d.forks[LeftFork(self)]!.clean) {
            d.forks[LeftFork(self)] = { holder: LeftPhilosopher(self), clean: true };
          } else if (d.forks[RightFork(self)]!.holder === self && !d.forks[RightFork(self)]!.clean) {
            d.forks[RightFork(self)] = { holder: RightPhilosopher(self), clean: true };
          }
          d.pc[self] = next;
        },
      })
      .action('Think', { self: Procs }, {
        guard: (s, p) => s.pc[p.self] === 'Think',
        effect: (d, { self }) => {
          d.hungry[self] = true;
          d.pc[self] = 'Loop';
        },
      })
      .action('Eat', { self: Procs }, {
        guard: (s, p) => s.pc[p.self] === 'Eat',
        effect: (d, { self }) => {
          d.hungry[self] = false;
          d.forks[LeftFork(self)]!.clean = false;
          d.forks[RightFork(self)]!.clean = false;
          d.pc[self] = 'Loop';
        },
      })
      .invariant('TypeOK', (s) =>
        Procs.every((p) => {
          const f = s.forks[p]!;
          return Number.isInteger(f.holder) && f.holder >= 1 && f.holder <= NP && typeof f.clean === 'boolean' &&
            typeof s.hungry[p] === 'boolean' && (LABELS as readonly string[]).includes(s.pc[p]!);
        }))
      // If two philosophers share a fork, they cannot eat at the same time.
      .invariant('ExclusiveAccess', (s) =>
        Procs.every((p) => Procs.every((q) => !(p !== q && ShareFork(p, q)) || !(s.pc[p] === 'Eat' && s.pc[q] === 'Eat'))));
    // NobodyStarves == \A p \in 1..NP: []<>(~hungry[p]), one property per philosopher.
    const s1 = Procs.reduce((b, p) => b.liveness(`NobodyStarves`, alwaysEventually((s: { hungry: Record<number, boolean> }) => !s.hungry[p])), s0);
    // Spec's \A self \in 1..NP : WF_vars(Philosopher(self)), Philosopher(self) == Loop \/ Think \/ Eat.
    return (variant === 'unfair' ? s1 : s1.fair('weak', { actions: ['Loop', 'Think', 'Eat'], eachValueOf: 'self' })).build();
  },
});
