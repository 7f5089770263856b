/**
 * The restore micro-model of M3 (hmm-domain.md §1.9.1, §2 H6, §3 M3 `restore-page-shift`): HMM
 * v13's `hmm_vma_migrate` run by one thread over 4 pages in 2 PMD chunks of 2, pages 0 and 2
 * pinned by someone else, with PAGE_SIZE = 4 and PAGE_SHIFT = 2 so that the shape of a loop that
 * steps its address by PAGE_SHIFT survives the small numbers (PMD = 8 bytes, range [0, 16)).
 *
 * Steps (one per loop iteration, the thread is alone):
 * - CO2: `hmm_collect_walk_pmd`, one page: get_page, trylock_page (always succeeds here),
 *   migration entry, page_remove_rmap, put_page; pfns[i] = page | MIGRATE | LOCKED.
 * - LI: `hmm_migrate_lock_and_isolate`'s first loop: isolate (the isolation reference replaces the
 *   collect one), `hmm_migrate_page_check(page, 1)` → pinned pages lose MIGRATE, restore++.
 * - the restore loop, v13 (`restore-page-shift`) — RS0: the outer walk; RS1: re-walk one PMD and
 *   put back the PTEs of the entries that lost MIGRATE; RS2: the unlock loop over the same PMD,
 *   whose address steps by PAGE_SHIFT while the index steps by one — or v4.14 (`fixed`): RS, one
 *   index and one page at a time (`migrate_vma_prepare`'s restore loop as merged).
 * - UM: `hmm_migrate_unmap` (nothing fails in this sequential model: no page is mapped elsewhere
 *   and no new pin appears; H7 is checked in its own configuration).
 * - CP: the driver's alloc_and_copy allocates no destination (it clears MIGRATE and keeps the source
 *   pfns), so struct_page and finalize_and_map have nothing to do.
 * - FIN: `hmm_migrate_remove_migration_pte`, one PTE: a migration entry is replaced by the page in
 *   pfns[i] (or its own page if pfns[i] was cleared), which is then unlocked and put back.
 *
 * Modelled as quoted in the review replies (<20161121053125.GG7872@redhat.com>): note that the
 * outer restore walk skips the entries that lost MIGRATE (`!page || !(pfns[i] & HMM_PFN_MIGRATE)`)
 * and starts each PMD at the first entry that kept it. With a PAGE_SIZE step that alone is harmless
 * here (FIN restores the skipped entries at the end); the PAGE_SHIFT step is what unlocks page 2
 * while its migration entry is still in place (INV-MIG1). Reads of pfns[] past its end (possible
 * once the address and the index disagree) record PFN_OOB and see an empty entry; FIN then finds
 * page 2's entry again, unlocks it a second time and puts it back again (LOCKSTATE, REF).
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { SpecBuilder } from '../../../spec/builder';
import { errType, forbid, noError, raise, type PrimitiveError } from '../../../spec/kernel/errors';
import { migrateVmaCheckPage, pageGet, pageInit, pageLocked, pageMap, pagePut, pageTrylock, pageType, pageUnlock, pageUnmapRmap, type Page } from '../../../spec/kernel/page';
import { isMigration, isPresent, pteMigration, pteNone, ptePresent, pteType, type Pte } from '../../../spec/kernel/pte';
import type { Spec } from '../../../spec/spec';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { INV } from './common';
import { restoreSources } from './sources';

/** INV-REF's error part, made once (a predicate runs on every state). */
const noRefError = forbid('UAF_P0', 'UAF_P1', 'UAF_P2', 'UAF_P3', 'REF_UNDERFLOW', 'REF_GET_ZERO');

export const PAGE_SIZE = 4;
export const PAGE_SHIFT = 2;
const PMD_SIZE = 2 * PAGE_SIZE;
const N = 4;
const START = 0;
const END = START + N * PAGE_SIZE;

const P = ['P0', 'P1', 'P2', 'P3'] as const;
type PName = (typeof P)[number];
/** Pages pinned by someone else (one extra reference each): 0 and 2. */
const PINS: Record<PName, number> = { P0: 1, P1: 0, P2: 1, P3: 0 };
const UAF: Record<PName, 'UAF_P0' | 'UAF_P1' | 'UAF_P2' | 'UAF_P3'> = { P0: 'UAF_P0', P1: 'UAF_P1', P2: 'UAF_P2', P3: 'UAF_P3' };
const CODES = ['UAF_P0', 'UAF_P1', 'UAF_P2', 'UAF_P3', 'PFN_OOB'] as const;

const pfnT = t.record({ page: t.bool(), migrate: t.bool(), locked: t.bool() });
const pageT = pageType(['Mig'], { maxRef: 4, maxMap: 1, maxVal: 0 });
const fields = {
  err: errType(...CODES),
  pte: t.array(pteType(P), N),
  page: t.record({ P0: pageT, P1: pageT, P2: pageT, P3: pageT }),
  /** hmm_pfn_t pfns[]: the page of entry i is P[i] while `page` is set (the WRITE bit is always set). */
  pfns: t.array(pfnT, N),
};
type Pfn = Infer<typeof pfnT>;
interface St {
  err: (typeof CODES)[number] | PrimitiveError | null;
  pte: Pte<PName>[];
  page: Record<PName, Page>;
  pfns: Pfn[];
}
const locals = {
  i: t.int(0, 2 * N),
  addr: t.int(0, END + PAGE_SIZE),
  restart: t.int(0, END),
  next: t.int(0, END),
  restore: t.int(0, N),
  npages: t.int(0, N),
  hold: t.map(P, t.int(0, 1)),
};
type L = Infer<RecordType<typeof locals>>;
type Ctx = ThreadCtx<L, string>;
type Step = StepDef<St, L, string>;

export interface RestoreForms {
  /** `v13`: the posted lock_and_isolate restore loop; `v4.14`: the merged per-index loop. */
  readonly loop: 'v13' | 'v4.14';
  /** Address step of the v13 unlock loop: PAGE_SHIFT as posted, PAGE_SIZE as intended. */
  readonly unlockStep: number;
}

/**
 * Why each step may make several accesses: the migration runs alone here (H6 is an index bug of one
 * thread's loops), so no other thread can observe it between two of its accesses.
 */
const ALONE = 'the migration is the only thread of this configuration (H6 is a bug of its own restore loops, hmm-domain.md §2): no other thread can observe the state between two of its accesses';

/** The fields as the kernel would declare them; every step is ALONE-justified, so lint only reviews them. */
const access = {
  // the PTEs (each one pte_t) under the PTL collect and finalize take
  pte: 'lockless',
  'page.*.ref': 'atomic',
  'page.*.map': 'atomic',
  'page.*.lock': 'atomic',
  'page.*.dirty': 'atomic',
  'page.*.val': 'ghost',
  'page.*.swap': 'ghost',
  // hmm_pfn_t pfns[]: the migration's own array, global only so that the invariants read it
  pfns: 'ghost',
} as const;

const pmdAddrEnd = (addr: number): number => Math.min(Math.floor(addr / PMD_SIZE) * PMD_SIZE + PMD_SIZE, END);

/**
 * pfns[i]. A read past the end records PFN_OOB and sees an empty entry: what lies beyond the array
 * is unknown, and "no page" is the most benign reading (the run then goes on as the doc's H6
 * narrative does, into the final phase).
 */
function pfnAt(d: St, i: number): Pfn {
  if (i < N) return d.pfns[i]!;
  raise(d, 'PFN_OOB');
  return { page: false, migrate: false, locked: false };
}

/** putback_lru_page / put_page of the isolation reference (an extra put is left to INV-REF). */
function putback(d: St, th: Ctx, x: PName): void {
  if (th.local.hold[x] > 0) th.local.hold[x]--;
  pagePut(d, d.page[x], UAF[x]);
}

/** hmm_vma_migrate after a phase: return at once if no candidate is left. */
function afterRestore(th: Ctx): void {
  th.goto(th.local.npages === 0 ? 'done' : 'UM');
}

/** The v13 unlock loop's condition `addr < next && restore`, then `if (!restore) break`. */
function unlockLoopOrNext(th: Ctx): void {
  const l = th.local;
  if (l.addr < l.next && l.restore > 0) th.goto('RS2');
  else if (l.restore === 0) afterRestore(th);
  else th.goto('RS0');
}

export function buildRestore(forms: RestoreForms): Spec {
  const v13 = forms.loop === 'v13';
  const restoreSteps: Step[] = v13
    ? [
        {
          label: 'RS0',
          atomic: ALONE,
          doc: 'v13 restore: outer walk — skip entries without MIGRATE; else restart := addr, next := pmd_addr_end(addr)',
          effect: (d: St, th: Ctx) => {
            const l = th.local;
            if (l.addr >= END) return afterRestore(th);
            const pfn = pfnAt(d, l.i);
            if (!pfn.page || !pfn.migrate) {
              l.addr += PAGE_SIZE;
              l.i++;
              return th.goto('RS0');
            }
            l.restart = l.addr;
            l.next = pmdAddrEnd(l.addr);
          },
        },
        {
          label: 'RS1',
          atomic: ALONE,
          doc: 'v13 restore: ⟨PTL⟩ re-walk the PMD from restart: for an entry without MIGRATE, ptep_get_and_clear; a migration entry → mk_pte(page), get_page, page_add_anon_rmap',
          effect: (d: St, th: Ctx) => {
            const l = th.local;
            const pfn = pfnAt(d, l.i);
            const idx = Math.floor(l.addr / PAGE_SIZE);
            if (pfn.page && !pfn.migrate) {
              const x = P[l.i]!;
              const e = d.pte[idx]!;
              d.pte[idx] = pteNone(); // ptep_get_and_clear: anything but a migration entry is left cleared ("SOMETHING BAD")
              if (isMigration(e)) {
                d.pte[idx] = ptePresent(x, true, false);
                pageMap(d, d.page[x], UAF[x]);
              }
            }
            l.addr += PAGE_SIZE;
            l.i++;
            if (l.addr < l.next) return th.goto('RS1');
            l.addr = l.restart; // PTL unlock; back to the start of the PMD for the unlock loop
            l.i = (l.addr - START) >> PAGE_SHIFT;
            unlockLoopOrNext(th);
          },
        },
        {
          label: 'RS2',
          atomic: ALONE,
          doc: `v13 restore: unlock loop over the PMD — pfns[i] = 0, unlock_page, restore--, putback_lru_page; addr += ${forms.unlockStep === PAGE_SHIFT ? 'PAGE_SHIFT' : 'PAGE_SIZE'}, i++`,
          effect: (d: St, th: Ctx) => {
            const l = th.local;
            const pfn = pfnAt(d, l.i);
            if (pfn.page && !pfn.migrate) {
              const x = P[l.i]!;
              d.pfns[l.i] = { page: false, migrate: false, locked: false };
              pageUnlock(d, d.page[x]);
              l.restore--;
              putback(d, th, x);
            }
            l.addr += forms.unlockStep;
            l.i++;
            unlockLoopOrNext(th);
          },
        },
      ]
    : [
        {
          label: 'RS',
          atomic: ALONE,
          doc: 'v4.14 restore (migrate_vma_prepare): for i < npages && restore, one page at a time: remove_migration_pte, src[i] = 0, unlock_page, put_page, restore--',
          effect: (d: St, th: Ctx) => {
            const l = th.local;
            const pfn = d.pfns[l.i]!;
            if (pfn.page && !pfn.migrate) {
              const x = P[l.i]!;
              if (isMigration(d.pte[l.i]!, x)) {
                d.pte[l.i] = ptePresent(x, true, false);
                pageMap(d, d.page[x], UAF[x]);
              }
              d.pfns[l.i] = { page: false, migrate: false, locked: false };
              pageUnlock(d, d.page[x]);
              putback(d, th, x);
              l.restore--;
            }
            l.i++;
            l.addr += PAGE_SIZE;
            if (l.i < N && l.restore > 0) th.goto('RS');
            else afterRestore(th);
          },
        },
      ];

  const steps: Step[] = [
    {
      label: 'CO2',
      atomic: ALONE,
      doc: 'hmm_collect_walk_pmd, one PTE: get_page; trylock_page → migration entry, page_remove_rmap, put_page; pfns[i] = page|MIGRATE|LOCKED',
      effect: (d: St, th: Ctx) => {
        const l = th.local;
        const x = P[l.i]!;
        const e = d.pte[l.i]!;
        if (isPresent(e, x)) {
          const pg = d.page[x];
          if (pageGet(d, pg, UAF[x])) l.hold[x]++;
          const locked = pageTrylock(pg, th.id);
          if (locked) {
            d.pte[l.i] = pteMigration(x, e.writable);
            pageUnmapRmap(d, pg, UAF[x]);
            pagePut(d, pg, UAF[x]);
          }
          d.pfns[l.i] = { page: true, migrate: true, locked };
          l.npages++;
        }
        l.i++;
        if (l.i < N) return th.goto('CO2');
        l.i = 0;
        l.addr = START;
      },
    },
    {
      label: 'LI',
      atomic: ALONE,
      doc: 'hmm_migrate_lock_and_isolate, one entry: (lock_page if collect did not lock it); isolate_lru_page, drop the collect reference; hmm_migrate_page_check(page, 1) fails → clear MIGRATE, npages--, restore++',
      effect: (d: St, th: Ctx) => {
        const l = th.local;
        const pfn = d.pfns[l.i]!;
        const x = P[l.i]!;
        if (pfn.page) {
          if (!pfn.locked) {
            // lock_page: never waits here (the thread is alone)
            pageTrylock(d.page[x], th.id);
            pfn.locked = true;
          }
          if (!migrateVmaCheckPage(d.page[x], { faultPage: false, zoneDevice: false, mapping: false })) {
            pfn.migrate = false;
            l.npages--;
            l.restore++;
          }
        }
        l.i++;
        l.addr += PAGE_SIZE;
        if (l.i < N) return th.goto('LI');
        if (l.restore === 0) return afterRestore(th);
        l.i = 0;
        l.addr = START;
        th.goto(v13 ? 'RS0' : 'RS');
      },
    },
    ...restoreSteps,
    {
      label: 'UM',
      atomic: ALONE,
      doc: 'hmm_migrate_unmap: try_to_unmap and the page check again — nothing fails here (no other mapping, no new pin)',
      effect: () => {},
    },
    {
      label: 'CP',
      atomic: ALONE,
      doc: 'driver alloc_and_copy: no destination allocated (MIGRATE cleared, source pfns kept); struct_page and finalize_and_map have nothing to do',
      effect: (d: St, th: Ctx) => {
        for (const pfn of d.pfns) pfn.migrate = false;
        th.local.i = 0;
      },
    },
    {
      label: 'FIN',
      atomic: ALONE,
      doc: 'hmm_migrate_remove_migration_pte, one PTE: a migration entry → remove_migration_ptes(page, pfns[i] ?: page); pfns[i] = 0; unlock_page; putback_lru_page',
      effect: (d: St, th: Ctx) => {
        const l = th.local;
        const e = d.pte[l.i]!;
        if (isMigration(e) && e.pfn !== null) {
          const page = e.pfn;
          const pfn = d.pfns[l.i]!;
          const newpage = pfn.page ? P[l.i]! : page;
          d.pte[l.i] = ptePresent(newpage, e.writable, false);
          pageMap(d, d.page[newpage], UAF[newpage]);
          d.pfns[l.i] = { page: false, migrate: false, locked: false };
          pageUnlock(d, d.page[page]);
          putback(d, th, page);
        }
        l.i++;
        if (l.i < N) th.goto('FIN');
      },
    },
  ];

  return new SpecBuilder<St>(fields)
    .access(access)
    .sources(restoreSources(forms.loop))
    .init(() => ({
      err: null,
      pte: P.map((x) => ptePresent(x, true, false)),
      page: { P0: pageInit({ val: 0, map: 1, extra: PINS.P0 }), P1: pageInit({ val: 0, map: 1 }), P2: pageInit({ val: 0, map: 1, extra: PINS.P2 }), P3: pageInit({ val: 0, map: 1 }) },
      pfns: P.map(() => ({ page: false, migrate: false, locked: false })),
    }))
    .thread('Mig', {
      instances: ['Mig'],
      locals,
      initLocals: (): L => ({ i: 0, addr: START, restart: 0, next: 0, restore: 0, npages: 0, hold: { P0: 0, P1: 0, P2: 0, P3: 0 } }),
      steps,
    })
    .invariant(INV.MIG1, (s) => s.pte.every((e) => !isMigration(e) || pageLocked(s.page[e.pfn!])), 'a migration entry points to a locked page')
    // The thread is alone: quiescent exactly when it is done.
    .invariant(
      INV.MIG2,
      (s) => s.Mig[0]!.pc !== 'done' || (s.pte.every((e) => !isMigration(e)) && P.every((x) => !pageLocked(s.page[x]))),
      'once the migration returned, no migration entry and no locked page is left',
    )
    .invariant(
      INV.REF,
      (s) =>
        noRefError(s) &&
        P.every((x, i) => {
          const pg = s.page[x];
          const mapped = isPresent(s.pte[i]!, x) ? 1 : 0;
          return pg.map === mapped && pg.ref === pg.map + PINS[x] + s.Mig[0]!.hold[x];
        }),
      'refcount = mapping + pin + the migration\'s reference; mapcount = the PTE',
    )
    .invariant(INV.NOERR, noError)
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
