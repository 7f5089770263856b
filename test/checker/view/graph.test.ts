import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { UsageError } from '../../../checker/engine/errors';
import { instantiate } from '../../../checker/model/instantiate';
import { formatState } from '../../../checker/state/format';
import { exploreGraph, GraphTooLargeError } from '../../../checker/view/graph';
import { graphToDot, graphToJson } from '../../../checker/view/graphFormat';
import { findModel } from '../../../models';
import { spec } from '../../../spec/builder';
import type { Spec } from '../../../spec/spec';
import { t } from '../../../spec/types';
import viewerRace from '../../fixtures/viewerRace';

/** DOT lines of nodes (`  s12 [label=...]`) and of edges (`  s3 -> s7 [label=...]`). */
const nodeLines = (dot: string) => dot.split('\n').filter((l) => /^ {2}s\d+ \[/.test(l));
const edgeLines = (dot: string) => dot.split('\n').filter((l) => /^ {2}s\d+ -> s\d+ \[/.test(l));

function model(name: string, consts: Record<string, string> = {}) {
  const m = findModel(name);
  if (!m) throw new Error(`no model ${name}`);
  const inst = instantiate(m, 'fixed', consts);
  return { spec: inst.spec, meta: { model: m.name, variant: inst.variant, constants: inst.constants } };
}

/** The counterexample `check` prints, as action labels and printed states. */
function checkTrace(sp: Spec) {
  const { trace } = checkSpec(sp, { strategy: 'bfs' });
  return { actions: trace!.steps.slice(1).map((s) => s.label), states: trace!.steps.map((s) => formatState(sp.schema, s.state).join('; ')) };
}

describe('state graph export', () => {
  it('gives TwoPhase with RM = 3 exactly its 288 distinct states as DOT node lines', () => {
    const { spec: sp, meta } = model('reference/twophase');
    const graph = exploreGraph(new CompiledSpec(sp));
    const dot = graphToDot(graph, sp, meta);
    expect(nodeLines(dot)).toHaveLength(288);
    expect(edgeLines(dot)).toHaveLength(graph.edges.length);
    expect(new Set(graph.nodes.map((n) => formatState(sp.schema, n.state).join('; '))).size).toBe(288);
    expect(graph.nodes.filter((n) => n.init)).toHaveLength(1);
    expect(graph.counterexample).toBeUndefined();
    expect(dot.startsWith('// hmmcheck state graph: reference/twophase variant fixed (RM=3): 288 states')).toBe(true);
    // Every edge joins known nodes and is listed once.
    expect(new Set(graph.edges.map((e) => `${e.from}>${e.to}>${e.action}`)).size).toBe(graph.edges.length);
    expect(graph.edges.every((e) => e.from < graph.nodes.length && e.to < graph.nodes.length)).toBe(true);
  });

  it('writes the same graph as JSON with ITF state values', () => {
    const { spec: sp, meta } = model('reference/twophase', { RM: '2' });
    const graph = exploreGraph(new CompiledSpec(sp));
    const doc = JSON.parse(graphToJson(graph, sp, meta));
    expect(doc).toMatchObject({ format: 'hmmcheck-state-graph', model: 'reference/twophase', constants: { RM: 2 }, vars: ['rmState', 'tmState', 'tmPrepared', 'msgs'] });
    expect(doc.nodes).toHaveLength(graph.nodes.length);
    expect(doc.edges).toHaveLength(graph.edges.length);
    expect(doc.nodes[0]).toMatchObject({ id: 0, init: true, depth: 1, state: { tmState: 'init', msgs: { prepared: { '#set': [] }, commit: false, abort: false }, rmState: { '#map': [['r1', 'working'], ['r2', 'working']] } } });
    expect(doc.counterexample).toBeUndefined();
  });

  it('refuses a state space above the limit, naming the limit and how to raise it', () => {
    const { spec: sp } = model('reference/twophase');
    expect(() => exploreGraph(new CompiledSpec(sp), { maxStates: 287 })).toThrow(GraphTooLargeError);
    expect(() => exploreGraph(new CompiledSpec(sp), { maxStates: 287 })).toThrow(/more than 287 states, the graph export limit;.*--max-states N/);
    expect(exploreGraph(new CompiledSpec(sp), { maxStates: 288 }).nodes).toHaveLength(288);
    const big = model('reference/twophase', { RM: '7' });
    const err = (() => {
      try {
        exploreGraph(new CompiledSpec(big.spec));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^the state space has more than 10,000 states, the graph export limit/);
  });

  it('highlights the counterexample check finds (DieHard: 6 steps)', () => {
    const { spec: sp, meta } = model('reference/diehard');
    const graph = exploreGraph(new CompiledSpec(sp));
    const cx = graph.counterexample!;
    expect(cx).toMatchObject({ property: 'NotSolved', propertyKind: 'invariant' });
    const want = checkTrace(sp);
    expect(cx.actions).toEqual(want.actions);
    expect(cx.path.map((id) => formatState(sp.schema, graph.nodes[id]!.state).join('; '))).toEqual(want.states);

    const dot = graphToDot(graph, sp, meta, { highlight: true });
    const red = (lines: string[]) => lines.filter((l) => l.includes('color="#dc2626"'));
    expect(red(nodeLines(dot))).toHaveLength(7);
    expect(red(edgeLines(dot))).toHaveLength(6);
    expect(dot).toContain('step 6 of the counterexample\\lviolates NotSolved\\l');
    expect(graphToDot(graph, sp, meta)).not.toContain('#dc2626');
    expect(JSON.parse(graphToJson(graph, sp, meta, { highlight: true })).counterexample).toEqual(cx);
  });

  it('highlights the same interleaving as check on a thread model', () => {
    const graph = exploreGraph(new CompiledSpec(viewerRace));
    expect(graph.counterexample!.actions).toEqual(checkTrace(viewerRace).actions);
  });

  it('finds deadlocks and action-property violations as check does', () => {
    const stuck = spec({ x: t.int(0, 2) })
      .init(() => ({ x: 0 }))
      .action('Inc', {}, { guard: (s) => s.x < 2, effect: (d) => void d.x++ })
      .build();
    const g = exploreGraph(new CompiledSpec(stuck));
    expect(g.counterexample).toEqual({ property: 'deadlock', propertyKind: 'deadlock', path: [0, 1, 2], actions: ['Inc', 'Inc'] });
    expect(g.nodes[2]!.deadlock).toBe(true);
    expect(exploreGraph(new CompiledSpec(stuck), { checkDeadlock: false }).counterexample).toBeUndefined();

    const jumpy = spec({ x: t.int(0, 3) })
      .init(() => ({ x: 0 }))
      .action('Step', { by: [1, 2] }, { guard: (s, p) => s.x + p.by <= 3, effect: (d, p) => void (d.x += p.by) })
      .action('Reset', {}, { guard: (s) => s.x === 3, effect: (d) => void (d.x = 0) })
      .actionProperty('Small', (s, u) => u.x - s.x <= 1 || u.x === 0)
      .build();
    const j = exploreGraph(new CompiledSpec(jumpy));
    expect(j.counterexample).toEqual({ property: 'Small', propertyKind: 'action', path: [0, 2], actions: ['Step(2)'] });
    expect(checkTrace(jumpy).actions).toEqual(['Step(2)']);
    expect(j.edges.filter((e) => e.violates.length).map((e) => e.action)).toEqual(['Step(2)', 'Step(2)']);
  });
});
