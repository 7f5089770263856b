/**
 * Depth-first exhaustive search over a packed stack; with `maxDepth` it bounds the depth.
 * Traces it finds are valid but not necessarily shortest.
 */
import { PackedStack } from '../store/frontier';
import type { CompiledSpec } from './compiled';
import type { ExploreOptions } from './explorer';
import { runExhaustive } from './run';

export function dfs(cs: CompiledSpec, opts: ExploreOptions = {}) {
  return runExhaustive(cs, opts, 'dfs', new PackedStack(cs.codec.words));
}
