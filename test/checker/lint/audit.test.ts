import { describe, expect, it } from 'vitest';
import { lintSpec, type LintItem } from '../../../checker/lint/audit';
import { formatLintItem } from '../../../checker/lint/report';
import { instantiate } from '../../../checker/model/instantiate';
import type { AccessDecls } from '../../../spec/access';
import { spec } from '../../../spec/builder';
import { errType } from '../../../spec/kernel/errors';
import { lockType } from '../../../spec/kernel/lockdep';
import { mutexInit, mutexSteps, mutexType } from '../../../spec/kernel/mutex';
import { rwsemInit, rwsemSteps, rwsemType } from '../../../spec/kernel/rwsem';
import { seqcountInit, seqcountSteps, seqcountType } from '../../../spec/kernel/seqcount';
import { t, type Infer, type RecordType } from '../../../spec/types';
import lintPair from '../../fixtures/lintPair';

const lines = (items: readonly LintItem[]) => items.map(formatLintItem);

describe('lint on the two-field fixture', () => {
  it('two lock-free reads in one step are a finding naming the step, the fields and the locks held', () => {
    const r = lintSpec(instantiate(lintPair, 'two-lockless-reads').spec);
    expect(lines(r.items)).toEqual(['finding   R.R1: 2 lock-free accesses in one step: a, b; locks held: none']);
    // R at R1 with W at W1, W2 or done (3), and R done with s = 0, 1 or 2 and W where it could be then (3 + 2 + 1).
    expect(r.states).toBe(9);
  });

  it('the same reads under the declared lock guarding both fields pass', () => {
    const r = lintSpec(instantiate(lintPair, 'fixed').spec);
    expect(r.items).toEqual([]);
    expect(r.steps).toBe(6);
  });

  it('a justified step is printed with its reason instead of a finding', () => {
    const r = lintSpec(instantiate(lintPair, 'justified').spec);
    expect(lines(r.items)).toEqual(['justified R.R1: atomic by justification: "a and b live in one word read by a single load"']);
  });
});

const IDS = ['A', 'B'] as const;
type Id = (typeof IDS)[number];
const fields = {
  err: errType(),
  m: mutexType(IDS),
  rw: rwsemType(IDS),
  sq: seqcountType(IDS),
  x: t.int(0, 1),
  y: t.int(0, 1),
  page: t.map(['p0'], t.record({ lock: lockType(t.optional(t.enum(...IDS)), 'owner'), val: t.int(0, 1) })),
};
type S = Infer<RecordType<typeof fields>>;
const M = mutexSteps<S>();
const R = rwsemSteps<S>();
const Q = seqcountSteps<S>();
const init = (): S => ({ err: null, m: mutexInit(), rw: rwsemInit(), sq: seqcountInit(IDS), x: 0, y: 0, page: { p0: { lock: null, val: 0 } } });
type Step = Parameters<typeof M.lock>[0] extends string ? ReturnType<typeof M.lock> : never;

/** One thread A running `steps`, B idle; fields declared by `access`. */
function one(steps: readonly Step[], access: AccessDecls = {}) {
  return spec(fields)
    .init(init)
    .thread('A', { instances: ['A'], steps: steps as never })
    .access(access)
    .build();
}

describe('lint rule details', () => {
  it('undeclared fields give a warning, not a finding (marked ?), and --strict makes it one', () => {
    const sp = one([{ label: 'A1', effect: (d: S) => void (d.x = d.y) } as never]);
    expect(lines(lintSpec(sp).items)).toEqual(['warning   A.A1: 2 accesses to shared fields, not all declared (? = undeclared): y?, x?; locks held: none']);
    expect(lines(lintSpec(sp, { strict: true }).items)).toEqual(['finding   A.A1: 2 lock-free accesses in one step (undeclared fields counted): y, x; locks held: none']);
  });

  it('a read-modify-write of one field is one access', () => {
    const sp = one([{ label: 'A1', effect: (d: S) => void (d.x = 1 - d.x) } as never], { x: 'atomic' });
    expect(lintSpec(sp).items).toEqual([]);
  });

  it('a lock taken in the step or held by a critical section counts; a write under a read-held rwsem does not', () => {
    const takesLock = one([{ ...M.lock('A1', (s) => s.m), effect: (d: S, th: any) => void ((d.m.owner = th.id), (d.x = d.y)) } as never, M.unlock('A2', (s) => s.m)], {
      x: { guardedBy: 'm' },
      y: { guardedBy: 'm' },
    });
    expect(lintSpec(takesLock).items).toEqual([]);
    const critical = one([M.critical('A1', (s) => s.m, (d) => void (d.x = d.y))], { x: { guardedBy: 'm' }, y: { guardedBy: 'm' } });
    expect(lintSpec(critical).items).toEqual([]);
    // Under down_read, reading y is guarded but writing x is not (a write needs the rwsem for write):
    // one lock-free access, allowed, with a warning; writing both is two, a finding.
    const readHeld = (effect: (d: S) => void) =>
      one([R.downRead('A1', (s) => s.rw), { label: 'A2', effect } as never, R.upRead('A3', (s) => s.rw)], { x: { guardedBy: 'rw' }, y: { guardedBy: 'rw' } });
    expect(lines(lintSpec(readHeld((d) => void (d.x = d.y))).items)).toEqual(['warning   A.A2: accessed without the lock it is declared guardedBy: x; locks held: rw(read)']);
    expect(lines(lintSpec(readHeld((d) => void ((d.x = 1), (d.y = 1)))).items)).toEqual([
      'finding   A.A2: 2 lock-free accesses in one step: x, y; locks held: rw(read)',
      'warning   A.A2: accessed without the lock it is declared guardedBy: x, y; locks held: rw(read)',
    ]);
  });

  it('with lock-free readers, a write under the lock is still one lock-free access', () => {
    const sp = one([M.critical('A1', (s) => s.m, (d) => void ((d.x = 1), (d.y = 1)))], { x: { guardedBy: 'm', lockfreeReads: true }, y: 'lockless' });
    expect(lines(lintSpec(sp).items)).toEqual(['finding   A.A1: 2 lock-free accesses in one step: x, y; locks held: m']);
  });

  it('a declared lock-free read of a guarded field is one access, not a breach; a lock-free write still is', () => {
    const read = one([{ label: 'A1', effect: (d: S) => void (d.y = d.x) } as never], { x: { guardedBy: 'm', lockfreeReads: true }, y: 'lockless' });
    expect(lines(lintSpec(read).items)).toEqual(['finding   A.A1: 2 lock-free accesses in one step: x, y; locks held: none']);
    const readOnly = one([{ label: 'A1', guard: (s: S) => s.x === 0, effect: () => {} } as never], { x: { guardedBy: 'm', lockfreeReads: true } });
    expect(lintSpec(readOnly).items).toEqual([]);
    const write = one([{ label: 'A1', effect: (d: S) => void (d.x = 1) } as never], { x: { guardedBy: 'm', lockfreeReads: true } });
    expect(lines(lintSpec(write).items)).toEqual(['warning   A.A1: accessed without the lock it is declared guardedBy: x; locks held: none']);
  });

  it('a * in guardedBy stands for the key the field matched', () => {
    const step = { label: 'A1', guard: (s: S) => s.page.p0.lock === null, effect: (d: S, th: any) => void ((d.page.p0.lock = th.id as Id), (d.page.p0.val = 1 - d.page.p0.val), (d.x = 1)) };
    const sp = one([step as never], { 'page[*].val': { guardedBy: 'page[*].lock' }, x: 'lockless' });
    expect(lintSpec(sp).items).toEqual([]);
  });

  it('a seqcount read is a lock-free access of its own: begin merged with a lockless read is a finding', () => {
    const sp = one([{ ...Q.readBegin('A1', (s) => s.sq), effect: (d: S, th: any) => void ((d.sq.reader[th.id as Id] = 'valid'), (d.x = d.y)) } as never], { x: 'lockless', y: { guardedBy: 'm' } });
    const out = lines(lintSpec(sp).items);
    expect(out[0]).toBe('finding   A.A1: 3 lock-free accesses in one step: sq, y, x; locks held: sq(read)');
  });

  it('mistakes in the declarations are findings', () => {
    const sp = one([{ label: 'A1', effect: (d: S) => void (d.x = 1) } as never], { nosuch: 'lockless', x: { guardedBy: 'y' } });
    expect(lines(lintSpec(sp).items)).toEqual([
      "finding   .access: 'x' is guardedBy 'y', which is not a lock of the state (a mutexType, spinlockType, rwsemType, seqcountType or lockType field)",
      "finding   .access: 'nosuch' matches no shared field of the state",
      'warning   A.A1: accessed without the lock it is declared guardedBy: x; locks held: none',
    ]);
  });

  it('warns about a field written by two threads without a declared discipline', () => {
    const sp = spec(fields)
      .init(init)
      .thread('T', { instances: ['A', 'B'], steps: [{ label: 'T1', effect: (d) => void (d.x = 1) }] })
      .build();
    expect(lines(lintSpec(sp).items)).toEqual(['warning   written by A, B without a declared discipline: x']);
  });

  it('stops at --max-states and says so', () => {
    const r = lintSpec(instantiate(lintPair, 'two-lockless-reads').spec, { maxStates: 2 });
    expect(r.complete).toBe(false);
    expect(lines(r.items)).toContain('warning   stopped after 2 states (--max-states): steps beyond were not audited');
  });
});
