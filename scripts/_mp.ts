import { checkSpec } from '../checker/check';
import { instantiate } from '../checker/model/instantiate';
import { multiPaxos } from '../models/reference/multiPaxos';
const spec = instantiate(multiPaxos, 'fixed', { Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2 }).spec;
const t = performance.now();
const r = checkSpec(spec, { reductions: { symmetry: true } }).result;
console.log(r.stats.distinct, r.stats.generated, ((performance.now() - t) / 1000).toFixed(2));
