/**
 * A parallel BFS worker thread (started by ParallelPool in parallel.ts). For each job it rebuilds
 * the spec from the model name (or spec module path); for each BFS level it expands its slice of
 * the level's records with an Explorer that deduplicates through the shared seen set, and hands
 * back its new states (packed records, parents, transitions) and counters in one message. When the
 * shared set passes half full it stops before its next state and hands back the rest of its slice
 * too, so that the coordinator can grow the set (the grow barrier).
 */
import { parentPort } from 'node:worker_threads';
import { loadModel } from '../cli/loadModel';
import { instantiate } from '../model/instantiate';
import { FlatFrontier } from '../store/flatFrontier';
import { REC_DEPTH, REC_INDEX, REC_WORDS } from '../store/frontier';
import { SharedSeenSet } from '../store/sharedSeenSet';
import { CompiledSpec } from './compiled';
import { ModelError } from './errors';
import { Explorer } from './explorer';
import type { ToCoordinator, ToWorker } from './parallelProtocol';
import { errorToMessage } from './workerBoot';
import type { Verdict } from './result';

let cs: CompiledSpec | undefined;
let shared: SharedSeenSet | undefined;
let checkDeadlock: boolean | undefined;

function post(m: ToCoordinator, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(m, transfer);
}

/** Expands one slice of a level. Verdicts are returned with global indices. */
function expandLevel(records: Uint32Array): ToCoordinator {
  const spec = cs!;
  const words = spec.codec.words;
  const width = REC_WORDS + words;
  const ex = new Explorer(spec, { checkDeadlock }, shared);
  const next = new FlatFrontier(width, Math.max(16, records.length / width));
  const parent = new Uint32Array(words);
  let verdict: Verdict | undefined;
  let current = 0;
  let off = 0;
  try {
    for (; off < records.length && !verdict && !shared!.wantsGrowth; off += width) {
      current = records[off + REC_INDEX]!;
      for (let w = 0; w < words; w++) parent[w] = records[off + REC_WORDS + w]!;
      verdict = ex.expand(spec.codec.decode(parent, 0), current, records[off + REC_DEPTH]!, next, parent);
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    verdict = { kind: 'error', message: e.message, at: { last: current } };
  }
  // A violation in a new state refers to this worker's local log: make it parent + transition.
  if (verdict?.kind === 'violation' && verdict.at.then === undefined && verdict.propertyKind === 'invariant') {
    const local = verdict.at.last;
    verdict = { ...verdict, at: { last: ex.log.parent(local), then: ex.log.transition(local) } };
  }
  const n = ex.log.size;
  const parents = new Uint32Array(n);
  const transitions = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    parents[i] = ex.log.parent(i);
    transitions[i] = ex.log.transition(i);
  }
  return {
    type: 'level',
    records: next.records().slice(),
    parents,
    transitions,
    generated: ex.stats.generated,
    expanded: ex.stats.expanded,
    coverage: ex.coverage.map((c) => [c.generated, c.distinct] as [number, number]),
    verdict,
    rest: verdict ? new Uint32Array(0) : records.slice(off),
  };
}

parentPort!.on('message', async (m: ToWorker) => {
  try {
    switch (m.type) {
      case 'job': {
        const { model } = await loadModel(m.job.model);
        const inst = instantiate(model, m.job.variant, m.job.constants);
        cs = new CompiledSpec(inst.spec, m.job.effects, m.job.reductions);
        checkDeadlock = m.job.checkDeadlock;
        shared = new SharedSeenSet(m.seen.table, m.seen.counter);
        post({ type: 'ready' });
        break;
      }
      case 'seen':
        shared = new SharedSeenSet(m.seen.table, m.seen.counter);
        post({ type: 'ready' });
        break;
      case 'level': {
        const r = expandLevel(m.records);
        if (r.type === 'level') post(r, [r.records.buffer, r.parents.buffer, r.transitions.buffer, r.rest.buffer] as ArrayBuffer[]);
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
