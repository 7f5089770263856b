/**
 * A state graph as Graphviz DOT (one `sN [...]` line per state, one `sA -> sB [...]` line per
 * transition) or as JSON (states in ITF values, so the same decoder reads traces and graphs).
 * With `highlight`, the counterexample path is drawn thick and red and its states numbered as
 * trace steps; states breaking an invariant are always filled red, deadlocks orange.
 *
 * @example
 * hmmcheck graph reference/twophase --const RM=2 -o tp.dot && dot -Tsvg tp.dot > tp.svg
 */
import type { ConstValue } from '../../spec/model';
import type { Spec } from '../../spec/spec';
import { formatState } from '../state/format';
import { toItfValue } from '../trace/itf';
import type { StateGraph } from './graph';

export interface GraphMeta {
  readonly model: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
}

export interface GraphFormatOptions {
  /** Mark the counterexample path (if the graph has one). */
  readonly highlight?: boolean;
}

const PATH_COLOR = '#dc2626';

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Left-justified multi-line label (`\l` ends each line in DOT). */
function dotLines(lines: readonly string[]): string {
  return `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\l')}\\l"`;
}

export function graphTitle(meta: GraphMeta, graph: StateGraph): string {
  const consts = Object.entries(meta.constants).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${meta.model} variant ${meta.variant}${consts ? ` (${consts})` : ''}: ${graph.nodes.length.toLocaleString('en-US')} states, ${graph.edges.length.toLocaleString('en-US')} transitions`;
}

export function graphToDot(graph: StateGraph, spec: Spec, meta: GraphMeta, opts: GraphFormatOptions = {}): string {
  const cx = opts.highlight ? graph.counterexample : undefined;
  const stepOf = new Map(cx?.path.map((id, k) => [id, k]) ?? []);
  const pathEdges = new Set(cx?.path.slice(1).map((to, k) => `${cx.path[k]}>${to}>${cx.actions[k]}`) ?? []);
  const title = graphTitle(meta, graph) + (cx ? ` — counterexample to ${cx.property} in red` : '');

  const out = [
    `// hmmcheck state graph: ${title}`,
    `digraph ${dotString(meta.model)} {`,
    `  graph [label=${dotString(title)}, labelloc=t, fontname="Helvetica", fontsize=12];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#94a3b8", fontname="Courier", fontsize=9];',
    '  edge [fontname="Helvetica", fontsize=8, color="#64748b", fontcolor="#334155"];',
  ];
  for (const n of graph.nodes) {
    const step = stepOf.get(n.id);
    const head: string[] = [];
    if (step !== undefined) head.push(`step ${step} of the counterexample`);
    if (n.init) head.push('initial state');
    if (n.violates.length) head.push(`violates ${n.violates.join(', ')}`);
    if (n.deadlock) head.push('deadlock');
    const attrs = [`label=${dotLines([...head, ...formatState(spec.schema, n.state)])}`];
    if (n.init) attrs.push('peripheries=2');
    if (n.violates.length) attrs.push('fillcolor="#fee2e2"');
    else if (n.deadlock) attrs.push('fillcolor="#ffedd5"');
    if (step !== undefined) attrs.push(`color="${PATH_COLOR}"`, 'penwidth=2.5');
    out.push(`  s${n.id} [${attrs.join(', ')}];`);
  }
  for (const e of graph.edges) {
    const attrs = [`label=${dotString(e.action)}`];
    if (pathEdges.has(`${e.from}>${e.to}>${e.action}`)) attrs.push(`color="${PATH_COLOR}"`, `fontcolor="${PATH_COLOR}"`, 'penwidth=2.5');
    else if (e.violates.length) attrs.push('color="#f97316"', 'style=dashed');
    out.push(`  s${e.from} -> s${e.to} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

export function graphToJson(graph: StateGraph, spec: Spec, meta: GraphMeta, opts: GraphFormatOptions = {}): string {
  const vars = Object.keys(spec.schema.fields);
  const itf = (s: any) => Object.fromEntries(vars.map((v) => [v, toItfValue(spec.schema.fields[v]!, s[v])]));
  const doc = {
    format: 'hmmcheck-state-graph',
    model: meta.model,
    variant: meta.variant,
    constants: meta.constants,
    vars,
    nodes: graph.nodes.map((n) => ({ id: n.id, init: n.init, depth: n.depth, violates: n.violates, deadlock: n.deadlock, state: itf(n.state) })),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, action: e.action, ...(e.violates.length ? { violates: e.violates } : {}) })),
    ...(opts.highlight ? { counterexample: graph.counterexample ?? null } : {}),
  };
  return JSON.stringify(doc, null, 1) + '\n';
}
