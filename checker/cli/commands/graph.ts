/**
 * `hmmcheck graph <model>`: the full state graph of a small model as Graphviz DOT or JSON, with
 * the counterexample BFS finds drawn in red (`--highlight-trace`). Refuses state spaces above
 * `--max-states` (default 10,000).
 */
import { writeFileSync } from 'node:fs';
import { CompiledSpec } from '../../engine/compiled';
import { UsageError } from '../../engine/errors';
import { instantiate } from '../../model/instantiate';
import { DEFAULT_GRAPH_LIMIT, exploreGraph } from '../../view/graph';
import { graphTitle, graphToDot, graphToJson } from '../../view/graphFormat';
import { EXIT } from '../exitCodes';
import { loadModel } from '../loadModel';
import { parseConstFlags } from './check';

export interface GraphArgs {
  model: string;
  variant?: string;
  const?: string[];
  /** Default: from the extension of `out` (.json → json), else dot. */
  format?: 'dot' | 'json';
  /** Output file; without it the graph goes to stdout. */
  out?: string;
  maxStates?: number;
  highlightTrace?: boolean;
  deadlock?: boolean;
}

export async function graphCommand(args: GraphArgs, print: (s: string) => void): Promise<number> {
  const { model } = await loadModel(args.model);
  const inst = instantiate(model, args.variant ?? 'fixed', parseConstFlags(args.const));
  const limit = args.maxStates ?? DEFAULT_GRAPH_LIMIT;
  if (!(Number.isInteger(limit) && limit > 0)) throw new UsageError('--max-states must be a positive integer');
  const format = args.format ?? (args.out && /\.json$/i.test(args.out) ? 'json' : 'dot');
  if (format !== 'dot' && format !== 'json') throw new UsageError(`--format must be dot or json, got '${String(format)}'`);

  const graph = exploreGraph(new CompiledSpec(inst.spec), { maxStates: limit, checkDeadlock: args.deadlock });
  const meta = { model: model.name, variant: inst.variant, constants: inst.constants };
  const opts = { highlight: args.highlightTrace };
  const doc = format === 'json' ? graphToJson(graph, inst.spec, meta, opts) : graphToDot(graph, inst.spec, meta, opts);
  if (!args.out) {
    print(doc.trimEnd());
    return EXIT.OK;
  }
  try {
    writeFileSync(args.out, doc);
  } catch (e) {
    throw new UsageError(`cannot write ${args.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  print(`Wrote ${args.out} (${format}): ${graphTitle(meta, graph)}.`);
  if (args.highlightTrace) {
    const cx = graph.counterexample;
    print(cx ? `Highlighted the counterexample to ${cx.propertyKind === 'deadlock' ? 'deadlock freedom' : cx.property}: ${cx.path.length - 1} steps.` : 'Every property holds: there is no counterexample to highlight.');
  }
  return EXIT.OK;
}
