/**
 * Port of tlaplus/Examples specifications/transaction_commit/TwoPhase.tla (Two-Phase Commit),
 * config TwoPhase.cfg: RM = {r1, r2, r3}, INVARIANT TPTypeOK, SPECIFICATION TPSpec (deadlock
 * checked). Deliberate addition: TCConsistent (TC!TCConsistent, via TC == INSTANCE TCommit) is
 * also checked as an invariant; it is implied by the module's THEOREM TPSpec => TC!TCSpec and
 * does not change the state counts.
 *
 * Messages. In the TLA+ module msgs is a set of records,
 *   Message == [type : {"Prepared"}, rm : RM] \cup [type : {"Commit", "Abort"}].
 * Here msgs is a record of three parts:
 *   msgs.prepared = {rm \in RM : [type |-> "Prepared", rm |-> rm] \in msgs}   (a set over RM)
 *   msgs.commit   = [type |-> "Commit"] \in msgs
 *   msgs.abort    = [type |-> "Abort"] \in msgs
 * This is a bijection between SUBSET Message and SUBSET RM \X BOOLEAN \X BOOLEAN, so every state
 * of the module corresponds to exactly one state here and the distinct/generated counts are
 * unchanged (TLC: 288 distinct / 1,146 generated at RM = 3; 8,832 distinct at RM = 5), and the
 * variables are the module's (rmState, tmState, tmPrepared, msgs). The split lets RM be a symmetric domain (`symmetric('RM', ...)`, TLC's SYMMETRY Permutations(RM)): a
 * Prepared message names an RM, which a set of strings could not permute.
 *
 * With `--symmetry` (RM symmetric): 80 distinct / 318 generated at RM = 3 and 314 distinct /
 * 2,048 generated at RM = 5. 314 is the exact number of permutation classes of the 8,832 states
 * (checked by brute force over all 120 permutations). Stateright's examples/2pc.rs asserts 665
 * for its symmetric run of the same model at 5 RMs (`.symmetry().spawn_dfs()`,
 * unique_state_count). The model is the same (it also gives 288 and 8,832 without symmetry); the
 * difference is its representative: RewritePlan::from_values_to_sort sorts the RMs by rmState
 * alone and keeps ties in index order, which is not a canonical form (RMs in the same rmState can
 * still differ in tmPrepared and in whether their Prepared message was sent), so one class is
 * stored under several representatives, and which ones depends on the DFS order. Replaying
 * Stateright's DFS with that representative over this model gives exactly 665 (see
 * test/models/reference/twoPhase.test.ts); an exact canonical form gives 314.
 */
import { spec } from '../../spec/builder';
import { defineModel } from '../../spec/model';
import { t } from '../../spec/types';
import { allWorking, resourceManagers, rmConstant, rmDomain, rmStateType, rmStateTypeOK, tcConsistent } from './rm';

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
    const RMs = rmDomain(constants.RM); // symmetric: permuted together in every variable below
    const RM = resourceManagers(constants.RM);
    return (
      spec({
        rmState: rmStateType(RMs),
        tmState: t.enum(...TM_STATES),
        tmPrepared: t.set(RMs),
        // msgs \subseteq Message, as the three parts described in the header
        msgs: t.record({ prepared: t.set(RMs), commit: t.bool(), abort: t.bool() }),
      })
        .init(() => ({
          rmState: allWorking(RM),
          tmState: 'init' as const,
          tmPrepared: new Set<string>(),
          msgs: { prepared: new Set<string>(), commit: false, abort: false }, // msgs = {}
        }))
        // TPNext == TMCommit \/ TMAbort \/ \E rm \in RM : TMRcvPrepared(rm) \/ RMPrepare(rm) \/ ...
        // Receiving a message twice is allowed (msgs only grows), so TMRcvPrepared and the RMRcv*
        // actions stay enabled and yield self-loops, which TLC counts as generated states.
        .action('TMCommit', {}, {
          guard: (s) => s.tmState === 'init' && RM.every((rm) => s.tmPrepared.has(rm)), // tmPrepared = RM
          effect: (d) => { d.tmState = 'committed'; d.msgs.commit = true; }, // msgs' = msgs \cup {[type |-> "Commit"]}
        })
        .action('TMAbort', {}, {
          guard: (s) => s.tmState === 'init',
          effect: (d) => { d.tmState = 'aborted'; d.msgs.abort = true; }, // msgs' = msgs \cup {[type |-> "Abort"]}
        })
        .action('TMRcvPrepared', { rm: RM }, {
          guard: (s, p) => s.tmState === 'init' && s.msgs.prepared.has(p.rm), // [type |-> "Prepared", rm |-> rm] \in msgs
          effect: (d, p) => { d.tmPrepared.add(p.rm); },
        })
        .action('RMPrepare', { rm: RM }, {
          guard: (s, p) => s.rmState[p.rm] === 'working',
          effect: (d, p) => { d.rmState[p.rm] = 'prepared'; d.msgs.prepared.add(p.rm); },
        })
        .action('RMChooseToAbort', { rm: RM }, {
          guard: (s, p) => s.rmState[p.rm] === 'working',
          effect: (d, p) => { d.rmState[p.rm] = 'aborted'; },
        })
        .action('RMRcvCommitMsg', { rm: RM }, {
          guard: (s) => s.msgs.commit, // [type |-> "Commit"] \in msgs
          effect: (d, p) => { d.rmState[p.rm] = 'committed'; },
        })
        .action('RMRcvAbortMsg', { rm: RM }, {
          guard: (s) => s.msgs.abort, // [type |-> "Abort"] \in msgs
          effect: (d, p) => { d.rmState[p.rm] = 'aborted'; },
        })
        .invariant('TPTypeOK', (s) =>
          rmStateTypeOK(s.rmState, RM) &&
          (TM_STATES as readonly string[]).includes(s.tmState) &&
          [...s.tmPrepared].every((rm) => RM.includes(rm)) &&
          [...s.msgs.prepared].every((rm) => RM.includes(rm)) && // msgs \subseteq Message
          typeof s.msgs.commit === 'boolean' &&
          typeof s.msgs.abort === 'boolean')
        .invariant('TCConsistent', (s) => tcConsistent(s.rmState, RM))
        .build()
    );
  },
});
