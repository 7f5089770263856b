/** The environment threads: MADV_DONTNEED (Z), reclaim (Rc), a transient pin (Pin) and the driver's eviction / unbind (Ev). */
import { folioMigrateMappingOk, migrateVmaCheckPage, pageGetUnlessZero, pageInSwapCache, pageLocked, pageMap, pagePut, pageRelease, pageTrylock, pageUnlock, pageUnmapRmap } from '../../../../spec/kernel/page';
import { isDevicePrivate, isMigration, isPresent, pteDevicePrivate, pteMigration, pteNone, ptePresent, pteSwap } from '../../../../spec/kernel/pte';
import { DEVICE, EvL, PageName, PinL, PipeState, RcL, SYSTEM, Step, Sys, UAF, bumpSeq, halloc, hget, hput, isDevice, putMapping, st } from './state';
import { EvictMutant } from './mutants';

/**
 * zap_pte_range on `a` (MADV_DONTNEED, or exit_mmap's unmap_vmas): ⟨PTL; clear the PTE; flush⟩, then
 * free the page / swap slot (a device-private page's last reference: page_free); later reads see
 * zeros. The invalidation around it is the caller's.
 */
export function zapAddress(d: PipeState): void {
  const e = d.pte;
  const x = e.pfn;
  d.pte = pteNone();
  d.lastWrite = 0;
  if (x === null) return;
  const pg = d.page[x];
  switch (e.kind) {
    case 'present':
      pageUnmapRmap(d, pg, UAF[x]);
      // free_pages_and_swap_cache: drop it from the swap cache if unmapped and unlocked, then put
      if (pageInSwapCache(pg) && pg.map === 0 && !pageLocked(pg)) {
        pg.swap = null;
        pagePut(d, pg, UAF[x]);
      }
      pagePut(d, pg, UAF[x]);
      return;
    case 'devpriv':
      putMapping(d, x); // the last reference frees it: page_free
      return;
    case 'swap':
      // free_swap_and_cache
      if (pg.freed) pg.swap = null;
      else if (pg.map === 0 && !pageLocked(pg)) {
        pg.swap = null;
        pagePut(d, pg, UAF[x]);
      }
      return;
    default:
      return; // a migration entry: the migrator holds the page
  }
}

export const zapSteps: Step<unknown>[] = [
  st<unknown>(
    'zap',
    'MADV_DONTNEED: invalidate_range_start (the driver zaps its device PTE, bumps its sequence); ⟨PTL; zap the PTE; flush⟩; free the page / swap slot; range_end',
    (d) => {
      d.devPte = null;
      bumpSeq(d as Sys);
      zapAddress(d);
    },
  ),
];

export const rcSteps: Step<RcL>[] = [
  st<RcL>('isolate', 'shrink_folio_list: folio_isolate_lru (a reference) + folio_trylock the swap-cache page mapped at a; failure → put back, done', (d, th) => {
    const e = d.pte;
    const x = e.pfn;
    if (e.kind !== 'present' || x === null || isDevice(x) || !pageInSwapCache(d.page[x]) || !pageTrylock(d.page[x], th.id)) return th.goto('done');
    hget(d, th, x);
    th.local.tgt = x;
  }),
  st<RcL>('unmap', 'try_to_unmap: ⟨PTL; the PTE dirty bit → folio dirty; swap entry; remove rmap; put the mapping⟩', (d, th) => {
    const x = th.local.tgt!;
    const e = d.pte;
    if (isPresent(e, x)) {
      if (e.dirty) d.page[x].dirty = true;
      d.pte = pteSwap(x);
      putMapping(d, x);
    }
    if (!d.page[x].dirty) th.goto('drop');
  }),
  st<RcL>('pageout', 'pageout: write the page to its swap slot (the folio is clean again)', (d, th) => {
    const pg = d.page[th.local.tgt!];
    pg.swap = pg.val;
    pg.dirty = false;
  }),
  st<RcL>('drop', '__remove_mapping: clean, unmapped and frozen at 2 (isolation + swap cache) → delete from the swap cache and free; else unlock and put back', (d, th) => {
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
  }),
];

export const pinSteps: Step<PinL>[] = [
  st<PinL>('get', 'a transient reference to S0 through its pfn: get_page_unless_zero (fails on a free page)', (d, th) => {
    if (pageGetUnlessZero(d.page.S0)) th.local.hold.S0++;
    else th.goto('done');
  }),
  st<PinL>('put', 'put_page', (d, th) => void hput(d, th, 'S0')),
];

/**
 * Ev: the driver evicts D0 at unbind (migrate_device_range → pages → finalize), then memunmap_pages.
 * `invalidate` is the try_to_migrate notifier as the driver sees it (M3: it zaps its device PTE).
 */
export function evictSteps(invalidate: (d: PipeState) => void, mutant: EvictMutant | null = null): Step<EvL>[] {
  const noEvict = st<EvL>(
    'lock',
    'mutant: no migrate_device_range: an unlocked live D0 (no migration holds it) is freed with the device memory, mapped or not; then memunmap_pages',
    (d, th) => {
      const pg = d.page.D0;
      if (!pg.freed && !pageLocked(pg)) pageRelease(pg);
      th.goto('memunmap');
    },
  );
  return [
    mutant === 'mutant-unbind-frees-mapped-device-page' ? noEvict : st<EvL>('lock', 'migrate_device_range: migrate_device_pfn_lock(D0): folio_try_get + folio_trylock, else skip the page', (d, th) => {
      const pg = d.page.D0;
      if (!pageGetUnlessZero(pg)) return th.goto('memunmap');
      th.local.hold.D0++;
      if (!pageTrylock(pg, th.id)) {
        hput(d, th, 'D0');
        th.goto('memunmap');
      }
    }),
    st<EvL>(
      'unmap',
      'migrate_device_unmap: try_to_migrate (notifier CLEAR: the driver zaps its device PTE; ⟨PTL; device-private entry → migration entry⟩); then mapped / migrate_vma_check_page → restore',
      (d, th) => {
        const pg = d.page.D0;
        invalidate(d);
        if (isDevicePrivate(d.pte, 'D0')) {
          th.local.w = d.pte.writable;
          d.pte = pteMigration('D0', d.pte.writable);
          putMapping(d, 'D0');
        }
        th.local.mig = pg.map === 0 && migrateVmaCheckPage(pg, { faultPage: false, zoneDevice: true, mapping: false });
        if (!th.local.mig) th.goto('restore');
        else th.goto('copy');
      },
    ),
    st<EvL>('restore', 'restore: remove_migration_ptes(D0, D0), folio_unlock, folio_put', (d, th) => {
      if (isMigration(d.pte, 'D0')) {
        d.pte = pteDevicePrivate('D0', th.local.w);
        pageMap(d, d.page.D0, 'UAF_D0');
      }
      pageUnlock(d, d.page.D0);
      hput(d, th, 'D0');
      th.goto('memunmap');
    }),
    st<EvL>('copy', 'driver: allocate a system page (locked), copy D0 into it', (d, th) => {
      th.local.dst = halloc(d, th, SYSTEM, d.page.D0.val, true);
    }),
    st<EvL>('pages', 'migrate_device_pages: folio_migrate_mapping (ref = 1), else clear MIGRATE', (d, th) => {
      if (!folioMigrateMappingOk(d.page.D0, { mapping: false, extraCount: 0 })) th.local.mig = false;
    }),
    st<EvL>('final', 'migrate_device_finalize: remove_migration_ptes(D0, migrated ? dst : D0) ⟨PTL⟩', (d, th) => {
      const target: PageName = th.local.mig ? th.local.dst! : 'D0';
      if (isMigration(d.pte, 'D0')) {
        d.pte = isDevice(target) ? pteDevicePrivate(target, th.local.w) : ptePresent(target, th.local.w, false);
        pageMap(d, d.page[target], UAF[target]);
      }
    }),
    st<EvL>('unlock', 'migrate_device_finalize: unlock and put D0 (the last reference: page_free) and the destination', (d, th) => {
      pageUnlock(d, d.page.D0);
      hput(d, th, 'D0');
      const y = th.local.dst!;
      pageUnlock(d, d.page[y]);
      hput(d, th, y);
      th.local.dst = null;
    }),
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

// ---- configurations ----------------------------------------------------------------------------
