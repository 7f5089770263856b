/**
 * A parallel BFS worker thread (started by ParallelPool in parallel.ts). For each job it rebuilds
 * the spec from the model name (or spec module path); for each BFS level it expands its slice of
 * the level's records (parallelExpand.ts) and hands back the result in one message.
 */
import { parentPort } from 'node:worker_threads';
import { loadModel } from '../cli/loadModel';
import { instantiate } from '../model/instantiate';
import { SharedSeenSet } from '../store/sharedSeenSet';
import { CompiledSpec } from './compiled';
import type { ToCoordinator, ToWorker } from './parallelProtocol';
import { errorToMessage } from './workerBoot';
import { livenessPredicates, recordsGraph } from '../liveness/check';
import { recordedBuffers } from '../liveness/edgeRecorder';
import { expandSlice } from './parallelExpand';
import type { StatePred } from '../../spec/temporal';

let cs: CompiledSpec | undefined;
let shared: SharedSeenSet | undefined;
let checkDeadlock: boolean | undefined;
/** The temporal properties' state predicates, when the job records the state graph. */
let livePreds: StatePred[] | undefined;

function post(m: ToCoordinator, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(m, transfer);
}

parentPort!.on('message', async (m: ToWorker) => {
  try {
    switch (m.type) {
      case 'job': {
        const { model } = await loadModel(m.job.model);
        const inst = instantiate(model, m.job.variant, m.job.constants);
        cs = new CompiledSpec(inst.spec, m.job.effects, m.job.reductions);
        checkDeadlock = m.job.checkDeadlock;
        livePreds = recordsGraph(cs, m.job.liveness) ? livenessPredicates(cs) : undefined;
        shared = new SharedSeenSet(m.seen.table, m.seen.counter, m.seen.words);
        post({ type: 'ready' });
        break;
      }
      case 'seen':
        shared = new SharedSeenSet(m.seen.table, m.seen.counter, m.seen.words);
        post({ type: 'ready' });
        break;
      case 'level': {
        const r = expandSlice({ cs: cs!, shared: shared!, checkDeadlock, livePreds, ordered: m.ordered }, m.records);
        if (r.type === 'level') post(r, [...([r.records.buffer, r.parents.buffer, r.transitions.buffer, r.rest.buffer] as ArrayBuffer[]), ...(r.graph ? recordedBuffers(r.graph) : []), ...(r.order ? [r.order.fresh.buffer, r.order.claims.buffer] as ArrayBuffer[] : [])]);
        break;
      }
      case 'close':
        parentPort!.close();
        break;
    }
  } catch (e) {
    post(errorToMessage(e));
  }
});
