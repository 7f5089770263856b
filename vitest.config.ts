import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/support/heavyFirstSequencer';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One test file per core (vitest's default leaves one core to itself, which halves the suite's
    // speed on a 2-core machine). Files are processes, so a test that forks the CLI or worker threads
    // never shares an event loop with another file.
    pool: 'forks',
    // Each file in a fresh module graph (vitest's default). isolate: false measured no faster on a
    // clean clone (307 s both ways) and lost forks whenever more than 2 ran ("Terminating worker
    // thread", orphaned forks still running).
    maxWorkers: Math.max(1, availableParallelism()),
    minWorkers: 1,
    // Generous limits so that a loaded machine yields slow tests, not a red run.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // vitest's fixed 60 s worker RPC timeout is no test failure; every other unhandled error still is
    // (test/support/rpcTimeoutReporter.ts sets the exit code).
    dangerouslyIgnoreUnhandledErrors: true,
    reporters: ['default', './test/support/rpcTimeoutReporter.ts'],
    // The heavy files start first, so that no fork is left running one alone at the end.
    sequence: { sequencer: HeavyFirstSequencer },
  },
});
