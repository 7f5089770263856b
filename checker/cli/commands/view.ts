/**
 * `hmmcheck view <trace.json>`: draws a saved ITF counterexample as a self-contained HTML page
 * (one lane per thread, one row per step, the locks each thread holds, the state at every step),
 * or with `--text` as columns in the terminal. The model comes from the registry, or from `--spec`
 * (see ../trustBoundary.ts), never from the file. An ITF trace from another tool (Quint,
 * Apalache) is drawn without a model: a lane per group of variables (view/genericView.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../engine/errors';
import { instantiate } from '../../model/instantiate';
import { ItfError } from '../../trace/itf';
import { parseAnyItf, type AnyItf } from '../../trace/genericItf';
import type { TraceView } from '../../view/types';
import { buildGenericTraceView } from '../../view/genericView';
import { renderTraceHtml } from '../../view/html';
import { sourceUrlTemplate } from '../../view/sourceLinks';
import { formatTraceViewText } from '../../view/text';
import { buildTraceView } from '../../view/traceView';
import { EXIT } from '../exitCodes';
import { modelOfTrace } from '../trustBoundary';

export interface ViewArgs {
  file: string;
  /** The spec module a trace of a user's own spec was recorded from (a trace never loads code). */
  spec?: string;
  /** HTML output path (default: the trace's path with .html for .json). */
  out?: string;
  /** Print the text view instead of writing HTML. */
  text?: boolean;
  /** Line width of the text view (default 100). */
  width?: number;
  /** URL template linking each step to its kernel source (default: $HMMCHECK_SOURCE_URL, else git.kernel.org's stable tree). */
  sourceUrl?: string;
}

/** `t.json` → `t.html`, `t.itf.json` → `t.itf.html`, anything else gets `.html` appended. */
export function defaultHtmlPath(file: string): string {
  return /\.json$/i.test(file) ? file.replace(/\.json$/i, '.html') : `${file}.html`;
}

/**
 * The view of a trace: an hmmcheck trace with its model (from the registry, or `--spec`); any
 * other ITF trace (Quint, Apalache) without one, its lanes the variables' groups.
 */
async function traceViewOf(itf: AnyItf, args: ViewArgs): Promise<TraceView> {
  if (itf.kind === 'generic') {
    if (args.spec !== undefined) throw new UsageError(`trace ${args.file} is not an hmmcheck trace (no #meta.hmmcheck); --spec is only for traces of a spec module`);
    return buildGenericTraceView(itf.doc);
  }
  const meta = itf.doc['#meta'].hmmcheck;
  const model = await modelOfTrace(meta, args.file, args.spec);
  const inst = instantiate(model, meta.variant, meta.constants as Record<string, string>);
  return buildTraceView(itf.doc, inst.spec);
}

export async function viewCommand(args: ViewArgs, print: (s: string) => void): Promise<number> {
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read trace file ${args.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (args.width !== undefined && !(Number.isInteger(args.width) && args.width >= 40)) throw new UsageError('--width must be an integer of at least 40');
  const sourceUrl = args.text ? undefined : sourceUrlTemplate(args.sourceUrl);
  try {
    const view = await traceViewOf(parseAnyItf(text), args);
    if (args.text) {
      print(formatTraceViewText(view, { width: args.width }));
      return EXIT.OK;
    }
    const out = args.out ?? defaultHtmlPath(args.file);
    try {
      writeFileSync(out, renderTraceHtml(view, { sourceUrl }));
    } catch (e) {
      throw new UsageError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const threads = view.lanes.filter((l) => !l.environment).length;
    const lanes = view.unknownModel !== undefined ? `${threads} variable lane${threads === 1 ? '' : 's'} (not an hmmcheck trace: the model is unknown)` : `${threads} thread lane${threads === 1 ? '' : 's'}`;
    print(`Wrote ${out}: ${view.steps.length - 1} steps, ${lanes}. Open it in a browser (no server needed; j/k or the arrow keys step through).`);
    return EXIT.OK;
  } catch (e) {
    if (e instanceof ItfError) throw new UsageError(`malformed trace file ${args.file}: ${e.message}`);
    throw e;
  }
}
