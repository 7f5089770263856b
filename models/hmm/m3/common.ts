/**
 * What the M3 configurations share (hmm-domain.md §3 M3): the invariant names, the
 * configuration constant, and the quiescence test INV-MIG2 needs ("at quiescence — every thread
 * done or blocked").
 */
import type { ActionSpec, Params } from '../../../spec/spec';
import { guardAtControl, indexControlStates, paramCombinations, readPath, type StepIndex } from '../../../spec/controlStates';

/** Invariant names of hmm-domain.md §3 M3 (plus the catch-all of §3 "General conventions"). */
export const INV = {
  /** `pte[a] = mig(x, _) ⇒ page[x]` is locked. */
  MIG1: 'INV-MIG1',
  /** At quiescence (no thread can step): no migration entry and no locked page. */
  MIG2: 'INV-MIG2',
  /** Refcount = mappings + swap cache + references held; mapcount = PTEs mapping it; no access to a freed page. */
  REF: 'INV-REF',
  /** A read returns the value last written (H8). */
  DATA: 'INV-DATA',
  /** `migrate_to_ram` runs only with the pgmap live and a referenced page (H9). */
  PGMAP: 'INV-PGMAP',
  /** A device PTE never points at a freed page. */
  DEVMAP: 'INV-DEVMAP',
  /** `err = none` (lock-state errors, reads past an array, …). */
  NOERR: 'INV-NOERR',
  /** Liveness: every thread eventually reaches done (weak fairness per thread): every CPU access completes and Mig terminates. */
  TERMINATION: 'LIVE-TERMINATION',
} as const;

/** The configurations of the model (which threads, pages and addresses; §3 M3 "smallest parameters"). */
export const CONFIGS = ['full', 'restore', 'unmap', 'dirty', 'swapfault', 'abba'] as const;
export type Config = (typeof CONFIGS)[number];

/**
 * A quiescence test over a built spec: true iff no step of any thread is enabled (every thread is
 * done or blocked). The spec's effects never make an empty choice, so "enabled" = "has a successor".
 * The actions are bound late (`bind`) because the invariant that uses the test is declared before
 * `build()` returns them. A thread step is enabled only at its label (the builder's guard tests the
 * pc first), so each thread's pc is read once and only the steps there are tested, without the pc:
 * INV-MIG2 asks this of every new state in which a page is locked, and calling all ~100-190 guards
 * took ~9% of an M4 search.
 */
export function quiescence(): { bind(actions: readonly ActionSpec[]): void; quiescent(s: unknown): boolean } {
  // Each instance with the guard to call where its control state holds (its pc is at its label).
  let index: StepIndex<{ readonly a: ActionSpec; readonly p: Params; readonly g: ActionSpec['guard'] | null }> | undefined;
  return {
    bind(actions) {
      const instances = actions.flatMap((a) => paramCombinations(a).map((p) => ({ a, p, g: guardAtControl(a) })));
      index = indexControlStates(instances, (x) => x.a, (x) => x.p);
    },
    quiescent(s) {
      if (!index) throw new Error('quiescence: bind() the built actions first');
      for (const { a, p } of index.free) if (a.guard(s, p)) return false;
      for (const f of index.fields) {
        const m = f.values.indexOf(readPath(s, f.path) as string);
        if (m >= 0) for (const { p, g } of f.at[m]!) if (g === null || g(s, p)) return false;
      }
      return true;
    },
  };
}
