/**
 * `npm run bench`: runs the benchmark workloads and prints a Markdown report (machine, then one
 * table per workload). Each workload is a module exporting `workload: Workload`; add new ones to
 * WORKLOADS below.
 *
 * Usage: tsx bench/run.ts [name ...] [--json]
 *   name    run only the named workloads (default: all)
 *   --json  print the raw numbers as JSON instead of Markdown
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';

/** What a workload reports: one Markdown table plus free-form notes and its raw numbers. */
export interface WorkloadReport {
  /** One line describing what was measured. */
  summary: string;
  headers: string[];
  rows: string[][];
  notes?: string[];
  /** Raw numbers, for --json. */
  data?: unknown;
}

export interface Workload {
  /** Short id for the command line, e.g. `fingerprint`. */
  name: string;
  /** Section heading. */
  title: string;
  run(): WorkloadReport | Promise<WorkloadReport>;
}

/** The workloads, as lazily imported modules (each exports `workload`). */
const WORKLOADS: readonly (() => Promise<{ workload: Workload }>)[] = [() => import('./fingerprint'), () => import('./explore'), () => import('./liveness'), () => import('./beem'), () => import('./workers')];

export function machineDescription(): { cpu: string; cores: number; node: string; platform: string; memoryGiB: number } {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown CPU',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || /^[\d.,]+×?( slower)?$/.test(r[i] ?? '')));
  const lines = [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${headers.map((_, i) => (numeric[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<void> {
  const json = argv.includes('--json');
  const only = argv.filter((a) => !a.startsWith('--'));
  const workloads = await Promise.all(WORKLOADS.map(async (load) => (await load()).workload));
  const unknown = only.filter((n) => !workloads.some((w) => w.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown workload(s): ${unknown.join(', ')} (have: ${workloads.map((w) => w.name).join(', ')})`);
  }
  const selected = only.length > 0 ? workloads.filter((w) => only.includes(w.name)) : workloads;
  const machine = machineDescription();
  const results: Record<string, unknown> = {};

  if (!json) {
    console.log('# hmmcheck benchmarks\n');
    console.log(`- CPU: ${machine.cpu} (${machine.cores} logical cores)`);
    console.log(`- Node: ${machine.node}, ${machine.platform}, ${machine.memoryGiB} GiB RAM`);
    console.log(`- Date: ${new Date().toISOString()}\n`);
  }
  for (const w of selected) {
    const report = await w.run();
    results[w.name] = report.data ?? { headers: report.headers, rows: report.rows };
    if (json) continue;
    console.log(`## ${w.title}\n`);
    console.log(`${report.summary}\n`);
    console.log(markdownTable(report.headers, report.rows));
    if (report.notes?.length) console.log('\n' + report.notes.map((n) => `- ${n}`).join('\n'));
    console.log('');
  }
  if (json) console.log(JSON.stringify({ machine, results }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
