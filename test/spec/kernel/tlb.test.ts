import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { expectHolds, expectViolation } from '../../../checker/testing';
import { spec, type ThreadCtx } from '../../../spec/builder';
import { cpuInit, cpuOf, cpuSteps, cpuType } from '../../../spec/kernel/cpu';
import { errType, forbid, noError, raise } from '../../../spec/kernel/errors';
import { spinlockInit, spinlockType } from '../../../spec/kernel/spinlock';
import { isPresent, pteNone, ptePresent, pteType } from '../../../spec/kernel/pte';
import { tlbAccess, tlbCoherent, tlbDeferFlush, tlbInit, tlbIpiHandle, tlbStale, tlbSteps, tlbType } from '../../../spec/kernel/tlb';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

const dom = { cpus: ['c0', 'c1'], addrs: ['a'], pfns: ['S0', 'S1'], threads: ['Z', 'R', 'M', 'K'] } as const;
const binding = { Z: 'c0', R: 'c0', M: 'c0', K: 'c0', A: 'c1', F: 'c1' } as const;
const IDS = ['Z', 'R', 'M', 'K', 'A', 'F'] as const;
const fields = {
  err: errType('UAF_S0'),
  cpu: cpuType(IDS),
  tlb: tlbType(dom),
  pte: pteType(['S0', 'S1']),
  ptl: spinlockType(['R', 'M', 'K', 'F']),
  freed: t.bool(),
  got: t.bool(),
  changed: t.bool(),
};
type S = Infer<RecordType<typeof fields>>;
const C = cpuSteps<S>((s) => s.cpu, binding);
const TLB = tlbSteps<S>((s) => s.tlb, (s) => s.cpu, binding);
/** c1 has the writable translation a → S0 cached. */
const init = (cached: boolean) => (): S => {
  const tlb = tlbInit(dom);
  if (cached) tlb.entry.c1.a = { pfn: 'S0', writable: true, dirty: true };
  return { err: null, cpu: cpuInit(IDS), tlb, pte: ptePresent('S0', true, true), ptl: spinlockInit(), freed: false, got: false, changed: false };
};
const pcOf = (s: S, kind: string) => (s as unknown as Record<string, { pc: string }[]>)[kind]![0]!.pc;

describe('tlb helpers', () => {
  it('a CPU access uses a cached entry without reading the PTE, else walks and fills', () => {
    const tlb = tlbInit(dom);
    const pte = ptePresent('S0', true, false);
    expect(tlbAccess(tlb, 'c1', 'a', pte, false)).toEqual({ pfn: 'S0', via: 'walk' });
    expect(tlb.entry.c1.a).toEqual({ pfn: 'S0', writable: true, dirty: false });
    // A store through the clean entry sets the PTE's dirty bit (re-checking the PTE).
    expect(tlbAccess(tlb, 'c1', 'a', pte, true)).toEqual({ pfn: 'S0', via: 'tlb' });
    expect(pte.dirty).toBe(true);
    // The PTE is cleared: the dirty entry still serves loads and stores — stale.
    const none = pteNone<'S0'>();
    expect(tlbStale(tlb, 'c1', 'a', none)).toBe(true);
    expect(tlbCoherent(tlb, 'a', none)).toBe(false);
    expect(tlbAccess(tlb, 'c1', 'a', none, true)).toEqual({ pfn: 'S0', via: 'tlb' });
    // c0 has no entry: it walks the cleared PTE and faults.
    expect(tlbAccess(tlb, 'c0', 'a', none, false)).toBeNull();
  });

  it('a store through a clean entry whose PTE is gone, or a read-only entry, faults like x86', () => {
    const tlb = tlbInit(dom);
    tlb.entry.c1.a = { pfn: 'S0', writable: true, dirty: false };
    expect(tlbAccess(tlb, 'c1', 'a', pteNone(), true)).toBeNull();
    expect(tlb.entry.c1.a).toBeNull();
    tlb.entry.c1.a = { pfn: 'S0', writable: false, dirty: false };
    expect(tlbAccess(tlb, 'c1', 'a', ptePresent('S0', false, false), true)).toBeNull();
    // A writable PTE after a read-only entry: the entry is refilled writable.
    tlb.entry.c1.a = { pfn: 'S0', writable: false, dirty: false };
    expect(tlbAccess(tlb, 'c1', 'a', ptePresent('S0', true, false), true)).toEqual({ pfn: 'S0', via: 'walk' });
    expect(tlbStale(tlb, 'c1', 'a', ptePresent('S0', false, false))).toBe(true); // more rights than the PTE
  });

  it('an IPI handled on a CPU with IRQs off is a modelling error', () => {
    const d = { err: null as string | null, tlb: tlbInit(dom), cpu: cpuInit(IDS) };
    d.cpu.irqs.A = 1;
    d.tlb.ipi.Z.c1 = true;
    d.tlb.flush.Z = 'ipi';
    expect(() => tlbIpiHandle(d.tlb, d.cpu, binding, 'Z', 'c1', ['a'])).toThrow('tlb flush by Z: IPI handled on c1, which has IRQs off or no IPI pending: guard the step with tlbIpiDeliverable');
  });
});

describe('tlb shootdowns in a spec', () => {
  // Z (c0) unmaps a and flushes; A (c1) loads from a twice. Promise: once Z returns, no stale entry.
  const zap = (order: 'clear-then-flush' | 'flush-then-clear') => {
    const clear = { label: 'Z1', doc: 'ptep_get_and_clear', effect: (d: S) => void (d.pte = pteNone()) };
    const [start, wait] = TLB.flushRange('Z2', 'Z3', ['a']);
    const load = (label: string) => ({ label, effect: (d: S) => void tlbAccess(d.tlb, 'c1', 'a', d.pte, false) });
    return spec(fields)
      .init(init(true))
      .thread('Z', { instances: ['Z'], steps: C.bind(order === 'clear-then-flush' ? [clear, start, wait] : [start, wait, { ...clear, label: 'Z4' }]) })
      .thread('A', { instances: ['A'], steps: C.bind([load('A1'), load('A2')]) })
      .invariant('INV-TLB', (s) => pcOf(s, 'Z') !== 'done' || tlbCoherent(s.tlb, 'a', s.pte))
      .invariant('INV-NOERR', noError)
      .build();
  };

  it('clear the PTE, then flush: no stale entry survives the flush', () => {
    expectHolds(zap('clear-then-flush'));
  });

  it('flush before the PTE is cleared: the CPU refills in between and the entry goes stale', () => {
    const trace = expectViolation(zap('flush-then-clear'), { property: 'INV-TLB', maxSteps: 5 });
    expect(labels(trace)).toEqual(['Z.Z2', 'Z.Z3', 'A.A1', 'Z.Z4']);
  });

  // GUP-fast (A on c1, IRQs off) reads the PTE locklessly and uses the page; Z (c0) unmaps, flushes
  // and frees the page. The IPI cannot be handled while A has IRQs off, so the free waits for A.
  const gup = (irqsOff: boolean, aEnds = true) => {
    const A = [
      ...(irqsOff ? [C.irqDisable('G1')] : []),
      { label: 'G2', doc: 'pte = READ_ONCE(*ptep)', effect: (d: S) => void (d.got = isPresent(d.pte)) },
      { label: 'G3', doc: 'use the page', effect: (d: S) => void (d.got && d.freed && raise(d, 'UAF_S0')) },
      ...(irqsOff && aEnds ? [C.irqEnable('G4')] : []),
    ];
    const [start, wait] = TLB.flushRange('E2', 'E3', ['a']);
    return spec(fields)
      .init(init(false))
      .thread('Z', { instances: ['Z'], steps: C.bind([{ label: 'E1', effect: (d: S) => void (d.pte = pteNone()) }, start, wait, { label: 'E4', effect: (d: S) => void (d.freed = true) }]) })
      .thread('A', { instances: ['A'], steps: C.bind(A) })
      .invariant('INV-UAF-S0', forbid('UAF_S0'))
      .invariant('INV-NOERR', noError)
      .build();
  };

  it('IRQs off hold the shootdown back: GUP-fast never uses a freed page', () => {
    expectHolds(gup(true));
  });

  it('without IRQs off the page is freed under GUP-fast (the flush is not vacuous)', () => {
    expect(labels(expectViolation(gup(false), { property: 'INV-UAF-S0', maxSteps: 6 }))).toEqual(['A.G2', 'Z.E1', 'Z.E2', 'Z.E3', 'Z.E4', 'A.G3']);
  });

  it('a flush with wait: false returns at once, IPI still pending, and the page is freed under GUP-fast', () => {
    const [start, ret] = TLB.flushRange('E2', 'E3', ['a'], { wait: false });
    const sp = spec(fields)
      .init(init(false))
      .thread('Z', { instances: ['Z'], steps: C.bind([{ label: 'E1', effect: (d: S) => void (d.pte = pteNone()) }, start, ret, { label: 'E4', effect: (d: S) => void (d.freed = true) }]) })
      .thread('A', {
        instances: ['A'],
        steps: C.bind([
          C.irqDisable('G1'),
          { label: 'G2', effect: (d: S) => void (d.got = isPresent(d.pte)) },
          { label: 'G3', effect: (d: S) => void (d.got && d.freed && raise(d, 'UAF_S0')) },
          C.irqEnable('G4'),
        ]),
      })
      .invariant('INV-UAF-S0', forbid('UAF_S0'))
      .build();
    const trace = expectViolation(sp, { property: 'INV-UAF-S0', maxSteps: 7 });
    expect(labels(trace)).toEqual(['A.G1', 'A.G2', 'Z.E1', 'Z.E2', 'Z.E3', 'Z.E4', 'A.G3']);
    const last = trace.steps.at(-1)!.state as S;
    expect(last.tlb.flush.Z).toBe('idle');
    expect(last.tlb.ipi.Z.c1).toBe(true); // not handled: A still has IRQs off
    expect(last.cpu.preempt.Z).toBe(0);
  });

  it('the flush cannot complete while a target CPU keeps IRQs off: its wait step is disabled', () => {
    // A ends with IRQs still off: Z waits at E3 for ever (a deadlock, reported as such).
    const { result, trace } = checkSpec(gup(true, false));
    expect(result.verdict.kind).toBe('deadlock');
    const last = trace!.steps[trace!.steps.length - 1]!.state as S;
    expect(pcOf(last, 'Z')).toBe('E3');
    expect(last.tlb.ipi.Z.c1).toBe(true);
    expect(last.cpu.irqs.A).toBe(1);
  });

  it('starting a flush with IRQs off records FLUSH_IRQS_OFF', () => {
    const [start, wait] = TLB.flushRange('Z2', 'Z3', ['a']);
    const sp = spec(fields)
      .init(init(false))
      .thread('Z', { instances: ['Z'], steps: C.bind([C.irqDisable('Z1'), start, wait, C.irqEnable('Z4')]) })
      .thread('A', { instances: ['A'], steps: C.bind([C.condResched('A1')]) })
      .invariant('INV-FLUSH', forbid('FLUSH_IRQS_OFF'))
      .build();
    expect(labels(expectViolation(sp, { property: 'INV-FLUSH', maxSteps: 2 }))).toEqual(['Z.Z1', 'Z.Z2']);
  });

  // mm/rmap.c: reclaim R clears the PTE under the PTL and defers the flush; mprotect M then finds
  // the PTE none, changes nothing, flushes nothing and returns while c1 still caches a writable
  // translation — unless M calls flush_tlb_batched_pending under the PTL.
  const batched = (pendingFlush: boolean) => {
    const ptl = (s: S) => s.ptl;
    const M = [
      C.spinLock('M1', ptl),
      ...(pendingFlush ? TLB.flushBatchedPending('M2', 'M3', 'M4') : []),
      { label: 'M5', doc: 'change_pte_range: write-protect present entries', effect: (d: S) => void ((d.changed = isPresent(d.pte)) && (d.pte.writable = false)) },
      C.spinUnlock('M6', ptl),
      ...TLB.flushRange('M7', 'M8', ['a'], { when: (s) => s.changed }),
    ];
    const R = [
      C.spinLock('R1', ptl),
      { label: 'R2', doc: 'ptep_get_and_clear; set_tlb_ubc_flush_pending', effect: (d: S, th: ThreadCtx<unknown, string>) => void ((tlbDeferFlush(d.tlb, th.id, d.pte.dirty), (d.pte = pteNone()))) },
      C.spinUnlock('R3', ptl),
      ...TLB.tryToUnmapFlush('R4', 'R5'),
    ];
    return spec(fields)
      .init(init(true))
      .thread('R', { instances: ['R'], steps: C.bind(R) })
      .thread('M', { instances: ['M'], steps: C.bind(M) })
      .thread('A', { instances: ['A'], steps: C.bind([{ label: 'A1', effect: (d: S, th: ThreadCtx<unknown, string>) => void tlbAccess(d.tlb, cpuOf(binding, th.id), 'a', d.pte, true) }]) })
      .invariant('MprotectFlushed', (s) => pcOf(s, 'M') !== 'done' || tlbCoherent(s.tlb, 'a', s.pte))
      .invariant('ReclaimFlushed', (s) => pcOf(s, 'R') !== 'done' || tlbCoherent(s.tlb, 'a', s.pte))
      .invariant('INV-NOERR', noError)
      .build();
  };

  it('flush_tlb_batched_pending under the PTL: mprotect returns with no stale writable entry', () => {
    expectHolds(batched(true));
  });

  it('without it, mprotect returns while reclaim still owes the flush (the race mm/rmap.c describes)', () => {
    const trace = expectViolation(batched(false), { property: 'MprotectFlushed' });
    expect(labels(trace)).toEqual(['R.R1', 'R.R2', 'R.R3', 'M.M1', 'M.M5', 'M.M6', 'M.M7', 'M.M8']);
  });

  // migrate_vma_collect_pmd: K (c0) clears the PTE under the PTL and flushes "before releasing the
  // PTL"; F (c1) then faults a new page S1 in under the PTL. Flushing after the unlock lets F install
  // S1 while c1 still caches S0: two pages for one address.
  const collect = (flushBeforeUnlock: boolean) => {
    const ptl = (s: S) => s.ptl;
    const flush = TLB.flushRange('K3', 'K4', ['a']);
    const unlock = C.spinUnlock('K5', ptl);
    return spec(fields)
      .init(init(true))
      .thread('K', {
        instances: ['K'],
        steps: C.bind([C.spinLock('K1', ptl), { label: 'K2', doc: 'ptep_get_and_clear', effect: (d: S) => void (d.pte = pteNone()) }, ...(flushBeforeUnlock ? [...flush, unlock] : [unlock, ...flush])]),
      })
      .thread('F', {
        instances: ['F'],
        steps: C.bind([C.spinLock('F1', ptl), { label: 'F2', doc: 'pte_none? install S1', effect: (d: S) => void (d.pte.kind === 'none' && (d.pte = ptePresent('S1', true, false))) }, C.spinUnlock('F3', ptl)]),
      })
      .invariant('OneTranslation', (s) => !isPresent(s.pte, 'S1') || tlbCoherent(s.tlb, 'a', s.pte))
      .invariant('INV-NOERR', noError)
      .build();
  };

  it('flush before dropping the PTL: a new PTE is never installed beside a stale TLB entry', () => {
    expectHolds(collect(true));
  });

  it('flush after dropping the PTL: the fault installs S1 while c1 still caches S0', () => {
    expect(labels(expectViolation(collect(false), { property: 'OneTranslation' }))).toEqual(['K.K1', 'K.K2', 'K.K5', 'F.F1', 'F.F2']);
  });
});
