/**
 * The counterexample regression corpus (results/corpus/): one JSON file per expectation — a model,
 * variant, constants and strategy, and what checking it must give: "violates P with a trace of at
 * most L steps" (the saved ITF trace beside it) or "holds with exactly D distinct states".
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export function readCorpus(dir: string): { file: string; entry: CorpusEntry }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.itf.json'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      let entry: CorpusEntry;
      try {
        entry = JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new UsageError(`corpus entry ${path} is not valid JSON: ${(e as Error).message}`);
      }
      if (typeof entry.model !== 'string' || typeof entry.variant !== 'string' || !entry.expect) throw new UsageError(`corpus entry ${path} lacks model, variant or expect`);
      return { file: path, entry };
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
