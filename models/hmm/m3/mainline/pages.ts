/**
 * The driver's allocate-and-copy, then migrate_vma_pages → __migrate_device_pages
 * (mm/migrate_device.c) over the multi-entry src[]/dst[]: per entry, no destination → clear
 * MIGRATE; folio_migrate_mapping's refcount test (extra_cnt 0: no fault page) → clear MIGRATE on
 * failure; a hole gets migrate_vma_insert_page (its own notifier range, rechecks under the PTL).
 */
import { cited, joinCited } from '../../../../spec/citation';
import { ALLOC_SOURCE } from './sources';
import { pageAlloc } from '../../../../spec/kernel/page';
import { pteDevicePrivate } from '../../../../spec/kernel/pte';
import { DEVICE, IDX, MD, NADDR, cite, folio, pteAlloc, rmapAdd, setPte, st, type MigL, type Step, type Sys } from './state';

export function pagesSteps(): Step<MigL>[] {
  return [
    st<MigL>(
      'Palloc',
      cited('driver alloc_and_copy (e.g. lib/test_hmm.c dmirror_migrate_alloc_and_copy): for each src entry with MIGRATE, a locked device page, filled from the locked, unmapped source (zeroed for a hole); dst[i] = its pfn', ALLOC_SOURCE),
      (d, th) => {
        const l = th.local;
        for (let i = 0; i < NADDR; i++) {
          const s = l.src[i]!;
          if (!s.migrate) continue;
          const x = DEVICE[i]!;
          pageAlloc(d.pages[IDX[x]]!, { val: s.pfn === null ? 0 : d.pages[IDX[s.pfn]]!.val, locker: th.id }); // a hole: a zeroed page
          l.hold[IDX[x]]!++;
          l.dst[i] = x;
        }
        l.i = 0;
      },
      undefined,
      { atomic: 'driver code: the new pages are private to the driver until migrate_vma_finalize maps them, and the sources are locked and unmapped (their contents stable once collect\'s flush returned)' },
    ),
    st<MigL>('Pmig', cite(MD, '778-853', '__migrate_device_pages', 'per entry: !newpage → clear MIGRATE; folio_migrate_mapping(NULL, newfolio, folio, extra_cnt = 0): refcount ≠ expected → clear MIGRATE'), (d, th) => {
      const l = th.local;
      if (l.i >= NADDR) {
        l.i = 0;
        return th.goto('Fent');
      }
      const s = l.src[l.i]!;
      if (s.pfn === null && s.migrate && l.dst[l.i] !== null) return th.goto('Pins');
      if (l.dst[l.i] === null) s.migrate = false;
      else if (s.pfn !== null && s.migrate && folio(d, s.pfn).ref !== 1) s.migrate = false; // folio_expected_refs = 1 (anonymous, no swap cache) + extra_cnt 0
      l.i++;
      th.goto('Pmig');
    }),
    {
      label: 'Pins',
      ...joinCited(
        cite(MD, '790-814', '__migrate_device_pages', 'no page, MIGRATE: the first hole starts its own notifier range (MIGRATE, owner: the driver skips it); migrate_vma_insert_page'),
        '; ',
        cite(MD, '723-761', 'migrate_vma_insert_page', '⟨PTL; orig_pte none (a present zero pfn or anything else → abort, clear MIGRATE) → device-private entry, folio_add_new_anon_rmap, folio_get, set_pte_at⟩'),
      ),
      guard: (s) => s.ptl.owner === null,
      holds: [(s: Sys) => s.ptl],
      atomic: 'migrate_vma_insert_page re-checks pte_none under the PTL and publishes a page private to the migration (locked, never mapped) with set_pte_at, as do_anonymous_page does',
      effect: (d, th) => {
        const l = th.local;
        const x = l.dst[l.i]!;
        pteAlloc(d); // pmd_alloc / pte_alloc before the PTL
        if (d.pte[l.i]!.kind !== 'none') l.src[l.i]!.migrate = false; // unlock_abort
        else {
          rmapAdd(d, x);
          d.excl[IDX[x]] = true;
          setPte(d, l.i, pteDevicePrivate(x, true));
        }
        l.i++;
        th.goto('Pmig');
      },
    },
  ];
}
