/**
 * Breadth-first enumeration of a model's reachable states for lint: every enabled action instance
 * of every state is handed over with its successors. As in `check`, states failing a constraint
 * are not stored; unlike `check`, a violated invariant does not stop the search, but the violating
 * state is not expanded (what happens after a bug is reported is not the model's design). States
 * are kept as objects, deduplicated by their packed words, up to `maxStates`.
 */
import type { ActionInstance, CompiledSpec } from '../engine/compiled';

export interface ReachableStats {
  readonly states: number;
  /** False when `maxStates` cut the search: steps of the states beyond were not seen. */
  readonly complete: boolean;
}

export function forEachReachableStep(
  cs: CompiledSpec,
  maxStates: number,
  onStep: (s: any, inst: ActionInstance, successors: readonly any[]) => void,
): ReachableStats {
  const { invariants, constraints } = cs.spec;
  // States are told apart by the checker's 64-bit fingerprint (53 bits of it as a number key: the
  // chance of a collision among 200,000 states is about 2⁻¹⁹), as `check` does.
  const seen = new Set<number>();
  const scratch = new Uint32Array(cs.codec.words);
  const fp = new Uint32Array(2);
  // Each queued state with its packed words, from which successors are decoded.
  const queue: { s: any; words: Uint32Array }[] = [];
  let complete = true;
  const visit = (s: any) => {
    cs.codec.encode(s, scratch, 0);
    cs.codec.hash(scratch, 0, fp);
    const key = (fp[0]! & 0x1fffff) * 4294967296 + fp[1]!;
    if (seen.has(key) || !constraints.every((c) => c.check(s))) return;
    if (seen.size >= maxStates) {
      complete = false;
      return;
    }
    seen.add(key);
    queue.push({ s, words: scratch.slice() });
  };
  cs.forEachInit(visit);
  for (let i = 0; i < queue.length; i++) {
    const { s, words } = queue[i]!;
    queue[i] = undefined!;
    if (!invariants.every((inv) => inv.check(s))) continue;
    for (const inst of cs.enabledIn(s)) {
      const succ: any[] = [];
      cs.successorsOfPacked(inst, s, cs.mode === 'fast' ? words : undefined, 0, (t) => void succ.push(t));
      onStep(s, inst, succ);
      for (const t of succ) visit(t);
    }
  }
  return { states: seen.size, complete };
}
