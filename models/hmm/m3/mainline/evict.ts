/**
 * The driver's eviction of device memory (nouveau_dmem_evict_chunk, amdkfd svm_migrate_vram_to_ram
 * on unbind): migrate_device_range over the pfn of D0 — migrate_device_pfn_lock takes a reference
 * unless the page is free and trylocks it — then the Mig steps of migrate_device_unmap (try_to_migrate
 * replaces the device-private entry by a migration entry), the driver's copy to a system page,
 * migrate_device_pages and migrate_device_finalize, in thread Ev.
 */
import { joinCited } from '../../../../spec/citation';
import { pageGetUnlessZero, pageTrylock } from '../../../../spec/kernel/page';
import { EVICT_SOURCE } from './sources';
import { IDX, MD, cite, folio, fput, putStep, st, type MigL, type Step } from './state';

/** The device page the eviction migrates back to RAM. */
export const EVICTED = 'D0';

export function evictSteps(): Step<MigL>[] {
  const lockSrc = (what: string, lines: string) => joinCited(cite(MD, '1016-1017', 'migrate_device_range', 'src_pfns[i] = migrate_device_pfn_lock(pfn)'), '; ', cite(MD, lines, 'migrate_device_pfn_lock', what), ' (called by ', { doc: 'lib/test_hmm.c dmirror_device_evict_chunk, as nouveau_dmem_evict_chunk', src: [EVICT_SOURCE] }, ')');
  return [
    st<MigL>('E0', lockSrc('folio = folio_get_nontail_page(pfn_to_page(pfn)): a reference unless the page is free; none → return 0', '980-982'), (d, th) => {
      const l = th.local;
      if (!pageGetUnlessZero(d.pages[IDX[EVICTED]]!)) return th.goto('Ulru'); // free: src_pfns[i] = 0, migrate_device_unmap has nothing to do
      l.hold[IDX[EVICTED]]!++;
    }),
    st<MigL>('E1', lockSrc('folio_trylock; fails → E2; else src_pfns[i] = migrate_pfn(pfn) | MIGRATE_PFN_MIGRATE', '984-989'), (d, th) => {
      const l = th.local;
      if (!pageTrylock(folio(d, EVICTED), th.id)) return th.goto('E2');
      l.src[0] = { pfn: EVICTED, migrate: true, write: false };
      th.goto('Ulru'); // migrate_device_unmap(src_pfns, npages, NULL) (line 1019)
    }),
    putStep<MigL>('E2', lockSrc('folio_put; return 0', '985-986'), (d, th) => {
      fput(d, th, EVICTED);
      th.goto('Ulru');
    }),
  ];
}
