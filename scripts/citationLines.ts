/**
 * Which step citations still lack a line (issue 14, Must show 4: the trace viewer links a step to
 * its kernel source line only when the citation names one). Per model: the thread-step citations
 * of a place in a tree (mails excluded) without a line, over all variants, of all such citations;
 * then, over the models, each distinct place (commit or "(none)" for current mainline cited by
 * name, file, function) with the number of model/variant/step citations that name it.
 *
 * @example
 * npx tsx scripts/citationLines.ts                 # every model of the registry
 * npx tsx scripts/citationLines.ts hmm/m4 hmm/m6   # models whose name starts with one of these
 * npx tsx scripts/citationLines.ts --places        # also the places, one a line, most cited first
 */
import { isMailCitation } from '../spec/citation';
import { stepCitations, unlinedCitations } from '../checker/lint/citations';
import { registry } from '../models/index';

const args = process.argv.slice(2);
const prefixes = args.filter((a) => !a.startsWith('--'));
const models = registry.filter((m) => prefixes.length === 0 || prefixes.some((p) => m.name.startsWith(p)));
const places = new Map<string, number>();
let lacking = 0;
let all = 0;
for (const model of models) {
  const tree = stepCitations(model).filter((c) => !isMailCitation(c)).length;
  if (tree === 0) continue;
  const unlined = unlinedCitations(model);
  for (const { citation: c } of unlined) {
    const key = `${c.commit ?? '(none)'} ${c.file} ${c.fn}`;
    places.set(key, (places.get(key) ?? 0) + 1);
  }
  lacking += unlined.length;
  all += tree;
  console.log(`${model.name.padEnd(34)} lacking a line ${String(unlined.length).padStart(5)} / ${String(tree).padStart(5)} tree citations (over variants)`);
}
if (args.includes('--places')) for (const [key, n] of [...places].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`  ${key}  (${n})`);
console.log(`total: ${lacking} / ${all} step citations lack a line; ${places.size} distinct places (commit, file, function)`);
