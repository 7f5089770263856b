/**
 * 1 against 2 workers on an HMM model with a temporal property (issue #16 Must show 3: M4-now at
 * its nightly bound ≥ 1.7× faster on 2 workers): `node bin/hmmcheck.mjs check` of hmm/m4-now with
 * faults=2, cpu=wr (the nightly job m4-now-fixed-faults2-cpuwr, 1,352,102 states), 1 and 2
 * workers alternately, PAIRS times each, so that a drift of the machine's speed (±20% within
 * minutes on the machine of bench/RESULTS.md) falls on both sides; the ratio is of the medians of
 * the search time the CLI prints.
 *
 * Also, in the same alternation, two 1-worker runs started together: how much two independent
 * searches slow each other down on this machine (shared caches, memory bandwidth, clock). No
 * parallel search can beat 2 × (one alone) / (one of the pair): that is this machine's ceiling for
 * 2 workers, whatever the engine does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from '../bin/buildState.mjs';
import { childCpuMs, median } from '../scripts/childProcessTime.mjs';
import type { Workload, WorkloadReport } from './run';

const root = fileURLToPath(new URL('..', import.meta.url));
const PAIRS = Number(process.env.HMMCHECK_BENCH_PAIRS ?? 3);
const ARGS = ['check', 'hmm/m4-now', '--const', 'faults=2', '--const', 'cpu=wr'];
const EXPECT = { distinct: 1_352_102, generated: 5_071_932 };

interface CliRun {
  workers: number;
  /** The search time the CLI prints. */
  searchSeconds: number;
  wallSeconds: number;
  /** User + system of the CLI process (all its threads), from /proc; NaN elsewhere. */
  cpuSeconds: number;
}

const cliArgs = (workers: number) => [join(root, 'bin/hmmcheck.mjs'), ...ARGS, '--workers', String(workers)];

/** The search time the CLI printed, once its exit status and counts are the expected ones. */
function searchSeconds(workers: number, status: number | null, out: string): number {
  const counts = /([\d,]+) states generated, ([\d,]+) distinct states found/.exec(out);
  const num = (s: string | undefined) => Number(s?.replace(/,/g, ''));
  if (status !== 0 || num(counts?.[2]) !== EXPECT.distinct || num(counts?.[1]) !== EXPECT.generated) {
    throw new Error(`hmm/m4-now on ${workers} worker(s): exit ${status}, expected ${EXPECT.distinct} distinct / ${EXPECT.generated} generated:\n${out}`);
  }
  return Number(/^Time ([\d.]+) s/m.exec(out)![1]);
}

function runCli(workers: number): CliRun {
  const c0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, cliArgs(workers), { cwd: root, encoding: 'utf8' });
  const wallSeconds = (performance.now() - t0) / 1000;
  return { workers, searchSeconds: searchSeconds(workers, r.status, r.stdout + r.stderr), wallSeconds, cpuSeconds: (childCpuMs() - c0) / 1000 };
}

/** Two 1-worker runs started at once: the search time each printed. */
async function runTwoAtOnce(): Promise<number[]> {
  const one = () =>
    new Promise<number>((done, fail) => {
      const child = spawn(process.execPath, cliArgs(1), { cwd: root });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b));
      child.stderr.on('data', (b: Buffer) => (out += b));
      child.on('error', fail);
      child.on('close', (status) => {
        try {
          done(searchSeconds(1, status, out));
        } catch (e) {
          fail(e);
        }
      });
    });
  return Promise.all([one(), one()]);
}

export const workload: Workload = {
  name: 'workers',
  title: 'M4-now at its nightly bound on 1 and 2 workers (issue #16 Must show 3)',
  async run(): Promise<WorkloadReport> {
    // A stale build/ would make the bin run the sources through tsx (slower starts, other numbers):
    // build first, as `npm ci` does.
    let build: string = buildState(root);
    if (build === 'stale' || build === 'missing') {
      const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      if (b.status !== 0) throw new Error(`scripts/build.mjs exited ${b.status}`);
      build = `${buildState(root)}, rebuilt`;
    }
    const runs: CliRun[] = [];
    const together: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      for (const w of [1, 2]) runs.push(runCli(w));
      together.push(...(await runTwoAtOnce()));
    }
    const by = (w: number) => runs.filter((r) => r.workers === w);
    const med = (w: number, f: (r: CliRun) => number) => median(by(w).map(f));
    const ratio = med(1, (r) => r.searchSeconds) / med(2, (r) => r.searchSeconds);
    const slowdown = median(together) / med(1, (r) => r.searchSeconds);
    const rows = [1, 2].map((w) => [
      String(w),
      by(w).map((r) => r.searchSeconds.toFixed(2)).join(', '),
      med(w, (r) => r.searchSeconds).toFixed(2),
      med(w, (r) => r.wallSeconds).toFixed(2),
      med(w, (r) => r.cpuSeconds).toFixed(2),
    ]);
    rows.push(['1 + 1 at once', together.map((t) => t.toFixed(2)).join(', '), median(together).toFixed(2), '-', '-']);
    return {
      summary: `\`node bin/hmmcheck.mjs ${ARGS.join(' ')} --workers N\`, N = 1 and 2, then two 1-worker runs at once, in turn, ${PAIRS} times (build/: ${build}).`,
      headers: ['workers', 'search time of each run (s)', 'median search (s)', 'median wall (s)', 'median CPU (s)'],
      rows,
      notes: [
        `2 workers / 1 worker, medians of the search time: ${ratio.toFixed(2)}× faster (target ≥ 1.7× with 2 idle cores)`,
        `two 1-worker runs at once take ${((slowdown - 1) * 100).toFixed(0)}% longer each than one alone: no 2-worker search can be more than ${(2 / slowdown).toFixed(2)}× faster on this machine`,
        `counts asserted on every run: ${EXPECT.distinct.toLocaleString('en-US')} distinct / ${EXPECT.generated.toLocaleString('en-US')} generated, no error`,
      ],
      data: { runs, ratio, together, ceiling: 2 / slowdown, build },
    };
  },
};
