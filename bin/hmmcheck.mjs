#!/usr/bin/env node
// Runs the CLI from its JavaScript build (build/, made by `npm run build` and at install). In a
// development checkout whose sources changed since that build (or with HMMCHECK_FROM_SOURCES=1),
// runs the TypeScript sources through tsx instead, so a stale build never hides an edit; that
// costs about a second of start-up until the next `npm run build`. HMMCHECK_FROM_SOURCES=0 runs
// the build even when it is stale (to test the build itself).
import { fileURLToPath } from 'node:url';
import { buildState, runsBuild } from './buildState.mjs';

// Tells the CLI (and its worker threads) that users' spec files load through its module hooks.
process.env.HMMCHECK_BIN = '1';
if (runsBuild(buildState(fileURLToPath(new URL('..', import.meta.url))), process.env.HMMCHECK_FROM_SOURCES)) {
  await import('../build/checker/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../checker/cli/main.ts');
}
