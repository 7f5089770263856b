/**
 * Breadth-first exhaustive search (the default): levels in order, so the first violation found
 * has a shortest trace.
 */
import { PackedQueue } from '../store/frontier';
import type { CompiledSpec } from './compiled';
import type { ExploreOptions } from './explorer';
import { runExhaustive } from './run';

export function bfsFrontier(cs: CompiledSpec, opts: ExploreOptions): PackedQueue {
  return opts.resume ? PackedQueue.load(opts.resume.frontier!, cs.codec.words, opts.frontierMemoryBytes) : new PackedQueue(cs.codec.words, opts.frontierMemoryBytes);
}

export function bfs(cs: CompiledSpec, opts: ExploreOptions = {}) {
  return runExhaustive(cs, opts, 'bfs', bfsFrontier(cs, opts));
}
