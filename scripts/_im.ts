import { CompiledSpec } from '../checker/engine/compiled';
import { checkSpec } from '../checker/check';
import { instantiate } from '../checker/model/instantiate';
import { registry } from '../models';
const m = registry.find((m) => m.name === 'hmm/m3-migration')!;
const spec = instantiate(m, 'fixed').spec;
for (const mode of ['fast', 'immer'] as const) { const t = performance.now(); const o = checkSpec(new CompiledSpec(spec, mode), { liveness: false }); console.log(mode, ((performance.now() - t) / 1000).toFixed(2), o.result.stats.distinct, o.result.stats.generated); }
