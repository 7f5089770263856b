/**
 * The shared fields lint counts accesses to, over the leaves of checker/por/leaves.ts. A field is
 * one memory word of the kernel object the state stands for: a scalar, a pointer (an optional:
 * its presence and a scalar value together), a whole set or sequence (one list or bitmask), one
 * entry of a map or array, a record marked as one word (spec/access.ts `wordType`: a pte_t). A read-modify-write of a field is one access.
 *
 * Not fields: the acting thread's own record (pc and locals, thread-local) — recorded per leaf as
 * its owner — and the state of a lock the primitives mark (spec/kernel/lockdep.ts): taking and
 * releasing locks are what make the other accesses guarded. A seqcount is the exception: its
 * sequence is itself read lock-free, so it is one field, `lockless` unless declared otherwise.
 */
import { isWord } from '../../spec/access';
import { lockClassOf } from '../../spec/kernel/lockdep';
import type { ThreadSpec } from '../../spec/spec';
import type { Type } from '../../spec/types';
import type { LeafNode } from '../por/leaves';

export interface FieldTable {
  /** Field paths in the viewer's style, thread records by id: `subs.seq`, `pte[a0]`, `Exit.flag`. */
  readonly names: readonly string[];
  /** Per leaf id: its field index, or -1 for the state of a (non-seqcount) lock. */
  readonly fieldOf: Int32Array;
  /** Per field: the id of the thread whose record it is in, if any. */
  readonly ownerOf: readonly (string | undefined)[];
  /** Per field: true for a seqcount's sequence. */
  readonly seqcount: readonly boolean[];
}

/** The field table of a schema whose leaf tree is `root` (`count` leaves). */
export function fieldTable(root: LeafNode, count: number, threads: readonly ThreadSpec[]): FieldTable {
  const names: string[] = [];
  const ownerOf: (string | undefined)[] = [];
  const seqcount: boolean[] = [];
  const fieldOf = new Int32Array(count).fill(-1);
  const kinds = new Map(threads.map((th) => [th.kind, th]));

  const field = (path: string, owner: string | undefined, isSeq = false): number => {
    names.push(path);
    ownerOf.push(owner);
    seqcount.push(isSeq);
    return names.length - 1;
  };
  const all = (n: LeafNode, f: number) => {
    for (let i = n.lo; i < n.hi; i++) fieldOf[i] = f;
  };
  const scalar = (t: Type) => t.kind === 'bool' || t.kind === 'int' || t.kind === 'enum';

  const walk = (n: LeafNode, path: string, owner: string | undefined): void => {
    const ty = n.type;
    const cls = lockClassOf(ty);
    if (cls === 'seqcount') return all(n, field(path, owner, true));
    if (cls) return; // lock state: -1
    if (isWord(ty)) return all(n, field(path, owner)); // a pte_t / pmd_t: one word (spec/access.ts wordType)
    switch (ty.kind) {
      case 'bool':
      case 'int':
      case 'enum':
      case 'set':
      case 'setOf':
      case 'bag':
      case 'seq':
        return all(n, field(path, owner));
      case 'optional': {
        const f = field(path, owner);
        fieldOf[n.presence!] = f;
        if (scalar(ty.inner)) all(n.inner!, f);
        else walk(n.inner!, path, owner);
        return;
      }
      case 'record':
        for (const [k, c] of n.children!) {
          const th = path === '' ? kinds.get(k) : undefined;
          if (th) for (const [i, rec] of c.children!) walk(rec, th.ids[Number(i)]!, th.ids[Number(i)]);
          else walk(c, path ? `${path}.${k}` : k, owner);
        }
        return;
      default:
        for (const [k, c] of n.children!) walk(c, `${path}[${k}]`, owner);
    }
  };
  walk(root, '', undefined);
  return { names, fieldOf, ownerOf, seqcount };
}
