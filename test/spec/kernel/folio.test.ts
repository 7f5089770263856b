import { describe, expect, it } from 'vitest';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec, type StepDef } from '../../../spec/builder';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import {
  canSplitFolio,
  folioAddLru,
  folioIsolateLru,
  folioMapcount,
  folioNrPages,
  folioOf,
  folioPagesInit,
  folioPagesType,
  folioPut,
  folioPutbackLru,
  folioSplit,
  folioSteps,
  lruAddDrain,
  folioAddLruOn,
  folioPutbackLruOn,
  lruAddDrainOn,
  lruBatchInit,
  lruCpuNeedsDrain,
} from '../../../spec/kernel/folio';
import { pageGetUnlessZero, pageSteps, pageTrylock } from '../../../spec/kernel/page';
import { andThen } from '../../../spec/kernel/steps';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] }) => trace.steps.slice(1).map((s) => s.label);
const errState = () => ({ err: null as string | null });

describe('folio helpers', () => {
  it('a large folio keeps its state in the head; every page keeps its own mapcount', () => {
    const pages = folioPagesInit(4, { order: 2, map: 1, extra: 1 });
    expect(folioOf(pages, 3)).toBe(pages[0]);
    expect(folioNrPages(pages[0]!)).toBe(4);
    expect(folioMapcount(pages, 2)).toBe(4);
    expect(pages[0]).toMatchObject({ ref: 5, order: 2, lru: 'lru' });
    expect(pages[3]).toMatchObject({ ref: 0, order: 0, head: 0, lru: 'none', map: 1 });
    expect(folioPagesInit(4, { order: 1 }).map((p) => p.head)).toEqual([0, 0, 2, 2]);
  });

  it('split: the new folio containing lockAt keeps the lock and the caller reference, the others are unlocked', () => {
    const d = errState();
    const pages = folioPagesInit<'S'>(4, { map: 1, extra: 1 });
    expect(pageTrylock(pages[0]!, 'S')).toBe(true);
    expect(folioSplit(d, pages, 2, { lockAt: 2 })).toBe(true);
    expect(pages.map((p) => [p.head, p.order, p.ref, p.lock, p.lru])).toEqual([
      [0, 0, 1, null, 'lru'],
      [1, 0, 1, null, 'lru'],
      [2, 0, 2, 'S', 'lru'],
      [3, 0, 1, null, 'lru'],
    ]);
    expect(d.err).toBeNull();
  });

  it('split to a smaller order spreads the expected extra pins', () => {
    const d = errState();
    const pages = folioPagesInit<'S'>(4, { map: 0, extra: 1 + 4 });
    pages[0]!.lock = 'S';
    expect(folioSplit(d, pages, 0, { lockAt: 1, newOrder: 1, extraPins: 4 })).toBe(true);
    expect(pages.map((p) => [p.head, p.order, p.ref, p.lock])).toEqual([
      [0, 1, 3, 'S'],
      [0, 0, 0, null],
      [2, 1, 2, null],
      [2, 0, 0, null],
    ]);
  });

  it('split fails (-EAGAIN, nothing changes) when someone else holds a pin', () => {
    const d = errState();
    const pages = folioPagesInit<'S'>(2, { map: 1, extra: 1 });
    pages[0]!.lock = 'S';
    expect(pageGetUnlessZero(folioOf(pages, 1))).toBe(true); // GUP-fast through page 1
    expect(canSplitFolio(pages, 0)).toBe(false);
    const before = structuredClone(pages);
    expect(folioSplit(d, pages, 0, { lockAt: 0 })).toBe(false);
    expect(pages).toEqual(before);
    expect(d.err).toBeNull();
  });

  it('misuse: splitting an unlocked folio is LOCK_NOT_HELD; a bad order or lockAt is a modelling mistake', () => {
    const d = errState();
    const pages = folioPagesInit(2, { extra: 1 });
    expect(folioSplit(d, pages, 0, { lockAt: 0 })).toBe(false);
    expect(d.err).toBe('LOCK_NOT_HELD');
    expect(() => folioSplit(errState(), pages, 0, { lockAt: 0, newOrder: 1 })).toThrow(/cannot split to order 1/);
    expect(() => folioSplit(errState(), folioPagesInit(4, { order: 1 }), 0, { lockAt: 2 })).toThrow(/not in the folio/);
  });

  it('LRU: isolation fails on a batched folio until a drain; putback re-batches and drops the isolation reference', () => {
    const d = errState();
    const pages = folioPagesInit(2, { map: 1, lru: 'batch' });
    expect(folioIsolateLru(d, pages, 1)).toBe(false);
    lruAddDrain(pages);
    expect(folioIsolateLru(d, pages, 1)).toBe(true);
    expect(pages[0]).toMatchObject({ ref: 3, lru: 'none' });
    expect(folioIsolateLru(d, pages, 0)).toBe(false); // already isolated
    folioPutbackLru(d, pages, 0, 'UAF_F');
    expect(pages[0]).toMatchObject({ ref: 2, lru: 'batch' });
    expect(d.err).toBeNull();
    folioAddLru(d, pages, 0);
    expect(d.err).toBe('LRU_STATE');
  });

  it('per-CPU batches: lru_add_drain on one CPU leaves another CPU\'s batch alone; a freed folio\'s entry is dropped', () => {
    const d = errState();
    const pages = folioPagesInit(4, { order: 0, map: 1, lru: 'none' });
    const batches = lruBatchInit(['c0', 'c1'], 4);
    folioAddLruOn(d, pages, batches, 1, 'c1');
    folioAddLruOn(d, pages, batches, 2, 'c0');
    expect([lruCpuNeedsDrain(batches, 'c0'), lruCpuNeedsDrain(batches, 'c1')]).toEqual([true, true]);
    lruAddDrainOn(pages, batches, 'c0');
    expect([pages[1]!.lru, pages[2]!.lru]).toEqual(['batch', 'lru']);
    expect(folioIsolateLru(d, pages, 1)).toBe(false); // still in c1's batch
    lruAddDrainOn(pages, batches, 'c1');
    expect(lruCpuNeedsDrain(batches, 'c1')).toBe(false);
    expect(folioIsolateLru(d, pages, 1)).toBe(true);
    folioPutbackLruOn(d, pages, batches, 1, 'c0', 'UAF_F');
    expect(pages[1]).toMatchObject({ ref: 1, lru: 'batch' });
    expect(batches.c0[1]).toBe(true);
    pages[1]!.ref = 1;
    folioPut(d, pages, 1, 'UAF_F'); // freed while batched: the drain drops the entry
    lruAddDrainOn(pages, batches, 'c0');
    expect(pages[1]).toMatchObject({ freed: true, lru: 'none' });
    expect(batches.c0).toEqual([false, false, false, false]);
    folioAddLruOn(d, pages, batches, 2, 'c1');
    expect(d.err).toBe('LRU_STATE'); // already on a list
    expect(batches.c1[2]).toBe(false);
    expect(() => lruAddDrainOn(pages, batches, 'c9')).toThrow(/no LRU batch for CPU c9/);
  });

  it('the last folio_put frees the folio and takes it off the LRU', () => {
    const d = errState();
    const pages = folioPagesInit(2, { extra: 1 });
    expect(folioPut(d, pages, 1, 'UAF_F')).toBe(true);
    expect(pages[0]).toMatchObject({ freed: true, lru: 'none', ref: 0 });
  });
});

// S locks the order-1 folio, splits it at page 1, unlocks what it then holds; G pins page 1 (GUP-fast).
const owners = ['S', 'G', 'M'] as const;
const fields = { err: errType('UAF_F'), pages: folioPagesType(owners, 2, { maxRef: 4, maxMap: 1, maxVal: 0 }) };
type S = Infer<RecordType<typeof fields>>;
type Step = StepDef<S, unknown, string>;
const F = folioSteps<S>((s) => s.pages);
const Pg = pageSteps<S>();
const folio = (i: number) => (s: S) => folioOf(s.pages, i);
const uaf = { uaf: 'UAF_F' } as const;

const splitter = (unlockAt: number): Step[] => [
  Pg.lock('LOCK', folio(0), uaf),
  F.split('SPLIT', 0, { lockAt: 1, onFail: 'EAGAIN' }),
  andThen(Pg.unlock('UNLOCK', folio(unlockAt), uaf), (_d, th) => th.goto('done')),
  Pg.unlock('EAGAIN', folio(0), uaf),
];
const pinner: Step[] = [
  { label: 'PIN', effect: (d, th) => void (pageGetUnlessZero(folioOf(d.pages, 1)) || th.goto('done')) },
  { label: 'UNPIN', effect: (d) => void folioPut(d, d.pages, 1, 'UAF_F') },
];

function splitSpec(opts: { unlockAt: number; pin: boolean }) {
  let b = spec(fields)
    .init(() => ({ err: null, pages: folioPagesInit(2, { order: 1, map: 1, extra: 1 }) }))
    .thread('S', { instances: ['S'], steps: splitter(opts.unlockAt) as never });
  if (opts.pin) b = b.thread('G', { instances: ['G'], steps: pinner as never }) as never;
  return b
    .invariant('SplitNeverFails', (s: any) => s.S[0].pc !== 'EAGAIN')
    .invariant('INV-LOCKSTATE', forbid('UNLOCK_NOT_HELD', 'LOCK_NOT_HELD'))
    .invariant('INV-NOERR', noError)
    .build();
}

describe('folios in a spec', () => {
  it('lock, split, unlock the folio that contains the page: 4 states, every folio unlocked at the end', () => {
    const sp = splitSpec({ unlockAt: 1, pin: false });
    const unlocked = { name: 'AllUnlockedAtEnd', check: (s: any) => s.S[0].pc !== 'done' || s.pages.every((p: { lock: string | null }) => p.lock === null) };
    expectHolds({ ...sp, invariants: [...sp.invariants, unlocked] }, { distinct: 4 });
  });

  it('a split fails when GUP-fast holds an extra pin', () => {
    const trace = expectViolation(splitSpec({ unlockAt: 1, pin: true }), { property: 'SplitNeverFails', maxSteps: 3 });
    expect(labels(trace)).toHaveLength(3);
    expect(labels(trace).indexOf('G.PIN')).toBeLessThan(labels(trace).indexOf('S.SPLIT'));
  });

  it('unlocking the old head after split_huge_page(page) on a tail unlocks a folio nobody locked', () => {
    const trace = expectViolation(splitSpec({ unlockAt: 0, pin: false }), { property: 'INV-LOCKSTATE', maxSteps: 3 });
    expect(labels(trace)).toEqual(['S.LOCK', 'S.SPLIT', 'S.UNLOCK']);
    expect(trace.steps.at(-1)!.state.err).toBe('UNLOCK_NOT_HELD');
  });

  it('LRU isolation of a freshly faulted (batched) folio fails until lru_add_drain; putting it back twice is LRU_STATE', () => {
    const migrate = (putTwice: boolean): Step[] => [
      F.isolateLru('ISO', 0, 'DRAIN'),
      andThen(F.putbackLru('PUT', 0, 'UAF_F'), (_d, th) => th.goto(putTwice ? 'PUT2' : 'done')),
      andThen(F.lruAddDrain('DRAIN'), (_d, th) => th.goto('ISO')),
      F.putbackLru('PUT2', 0, 'UAF_F'),
    ];
    const build = (putTwice: boolean) =>
      spec(fields)
        .init(() => ({ err: null, pages: folioPagesInit(2, { map: 1, lru: 'batch' }) }))
        .thread('M', { instances: ['M'], steps: migrate(putTwice) as never })
        .invariant('INV-LRU', forbid('LRU_STATE'))
        .invariant('INV-NOERR', noError)
        .build();
    // ISO (batched) → DRAIN → ISO (on the list) → PUT (isolated, +1 ref) → done (batched again): 5.
    expectHolds(build(false), { distinct: 5 });
    expect(labels(expectViolation(build(true), { property: 'INV-LRU', maxSteps: 5 }))).toEqual(['M.ISO', 'M.DRAIN', 'M.ISO', 'M.PUT', 'M.PUT2']);
  });
});
