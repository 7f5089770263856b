/**
 * The ABBA micro-model of M3 (hmm-domain.md §1.9.2 "Concurrent migrators", §2 H10, §3 M3
 * `migrate-lock-abba`): two migrations, each over the same two system pages A and B reached in
 * opposite orders (two address spaces sharing the pages, e.g. after fork + mremap — Peter Xu's
 * example), modelled at the level of references and page locks only.
 *
 * Per migration: CO2 collect (a reference on each page, as migrate_vma_collect did before collect
 * itself started to lock), LK1/LK2 the prepare phase locking the pages in the migration's order,
 * MG the rest of the migration (abstracted: no PTE or data is modelled) ending with each locked
 * page unlocked and every reference put.
 *
 * - `migrate-lock-abba`: LK1/LK2 use the blocking `lock_page` (the form the comment in
 *   migrate_vma_prepare warns about, and the shape of HMM v13's hmm_migrate_lock_and_isolate) →
 *   Mig1 holds A and waits for B, Mig2 holds B and waits for A: deadlock.
 * - `fixed`: `trylock_page`; a page that cannot be locked right away is dropped from the
 *   migration (src[i] = 0, put_page) — "make migrate_vma() a best effort thing".
 *
 * INV-MIG2 is not checked here: in this model "blocked for ever" is exactly the deadlock the checker
 * reports as such.
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { SpecBuilder } from '../../../spec/builder';
import { errType, forbid, noError, type PrimitiveError } from '../../../spec/kernel/errors';
import { pageGet, pageInit, pagePut, pageSteps, pageTrylock, pageType, pageUnlock, type Page } from '../../../spec/kernel/page';
import { andThen } from '../../../spec/kernel/steps';
import type { Spec } from '../../../spec/spec';
import { t, type Infer, type RecordType } from '../../../spec/types';
import { INV } from './common';
import { ABBA_SOURCES } from './sources';

/** INV-REF's error part, made once (a predicate runs on every state). */
const noRefError = forbid('UAF_A', 'UAF_B', 'REF_UNDERFLOW', 'REF_GET_ZERO');

const PG = ['A', 'B'] as const;
type PgName = (typeof PG)[number];
const IDS = ['Mig1', 'Mig2'] as const;
const UAF = { A: 'UAF_A', B: 'UAF_B' } as const;

const fields = {
  err: errType('UAF_A', 'UAF_B'),
  page: t.record({ A: pageType(IDS, { maxRef: 3, maxMap: 1, maxVal: 0 }, { lockdep: true }), B: pageType(IDS, { maxRef: 3, maxMap: 1, maxVal: 0 }, { lockdep: true }) }),
};
interface St {
  err: 'UAF_A' | 'UAF_B' | PrimitiveError | null;
  page: Record<PgName, Page>;
}
const locals = {
  /** The migration locked this page (MIGRATE_PFN_LOCKED). */
  locked: t.map(PG, t.bool()),
  /** References held (src[i] set). */
  hold: t.map(PG, t.int(0, 1)),
};
type L = Infer<RecordType<typeof locals>>;
type Ctx = ThreadCtx<L, string>;
type Step = StepDef<St, L, string>;

function migSteps(order: readonly [PgName, PgName], blocking: boolean): Step[] {
  const Pg = pageSteps<St>();
  const lockStep = (label: 'LK1' | 'LK2', x: PgName): Step =>
    blocking
      ? andThen<St, unknown, typeof label, L>(Pg.lock(label, (s) => s.page[x], { uaf: UAF[x], doc: `prepare: lock_page(${x}) (blocking)` }), (_d, th) => {
          th.local.locked[x] = true;
        })
      : {
          label,
          doc: `prepare: trylock_page(${x}); failure → src[i] = 0, put_page (best effort)`,
          effect: (d: St, th: Ctx) => {
            if (pageTrylock(d.page[x], th.id)) th.local.locked[x] = true;
            else {
              th.local.hold[x]--;
              pagePut(d, d.page[x], UAF[x]);
            }
          },
        };
  return [
    ...order.map((x, i) => ({
      label: i === 0 ? 'CO2' : 'CO2b',
      doc: `collect: get_page(${x})`,
      effect: (d: St, th: Ctx) => {
        if (pageGet(d, d.page[x], UAF[x])) th.local.hold[x]++;
      },
    })),
    lockStep('LK1', order[0]),
    lockStep('LK2', order[1]),
    ...order.map((x, i) => ({
      label: i === 0 ? 'MG' : 'MGb',
      doc: `${i === 0 ? 'the rest of the migration (abstracted); ' : ''}finalize: unlock ${x} if locked, put its reference`,
      atomic: 'put_page is one atomic decrement-and-test; the last one frees the page, which no one else then holds',
      effect: (d: St, th: Ctx) => {
        if (th.local.locked[x]) pageUnlock(d, d.page[x]);
        th.local.locked[x] = false;
        if (th.local.hold[x] > 0) {
          th.local.hold[x]--;
          pagePut(d, d.page[x], UAF[x]);
        }
      },
    })),
  ];
}

export function buildAbba(blocking: boolean): Spec {
  const init = (): L => ({ locked: { A: false, B: false }, hold: { A: 0, B: 0 } });
  return new SpecBuilder<St>(fields)
    // page locks are locks (lockdep); the counts atomics; contents and swap state unused here
    .access({ 'page.*.ref': 'atomic', 'page.*.map': 'atomic', 'page.*.dirty': 'atomic', 'page.*.val': 'ghost', 'page.*.swap': 'ghost' })
    .sources(ABBA_SOURCES)
    .init(() => ({ err: null, page: { A: pageInit({ val: 0, map: 1 }), B: pageInit({ val: 0, map: 1 }) } }))
    .thread('Mig1', { instances: ['Mig1'], locals, initLocals: init, steps: migSteps(['A', 'B'], blocking) })
    .thread('Mig2', { instances: ['Mig2'], locals, initLocals: init, steps: migSteps(['B', 'A'], blocking) })
    .invariant(
      INV.REF,
      (s) =>
        noRefError(s) &&
        PG.every((x) => s.page[x].ref === s.page[x].map + s.Mig1[0]!.hold[x] + s.Mig2[0]!.hold[x]),
      'refcount = mapping + the migrations\' references',
    )
    .invariant(INV.NOERR, noError)
    .terminates(INV.TERMINATION)
    .fair('weak', 'eachThread')
    .build();
}
