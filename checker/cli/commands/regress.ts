/**
 * `hmmcheck regress`: the counterexample regression suite over results/corpus, as one table; a
 * non-zero exit on any drift. `--update` re-records every entry; `--add-missing` records an entry
 * for every registry model variant that has none yet (at default constants).
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
import { loadModel } from '../loadModel';

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
    resolve: async (name) => (await loadModel(name)).model,
    filter: args.filter ? (e) => e.model.includes(args.filter!) : undefined,
  });
  print(formatRegress(rows));
  const failed = rows.filter((r) => r.failure);
  if (args.update) {
    print(`\nRe-recorded ${rows.length} entries in ${dir}.`);
    return EXIT.OK;
  }
  print(failed.length === 0 ? `\nAll ${rows.length} corpus entries hold.` : `\n${failed.length} of ${rows.length} corpus entries drifted.`);
  return failed.length === 0 ? EXIT.OK : EXIT.SUITE_MISMATCH;
}
