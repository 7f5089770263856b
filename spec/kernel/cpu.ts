/**
 * CPUs and scheduling (hmm-domain.md §4 "per-thread instead of per-CPU scheduling"): threads bound
 * to CPUs by a declared mapping, non-preemptible sections (preempt_disable, spin_lock, IRQs off)
 * counted per thread, and the scheduling points (cond_resched, sleeping) where a CPU becomes free
 * for the other threads bound to it.
 *
 * Kernel sources (torvalds/linux, read with read_file): include/linux/preempt.h at 84a83eba5c5a
 * (`preempt_disable`/`preempt_enable` count per task; `preemptible()` is `preempt_count() == 0 &&
 * !irqs_disabled()`; spin_lock adds PREEMPT_LOCK_OFFSET), and by name kernel/sched/core.c
 * (`__cond_resched`, `__might_resched`/`__might_sleep`: "BUG: sleeping function called from invalid
 * context"), include/linux/irqflags.h (`local_irq_save`/`local_irq_restore`).
 *
 * Model: per thread a preempt count and an IRQ-disable depth (local_irq_save nesting; a lone
 * local_irq_disable/enable pair is the same as depth 1). Thread t *holds* its CPU when it is not
 * preemptible; then no other thread bound to that CPU runs (its steps are disabled by `bind`), and
 * with IRQs off no interrupt — an IPI included — is handled there (spec/kernel/tlb.ts). A thread
 * that waits at a guard while preemptible has, in effect, slept or been preempted: the CPU is free.
 *
 * @example
 * const binding = { T: 'c0', kw0: 'c0' } as const;      // thread id → CPU
 * const C = cpuSteps<State>((s) => s.cpu, binding);     // state: cpu: cpuType(['T', 'kw0'])
 * steps: C.bind([C.preemptDisable('T1'), { label: 'T2', ... }, C.preemptEnable('T3'), C.condResched('T4')])
 */
import type { StepDef, ThreadView } from '../builder';
import type { CpuFairTarget } from '../temporal';
import { t, type IntType, type MapType, type RecordType } from '../types';
import { raise, type ErrState } from './errors';
import { lockType, type LockMarked } from './lockdep';
import type { LockOpts } from './mutex';
import { spinlockSteps, type Spinlock } from './spinlock';
import { andThen } from './steps';

/** Which CPU each thread is bound to (thread id → CPU name); kworkers are bound to their CPU. */
export type CpuBinding = Readonly<Record<string, string>>;

/** Runtime state: per thread, its preempt count and IRQ-disable depth. */
export interface CpuState {
  preempt: Record<string, number>;
  irqs: Record<string, number>;
}

/** Bounds of the per-thread counters (the schema rejects deeper nesting as a model error). */
export interface CpuBounds {
  readonly maxPreempt?: number;
  readonly maxIrq?: number;
}

/**
 * Schema type of the CPU state of threads `ids` (default: preempt depth ≤ 2, IRQ depth ≤ 1). The
 * IRQ-disable depths are marked as lock class `irq` (lockdep.ts): a thread with IRQs off shows in
 * its held-lock set (and as a bar in the trace viewer) as `cpu.irqs`, and lint does not count
 * local_irq_save/restore as shared-memory accesses.
 */
export function cpuType<const O extends string>(
  ids: readonly O[],
  b: CpuBounds = {},
): RecordType<{ preempt: MapType<O, IntType>; irqs: LockMarked<MapType<O, IntType>> }> {
  return t.record({ preempt: t.map(ids, t.int(0, b.maxPreempt ?? 2)), irqs: lockType(t.map(ids, t.int(0, b.maxIrq ?? 1)), 'irq') });
}

/** Every thread preemptible with IRQs on. */
export function cpuInit<const O extends string>(ids: readonly O[]): { preempt: Record<O, number>; irqs: Record<O, number> } {
  const zero = () => Object.fromEntries(ids.map((id) => [id, 0])) as Record<O, number>;
  return { preempt: zero(), irqs: zero() };
}

/** The CPU thread `id` is bound to. */
export function cpuOf(binding: CpuBinding, id: string): string {
  const cpu = binding[id];
  if (cpu === undefined) throw new Error(`cpu: thread ${id} is not bound to a CPU (add it to the binding)`);
  return cpu;
}

/** The CPUs of a binding, in order of first appearance. */
export function cpusOf(binding: CpuBinding): string[] {
  return [...new Set(Object.values(binding))];
}

/** The threads bound to `cpu`. */
export function threadsOn(binding: CpuBinding, cpu: string): string[] {
  return Object.keys(binding).filter((id) => binding[id] === cpu);
}

function counter(map: Record<string, number>, id: string): number {
  const v = map[id];
  if (v === undefined) throw new Error(`cpu: thread ${id} is not in the CPU state (list it in cpuType/cpuInit)`);
  return v;
}

/** irqs_disabled() for thread `id`. */
export function irqsDisabled(c: CpuState, id: string): boolean {
  return counter(c.irqs, id) > 0;
}

/** preemptible(): preempt count 0 and IRQs on. Otherwise `id` is in a non-preemptible section. */
export function preemptible(c: CpuState, id: string): boolean {
  return counter(c.preempt, id) === 0 && !irqsDisabled(c, id);
}

/** The thread holding `cpu` in a non-preemptible section (at most one can), or null. */
export function cpuHolder(c: CpuState, binding: CpuBinding, cpu: string): string | null {
  for (const id of threadsOn(binding, cpu)) if (!preemptible(c, id)) return id;
  return null;
}

/** "CPU `cpu` is spinning in a non-preemptible section": some thread bound to it holds it. */
export function cpuNonPreemptible(c: CpuState, binding: CpuBinding, cpu: string): boolean {
  return cpuHolder(c, binding, cpu) !== null;
}

/** Some thread on `cpu` has IRQs off: interrupts, IPIs included, wait until they are back on. */
export function cpuIrqsOff(c: CpuState, binding: CpuBinding, cpu: string): boolean {
  return threadsOn(binding, cpu).some((id) => irqsDisabled(c, id));
}

/** Thread `id` may run: no other thread bound to its CPU holds the CPU. */
export function cpuFreeFor(c: CpuState, binding: CpuBinding, id: string): boolean {
  const holder = cpuHolder(c, binding, cpuOf(binding, id));
  return holder === null || holder === id;
}

/**
 * Whether thread `id` is now implicitly in an RCU read-side critical section because preemption or
 * IRQs are off (since the RCU flavour consolidation of v4.20, synchronize_rcu waits for
 * preempt-disabled and IRQ-disabled regions as for rcu_read_lock). To make a grace period wait
 * for such a region, wrap the region's entry and exit steps with rcu.ts
 * `rcuSteps().implicitEnter` / `implicitExit`; this predicate is for invariants and assertions.
 */
export function rcuReaderImplied(c: CpuState, id: string): boolean {
  return !preemptible(c, id);
}

/** preempt_disable (spin_lock's preempt part). */
export function preemptDisable(c: CpuState, id: string): void {
  c.preempt[id] = counter(c.preempt, id) + 1;
}

/** preempt_enable; without a matching disable it records PREEMPT_IMBALANCE. */
export function preemptEnable<G extends ErrState>(d: G, c: CpuState, id: string): void {
  if (counter(c.preempt, id) === 0) return raise(d, 'PREEMPT_IMBALANCE');
  c.preempt[id]!--;
}

/** local_irq_save / local_irq_disable. */
export function irqDisable(c: CpuState, id: string): void {
  c.irqs[id] = counter(c.irqs, id) + 1;
}

/** local_irq_restore / local_irq_enable; with IRQs already on it records PREEMPT_IMBALANCE. */
export function irqEnable<G extends ErrState>(d: G, c: CpuState, id: string): void {
  if (counter(c.irqs, id) === 0) return raise(d, 'PREEMPT_IMBALANCE');
  c.irqs[id]!--;
}

/** might_sleep(): sleeping in atomic context records SLEEP_IN_ATOMIC; returns whether it may sleep. */
export function mightSleep<G extends ErrState>(d: G, c: CpuState, id: string): boolean {
  if (preemptible(c, id)) return true;
  raise(d, 'SLEEP_IN_ATOMIC');
  return false;
}

/**
 * Per-CPU fairness for `.fair(kind, …)`: each thread in `threads` (default: every thread bound to
 * `cpu`) is fair on the states where its CPU is free for it (spec/temporal.ts `CpuFairTarget`). A
 * kworker starved by a same-CPU thread spinning with preemption off is then a liveness violation;
 * a spinner that calls cond_resched or sleeps lets it run.
 */
export function cpuFair<G>(sel: (s: G) => CpuState, binding: CpuBinding, cpu: string, threads?: readonly string[]): CpuFairTarget {
  const ids = threads ?? threadsOn(binding, cpu);
  for (const id of ids) if (cpuOf(binding, id) !== cpu) throw new Error(`cpuFair: thread ${id} is bound to ${binding[id]}, not ${cpu}`);
  return { cpu, threads: ids, free: (s, id) => cpuFreeFor(sel(s as G), binding, id) };
}

/** Step factories over a model state `G` whose CPU state is `sel(s)`, for threads bound by `binding`. */
export function cpuSteps<G extends ErrState>(sel: (s: G) => CpuState, binding: CpuBinding) {
  const lock = spinlockSteps<G>();
  const steps = {
    /**
     * The thread's steps, bound to its CPU: each is enabled only while no other thread on the CPU
     * holds it in a non-preemptible section (a preempted thread does not run).
     */
    bind<S extends G, L, Label extends string>(list: readonly StepDef<S, L, Label>[]): StepDef<S, L, Label>[] {
      return list.map((step) => {
        const guard = step.guard;
        return { ...step, guard: (s: S, th: ThreadView<L>) => cpuFreeFor(sel(s), binding, th.id) && (guard ? guard(s, th) : true) };
      });
    },

    /** preempt_disable. */
    preemptDisable<const Label extends string>(label: Label, doc = 'preempt_disable'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => preemptDisable(sel(d), th.id) };
    },

    /** preempt_enable (on a PREEMPT kernel the CPU may now run other threads). */
    preemptEnable<const Label extends string>(label: Label, doc = 'preempt_enable'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => preemptEnable(d, sel(d), th.id) };
    },

    /** local_irq_disable / local_irq_save: also blocks IPIs to this CPU (TLB shootdowns wait). */
    irqDisable<const Label extends string>(label: Label, doc = 'local_irq_disable'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => irqDisable(sel(d), th.id) };
    },

    /** local_irq_enable / local_irq_restore. */
    irqEnable<const Label extends string>(label: Label, doc = 'local_irq_enable'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => irqEnable(d, sel(d), th.id) };
    },

    /**
     * cond_resched: a scheduling point. The thread is preemptible here, so in this state its CPU
     * is free for the other threads bound to it; in atomic context it records SLEEP_IN_ATOMIC.
     */
    condResched<const Label extends string>(label: Label, doc = 'cond_resched'): StepDef<G, unknown, Label> {
      return { label, doc, effect: (d, th) => void mightSleep(d, sel(d), th.id) };
    },

    /**
     * Sleep until `cond` (wait_event, schedule): the thread waits preemptible, its CPU free. In
     * atomic context the step is enabled at once and records SLEEP_IN_ATOMIC (the kernel would
     * schedule while atomic).
     */
    sleepUntil<const Label extends string>(label: Label, cond: (s: G) => boolean, doc = 'wait_event'): StepDef<G, unknown, Label> {
      return {
        label,
        doc,
        guard: (s, th) => cond(s) || !preemptible(sel(s), th.id),
        effect: (d, th) => void mightSleep(d, sel(d), th.id),
      };
    },

    /** spin_lock as one step: enabled iff the lock is free; takes it and disables preemption. */
    spinLock<const Label extends string>(label: Label, lockSel: (s: G) => Spinlock, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return andThen(lock.lock(label, lockSel, opts), (d, th) => preemptDisable(sel(d), th.id), opts?.doc ?? 'spin_lock');
    },

    /**
     * spin_lock as the kernel runs it: (a) preempt_disable, (b) spin until the lock is free and
     * take it. Between (a) and (b) the waiter spins holding its CPU, so nothing else runs there.
     */
    spinLock2<const A extends string, const B extends string>(
      labelA: A,
      labelB: B,
      lockSel: (s: G) => Spinlock,
      opts?: LockOpts<G>,
    ): [StepDef<G, unknown, A>, StepDef<G, unknown, B>] {
      const doc = opts?.doc ?? 'spin_lock';
      return [steps.preemptDisable(labelA, `${doc} (a): preempt_disable`), { ...lock.lock(labelB, lockSel, opts), doc: `${doc} (b): spin until free, take it` }];
    },

    /** spin_unlock: releases the lock and re-enables preemption. */
    spinUnlock<const Label extends string>(label: Label, lockSel: (s: G) => Spinlock, opts?: LockOpts<G>): StepDef<G, unknown, Label> {
      return andThen(lock.unlock(label, lockSel, opts), (d, th) => preemptEnable(d, sel(d), th.id), opts?.doc ?? 'spin_unlock');
    },
  };
  return steps;
}
