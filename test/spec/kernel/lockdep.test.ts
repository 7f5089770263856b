import { describe, expect, it } from 'vitest';
import { heldLocks, lockClassOf, lockSites, locksHeldBy, lockType } from '../../../spec/kernel/lockdep';
import { cpuInit, cpuType } from '../../../spec/kernel/cpu';
import { mutexType } from '../../../spec/kernel/mutex';
import { rwsemType } from '../../../spec/kernel/rwsem';
import { t } from '../../../spec/types';

const IDS = ['A', 'B', 'W'] as const;
const schema = t.record({
  dev: t.record({ mutex: mutexType(IDS), n: t.int(0, 1) }),
  mmap: rwsemType(IDS, { readDepth: 2 }),
  page: t.map(['p0', 'p1'], t.record({ lock: lockType(t.optional(t.enum(...IDS)), 'owner'), val: t.int(0, 1) })),
  last: t.optional(t.enum(...IDS)),
});

const state = {
  dev: { mutex: { owner: 'A' }, n: 0 },
  mmap: { readers: new Set(['A', 'B']), writer: null, waiting: new Set(['W']), nested: { A: 1, B: 0, W: 0 } },
  page: { p0: { lock: null, val: 0 }, p1: { lock: 'B', val: 1 } },
  last: 'W',
};

describe('lockdep held-lock sets', () => {
  it('finds every marked lock of the schema, in schema order, and nothing unmarked', () => {
    expect(lockSites(schema).map((s) => [s.path, s.cls])).toEqual([
      ['dev.mutex', 'mutex'],
      ['mmap', 'rwsem'],
      ['page[p0].lock', 'owner'],
      ['page[p1].lock', 'owner'],
    ]);
    expect(lockClassOf(schema.fields.last)).toBeUndefined();
  });

  it('reads holders, modes and nesting off the state (a queued writer waits)', () => {
    const held = heldLocks(schema, state);
    expect(held.get('A')).toEqual([
      { lock: 'dev.mutex', cls: 'mutex', mode: 'exclusive', depth: 1 },
      { lock: 'mmap', cls: 'rwsem', mode: 'read', depth: 2 },
    ]);
    expect(held.get('B')).toEqual([
      { lock: 'mmap', cls: 'rwsem', mode: 'read', depth: 1 },
      { lock: 'page[p1].lock', cls: 'owner', mode: 'exclusive', depth: 1 },
    ]);
    // `last` names W but is no lock: only the wait shows.
    expect(locksHeldBy(schema, state, 'W')).toEqual([{ lock: 'mmap', cls: 'rwsem', mode: 'waits', depth: 0 }]);
  });

  it('marking keeps the type usable as before (a spread copy with its class)', () => {
    const m = mutexType(IDS);
    expect(m.kind).toBe('record');
    expect(Object.keys(m.fields)).toEqual(['owner']);
    expect(lockClassOf({ ...m })).toBe('mutex');
  });
});

describe('IRQ-off in the held-lock set (cpu.ts marks the IRQ-disable depths as class irq)', () => {
  it('a thread with IRQs off holds cpu.irqs at its depth; one with IRQs on holds nothing', () => {
    const sch = t.record({ cpu: cpuType(['G', 'E'], { maxIrq: 2 }) });
    expect(lockSites(sch).map((s) => [s.path, s.cls])).toEqual([['cpu.irqs', 'irq']]);
    const c = cpuInit(['G', 'E']);
    c.irqs.G = 2;
    const held = heldLocks(sch, { cpu: c });
    expect(held.get('G')).toEqual([{ lock: 'cpu.irqs', cls: 'irq', mode: 'exclusive', depth: 2 }]);
    expect(held.has('E')).toBe(false);
  });
});
