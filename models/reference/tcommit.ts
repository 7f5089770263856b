/**
 * Port of tlaplus/Examples specifications/transaction_commit/TCommit.tla (the Transaction Commit
 * spec), config TCommit.cfg: RM = {r1, r2, r3}, INVARIANTS TCTypeOK TCConsistent,
 * SPECIFICATION TCSpec, CHECK_DEADLOCK FALSE (every run ends with all RMs decided, a state with
 * no successor). No deviations.
 *
 * RM is a symmetric domain (see ./rm.ts): with `--symmetry` a state is a multiset of RM states,
 * 13 classes of the 34 states at RM = 3 (10 with no RM committed, as multisets of 3 over
 * {working, prepared, aborted}, plus 1..3 RMs committed and the rest prepared).
 */
import { spec } from '../../spec/builder';
import { defineModel } from '../../spec/model';
import { allWorking, resourceManagers, rmConstant, rmDomain, rmStateType, rmStateTypeOK, tcConsistent, type RMStates } from './rm';

export const tcommit = defineModel<{ RM: number }>({
  name: 'reference/tcommit',
  title: 'Transaction Commit (tlaplus/Examples TCommit)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/transaction_commit/TCommit.tla',
  constants: { RM: rmConstant },
  variants: {
    fixed: { doc: 'TCommit.tla with TCommit.cfg', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const RM = resourceManagers(constants.RM);
    const canCommit = (rmState: RMStates) => RM.every((rm) => rmState[rm] === 'prepared' || rmState[rm] === 'committed');
    const notCommitted = (rmState: RMStates) => RM.every((rm) => rmState[rm] !== 'committed');
    return (
      spec({ rmState: rmStateType(rmDomain(constants.RM)) })
        .init(() => ({ rmState: allWorking(RM) }))
        // TCNext == \E rm \in RM : Prepare(rm) \/ Decide(rm); Decide's two disjuncts are separate
        // actions (as TLC splits them), so a prepared RM that may either commit or abort yields two
        // successors.
        .action('Prepare', { rm: RM }, {
          guard: (s, p) => s.rmState[p.rm] === 'working',
          effect: (d, p) => { d.rmState[p.rm] = 'prepared'; },
        })
        .action('DecideCommit', { rm: RM }, {
          doc: 'Decide(rm), first disjunct',
          guard: (s, p) => s.rmState[p.rm] === 'prepared' && canCommit(s.rmState),
          effect: (d, p) => { d.rmState[p.rm] = 'committed'; },
        })
        .action('DecideAbort', { rm: RM }, {
          doc: 'Decide(rm), second disjunct',
          guard: (s, p) => (s.rmState[p.rm] === 'working' || s.rmState[p.rm] === 'prepared') && notCommitted(s.rmState),
          effect: (d, p) => { d.rmState[p.rm] = 'aborted'; },
        })
        .invariant('TCTypeOK', (s) => rmStateTypeOK(s.rmState, RM))
        .invariant('TCConsistent', (s) => tcConsistent(s.rmState, RM))
        .checkDeadlock(false)
        .build()
    );
  },
});
