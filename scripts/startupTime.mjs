/**
 * Start-up time of the CLI (issue #16): the median wall time of 10 runs each of
 * `node bin/hmmcheck.mjs --version` and `... list`, and whether the bin ran build/ or the sources.
 * Also the median CPU time (user + system, from /proc on Linux), which a busy machine inflates less.
 * Usage: node scripts/startupTime.mjs [package folder, default this checkout] [runs]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from '../bin/buildState.mjs';
import { childCpuMs, median } from './childProcessTime.mjs';

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const runs = Number(process.argv[3] ?? 10);
const bin = join(root, 'bin/hmmcheck.mjs');

/** Median wall and CPU ms of `node ...args`. */
function measure(args) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = childCpuMs();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push(childCpuMs() - c0);
  }
  return `${median(wall).toFixed(0).padStart(5)} ms wall, ${median(cpu).toFixed(0).padStart(4)} ms CPU`;
}
const state = buildState(root);
const from = process.env.HMMCHECK_FROM_SOURCES === '1' || !['current', 'installed'].includes(state) ? 'sources (tsx)' : `build/ (${state})`;
console.log(`node ${process.version}, load average ${loadavg()[0].toFixed(2)}, runs ${runs}, bin runs ${from}`);
console.log(`node -e 0            ${measure(['-e', '0'])}`);
console.log(`hmmcheck --version   ${measure([bin, '--version'])}`);
console.log(`hmmcheck list        ${measure([bin, 'list'])}`);
