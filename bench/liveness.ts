/**
 * Liveness at scale (issue: a graph of at least 1M states, memory reported, the edge store at most
 * 8 bytes per edge): TwoPhase with RM = 8 (1.7M states) plus the temporal property "the TM
 * eventually decides" under weak fairness of TMAbort, checked over the full BFS graph.
 */
import { checkSpec } from '../checker/check';
import { instantiate } from '../checker/model/instantiate';
import { findModel } from '../models';
import { eventually } from '../spec/temporal';
import type { Workload, WorkloadReport } from './run';

export function runLivenessBench(rm = 8) {
  const base = instantiate(findModel('reference/twophase')!, 'fixed', { RM: rm }).spec;
  const spec = {
    ...base,
    liveness: [{ name: 'TMDecides', check: eventually((s: { tmState: string }) => s.tmState !== 'init') }],
    fairness: [{ kind: 'weak' as const, target: { action: 'TMAbort' } }],
  };
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const { result } = checkSpec(spec);
  const seconds = (performance.now() - t0) / 1000;
  const { distinct, generated, edges, storeBytes } = result.stats;
  // The graph's own cost: targets + actions (8 bytes per edge), plus 4 bytes of row start per state.
  const edgeBytes = edges * 8;
  return {
    rm,
    verdict: result.verdict.kind,
    distinct,
    generated,
    edges,
    bytesPerEdge: edgeBytes / edges,
    storeMiB: storeBytes / 2 ** 20,
    peakRssMiB: Math.max(process.memoryUsage().rss, rssBefore) / 2 ** 20,
    seconds,
  };
}

export const workload: Workload = {
  name: 'liveness',
  title: 'Liveness over a 1.7M-state graph (TwoPhase RM = 8, <>(TM decides) under WF(TMAbort))',
  run(): WorkloadReport {
    const r = runLivenessBench();
    const n = (x: number) => Math.round(x).toLocaleString('en-US');
    return {
      summary: 'Exhaustive BFS recording the state graph, then the fair-cycle search over it.',
      headers: ['verdict', 'distinct', 'generated', 'edges', 'bytes/edge', 'stores (MiB)', 'peak RSS (MiB)', 'time (s)', 'distinct/s'],
      rows: [[r.verdict, n(r.distinct), n(r.generated), n(r.edges), r.bytesPerEdge.toFixed(1), r.storeMiB.toFixed(0), r.peakRssMiB.toFixed(0), r.seconds.toFixed(1), n(r.distinct / r.seconds)]],
      data: r,
    };
  },
};
