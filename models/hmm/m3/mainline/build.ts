/** hmm/m3-migrate-device's spec: the configurations, the initial state, the threads and the invariants. */
import { SpecBuilder } from '../../../../spec/builder';
import { cpuFair, cpuInit } from '../../../../spec/kernel/cpu';
import { forbid, noError } from '../../../../spec/kernel/errors';
import { lruAddDrainOn, lruBatchInit, type FolioPage } from '../../../../spec/kernel/folio';
import { pageLocked } from '../../../../spec/kernel/page';
import { pteDevicePrivate, pteNone, ptePresent, pteType } from '../../../../spec/kernel/pte';
import { spinlockInit } from '../../../../spec/kernel/spinlock';
import { tlbInit } from '../../../../spec/kernel/tlb';
import { kworkerInit, kworkerLocals, workInit } from '../../../../spec/kernel/workqueue';
import { citeSteps } from '../../../../spec/citation';
import { DRAIN_SOURCE, KWORKER_SOURCES, USER_SOURCES } from './sources';
import type { Spec } from '../../../../spec/spec';
import { quiescence } from '../common';
import { collectSteps } from './collect';
import { WQ, type Forms } from './env';
import { finalizeSteps } from './finalize';
import { pagesSteps } from './pages';
import { unmapSteps } from './unmap';
import { resetMigration, userSteps, type Op } from './user';
import { evictSteps } from './evict';
import { gupSteps } from './gup';
import { ADDRS, BINDING, CPU_THREADS, CPUS, DRAIN_WORK, IDX, KWORKERS, PFNS, PTE_PFNS, THREADS, ZERO, V0, WORKS, fields, gupLocals, migLocals, userLocals, type GupL, type MigL, type Pfn, type Step, type Sys, type UserL } from './state';

/** INV-REF's error part, made once (a predicate runs on every state). */
const noRefError = forbid('UAF_PAGE', 'REF_UNDERFLOW', 'REF_GET_ZERO', 'LRU_STATE');

/** Invariant names of hmm/m3-migrate-device (INV-MIG1/2, INV-REF, INV-DATA, INV-NOERR as in M3). */
export const MD_INV = {
  MIG1: 'INV-MIG1',
  TERMINATION: 'TERMINATION',
  MIG2: 'INV-MIG2',
  REF: 'INV-REF',
  DATA: 'INV-DATA',
  TLB: 'INV-TLB',
  SRC: 'INV-SRC',
  PIN: 'INV-PIN',
  NOERR: 'INV-NOERR',
} as const;

const freePage = (i: number): FolioPage => ({ ref: 0, map: 0, lock: null, dirty: false, freed: true, val: 0, swap: null, head: i, order: 0, lru: 'none' });
const livePage = (i: number, o: { ref: number; map: number; order?: number; lru?: FolioPage['lru'] }): FolioPage => ({
  ref: o.ref,
  map: o.map,
  lock: null,
  dirty: false,
  freed: false,
  val: V0,
  swap: null,
  head: i,
  order: o.order ?? 0,
  lru: o.lru ?? 'lru',
});

function initState(f: Forms): Sys {
  const pages = PFNS.map((_, i) => freePage(i));
  const pin = PFNS.map(() => 0);
  if (f.large) {
    pin[IDX.L0] = f.splitFails ? 1 : 0;
    pages[IDX.L0] = livePage(IDX.L0, { ref: 1 + pin[IDX.L0]!, map: 1, order: 1 });
    pages[IDX.L1] = { ...livePage(IDX.L0, { ref: 0, map: 0, lru: 'none' }), head: IDX.L0 }; // the unmapped tail of the folio
  } else if (!f.hugeZero) pages[IDX.S1] = livePage(IDX.S1, { ref: 1, map: 1 });
  pin[IDX.S0] = f.pinned || f.isolateFails ? 1 : 0;
  // a0: the device page D0 (device fault configurations: migrated to the device before), the zero page, or S0
  const zero = f.zeroPage || f.hugeZero;
  if (f.devFault) pages[IDX.D0] = livePage(IDX.D0, { ref: 1, map: 1, lru: 'none' });
  else if (!zero) pages[IDX.S0] = livePage(IDX.S0, { ref: 1 + pin[IDX.S0]!, map: 1, lru: f.isolateFails ? 'none' : f.freshAnon ? 'batch' : 'lru' });
  const lruBatch = lruBatchInit(CPUS, PFNS.length);
  lruBatch.c1[IDX.S0] = f.freshAnon; // U's do_anonymous_page → folio_add_lru_vma on c1
  const tlb = tlbInit({ cpus: CPUS, addrs: ADDRS, pfns: PTE_PFNS, threads: THREADS });
  // U accessed a0 before: its TLB caches the translation (writable and dirty iff the PTE is); a device-private entry is never cached
  if (!f.devFault) tlb.entry.c1.a0 = zero ? { pfn: ZERO, writable: false, dirty: false } : { pfn: 'S0', writable: f.exclusive, dirty: f.exclusive };
  return {
    err: null,
    ptl: spinlockInit(),
    pmd: f.hugeZero ? 'hugezero' : 'table',
    // a writable anonymous PTE maps only an anon-exclusive page (PageAnonExclusive, 6c287605fd56):
    // a shared S0 is mapped read-only (after fork, say); a1's page is exclusive
    pte: [
      f.devFault ? pteDevicePrivate('D0', true) : zero ? ptePresent(ZERO, false, false) : ptePresent('S0', f.exclusive, f.exclusive),
      f.hugeZero ? ptePresent(ZERO, false, false) : f.large ? ptePresent('L0', true, false) : ptePresent('S1', true, false),
    ],
    pages,
    excl: PFNS.map((p) => (p === 'S0' ? f.exclusive && !f.devFault && !zero : p === 'L0' || p === 'L1' || (p === 'S1' && !f.hugeZero) || (p === 'D0' && f.devFault))),
    pin,
    tlb,
    cpu: cpuInit(CPU_THREADS),
    lruBatch,
    work: workInit(WORKS),
    lastWrite: zero ? 0 : V0,
    promised: ADDRS.map(() => null),
  };
}

const migInit = (): MigL => ({
  i: 0,
  unmapped: 0,
  restore: 0,
  drain: true,
  old: pteNone(),
  src: ADDRS.map(() => ({ pfn: null, migrate: false, write: false })),
  dst: ADDRS.map(() => null),
  fault: null,
  hold: PFNS.map(() => 0),
});
const userInit = (): UserL => {
  const l = { ...migInit(), op: 0, wait: null, zi: 0, zapped: ADDRS.map(() => pteNone()), orig: null } as UserL;
  resetMigration(l);
  return l;
};
const gupInit = (): GupL => ({ pfn: null, kept: null });

/** References the threads hold on the folio headed at page `k`. */
function held(s: any, k: number): number {
  return (['Mig', 'U', 'Ev'] as const).reduce((n, kind) => n + ((s[kind] ?? []) as { hold: number[] }[]).reduce((m, r) => m + r.hold[k]!, 0), 0);
}

/** Refcount = mappings of the folio's pages + outside pins + references the threads hold; freed folios are untouched. */
function refsConsistent(s: Sys): boolean {
  return s.pages.every((pg, k) => {
    if (pg.head !== k) return held(s, k) === 0;
    if (pg.freed) return pg.ref === 0 && held(s, k) === 0;
    let map = 0;
    for (let j = k; j < k + (1 << pg.order); j++) map += s.pages[j]!.map;
    return pg.ref === map + s.pin[k]! + held(s, k);
  });
}

/** Mig, U (and Ev, G where they run) have returned: an idle kworker may exit (so that the end is termination, not deadlock). */
const finished = (s: any): boolean => ['Mig', 'U', 'Ev', 'G'].every((k) => (s[k] ?? []).every((r: { pc: string }) => r.pc === 'done'));

/** lru_add_drain_per_cpu, the work function lru_add_drain_all queues on CPU `cpu`. */
const drainWork = (cpu: string): Step<{ work: string | null }> => ({
  label: 'D1',
  doc: `mm/swap.c lru_add_drain_per_cpu → lru_add_drain → lru_add_drain_cpu(${cpu}) (as read at eb39d618f9e8): ${cpu}'s batched folios onto their LRU lists`,
  src: DRAIN_SOURCE,
  atomic: 'lru_add_drain_cpu moves the batch under local_lock(cpu_fbatches.lock) and the lruvec lock: nobody observes a half-moved batch (mm/swap.c folio_batch_move_lru)',
  effect: (d) => lruAddDrainOn(d.pages, d.lruBatch, cpu),
});

/** The PTEs that map a page the model tracks (not the zero page). */
const mappedPtes = (s: Sys) => s.pte.filter((e) => (e.kind === 'present' || e.kind === 'devpriv') && e.pfn !== ZERO);

export function buildMigrateDevice(f: Forms): Spec {
  const q = quiescence();
  // a store needs a writable PTE: to a shared (read-only) S0 only after MADV_DONTNEED (a new page)
  // with a GUP pin, U only reads: the DMA is the write (G5)
  // on the zero page U only reads (a store would be a do_wp_page COW, not modelled)
  const ops: Op[] = f.zap ? ['dn', 'r', 'w', 'r'] : f.gup ? ['r'] : f.zeroPage || f.hugeZero ? ['r', 'r'] : f.exclusive || f.devFault ? ['w', 'r'] : ['r'];
  const mig = [...collectSteps(f), ...unmapSteps(f), ...pagesSteps(f), ...finalizeSteps(f)];
  const b = new SpecBuilder<Sys>(fields)
    .init(() => initState(f))
    .thread('Mig', { instances: ['Mig'], locals: { ...migLocals, old: pteType(PTE_PFNS) }, initLocals: migInit, steps: mig as any })
    .thread('U', { instances: ['U'], locals: { ...userLocals, old: pteType(PTE_PFNS) }, initLocals: userInit, steps: [...citeSteps(userSteps(ops, f.zapTable, f), USER_SOURCES), ...mig] as any })
    .thread('kw', {
      instances: [...KWORKERS],
      locals: kworkerLocals(WORKS),
      initLocals: kworkerInit,
      steps: citeSteps(WQ.worker<{ work: string | null }>(Object.fromEntries(CPUS.map((c) => [DRAIN_WORK[c], [drainWork(c)]])), { exitWhen: finished }), KWORKER_SOURCES) as any,
    })
    .invariant(MD_INV.MIG1, (s: Sys) => s.pte.every((e) => e.kind !== 'migration' || pageLocked(s.pages[s.pages[IDX[e.pfn as Pfn]]!.head]!)), 'a migration entry points to a locked folio')
    .invariant(
      MD_INV.MIG2,
      (s: Sys) => !q.quiescent(s) || (s.pte.every((e) => e.kind !== 'migration') && s.pages.every((pg) => pg.freed || !pageLocked(pg)) && s.pages.every((_, k) => held(s, k) === 0)),
      'at quiescence: no migration entry, no locked page, no reference left held (no leak)',
    )
    .invariant(
      MD_INV.REF,
      (s: Sys) => noRefError(s) && refsConsistent(s) && mappedPtes(s).every((e) => !s.pages[IDX[e.pfn as Pfn]]!.freed),
      'refcount = mappings + pins + references held; no PTE maps a freed page; a freed page is never touched (a store through a stale TLB entry included)',
    )
    .invariant(MD_INV.DATA, forbid('STALE_READ'), 'a read of a0 returns the value last written there (0 after MADV_DONTNEED): no lost write')
    .invariant(
      MD_INV.TLB,
      (s: Sys) => s.promised.every((p, i) => p === null || CPUS.every((c) => s.tlb.entry[c]![ADDRS[i]!]?.pfn !== p)),
      'once collect returned past the flush it promises, no CPU caches a translation of a cleared address to the page collected there',
    )
    .invariant(MD_INV.SRC, forbid('SRC_OVERFLOW'), 'collect records one src[] entry per page of the range: npages never exceeds the arrays the caller sized for the range')
    .invariant(
      MD_INV.PIN,
      (s: any) => ((s.G ?? []) as GupL[]).every((g) => g.kept === null || s.excl[IDX[g.kept]]),
      'a page GUP holds pinned (its PTE re-check passed) stays PageAnonExclusive: folio_try_share_anon_rmap_pte refuses to share a maybe-pinned page',
    )
    .invariant(MD_INV.NOERR, noError)
    .access({
      pmd: 'lockless',
      pte: { guardedBy: 'ptl', lockfreeReads: true },
      excl: { guardedBy: 'ptl' },
      'pages[*].ref': 'atomic',
      'pages[*].map': 'atomic',
      'pages[*].lock': 'atomic',
      'pages[*].dirty': 'atomic',
      'pages[*].lru': 'atomic',
      // page_folio / folio_order: ghost because stable for whoever holds a folio reference or the
      // PTL of a PTE mapping the folio (split_folio unmaps it and freezes the count first)
      'pages[*].head': 'ghost',
      'pages[*].order': 'ghost',
      'pages[*].val': 'ghost',
      'pages[*].swap': 'ghost',
      pin: 'atomic',
      tlb: 'ghost',
      cpu: 'ghost',
      // per-CPU data under local_lock (cpu_fbatches.lock); read racily by cpu_needs_drain
      lruBatch: 'atomic',
      // the PENDING bit is test_and_set; the rest under the worker pool's lock
      work: 'atomic',
      lastWrite: 'ghost',
      promised: 'ghost',
    });
  if (f.evict) b.thread('Ev', { instances: ['Ev'], locals: { ...migLocals, old: pteType(PTE_PFNS) }, initLocals: migInit, steps: [...evictSteps(), ...unmapSteps(f), ...pagesSteps(f), ...finalizeSteps(f)] as any });
  if (f.gup) b.thread('G', { instances: ['G'], locals: gupLocals, initLocals: gupInit, steps: gupSteps() as any });
  if (f.live) {
    b.terminates(MD_INV.TERMINATION)
      .fair('weak', { eachThreadOf: 'Mig' })
      .fair('weak', { eachThreadOf: 'U' });
    for (const c of CPUS) b.fair('weak', cpuFair((s: Sys) => s.cpu, BINDING, c, [`kw${c.slice(1)}`]));
  }
  const built = b.build();
  q.bind(built.actions);
  return built;
}

