import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/support/heavyFirstSequencer';

const workers = Math.max(1, availableParallelism());

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One test file per core (vitest's default leaves one core to itself, which halves the suite's
    // speed on a 2-core machine). Files are processes, so a test that forks the CLI or worker threads
    // never shares an event loop with another file.
    pool: 'forks',
    // A fork runs file after file without starting afresh: a fresh fork per file (vitest's default)
    // cost ~0.5 s of CPU each (Node, vitest's runner, the models' modules) — 60 of the suite's 560 s
    // on 2 cores. Tests leave no global state behind (environment variables and spies are restored).
    isolate: false,
    // Every fork kept from start to end: with minWorkers: 1 and 4 forks, shared forks ended the run
    // in "Terminating worker thread" with a fork left running (never with all kept).
    maxWorkers: workers,
    minWorkers: workers,
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
