/**
 * What the M3 configurations share (hmm-domain.md §3 M3): the invariant names, the
 * configuration constant, and the quiescence test INV-MIG2 needs ("at quiescence — every thread
 * done or blocked").
 */
import type { ActionSpec, Params } from '../../../spec/spec';

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

/** Every parameter combination of an action (the thread instances of a step). */
function paramsOf(a: ActionSpec): Params[] {
  let acc: Record<string, string | number>[] = [{}];
  for (const [name, dom] of a.params) acc = acc.flatMap((p) => dom.map((v) => ({ ...p, [name]: v })));
  return acc;
}

/** A guard to call: an action and one combination of its parameters. */
interface Instance {
  readonly a: ActionSpec;
  readonly p: Params;
}

/**
 * A quiescence test over a built spec: true iff no step of any thread is enabled (every thread is
 * done or blocked). The spec's effects never make an empty choice, so "enabled" = "has a successor".
 * The actions are bound late (`bind`) because the invariant that uses the test is declared before
 * `build()` returns them. A thread step is enabled only at its label (the builder's guard tests the
 * pc first), so each thread's pc is read once and only the guards of the steps there are called:
 * INV-MIG2 asks this of every new state in which a page is locked, and calling all ~100-190 guards
 * took ~9% of an M4 search.
 */
export function quiescence(): { bind(actions: readonly ActionSpec[]): void; quiescent(s: unknown): boolean } {
  let free: Instance[] | undefined;
  let threads: { readonly kind: string; readonly self: number; readonly at: Map<string, Instance[]> }[] = [];
  return {
    bind(actions) {
      free = [];
      const byThread = new Map<string, (typeof threads)[number]>();
      for (const a of actions) {
        for (const p of paramsOf(a)) {
          if (!a.thread) {
            free.push({ a, p });
            continue;
          }
          const self = p.self as number;
          const key = `${a.thread.kind}#${self}`;
          let t = byThread.get(key);
          if (!t) byThread.set(key, (t = { kind: a.thread.kind, self, at: new Map() }));
          let steps = t.at.get(a.thread.label);
          if (!steps) t.at.set(a.thread.label, (steps = []));
          steps.push({ a, p });
        }
      }
      threads = [...byThread.values()];
    },
    quiescent(s) {
      if (!free) throw new Error('quiescence: bind() the built actions first');
      for (const { a, p } of free) if (a.guard(s, p)) return false;
      const st = s as Record<string, readonly { pc: string }[]>;
      for (const t of threads) {
        const steps = t.at.get(st[t.kind]![t.self]!.pc);
        if (steps) for (const { a, p } of steps) if (a.guard(s, p)) return false;
      }
      return true;
    },
  };
}
