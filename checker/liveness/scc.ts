/**
 * Strongly connected components of the subgraph induced by a node mask, by an iterative Tarjan
 * (no recursion, so no stack limit on million-state graphs). Edges to OUTSIDE are ignored.
 */
import { OUTSIDE, type EdgeStore } from '../store/edgeStore';

/**
 * Calls `emit(stack, from, to)` for each SCC of the nodes with mask[n] = 1, in reverse topological
 * order: its nodes are stack[from..to), valid during the call only (a state graph has mostly
 * single-state components, so none gets an array of its own unless the caller makes one).
 * Returning false stops the search.
 */
export function forEachScc(
  edges: EdgeStore,
  mask: Uint8Array,
  roots: Iterable<number>,
  emit: (stack: readonly number[], from: number, to: number) => void | boolean,
): void {
  const n = mask.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  for (const root of roots) {
    if (!mask[root] || index[root] !== -1) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callNode.push(root);
    callEdge.push(edges.first(root));
    while (callNode.length > 0) {
      const v = callNode[callNode.length - 1]!;
      const e = callEdge[callEdge.length - 1]!;
      if (e < edges.end(v)) {
        callEdge[callEdge.length - 1] = e + 1;
        const w = edges.target(e);
        if (w === OUTSIDE || !mask[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(edges.first(w));
        } else if (onStack[w] && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const parent = callNode[callNode.length - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === index[v]) {
        let from = stack.length - 1;
        while (stack[from] !== v) from--;
        for (let k = from; k < stack.length; k++) onStack[stack[k]!] = 0;
        const stop = emit(stack, from, stack.length) === false;
        stack.length = from;
        if (stop) return;
      }
    }
  }
}
