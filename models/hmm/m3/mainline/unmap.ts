/**
 * migrate_vma_unmap → migrate_device_unmap (mm/migrate_device.c): lru_add_drain of this CPU's batch,
 * then per entry lru_add_drain_all once if the folio is not on an LRU list (a work item queued on
 * every CPU with a batched folio and flushed: spec/kernel/workqueue.ts drainAll, run by the per-CPU
 * kworkers), LRU isolation (which can fail: the entry is restored), the collect reference dropped,
 * migrate_vma_check_page, putback on failure, then the restore loop over the entries that lost
 * MIGRATE_PFN_MIGRATE.
 */
import { cited, joinCited } from '../../../../spec/citation';
import { cpuOf } from '../../../../spec/kernel/cpu';
import { folioAddLruOn, folioIsolateLru, lruAddDrainOn, lruCpuNeedsDrain } from '../../../../spec/kernel/folio';
import { migrateVmaCheckPage, pageGet, pageUnlock, pageUnmapRmap } from '../../../../spec/kernel/page';
import { pteMigration } from '../../../../spec/kernel/pte';
import { WQ, lockedByCaller, type Forms } from './env';
import { removeMigrationPtesStep } from './rmap';
import { DRAIN_ALL, TRY_TO_MIGRATE_ONE } from './sources';
import { BINDING, DRAIN_WORK, IDX, LRU_ADD, MD, NADDR, cite, folio, fput, headOf, isDevice, putStep, setPte, st, type Ctx, type MigL, type Pfn, type Step, type Sys } from './state';

/** Why reading another CPU's batch count and queueing the work item is one step. */
const NEEDS_DRAIN =
  'cpu_needs_drain reads the CPU\'s batch count racily (data_race(folio_batch_count)) and queue_work_on\'s test_and_set_bit of PENDING is the one shared write: a folio batched on that CPU after the read is not waited for, which the kernel accepts (mm/swap.c __lru_add_drain_all)';

const cur = (l: MigL): Pfn => l.src[l.i]!.pfn!;
function next(l: MigL, th: { goto(label: string): void }, label: string): void {
  l.i++;
  th.goto(label);
}

export function unmapSteps(f: Forms): Step<MigL>[] {
  /** The entry loses MIGRATE_PFN_MIGRATE and is counted for the restore loop. */
  const fail = (l: MigL) => {
    l.src[l.i]!.migrate = false;
    l.restore++;
  };
  const restore = removeMigrationPtesStep('Urm', cite(MD, 511, 'migrate_device_unmap', 'remove_migration_ptes(folio, folio, 0): the migration entry → the original mapping'), (_d, th) => [cur(th.local), cur(th.local)]);
  return [
    st<MigL>('Ulru', cite(MD, 454, 'migrate_device_unmap', 'lru_add_drain() (this CPU\'s folio batch)'), (d, th) => {
      lruAddDrainOn(d.pages, d.lruBatch, cpuOf(BINDING, th.id));
      th.local.drain = true;
      th.local.i = 0;
    }, undefined, { atomic: 'lru_add_drain → lru_add_drain_cpu moves this CPU\'s batched folios onto their LRU lists under local_lock(cpu_fbatches.lock) and the lruvec lock: nobody observes a half-moved batch (mm/swap.c folio_batch_move_lru)' }),
    st<MigL>('Uent', cite(MD, '456-473', 'migrate_device_unmap', 'per entry: no page → next; ZONE_DEVICE → no isolation; !folio_test_lru && allow_drain → lru_add_drain_all'), (d, th) => {
      const l = th.local;
      if (l.i >= NADDR) {
        l.i = 0;
        return th.goto('Urest');
      }
      const s = l.src[l.i]!;
      if (s.pfn === null) return next(l, th, 'Uent');
      if (isDevice(s.pfn)) return th.goto('Utm'); // ZONE_DEVICE folios are not on an LRU: no isolation, the collect reference is kept
      if (folio(d, s.pfn).lru !== 'lru' && l.drain && !f.noDrainAll) return th.goto('Udrain.q.c0');
      th.goto('Uiso');
    }),
    ...WQ.drainAll('Udrain', DRAIN_WORK, (s: Sys, c) => lruCpuNeedsDrain(s.lruBatch, c)).map((step) => {
      const c = joinCited(cite(MD, '469-472', 'migrate_device_unmap', 'lru_add_drain_all()'), `; mm/swap.c __lru_add_drain_all (lru_add_drain_all in the copy read, eb39d618f9e8): ${step.doc}`);
      const src = [...c.src, step.label.includes('.q.') ? DRAIN_ALL.queue : DRAIN_ALL.flush];
      return (step.label.includes('.q.') ? { ...step, doc: `${c.doc} if cpu_needs_drain`, src, atomic: NEEDS_DRAIN } : { ...step, doc: c.doc, src }) as unknown as Step<MigL>;
    }),
    st<MigL>('Udrained', cite(MD, 473, 'migrate_device_unmap', 'allow_drain = false'), (_d, th) => {
      th.local.drain = false;
    }),
    st<MigL>('Uiso', cite(MD, '475-479', 'migrate_device_unmap', 'folio_isolate_lru (takes a reference); fails → clear MIGRATE, restore++, continue'), (d, th) => {
      const l = th.local;
      const p = cur(l);
      if (!folioIsolateLru(d, d.pages, IDX[p])) {
        fail(l);
        return next(l, th, 'Uent');
      }
      l.hold[IDX[headOf(d, p)]]!++;
    }, undefined, { atomic: 'folio_isolate_lru: folio_test_clear_lru is the atomic claim and folio_get follows it; nobody can tell them apart — a second isolator fails on the cleared flag, and the refcount freezers (split, migration) need the folio lock this thread holds (mm/vmscan.c folio_isolate_lru)' }),
    putStep<MigL>('Uput', cite(MD, '481-482', 'migrate_device_unmap', 'folio_put: drop the reference taken in collect'), (d, th) => fput(d, th, cur(th.local))),
    st<MigL>('Utm', cite(MD, '485-486', 'migrate_device_unmap', 'if (folio_mapped(folio)) try_to_migrate(folio, 0) (a device page the eviction locked by pfn is still mapped)'), (d, th) => {
      if (folio(d, cur(th.local)).map === 0) th.goto('Ucheck');
    }),
    {
      label: 'Utm1',
      ...joinCited(
        cite(MD, 486, 'migrate_device_unmap', 'try_to_migrate(folio, 0)'),
        '; ',
        cited('mm/rmap.c try_to_migrate_one: page_vma_mapped_walk ⟨PTL; the device-private entry → ptep_get_and_clear (non-present: no flush), a (writable) migration entry, set_pte_at, folio_remove_rmap_pte⟩ (lines of the v5.15-era copy: ptep_clear_flush, page_remove_rmap; the entry\'s write bit is today\'s — that copy made it readable, so its make_*_migration_entry line is not cited)', ...TRY_TO_MIGRATE_ONE.unmap),
      ),
      guard: (s: Sys) => s.ptl.owner === null,
      holds: [(s: Sys) => s.ptl],
      atomic: 'try_to_migrate_one runs under the PTL (page_vma_mapped_walk) on a folio this thread holds locked: set_pte_at and folio_remove_rmap_pte are not observable apart — a new mapping needs the folio lock, and the mapcount is read by the lock holder (folio_mapped, migrate_vma_check_page) or by a fault that re-checks the PTE under this PTL',
      effect: (d: Sys, th: Ctx<MigL>) => {
        const p = cur(th.local);
        const i = d.pte.findIndex((e) => e.kind === 'devpriv' && e.pfn === p);
        if (i < 0) return th.goto('Ucheck'); // the rmap walk finds no mapping (zapped since folio_mapped): nothing to put
        setPte(d, i, pteMigration(p, d.pte[i]!.writable));
        pageUnmapRmap(d, d.pages[IDX[p]]!, 'UAF_PAGE');
        th.local.hold[IDX[headOf(d, p)]]!++; // ledger: the mapping's reference, dropped by the next step
      },
    } as Step<MigL>,
    putStep<MigL>('Utm2', joinCited(cite(MD, 486, 'migrate_device_unmap', 'try_to_migrate → '), cited('mm/rmap.c try_to_migrate_one: folio_put (put_page in the copy read) — the mapping\'s reference', TRY_TO_MIGRATE_ONE.put)), (d, th) => fput(d, th, cur(th.local))),
    st<MigL>(
      'Ucheck',
      cite(MD, '488-489', 'migrate_device_unmap', 'folio_mapped || !migrate_vma_check_page (ref − extra > mapcount; extra = 1 + (page == fault_page), +1 for ZONE_DEVICE) → putback (not ZONE_DEVICE), restore'),
      (d, th) => {
        const l = th.local;
        const p = cur(l);
        const fo = folio(d, p);
        // extra: the isolation (system) or collect / pfn-lock (device) reference, the fault page's, +1 for ZONE_DEVICE; no mapping (anonymous, not in the swap cache)
        if (fo.map > 0 || !migrateVmaCheckPage(fo, { faultPage: p === l.fault, zoneDevice: isDevice(p), mapping: false })) return th.goto(isDevice(p) ? 'Ufaildev' : 'Uback1');
        next(l, th, 'Uent');
      },
      undefined,
      { atomic: 'folio_mapped and migrate_vma_check_page read the mapcount and refcount of a folio this thread holds locked and unmapped (isolated from its LRU, or a ZONE_DEVICE folio, never on one): a new mapping needs the folio lock, and a speculative reference taken between the reads is caught by the refcount test of folio_migrate_mapping in migrate_vma_pages' },
    ),
    st<MigL>('Uback1', cite(MD, 491, 'migrate_device_unmap', 'folio_get (for folio_putback_lru)'), (d, th) => {
      const p = cur(th.local);
      if (pageGet(d, folio(d, p), 'UAF_PAGE')) th.local.hold[IDX[headOf(d, p)]]!++;
    }),
    st<MigL>('Uback2', cite(MD, 492, 'migrate_device_unmap', 'folio_putback_lru: folio_add_lru'), (d, th) => folioAddLruOn(d, d.pages, d.lruBatch, IDX[cur(th.local)], cpuOf(BINDING, th.id)), undefined, { atomic: LRU_ADD }),
    putStep<MigL>('Uback3', cite(MD, '492-497', 'migrate_device_unmap', 'folio_putback_lru: folio_put; clear MIGRATE; restore++'), (d, th) => {
      const l = th.local;
      fput(d, th, cur(l));
      fail(l);
      next(l, th, 'Uent');
    }),
    st<MigL>('Ufaildev', cite(MD, '490, 495-497', 'migrate_device_unmap', 'a ZONE_DEVICE folio: no putback; clear MIGRATE; restore++'), (_d, th) => {
      fail(th.local);
      next(th.local, th, 'Uent');
    }),
    st<MigL>('Urest', cite(MD, '503-508', 'migrate_device_unmap', 'restore loop: for (i = 0; i < npages && restore; i++): skip entries with no page or still MIGRATE'), (_d, th) => {
      const l = th.local;
      if (l.i >= NADDR || l.restore === 0) {
        l.i = 0;
        return th.goto('Palloc');
      }
      const s = l.src[l.i]!;
      if (s.pfn === null || s.migrate) return next(l, th, 'Urest');
      th.goto('Urm');
    }),
    f.restoreSkipsPtes ? { label: 'Urm', doc: `mutant: remove_migration_ptes skipped; ${restore.doc}`, ...(restore.src ? { src: restore.src } : {}), effect: () => {} } : restore,
    st<MigL>('Uunl', cite(MD, '513-515', 'migrate_device_unmap', 'src_pfns[i] = 0; folio_unlock (not the fault folio)'), (d, th) => {
      if (!lockedByCaller(f, th.local, cur(th.local))) pageUnlock(d, folio(d, cur(th.local)));
    }),
    putStep<MigL>('Uputr', cite(MD, '516-517', 'migrate_device_unmap', 'folio_put (the collect reference, or the one putback left); restore--'), (d, th) => {
      const l = th.local;
      fput(d, th, cur(l));
      l.src[l.i] = { pfn: null, migrate: false, write: false };
      l.restore--;
      next(l, th, 'Urest');
    }),
  ];
}
