/** The environment threads: MADV_DONTNEED (Z), reclaim (Rc), a transient pin (Pin) and the driver's eviction / unbind (Ev). */
import { mutexLock, mutexUnlock } from '../../../../spec/kernel/mutex';
import { folioMigrateMappingOk, migrateVmaCheckPage, pageGetUnlessZero, pageInSwapCache, pageLocked, pageMap, pagePut, pageRelease, pageTrylock, pageUnlock, pageUnmapRmap } from '../../../../spec/kernel/page';
import { isDevicePrivate, isMigration, isPresent, pteDevicePrivate, pteMigration, pteNone, ptePresent, pteSwap } from '../../../../spec/kernel/pte';
import {
  DEVICE,
  EvL,
  FOLIO_LOCKED,
  PRIVATE_PAGE,
  PUT_FREES,
  PageName,
  PinL,
  PipeState,
  RcL,
  SYSTEM,
  Step,
  Sys,
  UAF,
  ZapL,
  bumpSeq,
  dlockStep,
  halloc,
  hput,
  isDevice,
  ptlStep,
  putMapping,
  st,
} from './state';
import { EvictMutant } from './mutants';

/** Why the zap may drop a swap-cache page's swap-cache state and reference together. */
const SWAP_CACHE_FREE = `free_swap_cache / free_swap_and_cache (mm/swap_state.c, mm/swapfile.c) take folio_trylock and delete an unmapped folio from the swap cache under it (PG_swapcache and the swap cache's reference change together, under the cache's xa_lock); a locked folio is left alone (${FOLIO_LOCKED})`;

/**
 * zap_pte_range on `a` (MADV_DONTNEED, or exit_mmap's unmap_vmas) at step granularity: Z2 ⟨PTL;
 * ptep_get_and_clear⟩, Z3 the rmap removal (a swap entry: free_swap_and_cache) and the PTL unlock,
 * Z4 free_swap_cache of a present page, Z5 the mapping's reference put (a device-private page's last
 * reference: page_free); later reads see zeros. `end` is where the thread goes afterwards; the
 * invalidation around it is the caller's.
 */
export function zapPteSteps<L extends ZapL>(end: string): Step<L>[] {
  return [
    st<L>(
      'Z2',
      'zap_pte_range: ⟨spin_lock(PTL); ptep_get_and_clear_full⟩ (tlb_remove_tlb_entry: flushed with the batch); a migration entry or none: nothing more, spin_unlock',
      (d, th) => {
        mutexLock(d.ptl, th.id);
        const e = d.pte;
        th.local.zk = e.kind;
        th.local.zx = e.pfn;
        d.pte = pteNone();
        d.lastWrite = 0;
        if (e.pfn === null || e.kind === 'migration') {
          // a migration entry: the migrator holds the page
          mutexUnlock(d, d.ptl, th.id);
          th.local.zx = null;
          th.local.zk = 'none';
          th.goto(end);
        }
      },
      (s) => s.ptl.owner === null,
      { holds: [(s: PipeState) => s.ptl] },
    ),
    st<L>(
      'Z3',
      'zap_pte_range: present / device-private → folio_remove_rmap_pte; swap entry → free_swap_and_cache; spin_unlock(PTL)',
      (d, th) => {
        const x = th.local.zx!;
        const pg = d.page[x];
        switch (th.local.zk) {
          case 'present':
          case 'devpriv':
            pageUnmapRmap(d, pg, UAF[x]);
            break;
          case 'swap':
            // free_swap_and_cache: the slot goes with its last user; an unmapped, unlocked swap-cache page is dropped
            if (pg.freed) pg.swap = null;
            else if (pg.map === 0 && !pageLocked(pg)) {
              pg.swap = null;
              pagePut(d, pg, UAF[x]);
            }
            break;
        }
        mutexUnlock(d, d.ptl, th.id);
        if (th.local.zk === 'swap') {
          th.local.zx = null;
          th.local.zk = 'none';
          th.goto(end);
        } else if (th.local.zk === 'devpriv') th.goto('Z5');
      },
      undefined,
      { atomic: `the rmap removal is one atomic on the mapcount; a swap entry's ${SWAP_CACHE_FREE}` },
    ),
    st<L>(
      'Z4',
      'tlb_finish_mmu → free_pages_and_swap_cache → free_swap_cache: an unmapped, unlocked swap-cache folio leaves the swap cache',
      (d, th) => {
        const x = th.local.zx!;
        const pg = d.page[x];
        if (pageInSwapCache(pg) && pg.map === 0 && !pageLocked(pg)) {
          pg.swap = null;
          pagePut(d, pg, UAF[x]);
        }
      },
      undefined,
      { atomic: SWAP_CACHE_FREE },
    ),
    st<L>(
      'Z5',
      "release_pages / folio_put: the mapping's reference (a device-private page's last one: page_free)",
      (d, th) => {
        const x = th.local.zx!;
        pagePut(d, d.page[x], UAF[x]);
        th.local.zx = null;
        th.local.zk = 'none';
        th.goto(end);
      },
      undefined,
      { atomic: PUT_FREES },
    ),
  ];
}

/** Z: MADV_DONTNEED on `a`: invalidate_range_start with the driver's callback (Z1), the zap (Z2–Z5), invalidate_range_end (Zend). */
export const zapSteps: Step<ZapL>[] = [
  dlockStep<ZapL>('Z1', "madvise_dontneed_single_vma → invalidate_range_start: the sequence goes odd; the driver's callback ⟨DLOCK; mmu_interval_set_seq; zap its device PTE⟩", (d) => {
    d.devPte = null;
    bumpSeq(d as Sys);
  }),
  ...zapPteSteps<ZapL>('Zend'),
  st<ZapL>('Zend', 'invalidate_range_end → mn_itree_inv_end: the sequence goes even again (read_begin stops waiting)', (d) => bumpSeq(d as Sys)),
];

/** The page reclaim scans (the one in the swap cache at the start). */
const RC_PAGE: PageName = 'S0';

export const rcSteps: Step<RcL>[] = [
  st<RcL>(
    'isolate',
    'shrink_folio_list: folio_isolate_lru (a reference; fails on a freed folio) + folio_trylock; locked → put back, done',
    (d, th) => {
      const x = RC_PAGE;
      const pg = d.page[x];
      if (!pageGetUnlessZero(pg)) return th.goto('done');
      th.local.hold[x]++;
      if (!pageTrylock(pg, th.id)) {
        hput(d, th, x);
        return th.goto('done');
      }
      th.local.tgt = x;
    },
  ),
  ptlStep<RcL>(
    'unmap',
    'not in the swap cache (add_to_swap is not modelled) → folio_unlock, put back, done; else try_to_unmap → try_to_unmap_one: ⟨PTL; ptep_clear_flush; the PTE dirty bit → folio_mark_dirty; swap entry; folio_remove_rmap_pte; folio_put⟩',
    (d, th) => {
      const x = th.local.tgt!;
      if (!pageInSwapCache(d.page[x])) {
        pageUnlock(d, d.page[x]);
        hput(d, th, x);
        th.local.tgt = null;
        return th.goto('done');
      }
      const e = d.pte;
      if (isPresent(e, x)) {
        if (e.dirty) d.page[x].dirty = true;
        d.pte = pteSwap(x);
        putMapping(d, x);
      }
      if (!d.page[x].dirty) th.goto('drop');
    },
    { atomic: FOLIO_LOCKED },
  ),
  st<RcL>(
    'pageout',
    'pageout: folio_clear_dirty_for_io, write the page to its swap slot (the folio is clean again)',
    (d, th) => {
      const pg = d.page[th.local.tgt!];
      pg.swap = pg.val;
      pg.dirty = false;
    },
    undefined,
    { atomic: FOLIO_LOCKED },
  ),
  st<RcL>(
    'drop',
    '__remove_mapping: clean, unmapped and frozen at 2 (isolation + swap cache) → delete from the swap cache and free; else unlock and put back',
    (d, th) => {
      const x = th.local.tgt!;
      const pg = d.page[x];
      if (!pg.dirty && pg.map === 0 && pageInSwapCache(pg) && pg.ref === 2) {
        th.local.hold[x]--;
        const slot = pg.swap;
        pageRelease(pg);
        pg.swap = d.pte.kind === 'swap' && d.pte.pfn === x ? slot : null; // the slot lives while a swap entry names it
      } else {
        pageUnlock(d, pg);
        hput(d, th, x);
      }
      th.local.tgt = null;
    },
    undefined,
    {
      atomic: `__remove_mapping freezes the refcount (folio_ref_freeze, one cmpxchg) under the folio lock and the swap cache's xa_lock, then frees the folio no one else holds (${FOLIO_LOCKED}); the put-back path's put: ${PUT_FREES}`,
    },
  ),
];

export const pinSteps: Step<PinL>[] = [
  st<PinL>('get', 'a transient reference to S0 through its pfn: get_page_unless_zero (fails on a free page)', (d, th) => {
    if (pageGetUnlessZero(d.page.S0)) th.local.hold.S0++;
    else th.goto('done');
  }),
  st<PinL>('put', 'put_page', (d, th) => void hput(d, th, 'S0'), undefined, { atomic: PUT_FREES }),
];

/**
 * Ev: the driver evicts D0 at unbind (migrate_device_range → pages → finalize), then memunmap_pages.
 * `notifier`: M3's driver runs try_to_migrate's invalidation callback itself (`inv`: under DLOCK,
 * zap its device PTE); M4 wraps `unmap` in its own interval invalidation instead.
 */
export function evictSteps(notifier: boolean, mutant: EvictMutant | null = null): Step<EvL>[] {
  const noEvict = st<EvL>(
    'lock',
    'mutant: no migrate_device_range: an unlocked live D0 (no migration holds it) is freed with the device memory, mapped or not; then memunmap_pages',
    (d, th) => {
      const pg = d.page.D0;
      if (!pg.freed && !pageLocked(pg)) pageRelease(pg);
      th.goto('memunmap');
    },
    undefined,
    { atomic: 'mutant: the device memory is released wholesale, whoever still references or maps its page (the deliberate mistake INV-TEARDOWN must catch)' },
  );
  return [
    mutant === 'mutant-unbind-frees-mapped-device-page'
      ? noEvict
      : st<EvL>('lock', 'migrate_device_range: migrate_device_pfn_lock(D0): folio_try_get + folio_trylock, else skip the page', (d, th) => {
          const pg = d.page.D0;
          if (!pageGetUnlessZero(pg)) return th.goto('memunmap');
          th.local.hold.D0++;
          if (!pageTrylock(pg, th.id)) {
            hput(d, th, 'D0');
            th.goto('memunmap');
          }
        }),
    ...(notifier
      ? [dlockStep<EvL>('inv', "migrate_device_unmap → try_to_migrate → invalidate_range_start(CLEAR): the driver's callback ⟨DLOCK; zap its device PTE⟩", (d) => void (d.devPte = null))]
      : []),
    ptlStep<EvL>(
      'unmap',
      'migrate_device_unmap: try_to_migrate ⟨PTL; device-private entry → migration entry; rmap, put⟩; then folio_mapped / migrate_vma_check_page → restore',
      (d, th) => {
        const pg = d.page.D0;
        if (isDevicePrivate(d.pte, 'D0')) {
          th.local.w = d.pte.writable;
          d.pte = pteMigration('D0', d.pte.writable);
          putMapping(d, 'D0');
        }
        th.local.mig = pg.map === 0 && migrateVmaCheckPage(pg, { faultPage: false, zoneDevice: true, mapping: false });
        if (!th.local.mig) th.goto('restore');
        else th.goto('copy');
      },
      { atomic: FOLIO_LOCKED },
    ),
    ptlStep<EvL>(
      'restore',
      'restore: remove_migration_ptes(D0, D0) ⟨PTL; folio_get; migration entry → device-private entry; rmap⟩',
      (d, th) => {
        if (isMigration(d.pte, 'D0')) {
          d.pte = pteDevicePrivate('D0', th.local.w);
          pageMap(d, d.page.D0, 'UAF_D0');
        }
      },
      { atomic: FOLIO_LOCKED },
    ),
    st<EvL>(
      'rput',
      'restore: folio_unlock(D0), folio_put',
      (d, th) => {
        pageUnlock(d, d.page.D0);
        hput(d, th, 'D0');
        th.goto('memunmap');
      },
      undefined,
      { atomic: PUT_FREES },
    ),
    st<EvL>(
      'copy',
      'driver: allocate a system page (locked), copy D0 into it',
      (d, th) => {
        th.local.dst = halloc(d, th, SYSTEM, d.page.D0.val, true);
      },
      undefined,
      { atomic: PRIVATE_PAGE },
    ),
    st<EvL>('pages', 'migrate_device_pages: folio_migrate_mapping (ref = 1), else clear MIGRATE', (d, th) => {
      if (!folioMigrateMappingOk(d.page.D0, { mapping: false, extraCount: 0 })) th.local.mig = false;
    }),
    ptlStep<EvL>(
      'final',
      'migrate_device_finalize: remove_migration_ptes(D0, migrated ? dst : D0) ⟨PTL; folio_get; the new (or old) entry; rmap⟩',
      (d, th) => {
        const target: PageName = th.local.mig ? th.local.dst! : 'D0';
        if (isMigration(d.pte, 'D0')) {
          d.pte = isDevice(target) ? pteDevicePrivate(target, th.local.w) : ptePresent(target, th.local.w, false);
          pageMap(d, d.page[target], UAF[target]);
        }
      },
      { atomic: `${FOLIO_LOCKED} (D0 and the destination are both locked by the eviction)` },
    ),
    st<EvL>(
      'unlock',
      'migrate_device_finalize: folio_unlock(D0), folio_put (the last reference: page_free)',
      (d, th) => {
        pageUnlock(d, d.page.D0);
        hput(d, th, 'D0');
      },
      undefined,
      { atomic: PUT_FREES },
    ),
    st<EvL>(
      'unlockd',
      'migrate_device_finalize: folio_unlock the destination, folio_putback_lru',
      (d, th) => {
        const y = th.local.dst!;
        pageUnlock(d, d.page[y]);
        hput(d, th, y);
        th.local.dst = null;
      },
      undefined,
      { atomic: PUT_FREES },
    ),
    st<EvL>(
      'memunmap',
      'memunmap_pages: waits until every device page is free, then the pgmap is gone',
      (d) => {
        d.pgmapDead = true;
      },
      (s) => DEVICE.every((x) => s.page[x].freed),
    ),
  ];
}
