/**
 * `check --cluster URL --partitions K`: the command's search plan run as a partitioned search on
 * the cluster's workers (coordinator.ts), with progress lines that show each worker's share, and
 * the lines the report adds about the cluster (shares, traffic, recoveries).
 */
import { CompiledSpec } from '../engine/compiled';
import { UsageError } from '../engine/errors';
import type { SearchPlan, SearchResult } from '../cli/runSearch';
import { progress } from '../cli/progress';
import { interruptFlag } from '../cli/interrupt';
import { VERSION } from '../cli/version';
import { clusterCheck, type ClusterProgress, type ClusterSummary } from './coordinator';
import { shipModel } from './shippedModel';

export interface ClusterFlags {
  readonly cluster: string;
  readonly partitions?: number;
  readonly creds?: string;
  /** Seconds between per-level checkpoints in the object store. */
  readonly checkpointEvery?: number;
}

/** The check flags that cannot be combined with --cluster, as a usage error. */
export function refuseWithCluster(flags: Readonly<Record<string, unknown>>): void {
  const clash = (['checkpoint', 'resume', 'por', 'stepTimeout', 'workers'] as const).find((f) => flags[f] !== undefined && flags[f] !== false);
  if (clash) throw new UsageError(`--cluster cannot be combined with --${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (flags.strategy === 'dfs') throw new UsageError('--cluster runs breadth-first search only (--strategy bfs)');
}

const n = (x: number) => x.toLocaleString('en-US');

/** Each worker's share of the distinct states, for progress lines and the report. */
export function sharesText(p: Pick<ClusterProgress, 'shares'>, total: number): string {
  return p.shares.map((s) => `${s.worker} ${total > 0 ? Math.round((100 * s.distinct) / total) : 0}%`).join(', ');
}

/** What the report says about the cluster. */
export function clusterLines(c: ClusterSummary, distinct: number, partitions: number): string[] {
  const per = c.sentStates > 0 ? (c.sentBytes / c.sentStates).toFixed(1) : '0';
  return [
    `Cluster: ${partitions} partitions on ${c.shares.length} worker(s); distinct states per worker: ${c.shares.map((s) => `${s.worker} (partitions ${s.partitions.join(',')}) ${n(s.distinct)}`).join('; ')}.`,
    `Cluster traffic: ${n(c.sentStates)} states sent to their owners in batches, ${(c.sentBytes / 2 ** 20).toFixed(1)} MiB (${per} bytes per state sent, ${distinct > 0 ? (c.sentBytes / distinct).toFixed(1) : '0'} per distinct state); ${c.checkpoints} level checkpoint(s)${c.recoveries > 0 ? `; ${c.recoveries} recovery(ies) after a lost worker` : ''}.`,
  ];
}

/** The number of partitions a cluster search makes (--partitions, 2 by default). */
export function partitionCount(flags: Pick<ClusterFlags, 'partitions'>): number {
  return flags.partitions ?? 2;
}

export async function clusterSearch(plan: SearchPlan, flags: ClusterFlags): Promise<SearchResult & { clusterLines?: string[] }> {
  const partitions = partitionCount(flags);
  const compiled = new CompiledSpec(plan.inst.spec, plan.effects, { ...plan.reductions, por: false });
  const shown = progress((p: ClusterProgress) => {
    const s = p.stats;
    return `${n(s.distinct)} distinct, ${n(s.generated)} generated, depth ${s.depth}, ${(s.elapsedMs / 1000).toFixed(0)} s; workers: ${sharesText(p, s.distinct)}`;
  });
  const interrupt = interruptFlag();
  try {
    const out = await clusterCheck(
      {
        model: shipModel(plan.model),
        variant: plan.inst.variant,
        constants: plan.inst.constants,
        effects: plan.effects,
        reductions: plan.reductions,
        checkDeadlock: plan.checkDeadlock,
        version: VERSION,
      },
      compiled,
      {
        address: { url: flags.cluster, creds: flags.creds },
        partitions,
        checkpointEveryMs: (flags.checkpointEvery ?? 60) * 1000,
        maxStates: plan.maxStates,
        maxDepth: plan.maxDepth,
        onProgress: shown.onProgress,
        interrupted: interrupt.interrupted,
        log: (l) => process.stderr.write(`cluster: ${l}\n`),
      },
    );
    shown.done();
    return { kind: 'done', result: out.result, trace: out.trace, compiled, clusterLines: clusterLines(out.cluster, out.result.stats.distinct, partitions) };
  } finally {
    interrupt.dispose();
  }
}
