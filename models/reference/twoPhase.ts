/**
 * Port of tlaplus/Examples specifications/transaction_commit/TwoPhase.tla (Two-Phase Commit),
 * config TwoPhase.cfg: RM = {r1, r2, r3}, INVARIANT TPTypeOK, SPECIFICATION TPSpec (deadlock
 * checked). Deliberate addition: TCConsistent (TC!TCConsistent, via TC == INSTANCE TCommit) is
 * also checked as an invariant; it is implied by the module's THEOREM TPSpec => TC!TCSpec and
 * does not change the state counts.
 *
 * A message is a record in the TLA+ module; here it is a string key ('Prepared:r1', 'Commit',
 * 'Abort') so that msgs can be a set over the finite domain Message.
 */
import { spec } from '../../spec/builder';
import { defineModel } from '../../spec/model';
import { t } from '../../spec/types';
import { allWorking, resourceManagers, rmConstant, rmStateType, rmStateTypeOK, tcConsistent } from './rm';

/** [type |-> "Prepared", rm |-> rm] */
const prepared = (rm: string) => `Prepared:${rm}`;
/** [type |-> "Commit"] and [type |-> "Abort"] */
const COMMIT = 'Commit';
const ABORT = 'Abort';

const TM_STATES = ['init', 'committed', 'aborted'] as const;

export const twoPhase = defineModel<{ RM: number }>({
  name: 'reference/twophase',
  title: 'Two-Phase Commit (tlaplus/Examples TwoPhase)',
  source: 'https://github.com/tlaplus/Examples/blob/master/specifications/transaction_commit/TwoPhase.tla',
  constants: { RM: rmConstant },
  variants: {
    fixed: { doc: 'TwoPhase.tla with TwoPhase.cfg', expect: { verdict: 'holds' } },
  },
  build: ({ constants }) => {
    const RM = resourceManagers(constants.RM);
    // Message == [type : {"Prepared"}, rm : RM] \cup [type : {"Commit", "Abort"}]
    const Message = [...RM.map(prepared), COMMIT, ABORT];
    return (
      spec({
        rmState: rmStateType(RM),
        tmState: t.enum(...TM_STATES),
        tmPrepared: t.set(RM),
        msgs: t.set(Message),
      })
        .init(() => ({ rmState: allWorking(RM), tmState: 'init' as const, tmPrepared: new Set<string>(), msgs: new Set<string>() }))
        // TPNext == TMCommit \/ TMAbort \/ \E rm \in RM : TMRcvPrepared(rm) \/ RMPrepare(rm) \/ ...
        // Receiving a message twice is allowed (msgs only grows), so TMRcvPrepared and the RMRcv*
        // actions stay enabled and yield self-loops, which TLC counts as generated states.
        .action('TMCommit', {}, {
          guard: (s) => s.tmState === 'init' && RM.every((rm) => s.tmPrepared.has(rm)), // tmPrepared = RM
          effect: (d) => { d.tmState = 'committed'; d.msgs.add(COMMIT); },
        })
        .action('TMAbort', {}, {
          guard: (s) => s.tmState === 'init',
          effect: (d) => { d.tmState = 'aborted'; d.msgs.add(ABORT); },
        })
        .action('TMRcvPrepared', { rm: RM }, {
          guard: (s, p) => s.tmState === 'init' && s.msgs.has(prepared(p.rm)),
          effect: (d, p) => { d.tmPrepared.add(p.rm); },
        })
        .action('RMPrepare', { rm: RM }, {
          guard: (s, p) => s.rmState[p.rm] === 'working',
          effect: (d, p) => { d.rmState[p.rm] = 'prepared'; d.msgs.add(prepared(p.rm)); },
        })
        .action('RMChooseToAbort', { rm: RM }, {
          guard: (s, p) => s.rmState[p.rm] === 'working',
          effect: (d, p) => { d.rmState[p.rm] = 'aborted'; },
        })
        .action('RMRcvCommitMsg', { rm: RM }, {
          guard: (s) => s.msgs.has(COMMIT),
          effect: (d, p) => { d.rmState[p.rm] = 'committed'; },
        })
        .action('RMRcvAbortMsg', { rm: RM }, {
          guard: (s) => s.msgs.has(ABORT),
          effect: (d, p) => { d.rmState[p.rm] = 'aborted'; },
        })
        .invariant('TPTypeOK', (s) =>
          rmStateTypeOK(s.rmState, RM) &&
          (TM_STATES as readonly string[]).includes(s.tmState) &&
          [...s.tmPrepared].every((rm) => RM.includes(rm)) &&
          [...s.msgs].every((m) => Message.includes(m)))
        .invariant('TCConsistent', (s) => tcConsistent(s.rmState, RM))
        .build()
    );
  },
});
