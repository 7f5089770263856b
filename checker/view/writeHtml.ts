/**
 * Writes a counterexample as a trace page: `check --html FILE` and `view` call this.
 *
 * @example
 * if (args.html && itf) writeTraceHtml(itf, inst.spec, args.html);
 */
import { writeFileSync } from 'node:fs';
import type { Spec } from '../../spec/spec';
import type { ItfTrace } from '../trace/itf';
import { renderTraceHtml, type HtmlOptions } from './html';
import { buildTraceView } from './traceView';
import type { TraceView } from './types';

/** Renders `itf` (a behaviour of `spec`) as a self-contained HTML page at `path`; returns the view drawn. */
export function writeTraceHtml(itf: ItfTrace, spec: Spec, path: string, opts: HtmlOptions = {}): TraceView {
  const view = buildTraceView(itf, spec);
  writeFileSync(path, renderTraceHtml(view, opts));
  return view;
}
