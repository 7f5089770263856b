/**
 * Depth-first exhaustive search over a packed stack; with `maxDepth` it bounds the depth.
 * Traces it finds are valid but not necessarily shortest.
 */
import { PackedStack } from '../store/frontier';
import type { CompiledSpec } from './compiled';
import type { ExploreOptions } from './explorer';
import { runExhaustive } from './run';
import { UsageError } from './errors';

export function dfsFrontier(cs: CompiledSpec, opts: ExploreOptions): PackedStack {
  if (opts.resume || opts.onCheckpoint) throw new UsageError('checkpoints and --resume work with --strategy bfs only');
  return new PackedStack(cs.codec.words);
}

export function dfs(cs: CompiledSpec, opts: ExploreOptions = {}) {
  return runExhaustive(cs, opts, 'dfs', dfsFrontier(cs, opts));
}
