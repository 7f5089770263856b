/**
 * The harness shared by the M1 models (hmm-domain.md §3 M1): the SRCU read section that
 * `__mmu_notifier_release` opens around the `->release` callbacks at mm exit (§1.2 E1/E4), the
 * unregister-side synchronize_srcu (§1.2 U6, H1's fix), and the invariant names of §3.
 */
import type { StepDef } from '../../../spec/builder';
import { constant } from '../../../spec/model';
import type { ErrState } from '../../../spec/kernel/errors';
import { srcuSteps, type Srcu } from '../../../spec/kernel/srcu';

/** Invariant names of hmm-domain.md §3 M1. */
export const INV = {
  /** No access to a freed hmm. */
  UAF_H: 'INV-UAF-H',
  /** A freed mirror is never touched. */
  UAF_M: 'INV-UAF-M',
  /** A freed device is never touched, including the mutex-unlock slow path. */
  UAF_D: 'INV-UAF-D',
  /** M1a: a page is never touched after it was freed, and the secondary MMU never maps a freed page. */
  NOSTALE: 'INV-NOSTALE',
  /** Unregister returned ⇒ no callback on the mirror / notifier in flight or to come. */
  QUIESCE: 'INV-QUIESCE',
  /** `->release` at most once per notifier / mirror (calibration property in M1a). */
  REL1: 'INV-REL1',
  /** The catch-all `err = none` (lock-state and refcount errors of the primitives). */
  NOERR: 'INV-NOERR',
  /** Liveness: every thread eventually reaches done (weak fairness per thread). */
  TERMINATION: 'LIVE-TERMINATION',
  /**
   * Liveness (REL0, Hairgrove's 2015 review): after mm exit starts, every mirror still registered
   * eventually gets `->release`, unless its driver unregisters it first.
   */
  REL0: 'LIVE-REL0',
} as const;

/** A model state with the global mmu-notifier SRCU domain. */
export interface SrcuState extends ErrState {
  srcu: Srcu;
}

/**
 * mm exit's call into the notifiers (§1.2 E1…E4, `__mmu_notifier_release`): E1 srcu_read_lock,
 * the model's release steps, E4 srcu_read_unlock. The release steps reach E4 in program order
 * or by `goto('E4')`.
 */
export function exitReleaseSection<G extends SrcuState, const Label extends string, L>(
  release: readonly StepDef<G, L, Label>[],
): StepDef<G, L, Label | 'E1' | 'E4'>[] {
  const U = srcuSteps<G>();
  return [
    U.readLock('E1', (s) => s.srcu, 'E1 srcu_read_lock (__mmu_notifier_release)'),
    ...release,
    U.readUnlock('E4', (s) => s.srcu, 'E4 srcu_read_unlock'),
  ];
}

/** synchronize_srcu on the global notifier SRCU as its two model steps (§1.1), e.g. §1.2 U6. */
export function notifierSync<G extends SrcuState, const A extends string, const B extends string>(
  labelA: A,
  labelB: B,
  doc: string,
): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
  return srcuSteps<G>().synchronize(labelA, labelB, (s) => s.srcu, doc);
}

/**
 * The M1b constant that switches INV-QUIESCE on. Off by default: in the historical variants it
 * fails a few steps before the use-after-free the variant is named for (unregister returns while
 * the release path still holds the mirror — the first half of H1 and H2), and the checker reports
 * only the first violation.
 */
export const checkQuiesceConstant = constant.bool(
  false,
  'also check INV-QUIESCE (unregister returned ⇒ no callback on the mirror in flight); off by default because in the bug variants it fails before the use-after-free',
);
