/**
 * A counterexample as numbered steps: the thread (or action) and its parameters, then only the
 * variables that changed (every variable with `full`). The first state is printed whole.
 */
import { citationLabel } from '../../spec/citation';
import type { Spec } from '../../spec/spec';
import type { RecordType, Type } from '../../spec/types';
import { diffValues, formatState } from '../state/format';
import { lassoCycleText } from './lassoText';
import type { Trace } from '../trace/trace';

export interface TraceTextOptions {
  /** Whole states instead of changes. */
  full?: boolean;
  /** Step docs by action name, shown after the step label. */
  docs?: ReadonlyMap<string, string>;
  /** The property the last step violates (or `deadlock`): the step is marked. */
  violated?: string;
}

/** Step docs by action name, from the spec, for `TraceTextOptions.docs`; a cited step's sources follow its doc (`@ file:line fn()`). */
export function stepDocs(spec: Spec): Map<string, string> {
  return new Map(
    spec.actions
      .filter((a) => a.doc || a.src?.length)
      .map((a) => [a.name, [a.doc ?? '', a.src?.length ? `@ ${a.src.map(citationLabel).join(', ')}` : ''].filter(Boolean).join('   ')]),
  );
}

export function formatTrace(schema: RecordType<Record<string, Type>>, trace: Trace, opts: TraceTextOptions = {}): string {
  const lines: string[] = [];
  const width = String(trace.steps.length - 1).length;
  trace.steps.forEach((step, i) => {
    const n = String(i).padStart(width);
    const loopMark = trace.loop === i ? '   <- loop starts here' : '';
    if (i === 0) {
      lines.push(`${n}  Init${loopMark}`);
      for (const l of formatState(schema, step.state)) lines.push(`${' '.repeat(width)}      ${l}`);
      return;
    }
    const doc = opts.docs?.get(step.action);
    const mark = opts.violated && i === trace.steps.length - 1 ? `   <== ${opts.violated === 'deadlock' ? 'deadlock' : `${opts.violated} violated`}` : '';
    lines.push(`${n}  ${step.label}${doc ? `   -- ${doc}` : ''}${loopMark}${mark}`);
    if (opts.full) {
      for (const l of formatState(schema, step.state)) lines.push(`${' '.repeat(width)}      ${l}`);
    } else {
      const changes = diffValues(schema, trace.steps[i - 1]!.state, step.state, '');
      if (changes.length === 0) lines.push(`${' '.repeat(width)}      (no change)`);
      for (const c of changes) lines.push(`${' '.repeat(width)}      ${c.path}: ${c.before} -> ${c.after}`);
    }
  });
  if (trace.loop !== undefined) {
    const last = trace.steps.length - 1;
    lines.push(
      trace.loop === last
        ? `${' '.repeat(width)}  (then stutters in this state for ever: no fair action is enabled here)`
        : `${' '.repeat(width)}  (${lassoCycleText(trace.loop, last)})`,
    );
  }
  return lines.join('\n');
}
