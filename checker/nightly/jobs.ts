/**
 * The nightly job list (results/nightly.jobs.json): exhaustive checks at bounds too large for CI,
 * each with a time and memory budget.
 */
import { readFileSync } from 'node:fs';
import type { ConstValue } from '../../spec/model';
import { UsageError } from '../engine/errors';

export interface NightlyJob {
  readonly name: string;
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly timeBudgetSec: number;
  readonly memoryBudgetMiB: number;
}

/**
 * Reads and validates the job list. The file is code-equivalent (a job may name a spec module):
 * `vetModel` checks each job's model name before anything runs (see checker/cli/trustBoundary.ts).
 */
export function readJobs(path: string, vetModel: (model: string, owner: string) => void): NightlyJob[] {
  let doc: { jobs?: unknown };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read nightly jobs ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc.jobs)) throw new UsageError(`${path}: expected { "jobs": [...] }`);
  const names = new Set<string>();
  return doc.jobs.map((j: any, i: number) => {
    if (typeof j?.name !== 'string' || typeof j.model !== 'string') throw new UsageError(`${path}: job ${i} needs a name and a model`);
    if (names.has(j.name)) throw new UsageError(`${path}: job name ${j.name} is used twice`);
    names.add(j.name);
    vetModel(j.model, `${path}: job ${j.name}`);
    return {
      name: j.name,
      model: j.model,
      variant: j.variant ?? 'fixed',
      constants: j.constants ?? {},
      timeBudgetSec: j.timeBudgetSec ?? 3600,
      memoryBudgetMiB: j.memoryBudgetMiB ?? 16_384,
    };
  });
}
