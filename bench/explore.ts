/**
 * Exhaustive exploration throughput (issue: performance). Fixed workloads with asserted counts,
 * one process per run: distinct and generated states/s, bytes per state (seen set + trace
 * records), peak RSS; the fast path (generated copies) against the immer reference path; and,
 * where `rumur` is installed, Rumur on the same n_peterson in the same run, as a ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nPetersonMurphi } from './murphi/nPeterson';
import type { Workload, WorkloadReport } from './run';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Run {
  verdict: string;
  distinct: number;
  generated: number;
  seconds: number;
  /** CPU seconds of the run's process (all threads). */
  cpuSeconds: number;
  bytesPerState: number;
  loadFactor: number;
  peakRssMiB: number;
}

export function ours(model: string, consts: object, mode: 'fast' | 'immer', expect: { distinct: number; generated: number }, workers = 1): Run {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/exploreOne.ts'), model, JSON.stringify(consts), mode, String(workers)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out) as Run;
  if (r.distinct !== expect.distinct || r.generated !== expect.generated) {
    throw new Error(`${model} ${JSON.stringify(consts)}: got ${r.distinct}/${r.generated}, expected ${expect.distinct}/${expect.generated}`);
  }
  return r;
}

/** Rumur on our Murphi rendering of n_peterson, single-threaded; undefined if rumur or cc is missing. */
function rumur(n: number, expectStates: number): { seconds: number; cpuSeconds: number; states: number } | undefined {
  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!have('rumur') || !have('cc') || !have('/usr/bin/time')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-rumur-'));
  writeFileSync(join(dir, 'np.m'), nPetersonMurphi(n));
  execFileSync('rumur', ['--symmetry-reduction', 'off', '--threads', '1', '--output', join(dir, 'np.c'), join(dir, 'np.m')]);
  execFileSync('cc', ['-O3', '-o', join(dir, 'np'), join(dir, 'np.c'), '-lpthread']);
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', join(dir, 'np')], { encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  const [seconds, user, sys] = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(out)!.slice(1).map(Number) as [number, number, number];
  // The last "N states" line is the final count (earlier ones are progress).
  const states = Number([...out.matchAll(/(\d+) states/g)].at(-1)?.[1]);
  if (states !== expectStates) throw new Error(`rumur n_peterson N=${n}: ${states} states, expected ${expectStates}`);
  return { seconds, cpuSeconds: user + sys, states };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function runExploreBench(opts: { n6?: boolean } = {}) {
  const rows: { workload: string; engine: string; run: Run }[] = [];
  const cores = availableParallelism();
  const np5 = { distinct: 628_868, generated: 3_144_341 };
  const np6 = { distinct: 17_704_917, generated: 106_229_503 };
  rows.push({ workload: 'n_peterson N=5', engine: 'hmmcheck fast', run: ours('reference/n-peterson', { N: 5 }, 'fast', np5) });
  rows.push({ workload: 'n_peterson N=5', engine: `hmmcheck fast, ${cores} workers`, run: ours('reference/n-peterson', { N: 5 }, 'fast', np5, cores) });
  rows.push({ workload: 'n_peterson N=5', engine: 'hmmcheck immer', run: ours('reference/n-peterson', { N: 5 }, 'immer', np5) });
  if (opts.n6 !== false) {
    rows.push({ workload: 'n_peterson N=6', engine: 'hmmcheck fast', run: ours('reference/n-peterson', { N: 6 }, 'fast', np6) });
    rows.push({ workload: 'n_peterson N=6', engine: `hmmcheck fast, ${cores} workers`, run: ours('reference/n-peterson', { N: 6 }, 'fast', np6, cores) });
  }
  rows.push({ workload: 'TwoPhase RM=5', engine: 'hmmcheck fast', run: ours('reference/twophase', { RM: 5 }, 'fast', { distinct: 8_832, generated: 58_146 }) });
  rows.push({
    workload: 'M2 fixed, 3 invalidations + timeouts',
    engine: 'hmmcheck fast',
    run: ours('hmm/m2-device-fault', { invalidations: 3, timeouts: true }, 'fast', { distinct: 105_376, generated: 318_016 }),
  });
  const r5 = rumur(5, 628_868);
  return { rows, rumur5: r5 };
}

export const workload: Workload = {
  name: 'explore',
  title: 'Exhaustive exploration: states/s, bytes per state, peak RSS (1 and N workers)',
  run(): WorkloadReport {
    const { rows, rumur5 } = runExploreBench({ n6: !process.argv.includes('--quick') });
    const fast5 = rows.find((r) => r.workload === 'n_peterson N=5' && r.engine === 'hmmcheck fast')!.run;
    const immer5 = rows.find((r) => r.workload === 'n_peterson N=5' && r.engine === 'hmmcheck immer')!.run;
    const table = rows.map(({ workload, engine, run }) => [
      workload,
      engine,
      n(run.distinct),
      n(run.generated),
      run.seconds.toFixed(1),
      run.cpuSeconds.toFixed(1),
      n(run.distinct / run.seconds),
      n(run.generated / run.seconds),
      run.bytesPerState.toFixed(1),
      run.loadFactor == null || Number.isNaN(run.loadFactor) ? '-' : `${(run.loadFactor * 100).toFixed(0)}%`,
      n(run.peakRssMiB),
    ]);
    if (rumur5) table.push(['n_peterson N=5', 'rumur (C, 1 thread)', n(rumur5.states), n(3_144_340), rumur5.seconds.toFixed(1), rumur5.cpuSeconds.toFixed(1), n(rumur5.states / rumur5.seconds), n(3_144_340 / rumur5.seconds), '-', '-', '-']);
    const n6 = rows.filter((r) => r.workload === 'n_peterson N=6');
    const notes = [
      `fast path / immer path on n_peterson N=5: ${(immer5.seconds / fast5.seconds).toFixed(1)}x faster`,
      ...(n6.length === 2 ? [`workers on n_peterson N=6: ${(n6[0]!.run.seconds / n6[1]!.run.seconds).toFixed(2)}x with ${availableParallelism()} workers (target >= 1.7x on 2 cores)`] : []),
      rumur5
        ? `hmmcheck / Rumur on n_peterson N=5, same run: ${(rumur5.cpuSeconds / fast5.cpuSeconds).toFixed(2)}x by CPU time, ${(rumur5.seconds / fast5.seconds).toFixed(2)}x by wall time (target >= 3x)`
        : 'rumur not installed (apt-get install rumur): no comparison',
      'counts asserted: n_peterson N=5 628,868 / 3,144,341 (Murphi: 3,144,340 rules fired + 1 start state), N=6 17,704,917 / 106,229,503; TwoPhase RM=5 8,832',
    ];
    return {
      summary: 'BFS, reductions off; each run in its own process (parallel runs: the search itself, after the workers load the model).',
      headers: ['workload', 'engine', 'distinct', 'generated', 'time (s)', 'CPU (s)', 'distinct/s', 'generated/s', 'bytes/state', 'seen load', 'peak RSS (MiB)'],
      rows: table,
      notes,
      data: { rows, rumur5 },
    };
  },
};
