/**
 * Start-up time of the CLI (issue #16): the median wall time of 10 runs each of
 * `node bin/hmmcheck.mjs --version` and `... list`, and whether the bin ran build/ or the sources.
 * Also the median CPU time (user + system, from /proc on Linux), which a busy machine inflates less.
 * Through npx: `npx hmmcheck list` when the package folder is installed in a project
 * (…/node_modules/hmmcheck; run from that project), and always the floor of npx on this machine, a
 * bin that is an empty Node script in a throwaway project: what no package can start below.
 * Usage: node scripts/startupTime.mjs [package folder, default this checkout] [runs]
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from '../bin/buildState.mjs';
import { childCpuMs, median } from './childProcessTime.mjs';

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const runs = Number(process.argv[3] ?? 10);
const bin = join(root, 'bin/hmmcheck.mjs');

/** Median wall and CPU ms of `node ...args` (or of `command ...args` run in `cwd`). */
function measure(args, command = process.execPath, cwd = undefined) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = childCpuMs();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(command, args, { stdio: 'ignore', cwd });
    if (r.status !== 0) throw new Error(`${basename(command)} ${args.join(' ')} exited ${r.status}`);
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

// npx runs from the project: node_modules/.bin/hmmcheck there, no download.
if (basename(dirname(root)) === 'node_modules') {
  console.log(`npx hmmcheck list    ${measure(['--no-install', 'hmmcheck', 'list'], 'npx', dirname(dirname(root)))}`);
}
const floor = mkdtempSync(join(tmpdir(), 'npx-floor-'));
try {
  writeFileSync(join(floor, 'package.json'), '{"name":"npx-floor","private":true}\n');
  mkdirSync(join(floor, 'node_modules/empty-cli'), { recursive: true });
  mkdirSync(join(floor, 'node_modules/.bin'));
  writeFileSync(join(floor, 'node_modules/empty-cli/package.json'), '{"name":"empty-cli","version":"1.0.0","bin":{"empty-cli":"cli.js"}}\n');
  writeFileSync(join(floor, 'node_modules/empty-cli/cli.js'), '#!/usr/bin/env node\n');
  chmodSync(join(floor, 'node_modules/empty-cli/cli.js'), 0o755);
  symlinkSync('../empty-cli/cli.js', join(floor, 'node_modules/.bin/empty-cli'));
  console.log(`npx <empty Node bin> ${measure(['--no-install', 'empty-cli'], 'npx', floor)}`);
} finally {
  rmSync(floor, { recursive: true, force: true });
}
