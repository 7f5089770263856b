/**
 * The reduction table of models/README.md: every variant of the selected models, checked without
 * reductions, with symmetry (where the model declares a symmetric domain of two or more values),
 * with partial-order reduction, and with both. Every run checks invariants and deadlock only, since
 * --por does not check temporal or action properties. A reduced run must give the unreduced verdict, and its
 * counterexample must replay on the unreduced model; a row says whether both held.
 */
import { registry } from '../../models';
import type { ModelDef } from '../../spec/model';
import { checkSpec, type CheckOutcome } from '../check';
import { CompiledSpec, type Reductions } from '../engine/compiled';
import { PartialOrder } from '../por/independence';
import { instantiate, type Instance } from '../model/instantiate';
import { verdictSummary, violatedProperty } from './summary';
import { formatTable } from './table';
import { itfOf } from '../trace/itfOf';
import { symDomainsOf } from '../state/codec';
import { replayTrace } from '../trace/replay';

export interface ReductionCell {
  readonly distinct: number;
  /** The verdict equals the unreduced one and its counterexample (if any) replays. */
  readonly agrees: boolean;
}

export interface ReductionRow {
  readonly model: string;
  readonly variant: string;
  readonly verdict: string;
  readonly distinct: number;
  readonly symmetry?: ReductionCell;
  readonly por: ReductionCell;
  readonly both?: ReductionCell;
}

function agrees(inst: Instance, plain: CheckOutcome, reduced: CheckOutcome): boolean {
  const v = reduced.result.verdict;
  if (verdictSummary(v) !== verdictSummary(plain.result.verdict)) return false;
  if (!reduced.trace) return v.kind === 'holds';
  const replay = replayTrace(new CompiledSpec(inst.spec), itfOf(inst, reduced.result, reduced.trace));
  return replay.kind === 'reproduced' && replay.property === violatedProperty(v);
}

export function runReductionRows(filter: (model: string) => boolean): ReductionRow[] {
  return registry.filter((m) => filter(m.name)).flatMap((m) => Object.keys(m.variants).map((v) => reductionRow(m, v)));
}

/** One row: `variant` of `model` unreduced, with symmetry (where a domain is symmetric), with POR, and both. */
export function reductionRow(model: ModelDef<any>, variant: string): ReductionRow {
  const inst = instantiate(model, variant);
  // Invariants and deadlock only: --por checks neither temporal nor action properties.
  const spec = { ...inst.spec, actionProperties: [] };
  const run = (reductions: Reductions) => checkSpec(spec, { liveness: false, reductions });
  const plain = run({});
  const cell = (reductions: Reductions): ReductionCell => {
    const r = run(reductions);
    return { distinct: r.result.stats.distinct, agrees: agrees(inst, plain, r) };
  };
  const symmetric = symDomainsOf(inst.spec.schema).some((d) => d.values.length > 1);
  const symmetry = symmetric ? cell({ symmetry: true }) : undefined;
  // A partial order with no safe transition never picks an ample set: its searches are the
  // unreduced ones (with symmetry, the symmetric one), so they are not run twice.
  const inactive = !PartialOrder.of(plain.compiled).active;
  return {
    model: model.name,
    variant,
    verdict: verdictSummary(plain.result.verdict),
    distinct: plain.result.stats.distinct,
    symmetry,
    por: inactive ? { distinct: plain.result.stats.distinct, agrees: agrees(inst, plain, plain) } : cell({ por: true }),
    both: symmetric ? (inactive ? symmetry : cell({ symmetry: true, por: true })) : undefined,
  };
}

/** The table's cells, as models/README.md has them (and its test compares). */
export function reductionCells(r: ReductionRow): string[] {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const cell = (c?: ReductionCell) => (c ? `${fmt(c.distinct)} (${(r.distinct / c.distinct).toFixed(2)}×)` : '-');
  const all = [r.symmetry, r.por, r.both].filter((c): c is ReductionCell => c !== undefined);
  return [`\`${r.model}\``, `\`${r.variant}\``, r.verdict, fmt(r.distinct), cell(r.symmetry), cell(r.por), cell(r.both), all.every((c) => c.agrees) ? 'yes' : 'NO'];
}

export function formatReductionTable(rows: readonly ReductionRow[]): string {
  return formatTable(
    ['model', 'variant', 'verdict (invariants, deadlock)', 'distinct', '--symmetry', '--por', 'both', 'same verdict, trace replays'],
    rows.map(reductionCells),
  );
}
