import { describe, expect, it } from 'vitest';
import { lockHolders } from '../../../checker/view/holders';
import { mutexType } from '../../../spec/kernel/mutex';
import { rwsemType } from '../../../spec/kernel/rwsem';
import type { ThreadSpec } from '../../../spec/spec';
import { t } from '../../../spec/types';

const threads: ThreadSpec[] = [
  { kind: 'Fault', ids: ['Fault0', 'Fault1'], labels: ['F1'] },
  { kind: 'Exit', ids: ['Exit'], labels: ['Exit', 'E2'] },
];
const IDS = ['Fault0', 'Fault1', 'Exit'] as const;

const schema = t.record({
  dev: t.record({ mutex: t.record({ owner: t.optional(t.enum(...IDS)) }) }),
  mmap: t.record({ readers: t.set(IDS), writer: t.optional(t.enum(...IDS)), waiters: t.seq(t.enum(...IDS), 3) }),
  srcu: t.record({ reader: t.map(IDS, t.optional(t.int(0, 2))), flag: t.map(IDS, t.bool()) }),
  last: t.enum('nobody', ...IDS),
  pairs: t.array(t.tuple(t.enum('x', 'Exit'), t.int(0, 1)), 1),
  Fault: t.array(t.record({ pc: t.enum('F1', 'done') }), 2),
  Exit: t.array(t.record({ pc: t.enum('Exit', 'E2', 'done'), peer: t.optional(t.enum(...IDS)) }), 1),
});

const base = {
  dev: { mutex: { owner: null } },
  mmap: { readers: new Set(), writer: null, waiters: [] },
  srcu: { reader: { Fault0: null, Fault1: null, Exit: null }, flag: { Fault0: false, Fault1: false, Exit: false } },
  last: 'nobody',
  pairs: [['x', 0]],
  Fault: [{ pc: 'F1' }, { pc: 'F1' }],
  Exit: [{ pc: 'Exit', peer: null }],
};

describe('lock holders', () => {
  it('finds nobody in a state that names no thread (a pc equal to a thread id does not count)', () => {
    expect(lockHolders(schema, base, threads)).toEqual({});
  });

  it('counts owners, writers, set members, sequence members and set per-thread map entries', () => {
    const s = {
      ...base,
      dev: { mutex: { owner: 'Fault1' } },
      mmap: { readers: new Set(['Fault0', 'Fault1']), writer: null, waiters: ['Exit'] },
      srcu: { reader: { Fault0: 0, Fault1: null, Exit: null }, flag: { Fault0: false, Fault1: false, Exit: true } },
      last: 'Exit',
      pairs: [['Exit', 1]],
      Exit: [{ pc: 'E2', peer: 'Fault0' }],
    };
    expect(lockHolders(schema, s, threads)).toEqual({
      Fault1: [
        { path: 'dev.mutex.owner', lock: 'dev.mutex.owner', waits: false },
        { path: 'mmap.readers', lock: 'mmap.readers', waits: false },
      ],
      Fault0: [
        { path: 'mmap.readers', lock: 'mmap.readers', waits: false },
        { path: 'srcu.reader[Fault0]', lock: 'srcu.reader', waits: false },
        // A thread-local naming another thread is reported too (the heuristic over-reports; the path says what it is).
        { path: 'Exit.peer', lock: 'Exit.peer', waits: false },
      ],
      Exit: [
        { path: 'mmap.waiters', lock: 'mmap.waiters', waits: true },
        { path: 'srcu.flag[Exit]', lock: 'srcu.flag', waits: false },
        { path: 'last', lock: 'last', waits: false },
        { path: 'pairs[0][0]', lock: 'pairs[0][0]', waits: false },
      ],
    });
  });
});

describe('lock holders of locks the primitives mark (lockdep)', () => {
  const marked = t.record({
    dev: t.record({ mutex: mutexType(IDS) }),
    mmap: rwsemType(IDS, { readDepth: 2 }),
    Fault: t.array(t.record({ pc: t.enum('F1', 'done') }), 2),
    Exit: t.array(t.record({ pc: t.enum('Exit', 'E2', 'done'), peer: t.optional(t.enum(...IDS)) }), 1),
  });
  it('names the lock, not its owner field, with the mode and a recursive reader\'s depth', () => {
    const s = {
      dev: { mutex: { owner: 'Exit' } },
      mmap: { readers: new Set(['Fault0', 'Fault1']), writer: null, waiting: new Set(['Exit']), nested: { Fault0: 1, Fault1: 0, Exit: 0 } },
      Fault: [{ pc: 'F1' }, { pc: 'F1' }],
      Exit: [{ pc: 'E2', peer: null }],
    };
    expect(lockHolders(marked, s, threads)).toEqual({
      Exit: [
        { path: 'dev.mutex', lock: 'dev.mutex', waits: false },
        { path: 'mmap', lock: 'mmap', waits: true },
      ],
      Fault0: [{ path: 'mmap', lock: 'mmap', waits: false, mode: 'read×2' }],
      Fault1: [{ path: 'mmap', lock: 'mmap', waits: false, mode: 'read' }],
    });
  });
});
