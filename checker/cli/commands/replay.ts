/**
 * `hmmcheck replay <file>`: re-executes a saved ITF trace against its model and reports whether
 * the recorded violation is reproduced, or the first step where the trace diverges and why. The
 * model comes from the registry, or from `--spec` (see ../trustBoundary.ts), never from the file.
 */
import { readFileSync } from 'node:fs';
import { CompiledSpec } from '../../engine/compiled';
import { UsageError } from '../../engine/errors';
import { instantiate } from '../../model/instantiate';
import { formatTrace, stepDocs } from '../../report/traceText';
import { ItfError } from '../../trace/itf';
import { itfSource, parseAnyItf } from '../../trace/genericItf';
import { decodeStates, replayTrace } from '../../trace/replay';
import { EXIT } from '../exitCodes';
import { modelOfTrace } from '../trustBoundary';

export interface ReplayArgs {
  file: string;
  /** The spec module a trace of a user's own spec was recorded from (a trace never loads code). */
  spec?: string;
  full?: boolean;
  quiet?: boolean;
}

export async function replayCommand(args: ReplayArgs, print: (s: string) => void): Promise<number> {
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read trace file ${args.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const itf = parseAnyItf(text);
    if (itf.kind === 'generic') {
      const source = itfSource(itf.doc);
      throw new UsageError(
        `trace ${args.file} is not an hmmcheck trace (no #meta.hmmcheck${source ? `; its source is ${source}` : ''}): replay needs the hmmcheck model it was checked against; hmmcheck view ${args.file} shows it`,
      );
    }
    const doc = itf.doc;
    const meta = doc['#meta'].hmmcheck;
    const model = await modelOfTrace(meta, args.file, args.spec);
    const inst = instantiate(model, meta.variant, meta.constants as Record<string, string>);
    const cs = new CompiledSpec(inst.spec);
    const r = replayTrace(cs, doc);
    const header = `${meta.model} variant ${meta.variant}: ${doc.states.length - 1} steps`;
    switch (r.kind) {
      case 'reproduced':
        if (!args.quiet) {
          const states = decodeStates(cs, doc);
          const steps = states.map((state, i) => {
            const m = doc.states[i]!['#meta'];
            return { label: m.action, action: m.action, params: m.params ?? {}, state };
          });
          const byLabel = new Map(cs.instances.map((i) => [i.label, i.action.name]));
          const named = steps.map((st) => ({ ...st, action: byLabel.get(st.label) ?? st.action }));
          // A lasso violates its property as a whole: no single step is marked.
          const violated = r.propertyKind === 'liveness' ? undefined : r.property;
          print(formatTrace(inst.spec.schema, { steps: named, loop: doc.loop }, { full: args.full, docs: stepDocs(cs.spec), violated }));
        }
        if (r.propertyKind === 'liveness') {
          print(`Replayed ${header}. Reproduced: temporal property ${r.property} is violated by this fair lasso.`);
          return EXIT.LIVENESS;
        }
        print(`Replayed ${header}. Reproduced: ${r.propertyKind === 'deadlock' ? 'deadlock' : `${r.propertyKind} ${r.property} is violated`} at the last state.`);
        return r.propertyKind === 'deadlock' ? EXIT.DEADLOCK : EXIT.SAFETY;
      case 'not-violated':
        print(`Replayed ${header}. The trace is a behaviour of the model, but ${r.property} holds at its last state: not reproduced.`);
        return EXIT.TRACE_DIVERGED;
      case 'diverged':
        print(`Replay of ${header} diverges at step ${r.step}: ${r.reason}.`);
        return EXIT.TRACE_DIVERGED;
    }
  } catch (e) {
    if (e instanceof ItfError) throw new UsageError(`malformed trace file ${args.file}: ${e.message}`);
    throw e;
  }
}
