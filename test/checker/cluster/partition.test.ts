/**
 * The partitioned BFS of checker/cluster/partition.ts without a server: K partitions in one
 * process, batches handed straight to their owners, levels and barriers as the coordinator runs
 * them. The counts equal the single-process engine's for every K, also when every partition is
 * checkpointed and restored between two levels.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { registryModel } from '../../../checker/cli/loadModel';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { instantiate } from '../../../checker/model/instantiate';
import { batchWords } from '../../../checker/cluster/batch';
import { Partition } from '../../../checker/cluster/partition';

function compiled(model: string, constants: Record<string, string>, variant = 'fixed'): CompiledSpec {
  return new CompiledSpec(instantiate(registryModel(model), variant, constants).spec);
}

/** Runs the levels over K in-process partitions; `restoreAt` round-trips every partition through dump/restore before that level. */
async function partitioned(cs: CompiledSpec, K: number, restoreAt?: number) {
  let parts = Array.from({ length: K }, (_, q) => new Partition(cs, q, K, undefined));
  let generated = parts.reduce((a, p) => a + p.init().generated, 0);
  let frontier = parts.map((p) => p.commit().frontier).reduce((a, b) => a + b, 0);
  let verdictKind: string | undefined;
  let level = 1;
  for (; frontier > 0 && !verdictKind; level++) {
    if (level === restoreAt) {
      parts = parts.map((p) => {
        const fresh = new Partition(cs, p.self, K, undefined);
        fresh.restore(p.dump());
        return fresh;
      });
    }
    const reports = await Promise.all(parts.map((p) => p.expand(0, async (dest, batch) => void parts[dest]!.receive(batchWords(batch)))));
    generated += reports.reduce((a, r) => a + r.generated, 0);
    verdictKind = reports.find((r) => r.verdict)?.verdict?.verdict.kind;
    if (verdictKind) break;
    frontier = parts.map((p) => p.commit().frontier).reduce((a, b) => a + b, 0);
  }
  return { distinct: parts.reduce((a, p) => a + p.log.size, 0), generated, verdictKind, ...(verdictKind ? { level } : {}) };
}

describe('partitioned BFS (in one process)', () => {
  it('gives the counts of the single-process engine for 1, 2 and 5 partitions', async () => {
    const cs = compiled('reference/twophase', { RM: '4' });
    const one = checkSpec(cs).result.stats;
    for (const K of [1, 2, 5]) expect(await partitioned(cs, K)).toEqual({ distinct: one.distinct, generated: one.generated, verdictKind: undefined });
  });

  it('continues to the same counts after every partition is checkpointed and restored', async () => {
    const cs = compiled('reference/n-peterson', { N: '3' });
    expect(await partitioned(cs, 3, 9)).toEqual(await partitioned(cs, 3));
    expect((await partitioned(cs, 3, 9)).distinct).toBe(checkSpec(cs).result.stats.distinct);
  });

  it('finds a violation in the level the single-process search finds it', async () => {
    const cs = compiled('hmm/m2-device-fault', {}, 'range-valid-not-sticky');
    const one = checkSpec(cs);
    const r = await partitioned(cs, 3);
    expect([r.verdictKind, r.level]).toEqual(['violation', one.trace!.steps.length - 1]);
  });
});
