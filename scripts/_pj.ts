import { ParallelPool } from '../checker/engine/parallel';
import { registry } from '../models';
const p2 = new ParallelPool(2);
for (const [name, v] of [['hmm/m1-notifier-core', 'mutant-exit-frees-pages-before-release'], ['hmm/m2-device-fault', 'range-valid-not-sticky'], ['hmm/m4-now', 'swap-fault-no-page-ref'], ['hmm/m3-migrate-device', 'split-window-zap']] as const) {
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const out = await p2.run({ model: name, variant: v, constants: {}, liveness: false }, { localBelow: 0 });
    console.log(name, v, (performance.now() - t).toFixed(0), 'ms', out.result.stats.distinct, out.result.stats.depth);
  }
}
await p2.close();
