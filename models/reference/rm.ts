/**
 * Resource-manager definitions shared by the TCommit and TwoPhase ports (tlaplus/Examples,
 * specifications/transaction_commit): TwoPhase reuses TCommit's rmState type and, through
 * `TC == INSTANCE TCommit`, its TCConsistent invariant.
 *
 * RM is a set of model values that neither spec tells apart, so it is declared a symmetric
 * domain (TLC's `SYMMETRY Permutations(RM)`): with `--symmetry` states that differ only by a
 * renaming of the RMs are explored once. Without `--symmetry` it is an ordinary finite domain.
 */
import { constant } from '../../spec/model';
import { symmetric, t, type SymDomain } from '../../spec/types';

/** The cfgs use RM = {r1, r2, r3}; the constant is its size, so `--const RM=4` adds r4. */
export const rmConstant = constant.int(1, 10, 3, 'number of resource managers: RM = {r1, ..., rRM}');

/** RM = {r1, ..., rn}. */
export function resourceManagers(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `r${i + 1}`);
}

/** RM = {r1, ..., rn} as a symmetric domain (its values are `resourceManagers(n)`). */
export function rmDomain(n: number): SymDomain<string> {
  return symmetric('RM', resourceManagers(n));
}

export const RM_STATES = ['working', 'prepared', 'committed', 'aborted'] as const;
export type RMState = (typeof RM_STATES)[number];
export type RMStates = Record<string, RMState>;

/** Schema of rmState ∈ [RM -> {"working", "prepared", "committed", "aborted"}]. */
export function rmStateType(rms: readonly string[] | SymDomain<string>) {
  return t.map(rms, t.enum(...RM_STATES));
}

/** [rm \in RM |-> "working"] */
export function allWorking(rms: readonly string[]): RMStates {
  return Object.fromEntries(rms.map((rm) => [rm, 'working' as RMState]));
}

/** TCTypeOK == rmState \in [RM -> {"working", "prepared", "committed", "aborted"}] */
export function rmStateTypeOK(rmState: RMStates, rms: readonly string[]): boolean {
  const keys = Object.keys(rmState);
  return keys.length === rms.length && rms.every((rm) => (RM_STATES as readonly string[]).includes(rmState[rm]!));
}

/** TCConsistent == \A rm1, rm2 \in RM : ~ /\ rmState[rm1] = "aborted" /\ rmState[rm2] = "committed" */
export function tcConsistent(rmState: RMStates, rms: readonly string[]): boolean {
  return !(rms.some((rm) => rmState[rm] === 'aborted') && rms.some((rm) => rmState[rm] === 'committed'));
}
