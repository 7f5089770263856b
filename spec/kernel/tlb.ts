/**
 * TLBs (hmm-domain.md §1.1 "TLB", §4 "TLB flush ordering vs the page-table lock"): a per-CPU cache
 * of translations address → (pfn, writable, dirty) that CPU accesses use without reading the PTE,
 * TLB shootdowns by IPI that cannot complete while a target CPU has IRQs off, and the deferred
 * (batched) flushes of reclaim with `flush_tlb_batched_pending`.
 *
 * Kernel sources (torvalds/linux, read with read_file): arch/x86/mm/tlb.c at a501686b2923
 * (`flush_tlb_mm_range`: get_cpu, flush the local TLB, then `flush_tlb_others` →
 * `smp_call_function_many(…, wait=1)`, which returns only when every target CPU ran the IPI handler
 * `flush_tlb_func_remote` — a CPU with IRQs off runs it only after re-enabling them; it warns when
 * called with IRQs off; `arch_tlbbatch_flush` flushes everything), mm/rmap.c at 8cdf3792526a
 * (`set_tlb_ubc_flush_pending`: per-task `tlb_ubc.flush_required/writable` and per-mm
 * `tlb_flush_batched`; `try_to_unmap_flush[_dirty]`; `flush_tlb_batched_pending`: "must be called
 * under the PTL", flush_tlb_mm, then clear `tlb_flush_batched`).
 *
 * Model: `entry[cpu][addr]` is the cached translation. `tlbAccess` is a load or store by a CPU: a
 * cached entry is used as is (a store through a clean writable entry first sets the PTE's dirty bit,
 * which re-checks the PTE, as x86 does); otherwise the PTE is walked and the entry filled, or the
 * access faults. A flush is two steps of the flushing thread: start (local TLB flushed, an IPI
 * pending on every other CPU of the binding — mm_cpumask taken as every CPU — preemption off) and
 * a wait step that handles one pending IPI per step, on a CPU whose IRQs are on, in any order, and
 * returns when none is left.
 *
 * @example
 * const TLB = tlbSteps<State>((s) => s.tlb, (s) => s.cpu, binding);     // tlb: tlbType({ cpus, addrs: ['a'], pfns, threads })
 * // a CPU store:  const hit = tlbAccess(d.tlb, cpuOf(binding, th.id), 'a', d.pte.a, true);
 * steps: [{ label: 'Z1', effect: (d) => void (d.pte.a = pteNone()) }, ...TLB.flushRange('Z2', 'Z3', ['a']), ...]
 */
import type { StepDef } from '../builder';
import { t, type BoolType, type EnumType, type MapType, type OptionalType, type RecordType } from '../types';
import { cpuOf, cpusOf, irqsDisabled, preemptDisable, preemptEnable, threadsOn, type CpuBinding, type CpuState } from './cpu';
import { raise, type ErrState } from './errors';
import type { Pte } from './pte';

/** A cached translation. `dirty`: the entry was used for a store (the PTE's dirty bit was set). */
export interface TlbEntry {
  pfn: string;
  writable: boolean;
  dirty: boolean;
}

/** A thread's flush: none, IPIs in flight, or completed but not yet acknowledged (batched pending). */
export type FlushPhase = 'idle' | 'ipi' | 'done';

/** Runtime state of the TLBs of one mm. */
export interface Tlb {
  entry: Record<string, Record<string, TlbEntry | null>>;
  /** Per flushing thread: the CPUs whose flush IPI it still waits for. */
  ipi: Record<string, Record<string, boolean>>;
  flush: Record<string, FlushPhase>;
  /** Per thread: its deferred flush (`current->tlb_ubc`). */
  ubc: Record<string, { required: boolean; writable: boolean }>;
  /** mm->tlb_flush_batched: some thread deferred a flush for this mm. */
  batched: boolean;
}

/** What a TLB type covers. */
export interface TlbDomain<C extends string, A extends string, P extends string, O extends string> {
  readonly cpus: readonly C[];
  readonly addrs: readonly A[];
  readonly pfns: readonly P[];
  /** Threads that flush or defer flushes. */
  readonly threads: readonly O[];
}

type EntryType<P extends string> = OptionalType<RecordType<{ pfn: EnumType<P>; writable: BoolType; dirty: BoolType }>>;

/** Schema type of the TLBs of `cpus` over addresses `addrs`. */
export function tlbType<const C extends string, const A extends string, const P extends string, const O extends string>(dom: TlbDomain<C, A, P, O>): RecordType<{
  entry: MapType<C, MapType<A, EntryType<P>>>;
  ipi: MapType<O, MapType<C, BoolType>>;
  flush: MapType<O, EnumType<FlushPhase>>;
  ubc: MapType<O, RecordType<{ required: BoolType; writable: BoolType }>>;
  batched: BoolType;
}> {
  const entry = t.optional(t.record({ pfn: t.enum(...dom.pfns), writable: t.bool(), dirty: t.bool() }));
  return t.record({
    entry: t.map(dom.cpus, t.map(dom.addrs, entry)),
    ipi: t.map(dom.threads, t.map(dom.cpus, t.bool())),
    flush: t.map(dom.threads, t.enum('idle', 'ipi', 'done')),
    ubc: t.map(dom.threads, t.record({ required: t.bool(), writable: t.bool() })),
    batched: t.bool(),
  });
}

const each = <K extends string, V>(keys: readonly K[], v: () => V) => Object.fromEntries(keys.map((k) => [k, v()])) as Record<K, V>;

/** Empty TLBs, no flush in flight or deferred. */
export function tlbInit<const C extends string, const A extends string, const P extends string, const O extends string>(dom: TlbDomain<C, A, P, O>) {
  return {
    entry: each(dom.cpus, () => each(dom.addrs, (): { pfn: P; writable: boolean; dirty: boolean } | null => null)),
    ipi: each(dom.threads, () => each(dom.cpus, () => false)),
    flush: each(dom.threads, (): FlushPhase => 'idle'),
    ubc: each(dom.threads, () => ({ required: false, writable: false })),
    batched: false,
  };
}

function cpuEntries(tlb: Tlb, cpu: string): Record<string, TlbEntry | null> {
  const e = tlb.entry[cpu];
  if (!e) throw new Error(`tlb: no CPU ${cpu} (list it in tlbType/tlbInit)`);
  return e;
}

function flusher(tlb: Tlb, id: string): Record<string, boolean> {
  const m = tlb.ipi[id];
  if (!m) throw new Error(`tlb: thread ${id} cannot flush (list it in tlbType's threads)`);
  return m;
}

/** The result of a CPU access: the page used and how it was found, or null for a page fault. */
export type TlbAccess = { readonly pfn: string; readonly via: 'tlb' | 'walk' } | null;

/**
 * A load (`write` false) or store by CPU `cpu` at `addr`, whose PTE is `pte`: a usable cached
 * entry is used without reading the PTE; a store through a clean entry sets the PTE's dirty bit if
 * the PTE still maps the page writable (else the entry is dropped and the PTE walked, as x86's
 * dirty-bit assist faults); a miss walks the PTE and fills the entry; null is a page fault.
 */
export function tlbAccess(tlb: Tlb, cpu: string, addr: string, pte: Pte, write: boolean): TlbAccess {
  const entries = cpuEntries(tlb, cpu);
  const e = entries[addr];
  if (e === undefined) throw new Error(`tlb: no address ${addr} (list it in tlbType/tlbInit)`);
  if (e) {
    if (!write || (e.writable && e.dirty)) return { pfn: e.pfn, via: 'tlb' };
    if (e.writable && pte.kind === 'present' && pte.pfn === e.pfn && pte.writable) {
      pte.dirty = true;
      e.dirty = true;
      return { pfn: e.pfn, via: 'tlb' };
    }
    entries[addr] = null;
  }
  if (pte.kind !== 'present' || pte.pfn === null || (write && !pte.writable)) return null;
  if (write) pte.dirty = true;
  entries[addr] = { pfn: pte.pfn, writable: pte.writable, dirty: write };
  return { pfn: pte.pfn, via: 'walk' };
}

/** The entry of `cpu` for `addr` disagrees with the PTE (maps another page, or more rights). */
export function tlbStale(tlb: Tlb, cpu: string, addr: string, pte: Pte): boolean {
  const e = cpuEntries(tlb, cpu)[addr];
  if (!e) return false;
  return pte.kind !== 'present' || pte.pfn !== e.pfn || (e.writable && !pte.writable);
}

/**
 * No CPU holds a stale entry for `addr`. An invariant helper: a model asserts it wherever its
 * protocol promises the flush has completed, e.g.
 * `.invariant('INV-TLB', (s) => !s.flushPromised || tlbCoherent(s.tlb, 'a', s.pte.a))`.
 */
export function tlbCoherent(tlb: Tlb, addr: string, pte: Pte): boolean {
  return Object.keys(tlb.entry).every((cpu) => !tlbStale(tlb, cpu, addr, pte));
}

/** Drops `cpu`'s entries for `addrs` (a local flush, or the IPI handler on that CPU). */
export function tlbInvalidate(tlb: Tlb, cpu: string, addrs: readonly string[] | 'all'): void {
  const entries = cpuEntries(tlb, cpu);
  for (const a of addrs === 'all' ? Object.keys(entries) : addrs) entries[a] = null;
}

/**
 * flush_tlb_mm_range's start, by thread `id`: get_cpu (preemption off), the local TLB flushed, an
 * IPI pending on every other CPU of the binding. Started with IRQs off it records FLUSH_IRQS_OFF
 * (the kernel warns: two CPUs flushing each other with IRQs off deadlock) and goes on.
 */
export function tlbFlushStart<G extends ErrState>(d: G, tlb: Tlb, c: CpuState, binding: CpuBinding, id: string, addrs: readonly string[] | 'all'): void {
  const pending = flusher(tlb, id);
  if (tlb.flush[id] !== 'idle') throw new Error(`tlb flush by ${id}: a flush of this thread is already in flight`);
  if (irqsDisabled(c, id)) raise(d, 'FLUSH_IRQS_OFF');
  preemptDisable(c, id);
  const own = cpuOf(binding, id);
  tlbInvalidate(tlb, own, addrs);
  for (const cpu of cpusOf(binding)) if (cpu !== own) pending[cpu] = true;
  tlb.flush[id] = 'ipi';
}

/** The CPUs whose IPI from `id` can be handled now: pending there, and IRQs on on that CPU. */
export function tlbIpiDeliverable(tlb: Tlb, c: CpuState, binding: CpuBinding, id: string): string[] {
  const pending = flusher(tlb, id);
  return Object.keys(pending).filter((cpu) => pending[cpu] && !threadsOn(binding, cpu).some((th) => irqsDisabled(c, th)));
}

/** No IPI of `id`'s flush is pending any more. */
export function tlbIpisDone(tlb: Tlb, id: string): boolean {
  return Object.values(flusher(tlb, id)).every((p) => !p);
}

/** The IPI handler of `id`'s flush runs on `cpu` (flush_tlb_func_remote). Never with IRQs off there. */
export function tlbIpiHandle(tlb: Tlb, c: CpuState, binding: CpuBinding, id: string, cpu: string, addrs: readonly string[] | 'all'): void {
  if (!tlbIpiDeliverable(tlb, c, binding, id).includes(cpu)) {
    throw new Error(`tlb flush by ${id}: IPI handled on ${cpu}, which has IRQs off or no IPI pending: guard the step with tlbIpiDeliverable`);
  }
  flusher(tlb, id)[cpu] = false;
  tlbInvalidate(tlb, cpu, addrs);
}

/** What the last step of a flush does when every IPI has been handled. */
type OnComplete = (d: ErrState, tlb: Tlb, id: string) => void;

/** Step factories over a model state `G` with TLBs `sel(s)`, CPUs `cpu(s)` and `binding`. */
export function tlbSteps<G extends ErrState>(sel: (s: G) => Tlb, cpu: (s: G) => CpuState, binding: CpuBinding) {
  // Flushes only if `when` holds (a deferred flush is owed, the range changed, ...).
  const start = (label: string, doc: string, addrs: readonly string[] | 'all', when: (d: G, id: string) => boolean): StepDef<G, unknown, string> => ({
    label,
    doc,
    effect: (d, th) => {
      if (when(d, th.id)) tlbFlushStart(d, sel(d), cpu(d), binding, th.id, addrs);
    },
  });
  // One IPI handled per step, on any deliverable CPU; the flush returns (put_cpu) when none is left.
  // Disabled while every pending target has IRQs off: the flush cannot complete then.
  const wait = (label: string, doc: string, addrs: readonly string[] | 'all', done: OnComplete): StepDef<G, unknown, string> => ({
    label,
    doc,
    guard: (s, th) => sel(s).flush[th.id] !== 'ipi' || tlbIpisDone(sel(s), th.id) || tlbIpiDeliverable(sel(s), cpu(s), binding, th.id).length > 0,
    effect: (d, th) => {
      const tlb = sel(d);
      if (tlb.flush[th.id] !== 'ipi') return;
      const ready = tlbIpiDeliverable(tlb, cpu(d), binding, th.id);
      if (ready.length > 0) tlbIpiHandle(tlb, cpu(d), binding, th.id, th.choose(ready), addrs);
      if (!tlbIpisDone(tlb, th.id)) return th.goto(label);
      preemptEnable(d, cpu(d), th.id);
      tlb.flush[th.id] = 'done';
      done(d, tlb, th.id);
    },
  });
  // smp_call_function_many(…, wait=false): the flush returns at once; the IPIs stay pending on CPUs
  // with IRQs off (their handlers, which only drop TLB entries, are not modelled further).
  const noWait = (label: string, doc: string): StepDef<G, unknown, string> => ({
    label,
    doc,
    effect: (d, th) => {
      const tlb = sel(d);
      if (tlb.flush[th.id] !== 'ipi') return;
      preemptEnable(d, cpu(d), th.id);
      tlb.flush[th.id] = 'idle';
    },
  });
  const idle: OnComplete = (_d, tlb, id) => void (tlb.flush[id] = 'idle');
  const ubcFlushed: OnComplete = (d, tlb, id) => {
    idle(d, tlb, id);
    tlb.ubc[id] = { required: false, writable: false };
  };
  return {
    /**
     * flush_tlb_range / flush_tlb_page / flush_tlb_mm (`addrs` = 'all') after a PTE change, as
     * (start, wait); `ptep_clear_flush` is the model's PTE-clearing step followed by these. With
     * `when`, the flush happens only if `when(s)` holds at the start (change_pte_range flushes only
     * when it changed entries). `wait: false` is a flush that does not wait for the IPIs
     * (smp_call_function_many with wait=0, or an architecture that invalidates remote TLBs without
     * interrupting the CPU): its second step returns at once, also while a target has IRQs off.
     */
    flushRange<const A extends string, const B extends string>(
      labelStart: A,
      labelWait: B,
      addrs: readonly string[] | 'all',
      opts: { readonly doc?: string; readonly when?: (s: G) => boolean; readonly wait?: boolean } = {},
    ): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
      const doc = opts.doc ?? 'flush_tlb_range';
      const when = opts.when;
      return [
        start(labelStart, `${doc}: local flush, send IPIs`, addrs, (d) => when?.(d) ?? true),
        opts.wait === false ? noWait(labelWait, `${doc}: return without waiting for the IPIs`) : wait(labelWait, `${doc}: wait for every IPI`, addrs, idle),
      ] as [StepDef<G, unknown, A>, StepDef<G, unknown, B>];
    },

    /** try_to_unmap_flush (or, with `dirtyOnly`, try_to_unmap_flush_dirty): the deferred flush, if one is owed. */
    tryToUnmapFlush<const A extends string, const B extends string>(labelStart: A, labelWait: B, opts: { readonly dirtyOnly?: boolean } = {}): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
      const name = opts.dirtyOnly ? 'try_to_unmap_flush_dirty' : 'try_to_unmap_flush';
      const owed = (d: G, id: string) => (opts.dirtyOnly ? sel(d).ubc[id]!.writable : sel(d).ubc[id]!.required);
      return [start(labelStart, `${name}: arch_tlbbatch_flush`, 'all', owed), wait(labelWait, `${name}: wait for every IPI`, 'all', ubcFlushed)] as [StepDef<G, unknown, A>, StepDef<G, unknown, B>];
    },

    /**
     * flush_tlb_batched_pending (call it under the PTL): if `tlb_flush_batched`, flush_tlb_mm,
     * wait, and — a separate store after the flush returned — clear `tlb_flush_batched`.
     */
    flushBatchedPending<const A extends string, const B extends string, const C extends string>(
      labelStart: A,
      labelWait: B,
      labelClear: C,
    ): [StepDef<G, unknown, A>, StepDef<G, unknown, B>, StepDef<G, unknown, C>] {
      return [
        start(labelStart, 'flush_tlb_batched_pending: tlb_flush_batched? flush_tlb_mm', 'all', (d) => sel(d).batched),
        wait(labelWait, 'flush_tlb_batched_pending: wait for every IPI', 'all', () => {}),
        {
          label: labelClear,
          doc: 'flush_tlb_batched_pending: tlb_flush_batched = false',
          effect: (d, th) => {
            const tlb = sel(d);
            if (tlb.flush[th.id] !== 'done') return;
            tlb.batched = false;
            tlb.flush[th.id] = 'idle';
          },
        },
      ] as [StepDef<G, unknown, A>, StepDef<G, unknown, B>, StepDef<G, unknown, C>];
    },
  };
}

/**
 * set_tlb_ubc_flush_pending: thread `id` cleared a PTE without flushing and owes a flush (it must
 * call try_to_unmap_flush before the page is freed, and before I/O if `writable`); the mm records
 * that a flush was batched. Call it in the step that clears the PTE (ptep_get_and_clear).
 */
export function tlbDeferFlush(tlb: Tlb, id: string, writable: boolean): void {
  const u = tlb.ubc[id];
  if (!u) throw new Error(`tlb: thread ${id} cannot defer flushes (list it in tlbType's threads)`);
  u.required = true;
  if (writable) u.writable = true;
  tlb.batched = true;
}
