/**
 * `hmmcheck nightly`: the declared exhaustive jobs at large bounds (results/nightly.jobs.json),
 * results in results/nightly/<date>.json and .md, compared with the previous run. Exit 0 without
 * regression, 1 with one, 20 when interrupted (continue with --resume).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns } from '../../nightly/compare';
import { readJobs } from '../../nightly/jobs';
import { nightlyMarkdown } from '../../nightly/report';
import { previousRun, runNightly } from '../../nightly/run';
import { UsageError } from '../../engine/errors';
import { EXIT } from '../exitCodes';
import { interruptFlag } from '../interrupt';
import { assertWritableFolder } from '../writablePath';
import { loadProjectModel, vetProjectModel } from '../trustBoundary';

export interface NightlyArgs {
  jobs?: string;
  out?: string;
  date?: string;
  resume?: boolean;
  only?: string;
  checkpointEvery?: number;
  /** NATS URL: queue the jobs for the cluster's workers (checker/cluster/nightly.ts). */
  cluster?: string;
  creds?: string;
  /** Seconds before a silent worker's job is redelivered (--cluster). */
  ackWait?: number;
}

export async function nightlyCommand(args: NightlyArgs, print: (s: string) => void): Promise<number> {
  const date = args.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date must be YYYY-MM-DD, got '${date}'`);
  const outDir = args.out ?? 'results/nightly';
  assertWritableFolder('--out', outDir);
  const jobs = readJobs(args.jobs ?? 'results/nightly.jobs.json', vetProjectModel).filter((j) => !args.only || j.name === args.only);
  if (jobs.length === 0) throw new UsageError(`no nightly job${args.only ? ` named '${args.only}'` : ''}`);
  const interrupt = interruptFlag();
  try {
    if (args.cluster === undefined && args.creds !== undefined) throw new UsageError('--creds needs --cluster');
    if (args.cluster !== undefined && args.resume) throw new UsageError('--resume is for a nightly run on this machine; a --cluster run resumes jobs from their checkpoints by itself');
    const log = (l: string) => process.stderr.write(`nightly: ${l}\n`);
    const checkpointEveryMs = (args.checkpointEvery ?? 60) * 1000;
    const out = args.cluster !== undefined
      ? await (await import('../../cluster/nightly')).runNightlyOnCluster({ address: { url: args.cluster, creds: args.creds }, jobs, outDir, date, checkpointEveryMs, ackWaitSec: args.ackWait ?? 60, interrupted: interrupt.interrupted, log })
      : await runNightly({
          jobs,
          outDir,
          date,
          resume: Boolean(args.resume),
          checkpointEveryMs,
          resolve: (m) => loadProjectModel(m, `nightly job model ${m}`),
          interrupted: interrupt.interrupted,
          log,
        });
    if (out.status === 'interrupted') {
      if (args.cluster !== undefined) {
        print('Interrupted. The jobs not yet started were withdrawn from the queue (those running finish on their workers); run nightly --cluster again.');
        return EXIT.INCOMPLETE;
      }
      print(`Interrupted. The job in progress was checkpointed; continue with: hmmcheck nightly --resume --date ${date}`);
      return EXIT.INCOMPLETE;
    }
    const prev = previousRun(outDir, date);
    const regressions = prev ? compareRuns(prev.jobs, out.results) : [];
    const md = nightlyMarkdown(date, out.results, regressions, prev?.date);
    writeFileSync(join(outDir, `${date}.md`), md);
    print(md);
    print(`Results written to ${out.path} and ${join(outDir, `${date}.md`)}.`);
    return regressions.length === 0 ? EXIT.OK : EXIT.SUITE_MISMATCH;
  } finally {
    interrupt.dispose();
  }
}
