/**
 * The default number of parallel BFS workers: the cores left idle by the rest of the machine, so
 * that a default run never competes with other work for a core (and is then no slower than one
 * worker); `--workers N` overrides it.
 */
import { availableParallelism, loadavg } from 'node:os';

/**
 * The cores not busy over the last minute: all cores less the one-minute load average, rounded,
 * at least 1. (`loadavg` is [0, 0, 0] where the platform has none, e.g. Windows: then all cores.)
 *
 * @example
 * idleCores(8, 2.6) // 5
 */
export function idleCores(cores = availableParallelism(), load = loadavg()[0]!): number {
  return Math.max(1, Math.min(cores, Math.round(cores - load)));
}
