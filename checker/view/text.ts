/**
 * A trace view as plain text for a terminal. Lanes become columns when they fit in the width
 * (default 100): each step's label stands in its thread's column, `|` marks threads still
 * running, and the step's doc, changes and (when they change) the locks held run on the right.
 * Too many lanes for the width: one block per step, the lane named on its first line.
 */
import { citationLabel } from '../../spec/citation';
import { lassoCycleText, stateAfter } from '../report/lassoText';
import { docBesideLabel } from './stepDoc';
import type { Holding, TraceView, ViewStep } from './types';

export interface TextOptions {
  /** Maximum line width to lay out for (long values may still run over). */
  readonly width?: number;
}

/** Minimum width left of the lane columns for docs and changes. */
const MIN_RIGHT = 40;

/** Greedy word wrap; words longer than a line are left whole. */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}

function holdsText(view: TraceView, holds: ViewStep['holds']): string {
  const parts = view.lanes.filter((l) => holds[l.id]?.length).map((l) => `${l.id}: ${holds[l.id]!.map(holdingText).join(', ')}`);
  return parts.length ? parts.join('; ') : '(none)';
}

function holdingText(h: Holding): string {
  if (h.waits) return `waits for ${h.path}`;
  return h.mode ? `${h.path} (${h.mode})` : h.path;
}

function sameHolds(a: ViewStep['holds'], b: ViewStep['holds']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The verdict in one clause, e.g. `Invariant INV-UAF-D is violated at step 17`. */
export function verdictSummary(view: TraceView): string {
  if (view.unknownModel !== undefined) return `A trace of an unknown model (${view.model}), shown without checking it`;
  const at = view.violationStep;
  if (at === null) return `${view.property} holds at every state of this trace by the current model: the trace no longer reproduces it`;
  switch (view.propertyKind) {
    case 'invariant': return `Invariant ${view.property} is violated at step ${at}`;
    case 'action': return `Action property ${view.property} is violated by step ${at}`;
    case 'deadlock': return `Deadlock after step ${at}`;
    case 'error': return `Model error in a successor of step ${at}`;
    default:
      // Temporal properties: the counterexample is the lasso as a whole.
      return view.loop !== undefined
        ? `Property ${view.property} is violated: ${lassoCycleText(view.loop, view.steps.length - 1)}`
        : `Property ${view.property} is violated at step ${at}`;
  }
}

/** The verdict sentence with the property's doc. */
export function verdictText(view: TraceView): string {
  const doc = view.violationStep !== null ? view.propertyDoc : undefined;
  return `${verdictSummary(view)}${doc ? `: ${doc}` : ''}.`;
}

/** The lines on the right of a step: doc and markers, changes (not the acting thread's pc), locks. */
function stepLines(view: TraceView, step: ViewStep, prev: ViewStep | undefined): string[] {
  const marks: string[] = [];
  if (step.jump) marks.push(`[-> ${step.jump}]`);
  if (step.finishes) marks.push('[done]');
  if (view.loop === step.index) marks.push('<- loop starts here');
  if (view.violationStep === step.index) marks.push(`<== ${view.propertyKind === 'deadlock' ? 'deadlock' : `${view.property} violated`}`);
  const doc = step.doc !== undefined && step.lane !== null ? docBesideLabel(step.doc, step.label) : step.doc;
  const head = [doc ?? '', ...marks].filter(Boolean).join('   ');
  const lines = [head || '(no doc)'];
  if (step.src?.length) lines.push(`  @ ${step.src.map(citationLabel).join(', ')}`);
  if (step.index === 0) {
    lines.push(...stateLines(view, 0).map((l) => `  ${l}`));
  } else {
    const shown = step.changes.filter((c) => !c.ownPc);
    if (shown.length === 0) lines.push('  (no change)');
    for (const c of shown) lines.push(`  ${c.display}: ${c.before} -> ${c.after}`);
  }
  if (prev ? !sameHolds(prev.holds, step.holds) : Object.keys(step.holds).length > 0) lines.push(`  holds: ${holdsText(view, step.holds)}`);
  return lines;
}

/**
 * The state after step `i`, one line per top-level variable (`n = 3`) or per group of fields
 * (`sem: readers={A}, writer=null`), threads named by id (`A: pc=done, k=1`).
 */
export function stateLines(view: TraceView, i: number): string[] {
  const values = view.steps[i]!.values;
  const out: string[] = [];
  let leaf = 0;
  let group: { name: string; parts: string[] } | undefined;
  const flush = () => {
    if (group) out.push(`${group.name}: ${group.parts.join(', ')}`);
    group = undefined;
  };
  for (const r of view.rows) {
    if (r.depth === 0) flush();
    if (!r.leaf) {
      if (r.depth === 0) group = { name: r.display, parts: [] };
      continue;
    }
    const value = values[leaf++]!;
    if (r.depth === 0) out.push(`${r.display} = ${value}`);
    else group?.parts.push(`${r.display.slice(group.name.length).replace(/^\./, '')}=${value}`);
  }
  flush();
  return out;
}

function header(view: TraceView): string[] {
  const consts = Object.entries(view.constants).map(([k, v]) => `${k}=${v}`).join(' ');
  if (view.unknownModel !== undefined) {
    const lanes = view.lanes.map((l) => (l.vars && (l.vars.length !== 1 || l.vars[0] !== l.id) ? `${l.id} (${l.vars.join(', ')})` : l.id));
    return [`${view.model}: ${view.steps.length - 1} steps`, `${view.unknownModel}`, `Lanes: ${lanes.join('; ')}.`];
  }
  return [`${view.model}, variant ${view.variant}${consts ? ` (${consts})` : ''}: ${view.steps.length - 1} steps`, verdictText(view)];
}

function footer(view: TraceView, indent: string): string[] {
  const out: string[] = [];
  if (view.loop !== undefined) out.push(`${indent}(back to ${stateAfter(view.loop)})`);
  out.push('', `Final state (after step ${view.steps.length - 1}):`, ...stateLines(view, view.steps.length - 1).map((l) => `  ${l}`));
  return out;
}

/** Lane columns, or undefined when they do not fit. */
function columns(view: TraceView, width: number): string[] | undefined {
  if (view.lanes.length === 0) return undefined;
  const numW = Math.max(2, String(view.steps.length - 1).length);
  const colW = view.lanes.map((l) => Math.max(4, l.id.length, ...view.steps.filter((s) => s.lane === l.id).map((s) => s.label.length)) + 2);
  const right = numW + 2 + colW.reduce((a, b) => a + b, 0);
  if (right + MIN_RIGHT > width) return undefined;
  const rightW = width - right;

  const cells = (step: ViewStep, first: boolean) =>
    view.lanes
      .map((l, k) => {
        const running = l.environment || (step.pc[l.id] ?? '') !== 'done';
        // A step of an unknown model that also changed this lane's variables: `*`.
        const text = first && step.lane === l.id ? step.label : first && step.touches?.includes(l.id) ? '*' : running && !l.environment ? '|' : '';
        return text.padEnd(colW[k]!);
      })
      .join('');

  const out = [...header(view), '', `${'#'.padStart(numW)}  ${view.lanes.map((l, k) => l.id.padEnd(colW[k]!)).join('')}`.trimEnd()];
  view.steps.forEach((step, i) => {
    const lines = stepLines(view, step, view.steps[i - 1]).flatMap((l) => {
      const indent = /^ */.exec(l)![0];
      return wrap(l.trimStart(), rightW - indent.length).map((w, j) => (j === 0 ? indent : `${indent}    `) + w);
    });
    lines.forEach((l, j) => {
      const num = j === 0 ? String(i).padStart(numW) : ' '.repeat(numW);
      out.push(`${num}  ${cells(step, j === 0)}${l}`.trimEnd());
    });
  });
  return [...out, ...footer(view, ' '.repeat(right))];
}

function list(view: TraceView, width: number): string[] {
  const numW = Math.max(2, String(view.steps.length - 1).length);
  const indent = ' '.repeat(numW + 2);
  const out = [...header(view), ''];
  view.steps.forEach((step, i) => {
    const [head, ...rest] = stepLines(view, step, view.steps[i - 1]);
    const who = step.lane === null ? 'Init' : view.unknownModel !== undefined ? step.label : `${step.lane} ${step.label}`;
    wrap(`${who}  -- ${head}`, width - indent.length).forEach((w, j) => out.push(`${j === 0 ? String(i).padStart(numW) + '  ' : indent + '    '}${w}`));
    for (const l of rest) {
      wrap(l.trim(), width - indent.length - 6).forEach((w, j) => out.push(`${indent}${j === 0 ? '  ' : '      '}${w}`));
    }
  });
  return [...out, ...footer(view, indent)];
}

export function formatTraceViewText(view: TraceView, opts: TextOptions = {}): string {
  const width = opts.width ?? 100;
  return (columns(view, width) ?? list(view, width)).join('\n');
}
