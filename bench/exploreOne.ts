/**
 * One exhaustive run in its own process (so its peak RSS is its own), printing JSON: used by
 * bench/explore.ts. Usage: tsx bench/exploreOne.ts <model> <constants JSON> <fast|immer> [workers]
 */
import { bfs } from '../checker/engine/bfs';
import { CompiledSpec } from '../checker/engine/compiled';
import { ParallelPool } from '../checker/engine/parallel';
import { instantiate } from '../checker/model/instantiate';
import { findModel } from '../models';

const [model, consts, mode, workersArg] = process.argv.slice(2);

/** CPU seconds (user + system, all threads of this process) since `c0`. */
function cpuSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}
const workers = Number(workersArg ?? 1);
const constants = JSON.parse(consts!);
let out: Record<string, unknown>;
if (workers > 1) {
  const pool = new ParallelPool(workers);
  // Workers load the model once; time the search itself, as for one worker.
  await pool.run({ model: model!, variant: 'fixed', constants: { ...constants } }, { maxStates: 1 });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { result } = await pool.run({ model: model!, variant: 'fixed', constants, effects: mode as 'fast' | 'immer' }, { seenCapacity: 1 << 22 });
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  await pool.close();
  out = { verdict: result.verdict.kind, distinct: result.stats.distinct, generated: result.stats.generated, seconds, cpuSeconds, bytesPerState: result.stats.storeBytes / result.stats.distinct, loadFactor: NaN };
} else {
  const inst = instantiate(findModel(model!)!, 'fixed', constants);
  const cs = new CompiledSpec({ ...inst.spec, liveness: [] }, mode as 'fast' | 'immer');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { result, explorer } = bfs(cs);
  const seconds = (performance.now() - t0) / 1000;
  out = {
    verdict: result.verdict.kind,
    distinct: result.stats.distinct,
    generated: result.stats.generated,
    seconds,
    cpuSeconds: cpuSince(c0),
    // Seen set and trace records (parent + transition) per distinct state.
    bytesPerState: (explorer.seen.bytes + explorer.log.bytes) / result.stats.distinct,
    loadFactor: explorer.seen.size / explorer.seen.capacity,
  };
}
process.stdout.write(JSON.stringify({ ...out, peakRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
