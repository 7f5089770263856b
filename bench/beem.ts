/**
 * BEEM peterson.4 and anderson.4 against SPIN in the same run (issue: performance): hmmcheck (one
 * and two workers) and SPIN's pan (`-O2 -DNOREDUCE -DSAFETY`, exhaustive, no partial-order reduction) on
 * our Promela renderings (bench/spin/), with the counts asserted on both sides.
 * Reports wall and CPU time, states/s, bytes per state, peak RSS and the CPU-time ratio (the
 * stable one on a shared machine). SPIN is skipped, with a line saying so, when spin or cc is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ours, type Run } from './explore';
import { beemAndersonPromela } from './spin/beemAnderson';
import { beemPetersonPromela } from './spin/beemPeterson';
import type { Workload, WorkloadReport } from './run';

/** The BEEM instances: our model, its Promela rendering, and the counts both must give. */
const INSTANCES = [
  { name: 'peterson.4', model: 'reference/beem-peterson', promela: beemPetersonPromela(4), expect: { distinct: 1_119_560, generated: 3_864_897 } },
  { name: 'anderson.4', model: 'reference/beem-anderson', promela: beemAndersonPromela(4), expect: { distinct: 29_641, generated: 97_517 } },
] as const;

interface SpinRun {
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  states: number;
  transitions: number;
  /** pan's "total actual memory usage" (hash table, states, stack) per stored state. */
  bytesPerState: number;
}

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** SPIN on a Promela model; undefined when spin, cc or /usr/bin/time is missing. */
function spin(name: string, promela: string, expect: { distinct: number; generated: number }): SpinRun | undefined {
  if (!have('spin') || !have('cc') || !have('/usr/bin/time')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-spin-'));
  writeFileSync(join(dir, 'model.pml'), promela);
  execFileSync('spin', ['-a', 'model.pml'], { cwd: dir, stdio: 'ignore' });
  execFileSync('cc', ['-O2', '-DNOREDUCE', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir });
  // -m: a DFS stack deep enough for the whole search (pan stops at its default 10,000 otherwise).
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', './pan', '-m1000000'], { cwd: dir, encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  const num = (re: RegExp) => Number(re.exec(out)?.[1]);
  const states = num(/(\d+) states, stored/);
  const transitions = num(/(\d+) transitions \(= stored\+matched\)/);
  if (states !== expect.distinct || transitions !== expect.generated) {
    throw new Error(`spin ${name}: ${states} states / ${transitions} transitions, expected ${expect.distinct} / ${expect.generated}`);
  }
  const [wall, user, sys, rssKiB] = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(out)!.slice(1).map(Number) as [number, number, number, number];
  const totalMiB = num(/([\d.]+)\s+total actual memory usage/);
  return { seconds: wall, cpuSeconds: user + sys, peakRssMiB: rssKiB / 1024, states, transitions, bytesPerState: (totalMiB * 2 ** 20) / states };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export const workload: Workload = {
  name: 'beem',
  title: 'BEEM peterson.4 and anderson.4 against SPIN, same run',
  run(): WorkloadReport {
    const rows: string[][] = [];
    const notes: string[] = [];
    const data: Record<string, unknown> = {};
    for (const inst of INSTANCES) {
      const { distinct, generated } = inst.expect;
      const one = ours(inst.model, { N: 4 }, 'fast', inst.expect);
      const two = ours(inst.model, { N: 4 }, 'fast', inst.expect, 2);
      const sp = spin(inst.name, inst.promela, inst.expect);
      const row = (engine: string, r: Pick<Run, 'seconds' | 'cpuSeconds' | 'bytesPerState' | 'peakRssMiB'>, bytesNote = '') => [
        inst.name,
        engine,
        n(distinct),
        n(generated),
        r.seconds.toFixed(2),
        r.cpuSeconds.toFixed(2),
        n(distinct / r.seconds),
        n(distinct / r.cpuSeconds),
        r.bytesPerState.toFixed(1) + bytesNote,
        n(r.peakRssMiB),
      ];
      rows.push(row('hmmcheck, 1 worker', one), row('hmmcheck, 2 workers', two));
      if (sp) {
        rows.push(row('SPIN pan -O2 -DNOREDUCE -DSAFETY (DFS)', sp, ' (all of pan)'));
        notes.push(`${inst.name}: CPU time, hmmcheck 1 worker / SPIN: ${(one.cpuSeconds / sp.cpuSeconds).toFixed(2)}× (≤ 1 is at least SPIN's speed); wall, 2 workers / SPIN: ${(two.seconds / sp.seconds).toFixed(2)}×`);
      }
      data[inst.name] = { one, two, spin: sp };
    }
    if (!have('spin')) notes.push('SPIN skipped: spin, cc or /usr/bin/time is not installed (apt-get install spin)');
    notes.push('counts asserted on both sides: our distinct = SPIN states stored, our generated (initial state included) = SPIN transitions (stored + matched); peterson.4 is BEEM\'s published 1,119,560');
    notes.push("bytes/state: hmmcheck's seen set + trace records (1 worker), all stores (2 workers); SPIN's whole pan (hash table -w24 = 128 MiB, states, DFS stack) per state, so small models look expensive");
    return {
      summary: 'Exhaustive, no reductions; each run in its own process. SPIN on our Promela renderings of the models (bench/spin/), one d_step per DVE transition.',
      headers: ['model', 'engine', 'distinct', 'generated', 'wall (s)', 'CPU (s)', 'distinct/s wall', 'distinct/s CPU', 'bytes/state', 'peak RSS (MiB)'],
      rows,
      notes,
      data,
    };
  },
};
