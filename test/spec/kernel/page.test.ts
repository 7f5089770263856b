import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import {
  folioExpectedRefs,
  folioMigrateMappingOk,
  migrateExpectedExtra,
  migrateVmaCheckPage,
  pageAlloc,
  pageFreeInit,
  pageGet,
  pageGetUnlessZero,
  pageInit,
  pageInSwapCache,
  pageLock,
  pageLocked,
  pageMap,
  pagePut,
  pageRelease,
  pageStructuralRefs,
  pageSteps,
  pageTrylock,
  pageType,
  pageUnlock,
  pageUnmapRmap,
} from '../../../spec/kernel/page';
import { heldLocks, lockClassOf } from '../../../spec/kernel/lockdep';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);
const errState = () => ({ err: null as string | null });

describe('page references', () => {
  it('a live page counts its mappings, the swap cache and the extra references', () => {
    const p = pageInit({ val: 1, map: 1, extra: 1, swap: 1 });
    expect(p).toMatchObject({ ref: 3, map: 1, freed: false, swap: 1, lock: null });
    expect(pageInSwapCache(p)).toBe(true);
    expect(pageStructuralRefs(p)).toBe(2);
    expect(pageInSwapCache(pageInit({ val: 0 }))).toBe(false);
  });

  it('the last put releases the page to its allocator (unlocked, clean, swap slot kept)', () => {
    const d = errState();
    const p = pageInit<'T'>({ val: 2, extra: 2, swap: 1, dirty: true });
    p.lock = 'T';
    expect(pagePut(d, p, 'UAF_P')).toBe(false);
    expect(p.ref).toBe(2);
    expect(pagePut(d, p, 'UAF_P')).toBe(false);
    expect(pagePut(d, p, 'UAF_P')).toBe(true);
    expect(p).toMatchObject({ ref: 0, freed: true, lock: null, dirty: false, swap: 1 });
    expect(pageInSwapCache(p)).toBe(false);
    expect(d.err).toBeNull();
  });

  it('touching a freed page is a use-after-free naming it; get on zero and put on zero are refcount errors', () => {
    const freed = pageFreeInit();
    const d1 = errState();
    expect(pageGet(d1, freed, 'UAF_S0')).toBe(false);
    expect(d1.err).toBe('UAF_S0');
    const d2 = errState();
    pagePut(d2, freed, 'UAF_S1');
    expect(d2.err).toBe('UAF_S1');
    const d3 = errState();
    pageMap(d3, freed, 'UAF_D0');
    expect(d3.err).toBe('UAF_D0');
    // A live page at zero can only be hand-made; get and put on it are REF errors.
    const zero = { ...pageInit({ val: 0 }), ref: 0 };
    const d4 = errState();
    expect(pageGet(d4, zero, 'UAF_P')).toBe(false);
    expect(d4.err).toBe('REF_GET_ZERO');
    const d5 = errState();
    expect(pagePut(d5, zero, 'UAF_P')).toBe(false);
    expect(d5.err).toBe('REF_UNDERFLOW');
    const d6 = errState();
    pageUnmapRmap(d6, pageInit({ val: 0, extra: 1 }), 'UAF_P');
    expect(d6.err).toBe('REF_UNDERFLOW');
  });

  it('get_page_unless_zero fails on a free page without touching it', () => {
    const p = pageFreeInit();
    expect(pageGetUnlessZero(p)).toBe(false);
    expect(p.ref).toBe(0);
    const q = pageInit({ val: 0, map: 1 });
    expect(pageGetUnlessZero(q)).toBe(true);
    expect(q.ref).toBe(2);
  });

  it('alloc gives one reference and an optional lock; allocating a live page is a modelling mistake', () => {
    const p = pageFreeInit();
    p.swap = 1;
    pageAlloc(p, { val: 2, locker: 'Mig' });
    expect(p).toMatchObject({ ref: 1, map: 0, lock: 'Mig', freed: false, val: 2, swap: null });
    expect(() => pageAlloc(p, { val: 0 })).toThrow(/not free/);
    pageRelease(p);
    expect(p.freed).toBe(true);
  });

  it('map and unmap move the mapcount; the mapping reference is dropped separately', () => {
    const d = errState();
    const p = pageInit({ val: 0, extra: 1 });
    pageMap(d, p, 'UAF_P');
    expect(p).toMatchObject({ ref: 2, map: 1 });
    pageUnmapRmap(d, p, 'UAF_P');
    expect(p).toMatchObject({ ref: 2, map: 0 });
    pagePut(d, p, 'UAF_P');
    expect(p.ref).toBe(1);
  });
});

describe('page lock (PGL)', () => {
  it('trylock fails when locked; lock_page on a locked page is a modelling mistake; any thread may unlock', () => {
    const d = errState();
    const p = pageInit({ val: 0 });
    expect(pageTrylock(p, 'A')).toBe(true);
    expect(pageLocked(p)).toBe(true);
    expect(pageTrylock(p, 'B')).toBe(false);
    expect(() => pageLock(p, 'B')).toThrow(/guard the step/);
    pageUnlock(d, p);
    expect(p.lock).toBeNull();
    expect(d.err).toBeNull();
    pageLock(p, 'B');
    expect(p.lock).toBe('B');
  });

  it('unlocking an unlocked page records UNLOCK_NOT_HELD', () => {
    const d = errState();
    pageUnlock(d, pageInit({ val: 0 }));
    expect(d.err).toBe('UNLOCK_NOT_HELD');
  });
});

describe("migrate_vma_check_page's expected-extra table (hmm-domain.md §4), literally", () => {
  it.each([
    [{ faultPage: false, zoneDevice: false, mapping: false }, 1],
    [{ faultPage: false, zoneDevice: false, mapping: true }, 2],
    [{ faultPage: false, zoneDevice: false, mapping: true, hasPrivate: true }, 3],
    [{ faultPage: false, zoneDevice: true, mapping: false }, 2],
    [{ faultPage: true, zoneDevice: true, mapping: false }, 3],
    [{ faultPage: true, zoneDevice: false, mapping: false }, 2],
  ])('%o → extra %i', (info, extra) => {
    expect(migrateExpectedExtra(info)).toBe(extra);
  });

  it('a collected anonymous page in the swap cache passes; an extra pin fails it', () => {
    // S0 after collect: the collect reference (mapping reference dropped) + the swap cache; unmapped.
    const s0 = { ...pageInit({ val: 1, extra: 1, swap: 1 }) };
    expect(s0).toMatchObject({ ref: 2, map: 0 });
    const info = { faultPage: false, zoneDevice: false, mapping: true };
    expect(migrateVmaCheckPage(s0, info)).toBe(true);
    s0.ref++;
    expect(migrateVmaCheckPage(s0, info)).toBe(false);
  });

  it('a still-mapped page passes the refcount test (the mapping is expected): the caller checks folio_mapped', () => {
    expect(migrateVmaCheckPage(pageInit({ val: 0, map: 1, extra: 1 }), { faultPage: false, zoneDevice: false, mapping: false })).toBe(true);
  });

  it('the device fault page: the ZONE_DEVICE +1 already tolerates the fault reference; the pages-phase freeze needs extra_cnt', () => {
    // D0 in migrate-to-RAM: the fault path's reference + the collect reference, unmapped.
    const d0 = pageInit({ val: 1, extra: 2 });
    expect(migrateVmaCheckPage(d0, { faultPage: true, zoneDevice: true, mapping: false })).toBe(true);
    expect(migrateVmaCheckPage(d0, { faultPage: false, zoneDevice: true, mapping: false })).toBe(true);
    // folio_migrate_mapping is exact: H9's fix passes extra_cnt = 1 for the fault page.
    expect(folioMigrateMappingOk(d0, { mapping: false, extraCount: 1 })).toBe(true);
    expect(folioMigrateMappingOk(d0, { mapping: false, extraCount: 0 })).toBe(false);
    expect(folioExpectedRefs(false)).toBe(1);
    expect(folioExpectedRefs(true)).toBe(2);
    expect(folioExpectedRefs(true, true)).toBe(3);
  });
});

// Two threads lock a page, work, unlock; a third only tries.
const owners = ['A', 'B', 'T'] as const;
const fields = { err: errType('UAF_P'), p: pageType(owners, { maxRef: 2, maxMap: 1, maxVal: 0 }), inside: t.int(0, 3) };
type S = Infer<RecordType<typeof fields>>;
const Pg = pageSteps<S>();

describe('page lock steps in a spec', () => {
  const base = () =>
    spec(fields)
      .init(() => ({ err: null, p: pageInit({ val: 0, map: 1 }), inside: 0 }))
      .thread('L', {
        instances: ['A', 'B'],
        steps: [Pg.lock('L', (s) => s.p, { uaf: 'UAF_P' }), { label: 'CS', effect: (d) => void d.inside++ }, { label: 'X', effect: (d) => void d.inside-- }, Pg.unlock('U', (s) => s.p, { uaf: 'UAF_P' })],
      });

  it('lock_page gives mutual exclusion with exactly 16 states (BFS and DFS)', () => {
    const sp = base().invariant('Mutex', (s) => s.inside <= 1).invariant('INV-NOERR', noError).build();
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(sp, { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(16);
    }
  });

  it('trylock takes the failure branch when the page is locked', () => {
    const sp = base()
      .thread('T', {
        instances: ['T'],
        locals: { got: t.bool() },
        initLocals: () => ({ got: false }),
        steps: [
          Pg.trylock('TL', (s) => s.p, 'TF', { uaf: 'UAF_P' }),
          { label: 'TG', effect: (_d, th) => ((th.local.got = true), th.goto('TU')) },
          { label: 'TF', effect: (_d, th) => th.goto('done') },
          Pg.unlock('TU', (s) => s.p, { uaf: 'UAF_P' }),
        ],
      })
      .invariant('Mutex', (s) => s.inside <= 1 && !(s.inside === 1 && s.T[0]!.pc === 'TU'))
      .invariant('INV-NOERR', noError)
      .build();
    const { result } = checkSpec(sp);
    expect(result.verdict.kind).toBe('holds');
    const failing = checkSpec({ ...sp, invariants: [{ name: 'NeverFails', check: (s: any) => s.T[0].pc !== 'TF' }] });
    expect(labels(failing.trace)).toEqual(['A.L', 'T.TL']);
  });

  it('unlocking a page the thread never locked is reported (UNLOCK_NOT_HELD), and a freed page is a UAF', () => {
    const bad = spec(fields)
      .init(() => ({ err: null, p: pageInit({ val: 0, map: 1 }), inside: 0 }))
      .thread('A', { instances: ['A'], steps: [Pg.unlock('U', (s) => s.p, { uaf: 'UAF_P' })] })
      .invariant('INV-NOERR', noError)
      .build();
    const { result, trace } = checkSpec(bad);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOERR' });
    expect(trace!.steps.at(-1)!.state.err).toBe('UNLOCK_NOT_HELD');

    const uaf = spec(fields)
      .init(() => ({ err: null, p: pageFreeInit(), inside: 0 }))
      .thread('A', { instances: ['A'], steps: [Pg.lock('L', (s) => s.p, { uaf: 'UAF_P' })] })
      .invariant('INV-UAF-P', forbid('UAF_P'))
      .build();
    expect(checkSpec(uaf).result.verdict).toMatchObject({ kind: 'violation', property: 'INV-UAF-P' });
  });
});

describe('pageType({ lockdep: true }): PG_locked as a lock', () => {
  const b = { maxRef: 2, maxMap: 1, maxVal: 0 };
  const schema = t.record({ page: t.record({ S0: pageType(['A', 'B'], b, { lockdep: true }), S1: pageType(['A', 'B'], b) }) });

  it('marks the lock field of that page type only, as an owner lock', () => {
    expect(lockClassOf(schema.fields.page.fields.S0.fields.lock)).toBe('owner');
    expect(lockClassOf(schema.fields.page.fields.S1.fields.lock)).toBeUndefined();
  });

  it('a thread that locked the page holds it in the held-lock set, exclusively; an unlocked page is held by no one', () => {
    const state = { page: { S0: pageInit({ val: 0, map: 1 }), S1: pageInit({ val: 0 }) } };
    expect(heldLocks(schema, state).size).toBe(0);
    expect(pageTrylock(state.page.S0, 'A')).toBe(true);
    expect(pageTrylock(state.page.S1, 'B')).toBe(true); // not marked: not a lockdep lock
    expect([...heldLocks(schema, state)]).toEqual([['A', [{ lock: 'page.S0.lock', cls: 'owner', mode: 'exclusive', depth: 1 }]]]);
  });
});
