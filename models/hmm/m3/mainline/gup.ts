/**
 * The GUP-fast pinner G on CPU c1: pin_user_pages_fast(a0, 1, FOLL_WRITE) as an O_DIRECT read or an
 * RDMA registration does — IRQs off, a lock-free PTE read, try_grab_folio_fast (FOLL_PIN: the pin
 * bias on the refcount, `pin[]` here), the PTE re-check that backs out if it changed, IRQs on —
 * then a DMA write into the pinned page and unpin_user_page. Its IRQs-off walk holds off the flush
 * IPIs to c1 (spec/kernel/tlb.ts), which collect's ptep_clear_flush waits for.
 */
import { irqDisable, irqEnable } from '../../../../spec/kernel/cpu';
import { touch } from '../../../../spec/kernel/errors';
import { folioPut } from '../../../../spec/kernel/folio';
import { cited } from '../../../../spec/citation';
import { GUP_FAST } from './sources';
import { IDX, PUT_FREES, V1, st, type GupL, type Pfn, type Step, type Sys } from './state';

const GUP = '(mm/gup.c, current mainline, read at v6.12.118)';
const pfnOf = (l: GupL): Pfn => l.pfn!;

/** unpin: the pin bias and the reference go together (gup_put_folio → folio_put_refs on the one refcount word). */
function unpin(d: Sys, p: Pfn): void {
  d.pin[IDX[p]]!--;
  folioPut(d, d.pages, IDX[p], 'UAF_PAGE'); // the last reference (after a zap) frees it and takes it off the LRU
}

/** a0 still maps `p` for the process: a present PTE or a migration entry to it (checked outside PTL sections, see G5). */
function mapsAtA0(d: Sys, p: Pfn): boolean {
  const e = d.pte[0]!;
  return (e.kind === 'present' || e.kind === 'migration') && e.pfn === p;
}

export function gupSteps(): Step<GupL>[] {
  return [
    st<GupL>('G0', cited(`gup_fast: local_irq_save; gup_fast_pmd_range: pmd = pmdp_get_lockless(pmdp), none → bail out ${GUP}`, ...GUP_FAST.irqOff), (d, th) => {
      irqDisable(d.cpu, th.id);
      if (d.pmd !== 'table') th.goto('G4');
    }),
    st<GupL>('G1', cited(`gup_fast_pte_range: pte = ptep_get_lockless(ptep); !pte_present or (FOLL_WRITE) !pte_write → bail out to the slow path (not modelled: G gives up) ${GUP}`, GUP_FAST.pteRead), (d, th) => {
      const e = d.pte[0]!;
      if (e.kind !== 'present' || !e.writable || e.pfn === null) return th.goto('G4');
      th.local.pfn = e.pfn as Pfn;
    }),
    st<GupL>(
      'G2',
      cited(`gup_fast_pte_range: folio = try_grab_folio_fast(page, 1, FOLL_PIN): folio_try_get, then the GUP_PIN_COUNTING_BIAS on the same refcount ${GUP}`, ...GUP_FAST.grab),
      (d, th) => {
        const p = pfnOf(th.local);
        const pg = d.pages[IDX[p]]!;
        if (pg.freed || pg.ref === 0) return th.goto('G4'); // folio_try_get failed: bail out
        pg.ref++;
        d.pin[IDX[p]]!++;
      },
      undefined,
      { atomic: 'folio_try_get and the pin bias are two RMWs of one refcount word; between them folio_maybe_dma_pinned reads "not pinned" and every other reader sees one more reference, which the state before the step already allows (the PTE re-check follows both)' },
    ),
    st<GupL>('G3', cited(`gup_fast_pte_range: if (pte_val(pte) != pte_val(ptep_get(ptep))) → gup_put_folio, bail out; else the page is pinned ${GUP}`, ...GUP_FAST.recheck), (d, th) => {
      const e = d.pte[0]!;
      const p = pfnOf(th.local);
      if (e.kind !== 'present' || e.pfn !== p || !e.writable) return th.goto('G3u');
      th.local.kept = p;
      th.goto('G4');
    }),
    st<GupL>('G3u', cited(`gup_put_folio(folio, 1, FOLL_PIN): the pin and the reference dropped ${GUP}`, GUP_FAST.putBack), (d, th) => {
      unpin(d, pfnOf(th.local));
      th.local.pfn = null;
    }, undefined, { atomic: PUT_FREES }),
    st<GupL>('G4', cited(`gup_fast: local_irq_restore ${GUP}`, GUP_FAST.irqOn), (d, th) => {
      irqEnable(d, d.cpu, th.id);
      if (th.local.kept === null) {
        th.local.pfn = null;
        th.goto('done');
      }
    }),
    st<GupL>(
      'G5',
      cited('the DMA into the pinned page after pin_user_pages_fast returned (O_DIRECT read, RDMA write): the device writes v1, which the process must read at a0 as long as a0 maps the page', GUP_FAST.user),
      (d, th) => {
        const p = th.local.kept!;
        const pg = d.pages[IDX[p]]!;
        if (!touch(d, pg, 'UAF_PAGE')) return;
        pg.val = V1;
        if (mapsAtA0(d, p)) d.lastWrite = V1; // else MADV_DONTNEED zapped a0: the DMA lands in a page the process no longer maps
      },
      // ghost scheduling: the DMA is not interleaved inside a PTL section, so that a0 none here means
      // zapped, not collect's transient clear (a pinned page is put back within the same section)
      (s) => s.ptl.owner === null,
    ),
    st<GupL>('G6', cited(`unpin_user_page: gup_put_folio(FOLL_PIN) ${GUP}`, GUP_FAST.unpin), (d, th) => {
      unpin(d, th.local.kept!);
      th.local.kept = null;
      th.local.pfn = null;
    }, undefined, { atomic: PUT_FREES }),
  ];
}
