import { describe, expect, it } from 'vitest';
import { leafTree } from '../../../checker/por/leaves';
import { probe } from '../../../checker/por/probe';
import { t, type Type } from '../../../spec/types';

const schema = t.record({
  a: t.int(0, 3),
  b: t.bool(),
  c: t.enum('x', 'y', 'z'),
  arr: t.array(t.record({ pc: t.enum('L1', 'L2', 'done'), n: t.int(0, 1) }), 2),
  set: t.set(['p', 'q']),
  seq: t.seq(t.int(0, 1), 2),
  opt: t.optional(t.record({ v: t.int(0, 2) })),
});
const { root, count, names } = leafTree(schema);
const named = (ids: number[]) => ids.map((i) => names[i]);

function access(fn: (s: any, ctx: { choose<T>(o: readonly T[]): T }) => void, opts = {}) {
  const a = probe(root, count, fn, opts);
  return { reads: named(a.reads.ids()), writes: named(a.writes.ids()), complete: a.complete, runs: a.runs, watched: a.watched };
}

describe('leafTree', () => {
  it('numbers every scalar, set member, seq length and optional presence once, each sub-value a contiguous range', () => {
    expect(names).toEqual([
      'state.a', 'state.b', 'state.c',
      'state.arr.0.pc', 'state.arr.0.n', 'state.arr.1.pc', 'state.arr.1.n',
      'state.set∋p', 'state.set∋q',
      'state.seq.length', 'state.seq.0', 'state.seq.1',
      'state.opt?', 'state.opt.v',
    ]);
    const arr1 = root.children!.get('arr')!.children!.get('1')!;
    expect([arr1.lo, arr1.hi]).toEqual([5, 7]);
  });
});

describe('probe', () => {
  it('follows every branch: a read that happens on one value of another read is found', () => {
    const r = access((s) => {
      if (s.a === 3 && s.c === 'z') void s.b;
    });
    expect(r.reads).toEqual(['state.a', 'state.b', 'state.c']);
    expect(r.writes).toEqual([]);
    expect(r.complete).toBe(true);
    // One run per combination of what was read: a ∈ 0..2 (3), a = 3 with c ∈ {x, y} (2), and
    // a = 3, c = z with b ∈ {false, true} (2).
    expect(r.runs).toBe(7);
  });

  it('does not count reading back what the function wrote as a read', () => {
    const r = access((s) => {
      s.a = 1;
      s.b = s.a === 1;
    });
    expect(r.reads).toEqual([]);
    expect(r.writes).toEqual(['state.a', 'state.b']);
  });

  it('records writes of whole sub-values as writes of all their leaves', () => {
    expect(access((s) => void (s.arr[1] = { pc: 'L1', n: 0 })).writes).toEqual(['state.arr.1.pc', 'state.arr.1.n']);
    expect(access((s) => void (s.opt = null)).writes).toEqual(['state.opt?', 'state.opt.v']);
  });

  it('copies read their source: assigning one sub-value to another reads every leaf of the source', () => {
    const r = access((s) => void (s.arr[0] = s.arr[1]));
    expect(r.reads).toEqual(['state.arr.1.pc', 'state.arr.1.n']);
    expect(r.writes).toEqual(['state.arr.0.pc', 'state.arr.0.n']);
  });

  it('mimics arrays, sets, seqs and optionals as effects use them', () => {
    expect(access((s) => void s.arr.every((x: any) => x.pc === 'done')).reads).toEqual(['state.arr.0.pc', 'state.arr.1.pc']);
    expect(access((s) => void (s.set.has('q') && s.set.delete('p'))).reads).toEqual(['state.set∋p', 'state.set∋q']);
    const push = access((s) => void (s.seq.length < 2 && s.seq.push(1)));
    expect(push.reads).toEqual(['state.seq.length']);
    expect(push.writes).toEqual(['state.seq.length', 'state.seq.0', 'state.seq.1']);
    expect(access((s) => void (s.opt !== null && s.opt.v)).reads).toEqual(['state.opt?', 'state.opt.v']);
    expect(access((s) => void { ...s.arr[0] }).reads).toEqual(['state.arr.0.pc', 'state.arr.0.n']);
  });

  it('enumerates ctx.choose and records the values written to a watched leaf (where a step goes next)', () => {
    const r = access((s, ctx) => void (s.arr[0].pc = ctx.choose(['L1', 'done'])), { watch: 3 });
    expect([...r.watched]).toEqual(['L1', 'done']);
  });

  it('a path that throws still records what it touched before the throw', () => {
    const r = access((s) => {
      if (s.b) throw new Error('not in this state');
      s.a = 2;
    });
    expect(r).toMatchObject({ reads: ['state.b'], writes: ['state.a'], complete: true });
  });

  it('gives up beyond its budget and then claims to touch everything', () => {
    const wide: Type = t.record({ xs: t.array(t.int(0, 9), 8) });
    const w = leafTree(wide);
    const a = probe(w.root, w.count, (s) => void s.xs.reduce((n: number, x: number) => n + x, 0), { maxRuns: 1000 });
    expect(a.complete).toBe(false);
    expect(a.reads.ids()).toHaveLength(w.count);
    expect(a.writes.ids()).toHaveLength(w.count);
  });
});

describe('probe on one concrete state (what hmmcheck lint uses)', () => {
  it('reads take the state\'s values, only ctx.choose branches, and each run reports its own accesses in order', () => {
    const values = new Map<string, unknown>([['state.a', 3], ['state.c', 'z'], ['state.b', true]]);
    const runs: { reads: string[]; writes: string[] }[] = [];
    const a = probe(
      root,
      count,
      (s, ctx) => {
        if (s.a === 3 && s.c === 'z' && s.b) s.arr[ctx.choose([0, 1])].n = 1;
      },
      { state: (id) => values.get(names[id]!), onRun: (reads, writes) => void runs.push({ reads: named([...reads]), writes: named([...writes]) }) },
    );
    expect(a.runs).toBe(2);
    expect(runs).toEqual([
      { reads: ['state.a', 'state.c', 'state.b'], writes: ['state.arr.0.n'] },
      { reads: ['state.a', 'state.c', 'state.b'], writes: ['state.arr.1.n'] },
    ]);
  });
});
