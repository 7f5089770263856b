#!/usr/bin/env node
// Runs the CLI straight from the TypeScript sources: tsx registers a loader for .ts modules
// (ours, and users' own spec modules loaded by path).
import { register } from 'tsx/esm/api';

register();
await import('../checker/cli/main.ts');
