import { describe, expect, it } from 'vitest';
import { resolveAccess } from '../../../checker/lint/declarations';
import { fieldTable } from '../../../checker/lint/fields';
import { leafGetters } from '../../../checker/lint/leafValues';
import { leafTree } from '../../../checker/por/leaves';
import { isWord, wordType } from '../../../spec/access';
import { lockSites, lockType } from '../../../spec/kernel/lockdep';
import { ptEntryType } from '../../../spec/kernel/pageTable';
import { mutexType } from '../../../spec/kernel/mutex';
import { seqcountType } from '../../../spec/kernel/seqcount';
import type { ThreadSpec } from '../../../spec/spec';
import { t } from '../../../spec/types';

const IDS = ['F', 'Inv'] as const;
const threads: ThreadSpec[] = [{ kind: 'F', ids: ['F'], labels: ['F1'] }, { kind: 'Inv', ids: ['Inv'], labels: ['I1'] }];
const schema = t.record({
  subs: t.record({ lock: mutexType(IDS), seq: t.int(0, 3), active: t.int(0, 1) }),
  sq: seqcountType(IDS),
  readers: t.set(IDS),
  queue: t.seq(t.int(0, 1), 2),
  range: t.optional(t.record({ valid: t.bool(), n: t.int(0, 1) })),
  ptr: t.optional(t.int(0, 2)),
  page: t.map(['p0', 'p1'], t.record({ lock: lockType(t.optional(t.enum(...IDS)), 'owner'), val: t.int(0, 1) })),
  F: t.array(t.record({ pc: t.enum('F1', 'done'), r: t.int(0, 1) }), 1),
  Inv: t.array(t.record({ pc: t.enum('I1', 'done') }), 1),
});
const { root, count, names: leaves } = leafTree(schema);
const table = fieldTable(root, count, threads);

describe('lint fields: a record marked as one word', () => {
  it('a pte_t / pmd_t (spec/access.ts wordType, pageTable.ts ptEntryType) is one field, not one per member', () => {
    const words = t.record({ pmd: t.array(ptEntryType(['T0'], ['P0']), 1), plain: t.record({ a: t.bool(), b: t.bool() }) });
    const lt = leafTree(words);
    expect(fieldTable(lt.root, lt.count, []).names).toEqual(['pmd[0]', 'plain.a', 'plain.b']);
    expect(isWord(wordType(t.record({ a: t.bool() })))).toBe(true);
    expect(isWord(t.record({ a: t.bool() }))).toBe(false);
  });
});

describe('lint fields', () => {
  it('one field per word: scalars, pointers, whole sets and seqs, map entries; a seqcount is one field; other locks none', () => {
    expect(table.names).toEqual([
      'subs.seq', 'subs.active', 'sq', 'readers', 'queue', 'range', 'range.valid', 'range.n', 'ptr',
      'page[p0].val', 'page[p1].val', 'F.pc', 'F.r', 'Inv.pc',
    ]);
    expect(table.seqcount.filter(Boolean)).toHaveLength(1);
    expect(table.ownerOf.slice(-3)).toEqual(['F', 'F', 'Inv']);
    const lockLeaf = leaves.indexOf('state.subs.lock.owner?');
    expect(table.fieldOf[lockLeaf]).toBe(-1);
  });

  it('leaf getters read a concrete state as the probe does', () => {
    const get = leafGetters(root, count);
    const s = {
      subs: { lock: { owner: null }, seq: 2, active: 0 }, sq: { writer: null, reader: { F: 'valid', Inv: null } }, readers: new Set(['Inv']), queue: [1],
      range: null, ptr: 2, page: { p0: { lock: 'F', val: 0 }, p1: { lock: null, val: 1 } }, F: [{ pc: 'F1', r: 0 }], Inv: [{ pc: 'done' }],
    };
    const at = (name: string) => get[leaves.indexOf(name)]!(s);
    expect([at('state.subs.seq'), at('state.readers∋F'), at('state.readers∋Inv'), at('state.queue.length'), at('state.range?'), at('state.range.valid'), at('state.ptr?'), at('state.ptr')]).toEqual([
      2, false, true, 1, false, undefined, true, 2,
    ]);
  });

  it('the longest declaration wins, * binds to the key in guardedBy, and wrong names are reported', () => {
    const r = resolveAccess(
      { subs: 'lockless', 'subs.active': { guardedBy: 'subs.lock' }, 'page[*].val': { guardedBy: 'page[*].lock' }, 'range.n': { guardedBy: 'nolock' }, ghost: 'atomic' },
      table,
      lockSites(schema),
    );
    const rule = (n: string) => r.rules[table.names.indexOf(n)];
    expect(rule('subs.seq')).toEqual({ kind: 'lockless', decl: 'subs' });
    expect(rule('subs.active')).toEqual({ kind: 'guarded', decl: 'subs.active', locks: ['subs.lock'], lockfreeReads: false });
    expect(rule('page[p1].val')).toEqual({ kind: 'guarded', decl: 'page[*].val', locks: ['page.p1.lock'], lockfreeReads: false });
    expect(rule('sq')).toEqual({ kind: 'lockless', decl: '(seqcount)' });
    expect(rule('readers')).toEqual({ kind: 'undeclared' });
    expect(r.problems).toEqual([
      ".access: 'range.n' is guardedBy 'nolock', which is not a lock of the state (a mutexType, spinlockType, rwsemType, seqcountType or lockType field)",
      ".access: 'ghost' matches no shared field of the state",
    ]);
  });
});

describe('ghost fields', () => {
  it('err and every freed flag are model bookkeeping by the errors.ts convention; ghost can be declared', () => {
    const ghostSchema = t.record({ err: t.optional(t.enum('UAF')), obj: t.record({ freed: t.bool(), n: t.int(0, 1) }), hist: t.int(0, 1) });
    const tree = leafTree(ghostSchema);
    const tab = fieldTable(tree.root, tree.count, []);
    const r = resolveAccess({ hist: 'ghost' }, tab, []);
    expect(tab.names.map((n, i) => [n, r.rules[i]!.kind])).toEqual([
      ['err', 'ghost'],
      ['obj.freed', 'ghost'],
      ['obj.n', 'undeclared'],
      ['hist', 'ghost'],
    ]);
  });
});
