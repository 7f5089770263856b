import { describe, expect, it } from 'vitest';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec, type StepDef } from '../../../spec/builder';
import { errType, forbid, noError } from '../../../spec/kernel/errors';
import { pageGetUnlessZero, pageInit, pagePut, pageType, pageUnmapRmap } from '../../../spec/kernel/page';
import {
  gupFastLeaf,
  isPtLeaf,
  isPtNone,
  isPtTable,
  PFN_KINDS,
  pageTableFreeInit,
  pageTableInit,
  pageTableSteps,
  pageTableType,
  pmdInstall,
  pmdPopulate,
  ptAlloc,
  ptEntryString,
  ptEntryType,
  ptFree,
  ptLeaf,
  ptNone,
  ptTable,
  structPage,
  vmNormalPage,
} from '../../../spec/kernel/pageTable';
import { entrySame, isNone, pteNone, ptePresent, pteType } from '../../../spec/kernel/pte';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] }) => trace.steps.slice(1).map((s) => s.label);
const errState = () => ({ err: null as string | null });

describe('page-table entries and tables', () => {
  it('entries are canonical; pmd_same compares every field', () => {
    expect(ptNone()).toEqual({ kind: 'none', table: null, pfn: null, writable: false, special: false, devmap: false });
    expect(ptEntryString(ptTable('T0'))).toBe('table(T0)');
    expect(ptEntryString(ptLeaf('V0', { writable: true, special: true }))).toBe('leaf(V0,w,special)');
    expect(entrySame(ptLeaf('V0'), ptLeaf('V0'))).toBe(true);
    expect(entrySame(ptLeaf('V0'), ptLeaf('V0', { devmap: true }))).toBe(false);
    expect(entrySame(ptePresent('S0', true, false), ptePresent('S0', true, true))).toBe(false);
    expect([isPtNone(ptNone()), isPtTable(ptTable('T0'), 'T0'), isPtTable(ptTable('T0'), 'T1'), isPtLeaf(ptLeaf('V'))]).toEqual([true, true, false, true]);
  });

  it('pmd_populate needs the lock and a none slot; pmd_install re-checks pmd_none', () => {
    const pmd = pageTableInit<ReturnType<typeof ptNone<string, string>>, 'A' | 'B'>([ptNone()]);
    const d1 = errState();
    pmdPopulate(d1, pmd, 0, 'T0', 'A');
    expect(d1.err).toBe('LOCK_NOT_HELD');
    pmd.ptl.owner = 'A';
    const d2 = errState();
    expect(pmdInstall(d2, pmd, 0, 'T1', 'A')).toBe(false); // populated already: the caller frees T1
    expect(pmd.slot[0]).toEqual(ptTable('T0'));
    pmdPopulate(d2, pmd, 0, 'T1', 'A');
    expect(d2.err).toBe('PT_LEAK');
  });

  it('alloc gives an empty table with one reference; freeing a table with entries leaks them', () => {
    const pt = pageTableFreeInit(() => pteNone<'S0'>(), 2);
    ptAlloc(pt, pteNone);
    expect(pt).toMatchObject({ ref: 1, freed: false });
    expect(() => ptAlloc(pt, pteNone)).toThrow(/not free/);
    pt.slot[1] = ptePresent('S0', true, false);
    const d = errState();
    ptFree(d, pt, 'UAF_T', isNone);
    expect(d.err).toBe('PT_LEAK');
    expect(pt).toMatchObject({ freed: true, ref: 0 });
    const d2 = errState();
    ptFree(d2, pt, 'UAF_T', isNone);
    expect(d2.err).toBe('UAF_T');
  });

  it('vm_normal_page and GUP-fast: special has no page; devmap needs its pgmap; a page without struct page is NO_STRUCT_PAGE', () => {
    expect(vmNormalPage(ptLeaf('V', { special: true }))).toBeNull();
    expect(vmNormalPage(ptLeaf('S'))).toBe('S');
    expect(vmNormalPage(ptTable('T0'))).toBeNull();
    expect(gupFastLeaf(ptLeaf('V', { special: true }))).toBe('bail');
    expect(gupFastLeaf(ptLeaf('V', { devmap: true }))).toBe('devmap');
    expect(gupFastLeaf(ptLeaf('V', { devmap: true }), { archDevmap: false })).toBe('page'); // "Isn't the devmap PTE flag arch optional?"
    expect(gupFastLeaf(ptNone())).toBe('bail');
    const d = errState();
    expect(structPage(d, 'zoneDevice')).toBe(true);
    expect(structPage(d, 'noPage')).toBe(false);
    expect(d.err).toBe('NO_STRUCT_PAGE');
  });
});

// Two faults populate the same PMD slot, each with its own freshly allocated PTE table (__pte_alloc).
const pfs = ['FA', 'FB'] as const;
const popFields = {
  err: errType('UAF_TA', 'UAF_TB'),
  pmd: pageTableType(pfs, ptEntryType(['TA', 'TB'], ['S0']), 1, { maxRef: 1 }),
  pte: t.record({ TA: pageTableType(pfs, pteType(['S0']), 1, { maxRef: 1 }), TB: pageTableType(pfs, pteType(['S0']), 1, { maxRef: 1 }) }),
};
type P = Infer<RecordType<typeof popFields>>;
const PT = pageTableSteps<P>();

function populate(recheck: boolean) {
  const fault = (tbl: 'TA' | 'TB'): StepDef<P, unknown, string>[] => [
    { label: 'ALLOC', effect: (d) => ptAlloc(d.pte[tbl], pteNone) },
    recheck
      ? PT.install('INSTALL', (s) => s.pmd, 0, tbl, (s) => s.pte[tbl], { uaf: tbl === 'TA' ? 'UAF_TA' : 'UAF_TB', isEmpty: isNone })
      : { label: 'INSTALL', guard: (s) => s.pmd.ptl.owner === null, effect: (d, th) => void ((d.pmd.ptl.owner = th.id as 'FA' | 'FB'), pmdPopulate(d, d.pmd, 0, tbl, th.id), (d.pmd.ptl.owner = null)) },
  ];
  return spec(popFields)
    .init(() => ({ err: null, pmd: pageTableInit([ptNone()]), pte: { TA: pageTableFreeInit(pteNone, 1), TB: pageTableFreeInit(pteNone, 1) } }))
    .thread('FA', { instances: ['FA'], steps: fault('TA') as never })
    .thread('FB', { instances: ['FB'], steps: fault('TB') as never })
    .invariant('INV-PT', forbid('PT_LEAK'))
    .invariant('OneTableInstalledOtherFreed', (s: any) => {
      if (s.FA[0].pc !== 'done' || s.FB[0].pc !== 'done') return true;
      const used = s.pmd.slot[0].table as 'TA' | 'TB';
      const other = used === 'TA' ? 'TB' : 'TA';
      return !s.pte[used].freed && s.pte[other].freed;
    })
    .invariant('INV-NOERR', noError)
    .build();
}

describe('a section under a table lock (pageTableSteps().locked)', () => {
  it('is enabled while the lock is free, holds it for the body (pmd_populate sees it), frees it after, and tells lint', () => {
    const L = pageTableSteps<P>();
    const step = L.locked('T', (s) => s.pmd, (d, th) => pmdPopulate(d, d.pmd, 0, 'TA', th.id));
    const s0: P = { err: null, pmd: pageTableInit([ptNone()]), pte: { TA: pageTableFreeInit(pteNone, 1), TB: pageTableFreeInit(pteNone, 1) } };
    expect(step.guard!(s0, { self: 0, id: 'FA', local: undefined })).toBe(true);
    step.effect!(s0, { self: 0, id: 'FA', local: undefined, choose: (o: any) => o[0], goto: () => {} } as never);
    expect(s0.err).toBeNull();
    expect(s0.pmd.slot[0]).toEqual(ptTable('TA'));
    expect(s0.pmd.ptl.owner).toBeNull();
    expect(step.holds).toHaveLength(1);
    s0.pmd.ptl.owner = 'FB';
    expect(step.guard!(s0, { self: 0, id: 'FA', local: undefined })).toBe(false);
  });
});

describe("a table's split lock picked by the walker (pageTableSteps().lock / unlock)", () => {
  it('locks the table the locals name while it is free, records UAF on a freed table and UNLOCK_NOT_HELD for a non-holder', () => {
    type W = { at: 'TA' | 'TB' };
    const L = pageTableSteps<P, W>();
    const lock = L.lock('L', (s, th) => s.pte[th.local.at], { uaf: 'UAF_TB' });
    const unlock = L.unlock('U', (s, th) => s.pte[th.local.at], { uaf: 'UAF_TB' });
    const th = (id: string, at: W['at']) => ({ self: 0, id, local: { at }, choose: (o: any) => o[0], goto: () => {} }) as never;
    const s0: P = { err: null, pmd: pageTableInit([ptNone()]), pte: { TA: pageTableInit([pteNone()]), TB: pageTableFreeInit(pteNone, 1) } };
    expect(lock.guard!(s0, th('FA', 'TA'))).toBe(true);
    lock.effect!(s0, th('FA', 'TA'));
    expect([s0.pte.TA.ptl.owner, s0.err]).toEqual(['FA', null]);
    expect(lock.guard!(s0, th('FB', 'TA'))).toBe(false);
    unlock.effect!(s0, th('FB', 'TA'));
    expect([s0.pte.TA.ptl.owner, s0.err]).toEqual(['FA', 'UNLOCK_NOT_HELD']);
    const s1: P = { ...s0, err: null };
    unlock.effect!(s1, th('FA', 'TA'));
    expect(s1.pte.TA.ptl.owner).toBeNull();
    lock.effect!(s1, th('FA', 'TB')); // TB is a free page: locking it is a use after free
    expect([s1.pte.TB.ptl.owner, s1.err]).toEqual([null, 'UAF_TB']);
  });
});

describe('page tables in a spec', () => {
  it('two racing __pte_alloc: the re-check under the pmd lock installs one table and frees the spare, 10 states', () => {
    // Before either install: ALLOC/INSTALL × ALLOC/INSTALL (4). One installed, the other at ALLOC or
    // INSTALL: 2 × 2 (4). Both done: TA or TB installed (2).
    expectHolds(populate(true), { distinct: 10 });
  });

  it('a populate without the pmd_none re-check overwrites the first table: PT_LEAK', () => {
    const trace = expectViolation(populate(false), { property: 'INV-PT', maxSteps: 4 });
    expect(labels(trace).filter((l) => l.endsWith('INSTALL'))).toHaveLength(2);
  });

  it('GUP-fast on a huge PFN leaf without the special bit dereferences a struct page VRAM does not have (H13)', () => {
    const fields = { err: errType(), pmd: pageTableType(['G'], ptEntryType(['T0'], ['V']), 1, { maxRef: 1 }), kind: t.enum(...PFN_KINDS) };
    type S = Infer<RecordType<typeof fields>>;
    type Snap = { snap: ReturnType<typeof ptNone<'T0', 'V'>> };
    const W = pageTableSteps<S, Snap>();
    const gup = (special: boolean) =>
      spec(fields)
        .init(() => ({ err: null, pmd: pageTableInit([ptLeaf('V', { special })]), kind: 'noPage' as const }))
        .thread('G', {
          instances: ['G'],
          locals: { snap: ptEntryType(['T0'], ['V']) },
          initLocals: () => ({ snap: ptNone<'T0', 'V'>() }),
          steps: [
            W.read('G1', (s) => s.pmd.slot[0]!, (l, e) => void (l.snap = e)),
            { label: 'G2', effect: (d: S, th: { local: Snap }) => void (gupFastLeaf(th.local.snap) === 'page' && structPage(d, d.kind)) },
          ] as never,
        })
        .invariant('INV-NO-STRUCT-PAGE', forbid('NO_STRUCT_PAGE'))
        .build();
    expect(labels(expectViolation(gup(false), { property: 'INV-NO-STRUCT-PAGE', maxSteps: 2 }))).toEqual(['G.G1', 'G.G2']);
    expectHolds(gup(true), { distinct: 3 });
  });
});

// A lockless walker (GUP-fast on a THP) vs a zap: read the PMD, take a page reference, re-check.
const wz = ['W', 'Z'] as const;
const walkFields = {
  err: errType('UAF_S0'),
  pmd: pageTableType(wz, ptEntryType(['T0'], ['S0']), 1, { maxRef: 1 }),
  pg: pageType(wz, { maxRef: 2, maxMap: 1, maxVal: 0 }),
  zapped: t.bool(),
  /** Ghost: W's reference was taken after the zap (GUP would return a page the mm no longer maps). */
  late: t.bool(),
};
type WS = Infer<RecordType<typeof walkFields>>;
type WL = { snap: ReturnType<typeof ptNone<'T0', 'S0'>> };
const Wk = pageTableSteps<WS, WL>();
const slot0 = (s: WS) => s.pmd.slot[0]!;

function walker(recheck: boolean) {
  const steps: StepDef<WS, WL, string>[] = [
    Wk.read('READ', slot0, (l, e) => void (l.snap = e)),
    { label: 'GRAB', effect: (d, th) => void (isPtLeaf(th.local.snap) && pageGetUnlessZero(d.pg) ? (d.late = d.zapped) : th.goto('done')) },
    ...(recheck ? [Wk.recheck('RECHECK', slot0, (l) => l.snap, 'UNDO')] : []),
    { label: 'USE', effect: (d, th) => void (pagePut(d, d.pg, 'UAF_S0'), th.goto('done')) },
    { label: 'UNDO', effect: (d) => void pagePut(d, d.pg, 'UAF_S0') },
  ];
  return spec(walkFields)
    .init(() => ({ err: null, pmd: pageTableInit([ptLeaf('S0', { writable: true })]), pg: pageInit({ val: 0, map: 1 }), zapped: false, late: false }))
    .thread('W', { instances: ['W'], locals: { snap: ptEntryType(['T0'], ['S0']) }, initLocals: () => ({ snap: ptNone<'T0', 'S0'>() }), steps: steps as never })
    .thread('Z', {
      instances: ['Z'],
      steps: [
        { label: 'ZAP', guard: (s: WS) => s.pmd.ptl.owner === null, effect: (d: WS) => void ((d.pmd.slot[0] = ptNone()), pageUnmapRmap(d, d.pg, 'UAF_S0'), (d.zapped = true)) },
        { label: 'PUT', effect: (d: WS) => void pagePut(d, d.pg, 'UAF_S0') },
      ] as never,
    })
    .invariant('NoRefTakenAfterZap', (s: any) => !(s.W[0].pc === 'USE' && s.late))
    .invariant('INV-NOERR', noError)
    .build();
}

describe('lockless walkers', () => {
  it('read, grab, re-check with pmd_same: a reference taken after the zap is undone', () => {
    // (Count pinned from the checker, as a regression.)
    expectHolds(walker(true), { distinct: 27 });
    // The undo path is taken: a zap between the read and the re-check fails pmd_same.
    const sp = walker(true);
    const undo = expectViolation({ ...sp, invariants: [{ name: 'NeverUndo', check: (s: any) => s.W[0].pc !== 'UNDO' }] }, { property: 'NeverUndo', maxSteps: 4 });
    expect(labels(undo)).toEqual(['W.READ', 'W.GRAB', 'Z.ZAP', 'W.RECHECK']);
  });

  it('without the re-check the walker keeps a page the mm no longer maps', () => {
    expect(labels(expectViolation(walker(false), { property: 'NoRefTakenAfterZap', maxSteps: 3 }))).toEqual(['W.READ', 'Z.ZAP', 'W.GRAB']);
  });
});
