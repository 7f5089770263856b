/**
 * `hmmcheck regress`: the counterexample regression suite over results/corpus, as one table; a
 * non-zero exit on any drift. `--update` re-records every entry; `--add-missing` records an entry
 * for every registry model variant that has none yet (at its bound: the defaults and `expect.at`),
 * only for the models `--filter` selects if given.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../../../models';
import { checkSpec } from '../../check';
import { instantiate } from '../../model/instantiate';
import { entryStem } from '../../regress/corpus';
import { recordEntry, runRegress, type RegressRow } from '../../regress/regress';
import { formatTable } from '../../report/table';
import { EXIT } from '../exitCodes';
import { UsageError } from '../../engine/errors';
import { loadProjectModel, vetProjectModel } from '../trustBoundary';

export const DEFAULT_CORPUS = 'results/corpus';

export interface RegressArgs {
  dir?: string;
  update?: boolean;
  addMissing?: boolean;
  filter?: string;
}

export function formatRegress(rows: readonly RegressRow[]): string {
  return formatTable(
    ['entry', 'expected', 'got', 'status'],
    rows.map((r) => [r.entry, r.expected, r.got, r.failure ? `FAIL: ${r.failure}` : 'ok']),
  );
}

export async function regressCommand(args: RegressArgs, print: (s: string) => void): Promise<number> {
  const dir = args.dir ?? DEFAULT_CORPUS;
  if (args.addMissing) {
    for (const model of registry) {
      if (args.filter && !model.name.includes(args.filter)) continue;
      for (const variant of Object.keys(model.variants)) {
        const inst = instantiate(model, variant);
        if (existsSync(join(dir, `${entryStem(model, variant, inst.constants)}.json`))) continue;
        print(`recorded ${recordEntry(dir, inst, checkSpec(inst.spec))}`);
      }
    }
  }
  const rows = await runRegress({
    dir,
    update: args.update,
    vet: (entry, name) => vetProjectModel(entry.model, `corpus entry ${name}`),
    resolve: (name) => loadProjectModel(name, `corpus model ${name}`),
    filter: args.filter ? (e) => e.model.includes(args.filter!) : undefined,
  });
  if (rows.length === 0) throw new UsageError(args.filter ? `no corpus entry in ${dir} has a model name containing '${args.filter}'` : `the corpus folder ${dir} has no entries`);
  print(formatRegress(rows));
  const failed = rows.filter((r) => r.failure);
  if (args.update) {
    print(`\nRe-recorded ${rows.length - failed.length} entries in ${dir}${failed.length ? `; ${failed.length} could not be` : ''}.`);
    return failed.length === 0 ? EXIT.OK : EXIT.SUITE_MISMATCH;
  }
  print(failed.length === 0 ? `\nAll ${rows.length} corpus entries hold.` : `\n${failed.length} of ${rows.length} corpus entries drifted.`);
  return failed.length === 0 ? EXIT.OK : EXIT.SUITE_MISMATCH;
}
