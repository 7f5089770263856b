/**
 * The user thread U on CPU c1: loads and stores of a0 through its TLB (spec/kernel/tlb.ts), the
 * faults a miss takes (migration entry → migration_entry_wait; none → the zero page or
 * do_anonymous_page; device-private → do_swap_page → migrate_to_ram, which runs its own
 * migrate_vma_* pass over a0 with the fault page: the Mig steps of collect / unmap / pages /
 * finalize in this thread), and its own MADV_DONTNEED of a0 or of the whole
 * PTE table (zap_pte_range: the entries cleared under the PTL, an emptied table freed under
 * CONFIG_PT_RECLAIM, the TLB flushed only if a present entry was gathered, the pages freed after
 * the flush).
 */
import { touch } from '../../../../spec/kernel/errors';
import { cpuOf } from '../../../../spec/kernel/cpu';
import { folioAddLruOn } from '../../../../spec/kernel/folio';
import { pageAlloc, pageLocked, pageTrylock, pageUnlock } from '../../../../spec/kernel/page';
import { pteCopy, pteNone, ptePresent } from '../../../../spec/kernel/pte';
import { tlbAccess } from '../../../../spec/kernel/tlb';
import { cited, joinCited, stepDocFields } from '../../../../spec/citation';
import { CPU, flushThen, type Forms } from './env';
import { MIGRATE_TO_RAM, swapFault, swapFaultV61 } from './sources';
import { ADDRS, BINDING, IDX, V1, ZERO, walkPte, fget, folio, fput, headOf, pteAlloc, read, rmapAdd, setPte, putStep, st, type Pfn, type Step, type Sys, type UserL } from './state';

export type Op = 'r' | 'w' | 'dn';

const MEM = 'mm/memory.c';
const MEM_READ_AT = '(mm/memory.c @0c86b42439b6)';
/** Line ranges of a citation: `[line, endLine?]` each. */
type Lines = readonly (readonly [number, number?])[];

/** A load or store of page `pfn`'s data; false when the page was freed (reported as UAF_PAGE). */
function access(d: Sys, pfn: Pfn, write: boolean): boolean {
  const pg = d.pages[IDX[pfn]]!;
  if (!touch(d, pg, 'UAF_PAGE')) return false;
  if (write) {
    pg.val = V1;
    d.lastWrite = V1;
  } else read(d, pg.val);
  return true;
}

/** migrate_to_ram's migrate_vma locals, fresh (before the call and after it returned). */
export function resetMigration(l: UserL): void {
  l.i = 0;
  l.unmapped = 0;
  l.restore = 0;
  l.drain = true;
  l.old = pteNone();
  l.src = ADDRS.map(() => ({ pfn: null, migrate: false, write: false }));
  l.dst = ADDRS.map(() => null);
  l.fault = null;
}

/**
 * do_swap_page's device-private branch in three forms: current mainline (⟨PTL; pte_same;
 * trylock_page; get_page; unlock⟩, migrate_to_ram, unlock_page, put_page; trylock failure → unlock,
 * retry), v6.1 (16ce101db85d: ⟨PTL; pte_same; get_page; unlock⟩, migrate_to_ram, put_page) and
 * ≤ v6.0 (H9: migrate_to_ram on the page read from orig_pte, without the PTL or a reference).
 */
function swapFaultSteps(f: Forms): Step<UserL>[] {
  const form = f.faultForm;
  // the current form's lines (the ≤ v6.0 mutant departs from the same statements); the v6.1 form's
  // at v6.1.192, but for the steps it does not have (no v61 lines: the page lock, Udt and Udp4, which
  // it never reaches): those are the current form's statements, cited there
  const fault = (what: string, lines: Lines, v61: Lines = []) => {
    const at61 = form === 'v6.1' && v61.length > 0;
    const shown = at61 ? 'v6.1' : form === 'v6.0' ? form : 'current mainline';
    return cited(
      `${MEM} do_swap_page (${shown}), is_device_private_entry: ${what} ${at61 ? '(16ce101db85d)' : MEM_READ_AT}`,
      ...(at61 ? v61.map(([l, e]) => swapFaultV61(l, e)) : lines.map(([l, e]) => swapFault(l, e))),
    );
  };
  const page = (l: UserL): Pfn => l.orig!;
  const lock = CPU.spinLock('Udl', (s) => s.ptl) as unknown as Step<UserL>;
  const unlockTo = (label: string, to: string, what: string, lines: Lines, v61: Lines): Step<UserL> => {
    const u = CPU.spinUnlock(label, (s) => s.ptl) as unknown as Step<UserL>;
    return { ...u, ...stepDocFields(fault(what, lines, v61)), effect: (d, th) => { u.effect!(d, th); th.goto(to); } };
  };
  return [
    { ...lock, ...stepDocFields(fault('vmf->pte = pte_offset_map_lock', [[4340, 4342]], [[3803, 3804]])) },
    st<UserL>('Uds', fault('if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) goto unlock (the fault returns and is retried)', [[4343, 4346]], [[3805, 3808]]), (d, th) => {
      const e = d.pte[0]!;
      if (e.kind !== 'devpriv' || e.pfn !== th.local.orig) return th.goto('Udr');
      th.goto(form === 'current' ? 'Udt' : 'Udg');
    }),
    st<UserL>('Udt', fault('if (trylock_page(vmf->page)) … else pte_unmap_unlock (retry)', [[4352], [4358, 4359]]), (d, th) => {
      if (!pageTrylock(folio(d, page(th.local)), th.id)) th.goto('Udr');
    }),
    st<UserL>('Udg', fault('get_page(vmf->page): "a page reference while we know the page can\'t be freed"', [[4348, 4353]], [[3810, 3814]]), (d, th) => fget(d, th, page(th.local))),
    unlockTo('Udu', 'Udp3', 'pte_unmap_unlock(vmf->pte, vmf->ptl)', [[4354]], [[3815]]),
    unlockTo('Udr', 'Uop', 'pte_unmap_unlock; return (the access is retried)', [[4359], [4711, 4713]], [[3806, 3807], [4114]]),
    st<UserL>(
      'Udp3',
      joinCited(fault(form === 'v6.0' ? 'vmf->page->pgmap->ops->migrate_to_ram(vmf), straight from orig_pte (no PTL, no reference)' : 'vmf->page->pgmap->ops->migrate_to_ram(vmf) (today through page_pgmap(vmf->page))', [[4355]], [[3816]]), '; ', cited('the driver\'s migrate_to_ram: migrate_vma_setup(start = vmf->address, one page, MIGRATE_VMA_SELECT_DEVICE_PRIVATE, fault_page = vmf->page), alloc_and_copy, migrate_vma_pages, migrate_vma_finalize', ...MIGRATE_TO_RAM)),
      (d, th) => {
        const l = th.local;
        if (!touch(d, d.pages[IDX[page(l)]]!, 'UAF_PAGE')) return th.goto('done'); // page_pgmap of a freed device page
        resetMigration(l);
        l.fault = form === 'v6.0' ? null : page(l); // fault_page came with 16ce101db85d
        th.goto('Cpmd');
      },
    ),
    st<UserL>('Udp4', fault('unlock_page(vmf->page) (current form only)', [[4356]]), (d, th) => {
      if (form === 'current') pageUnlock(d, folio(d, page(th.local)));
    }),
    putStep<UserL>('Udp5', fault('put_page(vmf->page) (not in the ≤ v6.0 form); return: the access is retried', [[4357], [4369]], [[3817], [3828]]), (d, th) => {
      const l = th.local;
      if (form !== 'v6.0') fput(d, th, page(l));
      resetMigration(l);
      l.orig = null;
      th.goto('Uop');
    }),
  ];
}

export function userSteps(ops: readonly Op[], zapTable: boolean, f: Forms): Step<UserL>[] {
  /** The addresses MADV_DONTNEED covers: a0, or the whole PTE table. */
  const zapped = zapTable ? ADDRS.map((_, i) => i) : [0];
  const next = (l: UserL, th: { goto(label: string): void }) => {
    l.op++;
    th.goto(l.op >= ops.length ? 'done' : 'Uop');
  };
  return [
    st<UserL>(
      'Uop',
      `the next operation: a load / store of a0 through the TLB of c1 (hit, or a page walk filling it, or a fault), or madvise(MADV_DONTNEED) ${MEM_READ_AT}`,
      (d, th) => {
        const l = th.local;
        const op = ops[l.op]!;
        if (op === 'dn') return th.goto('Zlock');
        const write = op === 'w';
        const hit = tlbAccess(d.tlb, 'c1', 'a0', walkPte(d, 0), write);
        if (hit?.pfn === ZERO) {
          read(d, 0); // the zero page (read-only: only loads hit it)
          return next(l, th);
        }
        if (hit) return access(d, hit.pfn as Pfn, write) ? next(l, th) : th.goto('done');
        const e = walkPte(d, 0);
        switch (e.kind) {
          case 'migration':
            l.wait = e.pfn as Pfn;
            return th.goto('Uwait');
          case 'none':
            return th.goto(write ? 'Uanon' : 'Uzero');
          case 'devpriv':
            // do_swap_page: vmf->orig_pte is this device-private entry
            l.orig = e.pfn as Pfn;
            return th.goto(f.faultForm === 'v6.0' ? 'Udp3' : 'Udl');
          default:
            throw new Error(`U: fault on ${e.kind} entry not modelled (the configurations never reach it)`);
        }
      },
      undefined,
      { atomic: 'one MMU access: the TLB lookup, the hardware page walk and the dirty-bit update are one locked operation of the CPU (x86 sets A/D bits with a locked RMW that re-checks the PTE)' },
    ),
    st<UserL>(
      'Uwait',
      `${MEM} do_swap_page → migration_entry_wait: sleep until the folio is unlocked, then retry the access ${MEM_READ_AT}`,
      (_d, th) => {
        th.local.wait = null;
        th.goto('Uop');
      },
      (s, th) => !pageLocked(folio(s, th.local.wait!)),
    ),
    {
      label: 'Uzero',
      doc: `${MEM} do_anonymous_page (read fault): ⟨PTL; pte_none still → the zero page, the load reads zeros; else back off and retry⟩ ${MEM_READ_AT}`,
      guard: (s) => s.ptl.owner === null,
      holds: [(s) => s.ptl],
      atomic: 'the pte_none re-check and the zero-page PTE are one critical section under the PTL; outside the zero-page configurations the zero page is not mapped (a later access faults again and reads zeros again, and collect treats a zero-pfn PTE as a hole as it does pte_none)',
      effect: (d, th) => {
        if (d.pte[0]!.kind !== 'none') return th.goto('Uop');
        pteAlloc(d);
        if (f.zeroPage || f.hugeZero) setPte(d, 0, ptePresent(ZERO, false, false)); // pte_mkspecial(pfn_pte(my_zero_pfn(addr)))
        read(d, 0);
        next(th.local, th);
      },
    },
    {
      label: 'Uanon',
      doc: `${MEM} do_anonymous_page: a zeroed page Z0; ⟨PTL; pte_none → set_pte_at(writable, dirty), rmap; else free it⟩; retry the access ${MEM_READ_AT}`,
      guard: (s) => s.ptl.owner === null,
      holds: [(s) => s.ptl],
      atomic: 'the new page is private to the faulting thread until set_pte_at publishes it under the PTL',
      effect: (d, th) => {
        if (d.pte[0]!.kind !== 'none') return th.goto('Uop');
        pteAlloc(d);
        const pg = d.pages[IDX.Z0]!;
        if (!pg.freed) throw new Error('U: Z0 is already in use (the configuration needs another spare page)');
        pageAlloc(pg, { val: 0 });
        pg.ref = 0; // the allocation's reference becomes the mapping's
        rmapAdd(d, 'Z0');
        folioAddLruOn(d, d.pages, d.lruBatch, IDX.Z0, cpuOf(BINDING, th.id)); // folio_add_lru_vma: into this CPU's batch
        d.excl[IDX.Z0] = true; // folio_add_new_anon_rmap(RMAP_EXCLUSIVE)
        setPte(d, 0, ptePresent('Z0', true, true));
        th.goto('Uop');
      },
    },
    // ---- MADV_DONTNEED: madvise_dontneed_single_vma → zap_pte_range over a0 (or the whole table) ----
    { ...(CPU.spinLock('Zlock', (s) => s.ptl) as unknown as Step<UserL>), doc: `${MEM} zap_pte_range: pte_offset_map_lock; flush_tlb_batched_pending (no deferred flush in this model: tlb_flush_batched stays false) ${MEM_READ_AT}` },
    st<UserL>('Zclear', `${MEM} do_zap_pte_range at the next address: zap_present_ptes (ptep_get_and_clear_full, tlb_remove_tlb_entry: the page gathered) / zap_nonpresent_ptes (a migration entry: cleared, no reference, nothing gathered) ${MEM_READ_AT}`, (d, th) => {
      const l = th.local;
      if (l.zi >= zapped.length) return th.goto('Zreclaim');
      const i = zapped[l.zi]!;
      const e = d.pte[i]!;
      l.zapped[i] = pteCopy(e);
      if (e.kind === 'none') {
        l.zi++;
        return th.goto('Zclear');
      }
      setPte(d, i, pteNone());
      if (i === 0) d.lastWrite = 0;
    }),
    st<UserL>('Zrmap', `${MEM} zap_present_ptes / zap_nonpresent_ptes (device-private): folio_remove_rmap_pte ${MEM_READ_AT}`, (d, th) => {
      const l = th.local;
      const e = l.zapped[zapped[l.zi]!]!;
      l.zi++;
      th.goto('Zclear');
      if ((e.kind !== 'present' && e.kind !== 'devpriv') || e.pfn === null || e.pfn === ZERO) return; // the zero page has no rmap
      const pg = d.pages[IDX[e.pfn]]!;
      if (!touch(d, pg, 'UAF_PAGE')) return;
      pg.map--;
      l.hold[IDX[headOf(d, e.pfn)]]!++; // ledger: the mapping's reference, put once the TLB is flushed
    }),
    st<UserL>(
      'Zreclaim',
      `${MEM} zap_pte_range, CONFIG_PT_RECLAIM (madvise sets reclaim_pt; the zap covers the whole PMD): every PTE none → try_get_and_clear_pmd: pmd_clear, the table freed after the flush ${MEM_READ_AT}`,
      (d) => {
        if (!zapTable || d.pmd === 'none' || !d.pte.every((e) => e.kind === 'none')) return;
        d.pmd = 'none';
      },
    ),
    { ...(CPU.spinUnlock('Zunlock', (s) => s.ptl) as unknown as Step<UserL>), doc: `${MEM} zap_pte_range: pte_unmap_unlock ${MEM_READ_AT}` },
    ...flushThen<UserL>('Zfl1', 'Zfl2', zapped.map((i) => ADDRS[i]!), 'Zfree', `${MEM} tlb_finish_mmu → tlb_flush_mmu: flush_tlb_range only if a present entry was gathered ${MEM_READ_AT}`, (_s, l) =>
      l.zapped.some((e) => e.kind === 'present'),
    ),
    putStep<UserL>('Zfree', `${MEM} tlb_finish_mmu → tlb_batch_pages_flush: each gathered page is put after the flush (a device-private page: folio_put in zap_nonpresent_ptes) ${MEM_READ_AT}`, (d, th) => {
      const l = th.local;
      const i = l.zapped.findIndex((e) => (e.kind === 'present' || e.kind === 'devpriv') && e.pfn !== null && e.pfn !== ZERO);
      if (i >= 0) {
        fput(d, th, l.zapped[i]!.pfn as Pfn);
        l.zapped[i] = pteNone();
        return th.goto('Zfree');
      }
      l.zapped = l.zapped.map(() => pteNone());
      l.zi = 0;
      next(l, th);
    }),
    ...swapFaultSteps(f),
  ];
}


