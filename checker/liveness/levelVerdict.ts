/**
 * Which verdict a parallel level with a recorded graph reports: the one a single worker expanding
 * the level in index order stops at, so that the counterexample does not depend on the number of
 * workers or on their races (engine/parallel.ts).
 *
 * A worker checks the invariants of a state only when it stores it. A violating state reached by
 * two workers in one level is reported by the one that stored it first, from its own source; the
 * other saw it stored and went on. One worker would have stored it from its least source, at that
 * source's first edge to it. So: every state stored in the level on which an invariant failed is
 * known by fingerprint (its storer's verdict); each expanded state's verdict is its first recorded
 * edge to such a state, if any, else its own verdict (a source's own verdict always comes at or
 * after its last recorded edge: the expansion stops there); and the level's verdict is that of the
 * least-numbered state.
 */
import type { LevelResult } from '../engine/parallelExpand';
import { traceRefOf, type Verdict } from '../engine/result';
import { EDGE_WORDS } from './edgeRecorder';

/**
 * The verdict of the level whose results (every round's, indices final) are `results`, or
 * undefined. Each result's `violated[k]` is the local index of the state its verdict k failed on
 * when stored, or -1.
 */
export function levelVerdict(results: readonly LevelResult[]): Verdict | undefined {
  // The states an invariant failed on when stored: fingerprint → the property.
  const failed = new Map<string, string>();
  let best: Verdict | undefined;
  let bestAt = Infinity;
  for (const r of results) {
    r.verdicts.forEach((v, k) => {
      const local = r.violated[k]!;
      if (local >= 0 && v.kind === 'violation') failed.set(key(r.graph!.fingerprints[2 * local]!, r.graph!.fingerprints[2 * local + 1]!), v.property);
      const at = traceRefOf(v)?.last ?? Infinity;
      if (best === undefined || at < bestAt) {
        best = v;
        bestAt = at;
      }
    });
  }
  if (failed.size === 0) return best;
  // A source numbered at most bestAt whose recorded edges reach a failed state first.
  for (const r of results) {
    const { sources, degrees, edges } = r.graph!;
    for (let k = 0, e = 0; k < sources.length; e += degrees[k]! * EDGE_WORDS, k++) {
      const source = sources[k]!;
      if (source > bestAt) continue;
      for (let j = e, end = e + degrees[k]! * EDGE_WORDS; j < end; j += EDGE_WORDS) {
        const property = failed.get(key(edges[j]!, edges[j + 1]!));
        if (property === undefined) continue;
        best = { kind: 'violation', property, propertyKind: 'invariant', at: { last: source, then: edges[j + 2]! } };
        bestAt = source;
        break;
      }
    }
  }
  return best;
}

function key(hi: number, lo: number): string {
  return `${hi >>> 0}:${lo >>> 0}`;
}
