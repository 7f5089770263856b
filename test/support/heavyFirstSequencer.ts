/**
 * The order in which vitest starts the test files: the heavy ones first, heaviest first, then the
 * rest as vitest orders them (by the durations of earlier runs, else larger files first). On a
 * fresh clone vitest knows no durations and goes by file size; the registry sweeps are short files
 * that call shared helpers, so they started last and the run ended with one fork still busy on
 * them while the other idled.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that took 4.5 s or more in a clean-clone `.ci/run` (2026-12-04), heaviest first. A file
 * not here runs after them. First, one per fork, the two searches of a million states of one model:
 * the engine's code runs them ~2x faster in a fork that has not yet met other schemas
 * (beemPeterson.test.ts: 9.0 s in the suite, 4.2 s first in its fork).
 */
export const HEAVY_FILES = [
  'test/models/reference/beemPeterson.test.ts',
  'test/models/reference/lamportMutex.test.ts',
  'test/checker/engine/parallelHmm.test.ts',
  'test/models/registry.test.ts',
  'test/checker/engine/compiledM3.test.ts',
  'test/docs/tutorial.test.ts',
  'test/e2e/package.e2e.test.ts',
  'test/checker/cli/cli.test.ts',
  'test/models/hmm/reductionsM4M6.test.ts',
  'test/checker/engine/compiled.test.ts',
  'test/models/hmm/m4/now.test.ts',
  'test/models/hmm/reductionsM1M2.test.ts',
  'test/checker/engine/parallel.test.ts',
  'test/checker/cluster/counterexample.test.ts',
  'test/checker/cluster/nightly.test.ts',
  'test/models/hmm/m3/migrateDevice.test.ts',
  'test/models/reference/multiPaxos.test.ts',
  'test/models/hmm/m3/migrateDevice.lint.test.ts',
  'test/checker/cli/hang.test.ts',
  'test/checker/engine/parallelLivenessLarge.test.ts',
  'test/models/hmm/symmetry.test.ts',
  'test/models/hmm/m3/migration.test.ts',
  'test/models/hmm/reductionsM3.test.ts',
  'test/e2e/viewer.e2e.test.ts',
  'test/checker/cli/trust.test.ts',
  'test/checker/cli/simulate.test.ts',
  'test/checker/state/symmetry.test.ts',
  'test/checker/cli/nightly.test.ts',
  'test/checker/cli/specLoading/specFiles.test.ts',
  'test/models/reference/multiPaxosSymmetry.test.ts',
  'test/checker/cli/jsonOutput.test.ts',
  'test/checker/cli/checkpointFuzz.test.ts',
  'test/checker/cli/modelMistakes.test.ts',
  'test/checker/cluster/faultTolerance.test.ts',
  'test/checker/cluster/check.test.ts',
  'test/checker/cli/traceFuzz.test.ts',
  'test/checker/cli/checkpoint.test.ts',
  'test/checker/cli/oneLineErrors.test.ts',
];

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = HEAVY_FILES.indexOf(relative(f.project.config.root, f.moduleId).split('\\').join('/'));
      return i < 0 ? HEAVY_FILES.length : i;
    };
    // Stable: the rest keep vitest's order.
    return sorted.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
  }
}
