/** A CPU thread of the process reading and writing `a`, with the device-private fault path of §1.10 (old form for H9). */
import { raise, touch } from '../../../../spec/kernel/errors';
import { pageAlloc, pageLocked, pageMap, pageTrylock, pageUnlock } from '../../../../spec/kernel/page';
import { isDevicePrivate, ptePresent } from '../../../../spec/kernel/pte';
import { Ctx, FOLIO_LOCKED, PL, PRIVATE_PAGE, PUT_FREES, PipeState, SYSTEM, Step, UAF, V1, halloc, hget, hput, ptlStep, read, st } from './state';
import { PipeForm, pipelineSteps } from './migrate';

export type Op = 'r' | 'w';

/** A CPU thread of the process doing `ops` on `a`, then done (H9: `oldFault`). */
export function cpuSteps(ops: readonly Op[], f: { oldFault: boolean; pipe: Omit<PipeForm, 'dir' | 'after' | 'faultPage'> }): Step<PL>[] {
  const next = (th: Ctx<PL>) => {
    th.local.op++;
    th.goto(th.local.op >= ops.length ? 'done' : 'C0');
  };
  const swapLocked = (s: PipeState): boolean => s.pte.kind === 'swap' && !s.page[s.pte.pfn!].freed && pageLocked(s.page[s.pte.pfn!]);
  return [
    st<PL>(
      'C0',
      "CPU access of a by the MMU (no lock): a present PTE that allows it → the access (a write sets the PTE's dirty bit); otherwise the page fault (CF)",
      (d, th) => {
        const l = th.local;
        const op = ops[l.op]!;
        const e = d.pte;
        if (e.kind !== 'present' || (op === 'w' && !e.writable)) return th.goto('CF');
        const x = e.pfn!;
        const pg = d.page[x];
        if (!touch(d, pg, UAF[x])) return th.goto('done');
        if (op === 'r') read(d, pg.val);
        else {
          pg.val = V1;
          d.pte = ptePresent(x, true, true);
          d.lastWrite = V1;
        }
        next(th);
      },
      undefined,
      {
        atomic:
          "the MMU's page walk (hardware, no kernel code) reads the PTE and, on a store, sets its dirty bit with one locked update of the entry — the reason ptep_get_and_clear (include/linux/pgtable.h) clears it with one atomic exchange; the store to the page is the data, not a second access",
      },
    ),
    ptlStep<PL>(
      'CF',
      'handle_pte_fault: ⟨PTL; the entry again: read-only present → do_wp_page reuses the exclusive page (writable, dirty); none → do_anonymous_page (read: the zero page; write: a new page); swap → do_swap_page swap-in, then retry; migration entry → migration_entry_wait (Cmwait); device-private entry → §1.10 (Cptl, or Cmig in the old form)⟩',
      (d, th) => {
        const l = th.local;
        const op = ops[l.op]!;
        const e = d.pte;
        switch (e.kind) {
          case 'present': {
            if (op === 'w' && !e.writable) d.pte = ptePresent(e.pfn!, true, e.dirty); // the store itself retries through the MMU
            return th.goto('C0');
          }
          case 'none':
            if (op === 'r') read(d, 0); // the zero page
            else {
              const x = halloc(d, th, SYSTEM, V1, false); // do_anonymous_page: the new page's reference becomes the mapping's
              th.local.hold[x]--;
              d.page[x].map = 1;
              d.pte = ptePresent(x, true, true);
              d.lastWrite = V1;
            }
            return next(th);
          case 'migration':
            l.wait = e.pfn;
            return th.goto('Cmwait');
          case 'swap': {
            // do_swap_page (the folio lock is taken and dropped inside): a swap-cache hit maps
            // the page; otherwise read the slot into the frame it names. Then retry the access.
            const x = e.pfn!;
            const pg = d.page[x];
            if (pg.freed) {
              const slot = pg.swap;
              if (slot === null) throw new Error(`swap entry names ${x}, whose slot was freed`);
              pageAlloc(pg, { val: slot }); // its one reference is the swap cache's
              pg.swap = slot;
            }
            pageMap(d, pg, UAF[x]);
            d.pte = ptePresent(x, false, false);
            return th.goto('C0');
          }
          case 'devpriv':
            l.fp = e.pfn;
            l.w = e.writable;
            // current: re-check under the PTL and take a reference; old (H9): straight to migrate_to_ram
            return th.goto(f.oldFault ? 'Cmig' : 'Cptl');
        }
      },
      {
        guard: (s) => !swapLocked(s),
        atomic: `do_anonymous_page fills a new page before set_pte_at publishes it (${PRIVATE_PAGE}); do_swap_page maps the swap-cache folio with the folio locked (${FOLIO_LOCKED})`,
      },
    ),
    st<PL>(
      'Cmwait',
      'migration_entry_wait: sleep until the page is unlocked, then retry (no reference taken)',
      (_d, th) => {
        th.local.wait = null;
        th.goto('C0');
      },
      (s, th) => !pageLocked(s.page[th.local.wait!]),
    ),
    ptlStep<PL>('Cptl', 'do_swap_page: ⟨PTL; !pte_same → refault; trylock_page → get_page, PTL unlock, migrate_to_ram; else PTL unlock, wait⟩', (d, th) => {
      const l = th.local;
      const x = l.fp!;
      if (!isDevicePrivate(d.pte, x) || d.pte.writable !== l.w) {
        l.fp = null;
        return th.goto('C0');
      }
      if (!pageTrylock(d.page[x], th.id)) return th.goto('Cwait');
      hget(d, th, x);
      th.goto('Cmig');
    }),
    st<PL>(
      'Cwait',
      'the page is locked by someone else: sleep until it is unlocked, then return (the fault is retried)',
      (_d, th) => {
        th.local.fp = null;
        th.goto('C0');
      },
      (s, th) => !pageLocked(s.page[th.local.fp!]),
    ),
    st<PL>('Cmig', 'page->pgmap->ops->migrate_to_ram(vmf): needs a live pgmap and a referenced page', (d, th) => {
      const x = th.local.fp!;
      if (d.pgmapDead || d.page[x].freed || d.page[x].ref === 0) {
        raise(d, 'UAF_PGMAP');
        th.goto('done');
      }
    }),
    ...pipelineSteps({ ...f.pipe, dir: 'toRam', after: f.oldFault ? 'Cret' : 'Cunl', faultPage: !f.oldFault }),
    ...(f.oldFault
      ? [
          st<PL>('Cret', 'migrate_to_ram returns: the fault is retried', (_d, th) => {
            th.local.fp = null;
            th.goto('C0');
          }),
        ]
      : [
          st<PL>(
            'Cunl',
            'unlock_page(vmf->page); put_page(vmf->page); the fault is retried',
            (d, th) => {
              const x = th.local.fp!;
              pageUnlock(d, d.page[x]);
              hput(d, th, x);
              th.local.fp = null;
              th.goto('C0');
            },
            undefined,
            { atomic: PUT_FREES },
          ),
        ]),
  ];
}

// ---- environment threads -----------------------------------------------------------------------
