import { checkSpec } from '../checker/check';
import { instantiate } from '../checker/model/instantiate';
import { registry } from '../models';
const m = registry.find((m) => m.name === 'hmm/m3-migrate-device')!;
for (let i = 0; i < 3; i++) for (const v of ['fixed', 'fault-v6.1', 'gup-pin-races-collect']) { const t = performance.now(); const o = checkSpec(instantiate(m, v).spec, { liveness: false }); console.log(v, (performance.now() - t).toFixed(0), o.result.stats.distinct, o.result.stats.generated); }
