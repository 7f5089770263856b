/**
 * The counterexample regression corpus (results/corpus/): one JSON file per expectation — a model,
 * variant, constants and strategy, and what checking it must give: "violates P with a trace of at
 * most L steps" (the saved ITF trace beside it) or "holds with exactly D distinct states".
 * An entry may name a spec module, which regress loads and runs: the corpus is code-equivalent,
 * and only modules inside the project are accepted (checker/cli/trustBoundary.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConstantDef, ConstValue, ModelDef } from '../../spec/model';
import { UsageError } from '../engine/errors';

export type EntryExpect =
  | { readonly verdict: 'holds'; readonly distinct: number; readonly generated: number }
  | {
      readonly verdict: 'violation' | 'deadlock' | 'liveness';
      /** Invariant, action property or temporal property name; `deadlock` for deadlocks. */
      readonly property: string;
      /** The trace found when the entry was recorded was this long; a longer one is drift. */
      readonly maxSteps: number;
      /** ITF file name, beside the entry. */
      readonly trace: string;
    };

export interface CorpusEntry {
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly strategy: 'bfs';
  readonly expect: EntryExpect;
}

/** The entry's file stem: model, variant and the constants that differ from their defaults. */
export function entryStem(model: ModelDef<any>, variant: string, constants: Readonly<Record<string, ConstValue>>): string {
  const defs = model.constants as Record<string, ConstantDef>;
  const consts = Object.entries(constants)
    .filter(([k, v]) => defs[k]?.default !== v)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${model.name.replace(/[/\\]/g, '_')}--${variant}${consts ? `--${consts}` : ''}`.replace(/[^\w.,=@+-]/g, '_');
}

/** A corpus file: its entry, or why it is not a valid entry (the field at fault). */
export type CorpusFile = { readonly file: string; readonly entry: CorpusEntry; readonly problem?: undefined } | { readonly file: string; readonly entry?: Partial<CorpusEntry>; readonly problem: string };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const VERDICTS = ['holds', 'violation', 'deadlock', 'liveness'] as const;

/** Why `x` is not a valid corpus entry (naming the field), or undefined if it is one. */
export function entryProblem(x: unknown): string | undefined {
  if (!isObj(x)) return 'not a JSON object';
  const show = (v: unknown) => (v === undefined ? 'missing' : `got ${JSON.stringify(v)?.slice(0, 40)}`);
  if (typeof x.model !== 'string' || x.model === '') return `field model must name a model (${show(x.model)})`;
  if (typeof x.variant !== 'string' || x.variant === '') return `field variant must name a variant (${show(x.variant)})`;
  if (!isObj(x.constants)) return `field constants must be an object (${show(x.constants)})`;
  for (const [k, v] of Object.entries(x.constants)) {
    if (!['number', 'string', 'boolean'].includes(typeof v)) return `field constants.${k} must be a number, string or boolean (${show(v)})`;
  }
  if (x.strategy !== 'bfs') return `field strategy must be "bfs" (${show(x.strategy)})`;
  const e = x.expect;
  if (!isObj(e)) return `field expect must be an object (${show(e)})`;
  if (!VERDICTS.includes(e.verdict as never)) return `field expect.verdict must be one of ${VERDICTS.join(', ')} (${show(e.verdict)})`;
  if (e.verdict === 'holds') {
    for (const f of ['distinct', 'generated']) if (!isCount(e[f])) return `field expect.${f} must be a non-negative integer (${show(e[f])})`;
    return undefined;
  }
  if (typeof e.property !== 'string' || e.property === '') return `field expect.property must name the violated property (${show(e.property)})`;
  if (!isCount(e.maxSteps)) return `field expect.maxSteps must be a non-negative integer (${show(e.maxSteps)})`;
  // A file name beside the entry: no folders, so a trace cannot be read from elsewhere.
  if (typeof e.trace !== 'string' || !/^[^/\\]+\.itf\.json$/.test(e.trace)) return `field expect.trace must be the name of an .itf.json file beside the entry (${show(e.trace)})`;
  return undefined;
}

/**
 * The corpus files in `dir`, in name order, each parsed and validated on its own: a bad entry
 * is reported (to fail alone), never a reason to stop the others. A missing folder is a UsageError.
 */
export function readCorpus(dir: string): CorpusFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`corpus folder ${dir} does not exist`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.itf.json'))
    .sort()
    .map((f): CorpusFile => {
      const file = join(dir, f);
      let x: unknown;
      try {
        x = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        return { file, problem: `not valid JSON: ${(e as Error).message.split('\n')[0]}` };
      }
      const problem = entryProblem(x);
      return problem ? { file, entry: isObj(x) ? (x as Partial<CorpusEntry>) : undefined, problem } : { file, entry: x as CorpusEntry };
    });
}

/** Writes an entry (and its trace, if any) into `dir` under `stem`; returns the entry's path. */
export function writeEntry(dir: string, stem: string, entry: CorpusEntry, itf?: unknown): string {
  mkdirSync(dir, { recursive: true });
  if (entry.expect.verdict !== 'holds') {
    if (!itf) throw new Error('a violation entry needs its trace');
    writeFileSync(join(dir, entry.expect.trace), JSON.stringify(itf, null, 1) + '\n');
  }
  const path = join(dir, `${stem}.json`);
  writeFileSync(path, JSON.stringify(entry, null, 2) + '\n');
  return path;
}
