/**
 * The atoms of a state that an access can touch, numbered in depth-first order of the schema so
 * that every sub-value (a record, an array, a thread's record) owns one contiguous range. A leaf is
 * a scalar (bool, int, enum), a whole set of composite values or bag, a seq's length, one membership bit of a set, or an optional's
 * presence. Partial-order reduction compares what transitions read and write as sets of leaves.
 */
import type { Key, Type } from '../../spec/types';

/** A node of the schema tree with its leaf range [lo, hi). */
export interface LeafNode {
  readonly type: Type;
  readonly lo: number;
  readonly hi: number;
  /** Children by key (record fields, array/tuple/seq indices, map keys). */
  readonly children?: ReadonlyMap<string, LeafNode>;
  /** Leaf id of a seq's length, a set's member (per key) or an optional's presence. */
  readonly length?: number;
  readonly members?: ReadonlyMap<string, number>;
  readonly presence?: number;
  /** An optional's value. */
  readonly inner?: LeafNode;
}

/** Numbers the leaves of `type`; `names[id]` is a readable path of each leaf. */
export function leafTree(type: Type): { root: LeafNode; count: number; names: string[] } {
  const names: string[] = [];
  const build = (ty: Type, path: string): LeafNode => {
    const lo = names.length;
    const leaf = (suffix = '') => (names.push(path + suffix), names.length - 1);
    const kids = (entries: [Key, Type][]) => new Map(entries.map(([k, t]) => [String(k), build(t, `${path}.${k}`)]));
    switch (ty.kind) {
      case 'bool':
      case 'int':
      case 'enum':
      case 'setOf':
      case 'bag':
        leaf();
        return { type: ty, lo, hi: names.length };
      case 'record': {
        const children = kids(Object.entries(ty.fields));
        return { type: ty, lo, hi: names.length, children };
      }
      case 'array': {
        const children = kids(Array.from({ length: ty.length }, (_, i) => [i, ty.elem]));
        return { type: ty, lo, hi: names.length, children };
      }
      case 'tuple': {
        const children = kids(ty.elems.map((e, i) => [i, e]));
        return { type: ty, lo, hi: names.length, children };
      }
      case 'map': {
        const children = kids(ty.domain.map((k) => [k, ty.value]));
        return { type: ty, lo, hi: names.length, children };
      }
      case 'set': {
        const members = new Map(ty.domain.map((k) => [String(k), leaf(`∋${String(k)}`)]));
        return { type: ty, lo, hi: names.length, members };
      }
      case 'seq': {
        const length = leaf('.length');
        const children = kids(Array.from({ length: ty.maxLength }, (_, i) => [i, ty.elem]));
        return { type: ty, lo, hi: names.length, children, length };
      }
      case 'optional': {
        const presence = leaf('?');
        const inner = build(ty.inner, path);
        return { type: ty, lo, hi: names.length, presence, inner };
      }
    }
  };
  const root = build(type, 'state');
  return { root, count: names.length, names };
}

/** A set of leaves as a bitset. */
export class LeafSet {
  readonly bits: Uint32Array;
  constructor(readonly size: number) {
    this.bits = new Uint32Array((size + 31) >>> 5);
  }
  add(id: number): void {
    this.bits[id >>> 5]! |= 1 << (id & 31);
  }
  addRange(lo: number, hi: number): void {
    for (let i = lo; i < hi; i++) this.add(i);
  }
  has(id: number): boolean {
    return (this.bits[id >>> 5]! & (1 << (id & 31))) !== 0;
  }
  fill(): void {
    this.addRange(0, this.size);
  }
  union(o: LeafSet): void {
    for (let i = 0; i < this.bits.length; i++) this.bits[i]! |= o.bits[i]!;
  }
  intersects(o: LeafSet): boolean {
    for (let i = 0; i < this.bits.length; i++) if ((this.bits[i]! & o.bits[i]!) !== 0) return true;
    return false;
  }
  ids(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.has(i)) out.push(i);
    return out;
  }
}
