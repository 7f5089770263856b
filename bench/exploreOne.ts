/**
 * One exhaustive run in its own process (so its peak RSS is its own), printing JSON: used by
 * bench/explore.ts. Usage: tsx bench/exploreOne.ts <model> <constants JSON> <fast|immer> [symmetry]
 */
import { bfs } from '../checker/engine/bfs';
import { CompiledSpec } from '../checker/engine/compiled';
import { instantiate } from '../checker/model/instantiate';
import { findModel } from '../models';

const [model, consts, mode, sym] = process.argv.slice(2);
const inst = instantiate(findModel(model!)!, 'fixed', JSON.parse(consts!));
const cs = new CompiledSpec({ ...inst.spec, liveness: [] }, mode as 'fast' | 'immer', { symmetry: sym === 'symmetry' });
const t0 = performance.now();
const { result, explorer } = bfs(cs);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  JSON.stringify({
    verdict: result.verdict.kind,
    distinct: result.stats.distinct,
    generated: result.stats.generated,
    seconds,
    // Seen set and trace records (parent + transition) per distinct state.
    bytesPerState: (explorer.seen.bytes + explorer.log.bytes) / result.stats.distinct,
    loadFactor: explorer.seen.size / explorer.seen.capacity,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
