/**
 * `hmmcheck regress`: replays every saved trace of the corpus (it must still be a behaviour of the
 * model that violates the same property) and re-checks every expectation (same verdict, no longer
 * shortest trace, exactly the same state count). Any drift fails, with a message that says what
 * changed; `update` re-records the entries deliberately.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConstValue, ModelDef } from '../../spec/model';
import { checkSpec, type CheckOutcome } from '../check';
import { CompiledSpec } from '../engine/compiled';
import { instantiate, type Instance } from '../model/instantiate';
import { ItfError, parseItf } from '../trace/itf';
import { itfOf } from '../trace/itfOf';
import { verdictSummary, violatedProperty } from '../report/summary';
import { replayTrace } from '../trace/replay';
import { entryStem, readCorpus, writeEntry, type CorpusEntry, type EntryExpect } from './corpus';

export interface RegressRow {
  readonly entry: string;
  readonly expected: string;
  readonly got: string;
  /** undefined when the entry passes. */
  readonly failure?: string;
}

export function describeExpect(e: EntryExpect): string {
  if (e.verdict === 'holds') return `holds, ${e.distinct.toLocaleString('en-US')} distinct`;
  return `${e.verdict === 'deadlock' ? 'deadlock' : `violates ${e.property}`} in ≤ ${e.maxSteps} steps`;
}

/** The expectation a check outcome establishes (the trace file named after the entry). */
export function expectOf(inst: Instance, out: CheckOutcome): EntryExpect {
  const v = out.result.verdict;
  const stem = entryStem(inst.model, inst.variant, inst.constants);
  switch (v.kind) {
    case 'holds':
      return { verdict: 'holds', distinct: out.result.stats.distinct, generated: out.result.stats.generated };
    case 'violation':
    case 'liveness':
      return { verdict: v.kind, property: v.property, maxSteps: out.trace!.steps.length - 1, trace: `${stem}.itf.json` };
    case 'deadlock':
      return { verdict: 'deadlock', property: 'deadlock', maxSteps: out.trace!.steps.length - 1, trace: `${stem}.itf.json` };
    default:
      throw new Error(`cannot record a run that ended with ${v.kind}`);
  }
}

/**
 * Records a check outcome as a corpus entry in `dir`. A model loaded from a spec module is named by
 * `modelPath` (relative to the project), which regress then loads: its registry name means nothing there.
 */
export function recordEntry(dir: string, inst: Instance, out: CheckOutcome, modelPath?: string): string {
  const entry: CorpusEntry = { model: modelPath ?? inst.model.name, variant: inst.variant, constants: inst.constants, strategy: 'bfs', expect: expectOf(inst, out) };
  return writeEntry(dir, entryStem(inst.model, inst.variant, inst.constants), entry, out.trace ? itfOf(inst, out.result, out.trace, modelPath) : undefined);
}

function replayProblem(file: string, e: Extract<EntryExpect, { trace: string }>, cs: CompiledSpec): string | undefined {
  const path = join(dirname(file), e.trace);
  if (!existsSync(path)) return `its trace ${e.trace} is missing`;
  let doc;
  try {
    doc = parseItf(readFileSync(path, 'utf8'));
  } catch (e2) {
    return `its trace ${e.trace} is malformed: ${(e2 as Error).message}`;
  }
  try {
    const r = replayTrace(cs, doc);
    if (r.kind === 'diverged') return `its saved trace no longer replays: step ${r.step}: ${r.reason}`;
    if (r.kind === 'not-violated') return `its saved trace replays but ${r.property} now holds at its end`;
    if (r.property !== e.property) return `its saved trace violates ${r.property}, not ${e.property}`;
  } catch (e2) {
    if (e2 instanceof ItfError) return `its trace ${e.trace} does not fit the model: ${e2.message}`;
    throw e2;
  }
  return undefined;
}

function checkProblem(e: EntryExpect, out: CheckOutcome): string | undefined {
  const v = out.result.verdict;
  const { distinct, generated } = out.result.stats;
  if (e.verdict === 'holds') {
    if (v.kind !== 'holds') return `expected to hold, but now ${v.kind === 'violation' || v.kind === 'liveness' ? `violates ${v.property}` : v.kind}`;
    if (distinct !== e.distinct) return `state count changed: ${e.distinct.toLocaleString('en-US')} -> ${distinct.toLocaleString('en-US')} distinct`;
    if (generated !== e.generated) return `generated count changed: ${e.generated.toLocaleString('en-US')} -> ${generated.toLocaleString('en-US')}`;
    return undefined;
  }
  if (v.kind === 'holds') return `the bug is gone: ${e.property} now holds`;
  const prop = violatedProperty(v) ?? v.kind;
  if (v.kind !== e.verdict || prop !== e.property) return `expected ${e.verdict === 'deadlock' ? 'a deadlock' : `a violation of ${e.property}`}, got ${v.kind === 'deadlock' ? 'a deadlock' : v.kind === 'error' ? `a model error: ${v.message}` : `a violation of ${prop}`}`;
  const steps = out.trace!.steps.length - 1;
  if (steps > e.maxSteps) return `the shortest trace got longer: ${e.maxSteps} -> ${steps} steps`;
  return undefined;
}

function gotText(out: CheckOutcome): string {
  const v = out.result.verdict;
  if (v.kind === 'holds') return `holds, ${out.result.stats.distinct.toLocaleString('en-US')} distinct`;
  return violatedProperty(v) !== undefined ? `${verdictSummary(v)} in ${out.trace!.steps.length - 1} steps` : verdictSummary(v);
}

export interface RegressOptions {
  readonly dir: string;
  /** Resolve a model name as recorded in an entry (registry or path). */
  readonly resolve: (name: string) => Promise<ModelDef<any>>;
  /**
   * Called for every valid entry before any entry runs; throws to refuse the whole corpus (the
   * trust boundary: a corpus naming a spec module outside the project is not run at all).
   */
  readonly vet?: (entry: CorpusEntry, name: string) => void;
  /** Re-record every entry from a fresh check instead of comparing. */
  readonly update?: boolean;
  readonly filter?: (entry: CorpusEntry) => boolean;
  /** Called with each entry's check as it ends, so that a caller can use the same run (the registry test does). */
  readonly onCheck?: (inst: Instance, out: CheckOutcome) => void;
}

export async function runRegress(opts: RegressOptions): Promise<RegressRow[]> {
  const rows: RegressRow[] = [];
  // An invalid entry is filtered by its model name when it has one, else always reported.
  const selected = readCorpus(opts.dir).filter(({ entry }) => !opts.filter || typeof entry?.model !== 'string' || opts.filter(entry as CorpusEntry));
  for (const c of selected) if (c.problem === undefined) opts.vet?.(c.entry, basename(c.file, '.json'));
  for (const c of selected) {
    const name = basename(c.file, '.json');
    if (c.problem !== undefined) {
      rows.push({ entry: name, expected: '-', got: '-', failure: `invalid entry: ${c.problem}` });
      continue;
    }
    const entry = c.entry;
    const expected = describeExpect(entry.expect);
    let inst: Instance;
    try {
      inst = instantiate(await opts.resolve(entry.model), entry.variant, entry.constants as Record<string, ConstValue>);
    } catch (e) {
      rows.push({ entry: name, expected, got: '-', failure: `cannot instantiate: ${(e as Error).message}` });
      continue;
    }
    const cs = new CompiledSpec(inst.spec);
    const out = checkSpec(cs, { strategy: 'bfs' });
    opts.onCheck?.(inst, out);
    if (opts.update) {
      recordEntry(opts.dir, inst, out);
      rows.push({ entry: name, expected: describeExpect(expectOf(inst, out)), got: gotText(out) });
      continue;
    }
    const failure = (entry.expect.verdict !== 'holds' ? replayProblem(c.file, entry.expect, cs) : undefined) ?? checkProblem(entry.expect, out);
    rows.push({ entry: name, expected, got: gotText(out), failure });
  }
  return rows;
}
