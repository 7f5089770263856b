/**
 * The value each leaf of checker/por/leaves.ts has in a concrete state, as the probe's stand-in
 * would read it (a scalar, an optional's presence, a seq's length, a set's membership bit): what
 * lint feeds the probe to run one step on one reachable state, and what its memo compares.
 */
import type { Key } from '../../spec/types';
import type { LeafNode } from '../por/leaves';

/** Per leaf id, a function from a state to the leaf's value there (undefined where it is absent). */
export function leafGetters(root: LeafNode, count: number): ((s: any) => unknown)[] {
  const out: ((s: any) => unknown)[] = new Array(count);
  const walk = (n: LeafNode, get: (s: any) => any): void => {
    const ty = n.type;
    switch (ty.kind) {
      case 'bool':
      case 'int':
      case 'enum':
      case 'setOf':
      case 'bag':
        out[n.lo] = get;
        return;
      case 'optional':
        out[n.presence!] = (s) => {
          const v = get(s);
          return v === undefined ? undefined : v !== null;
        };
        walk(n.inner!, (s) => get(s) ?? undefined);
        return;
      case 'set': {
        const domain = ty.domain as readonly Key[];
        for (const [k, id] of n.members!) {
          const key = domain.find((d) => String(d) === k)!;
          out[id] = (s) => {
            const v = get(s) as Set<Key> | undefined;
            return v === undefined ? undefined : v.has(key);
          };
        }
        return;
      }
      case 'seq':
        out[n.length!] = (s) => (get(s) as unknown[] | undefined)?.length;
        for (const [k, c] of n.children!) walk(c, (s) => get(s)?.[k]);
        return;
      default:
        for (const [k, c] of n.children!) walk(c, (s) => get(s)?.[k]);
    }
  };
  walk(root, (s) => s);
  return out;
}
