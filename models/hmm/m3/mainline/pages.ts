/**
 * The driver's allocate-and-copy, then migrate_vma_pages → __migrate_device_pages
 * (mm/migrate_device.c) over the multi-entry src[]/dst[]: per entry, no destination → clear
 * MIGRATE; folio_migrate_mapping's refcount test (extra_cnt 0: no fault page) → clear MIGRATE on
 * failure; a hole gets migrate_vma_insert_page (its own notifier range, rechecks under the PTL).
 */
import { cited, joinCited } from '../../../../spec/citation';
import { ALLOC_SOURCE, RAM_ALLOC_SOURCES } from './sources';
import { folioMigrateMappingOk, pageAlloc } from '../../../../spec/kernel/page';
import { pteDevicePrivate, pteNone } from '../../../../spec/kernel/pte';
import { CPU, flushThen, type Forms } from './env';
import { ADDRS, DEVICE, IDX, MD, NADDR, RAM_DST, ZERO, cite, folio, pteAlloc, rmapAdd, setPte, st, type Ctx, type MigL, type Step, type Sys } from './state';

/** Why migrate_vma_insert_page's publication is one step (with the PTL held). */
const INSERT_ATOMIC =
  'migrate_vma_insert_page re-checks the PTE under the PTL and publishes a page private to the migration (locked, never mapped) with set_pte_at, as do_anonymous_page does: its rmap and reference are not observable before the PTE';

/** The new device-private entry for a hole at the entry's address: rmap, reference, PageAnonExclusive, set_pte_at. */
function insert(d: Sys, l: MigL): void {
  const x = l.dst[l.i]!;
  rmapAdd(d, x);
  d.excl[IDX[x]] = true;
  setPte(d, l.i, pteDevicePrivate(x, true));
}

export function pagesSteps(f: Pick<Forms, 'insertSkipsZeroFlush'>): Step<MigL>[] {
  const skipZeroFlush = f.insertSkipsZeroFlush;
  const lockPtl = CPU.spinLock('Pins', (s) => s.ptl) as unknown as Step<MigL>;
  const unlockPtl = CPU.spinUnlock('Pset', (s) => s.ptl) as unknown as Step<MigL>;
  return [
    st<MigL>(
      'Palloc',
      cited('driver alloc_and_copy: to the device (Mig: lib/test_hmm.c dmirror_migrate_alloc_and_copy) for each src entry with MIGRATE a locked device page, filled from the locked, unmapped source (zeroed for a hole); back to RAM (migrate_to_ram: dmirror_devmem_fault_alloc_and_copy; the eviction: dmirror_device_evict_chunk, as nouveau_dmem_evict_chunk) a locked system page for each device page with MIGRATE (holes are skipped), copied from the device; dst[i] = its pfn', ALLOC_SOURCE, ...RAM_ALLOC_SOURCES),
      (d, th) => {
        const l = th.local;
        for (let i = 0; i < NADDR; i++) {
          const s = l.src[i]!;
          if (!s.migrate) continue;
          if (th.id !== 'Mig' && s.pfn === null) continue; // back to RAM: a hole gets no page (the fault's range is one present page)
          const x = th.id === 'Mig' ? DEVICE[i]! : RAM_DST[th.id]!.find((p) => d.pages[IDX[p]]!.freed) ?? RAM_DST[th.id]![0]!; // the first free one (pageAlloc refuses a live page)
          pageAlloc(d.pages[IDX[x]]!, { val: s.pfn === null ? 0 : d.pages[IDX[s.pfn]]!.val, locker: th.id }); // a hole: a zeroed page
          l.hold[IDX[x]]!++;
          l.dst[i] = x;
        }
        l.i = 0;
      },
      undefined,
      { atomic: 'driver code: the new pages are private to the driver until migrate_vma_finalize maps them, and the sources are locked and unmapped (their contents stable once collect\'s flush returned; a device page is written only by the device, which the driver quiesced for the copy)' },
    ),
    st<MigL>('Pmig', cite(MD, '778-853', '__migrate_device_pages', 'per entry: !newpage → clear MIGRATE; folio_migrate_mapping(NULL, newfolio, folio, extra_cnt = (migrate && migrate->fault_page == page)): refcount ≠ expected → clear MIGRATE'), (d, th) => {
      const l = th.local;
      if (l.i >= NADDR) {
        l.i = 0;
        return th.goto('Fent');
      }
      const s = l.src[l.i]!;
      if (s.pfn === null && s.migrate && l.dst[l.i] !== null) return th.goto('Pins');
      if (l.dst[l.i] === null) s.migrate = false;
      else if (s.pfn !== null && s.migrate && !folioMigrateMappingOk(folio(d, s.pfn), { mapping: false, extraCount: s.pfn === l.fault ? 1 : 0 })) s.migrate = false; // folio_expected_refs = 1 (anonymous, no swap cache) + extra_cnt (1 for the fault page)
      l.i++;
      th.goto('Pmig');
    }),
    {
      label: 'Pins',
      ...joinCited(
        cite(MD, '790-814', '__migrate_device_pages', 'no page, MIGRATE: the first hole starts its own notifier range (MIGRATE, owner: the driver skips it); migrate_vma_insert_page'),
        '; ',
        cite(MD, '723-738, 747-762, 764-767', 'migrate_vma_insert_page', '⟨PTL; orig_pte none → device-private entry, folio_add_new_anon_rmap, folio_get, set_pte_at, unlock⟩; a present zero pfn → flush = true (below); anything else → unlock_abort, clear MIGRATE'),
      ),
      guard: (s) => s.ptl.owner === null,
      holds: [(s: Sys) => s.ptl],
      atomic: INSERT_ATOMIC,
      effect: (d, th) => {
        const l = th.local;
        pteAlloc(d); // pmd_alloc / pte_alloc before the PTL
        const e = d.pte[l.i]!;
        if (e.kind === 'present' && e.pfn === ZERO) {
          lockPtl.effect!(d, th); // the PTL stays held across ptep_clear_flush
          setPte(d, l.i, pteNone());
          return th.goto(skipZeroFlush ? 'Pset' : `Pzf${l.i}a`);
        }
        if (e.kind !== 'none') l.src[l.i]!.migrate = false; // unlock_abort
        else insert(d, l);
        l.i++;
        th.goto('Pmig');
      },
    },
    ...ADDRS.flatMap((a, i) => flushThen<MigL>(`Pzf${i}a`, `Pzf${i}b`, [a], 'Pset', cite(MD, '753-756', 'migrate_vma_insert_page', `if (flush) ptep_clear_flush(vma, addr(${a}), ptep): the zero page's translation flushed`))),
    {
      ...unlockPtl,
      ...cite(MD, '747-760', 'migrate_vma_insert_page', `${skipZeroFlush ? 'mutant: no flush before; ' : ''}folio_add_new_anon_rmap, folio_get, set_pte_at(device-private entry) over the cleared zero-page PTE; pte_unmap_unlock`),
      atomic: INSERT_ATOMIC,
      effect: (d: Sys, th: Ctx<MigL>) => {
        const l = th.local;
        insert(d, l);
        d.promised[l.i] = ZERO; // the flush promised for the zero page's translation has happened
        unlockPtl.effect!(d, th);
        l.i++;
        th.goto('Pmig');
      },
    } as Step<MigL>,
  ];
}
