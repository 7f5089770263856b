/**
 * Strongly connected components of the subgraph induced by a node mask, by an iterative Tarjan
 * (no recursion, so no stack limit on million-state graphs). Edges to OUTSIDE are ignored.
 */
import { OUTSIDE, type EdgeStore } from '../store/edgeStore';

/** Calls `emit(nodes)` for each SCC of the nodes with mask[n] = 1, in reverse topological order. */
export function forEachScc(edges: EdgeStore, mask: Uint8Array, roots: Iterable<number>, emit: (nodes: number[]) => void | boolean): void {
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
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (emit(comp) === false) return;
      }
    }
  }
}
