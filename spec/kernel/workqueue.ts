/**
 * Work items and per-CPU workqueues: queue_work_on with the PENDING bit, a kworker per CPU that
 * runs the work items queued on its CPU as steps of the spec (bound to that CPU, so it runs only
 * when no other thread holds the CPU in a non-preemptible section), flush_work, and the
 * lru_add_drain_all pattern "queue on every CPU, then flush each".
 *
 * Kernel sources (torvalds/linux, read with read_file): kernel/workqueue.c at 1b83d5756a89
 * (`queue_work_on`: test_and_set_bit(WORK_STRUCT_PENDING_BIT) — queueing a pending item is a no-op
 * returning false; `process_one_work`: PENDING is cleared before the function runs, so the item can
 * be queued again while it runs; `worker_thread`; `flush_work`), mm/swap.c at eb39d618f9e8
 * (`lru_add_drain_all`: queue `lru_add_drain_work` on each CPU with pages, then flush_work on each).
 *
 * Abstractions: one kworker per CPU (the pool's extra workers, woken when a running item sleeps, are
 * not modelled: an item that blocks delays the next items on its CPU); the kworker picks any item
 * pending on its CPU (a superset of the FIFO order); flush_work waits until the item is neither
 * pending nor running (not only for the instance queued before the call); lru_add_drain_all's
 * static mutex is not modelled.
 *
 * @example
 * const W = workqueueSteps<State>((s) => s.work, (s) => s.cpu, binding);   // work: workType(['drain'], ['c0'])
 * .thread('kw', { instances: ['kw0'], locals: kworkerLocals(['drain']), initLocals: kworkerInit, steps: W.worker({ drain: [{ label: 'D1', effect: (d) => void (d.drained = true) }] }) })
 * .thread('T', { instances: ['T'], steps: W.bind([W.queueWork('T1', 'drain'), W.flushWork('T2', 'drain')]) })
 */
import type { StepDef, ThreadCtx } from '../builder';
import { DONE } from '../spec';
import { t, type BoolType, type EnumType, type MapType, type OptionalType, type RecordType } from '../types';
import { inline } from './compose';
import { cpuFreeFor, cpuHolder, cpuOf, cpuSteps, mightSleep, type CpuBinding, type CpuState } from './cpu';
import type { ErrState } from './errors';

/** Runtime state of one work item. */
export interface Work {
  /** WORK_STRUCT_PENDING: queued and not yet started. */
  pending: boolean;
  /** The CPU it is queued on while pending, else null. */
  cpu: string | null;
  /** A kworker is running its function. */
  running: boolean;
}

type WorkRecord<C extends string> = RecordType<{ pending: BoolType; cpu: OptionalType<EnumType<C>>; running: BoolType }>;

/** Schema type of the work items `works` that may be queued on `cpus`. */
export function workType<const W extends string, const C extends string>(works: readonly W[], cpus: readonly C[]): MapType<W, WorkRecord<C>> {
  return t.map(works, t.record({ pending: t.bool(), cpu: t.optional(t.enum(...cpus)), running: t.bool() }));
}

/** Every work item idle. */
export function workInit<const W extends string>(works: readonly W[]): Record<W, { pending: boolean; cpu: null; running: boolean }> {
  return Object.fromEntries(works.map((w) => [w, { pending: false, cpu: null, running: false }])) as Record<W, { pending: boolean; cpu: null; running: boolean }>;
}

/** Locals of a kworker thread: the item it is running. */
export function kworkerLocals<const W extends string>(works: readonly W[]): { work: OptionalType<EnumType<W>> } {
  return { work: t.optional(t.enum(...works)) };
}

/** Initial locals of a kworker thread (use as `initLocals`). */
export function kworkerInit(): { work: null } {
  return { work: null };
}

function item(works: Record<string, Work>, w: string): Work {
  const x = works[w];
  if (!x) throw new Error(`workqueue: no work item ${w} (list it in workType/workInit)`);
  return x;
}

/** queue_work_on(cpu, wq, w): sets PENDING and queues on `cpu`; false (a no-op) if already pending. */
export function queueWorkOn(works: Record<string, Work>, w: string, cpu: string): boolean {
  const x = item(works, w);
  if (x.pending) return false;
  x.pending = true;
  x.cpu = cpu;
  return true;
}

/** Neither pending nor running: what flush_work waits for. */
export function workIdle(works: Record<string, Work>, w: string): boolean {
  const x = item(works, w);
  return !x.pending && !x.running;
}

/** The items pending on `cpu`, in declaration order. */
export function workPendingOn(works: Record<string, Work>, cpu: string): string[] {
  return Object.keys(works).filter((w) => works[w]!.pending && works[w]!.cpu === cpu);
}

/**
 * process_one_work's start, by kworker `worker` on its CPU: PENDING cleared, the item running. A
 * work item never runs on a CPU another thread holds non-preemptibly: doing so is a modelling
 * error (the kworker's steps must be bound to its CPU, `cpuSteps().bind`).
 */
export function workStart(works: Record<string, Work>, w: string, c: CpuState, binding: CpuBinding, worker: string): void {
  const x = item(works, w);
  const cpu = cpuOf(binding, worker);
  if (!x.pending || x.cpu !== cpu) throw new Error(`work ${w} started by ${worker} on ${cpu} but it is not pending there`);
  if (!cpuFreeFor(c, binding, worker)) {
    throw new Error(`work ${w} run on CPU ${cpu} while ${cpuHolder(c, binding, cpu)} holds it non-preemptibly: bind the kworker's steps to its CPU`);
  }
  x.pending = false;
  x.cpu = null;
  x.running = true;
}

/** The work function returned. */
export function workFinish(works: Record<string, Work>, w: string): void {
  const x = item(works, w);
  if (!x.running) throw new Error(`work ${w} finished but it was not running`);
  x.running = false;
}

/** lint: why flush_work's test of PENDING and running is one step. */
const FLUSH_UNDER_POOL_LOCK =
  'flush_work tests whether the item is pending or running under the worker pool\'s lock (kernel/workqueue.c start_flush_work: raw_spin_lock_irq(&pool->lock), then the PENDING / find_worker_executing_work checks)';
/** lint: why the kworker's pick is one step. */
const PICK_UNDER_POOL_LOCK =
  'worker_thread takes the item off the pool\'s worklist and process_one_work clears PENDING, both under pool->lock (kernel/workqueue.c); `exitWhen` is the model\'s end-of-run device, not a kernel access';

/** The kworker thread's own labels (options of `worker(functions, opts)`), where a model needs other names. */
export interface WorkerLabels {
  /** Where the kworker waits for work (default `K0`). */
  readonly pick?: string;
  /** The step after a work function returns (default `K9`). */
  readonly finish?: string;
}

/**
 * Step factories over a model state `G`: work items `works(s)`, CPUs `cpu(s)`, threads bound by
 * `binding` (the kworkers too).
 */
export function workqueueSteps<G extends ErrState>(works: (s: G) => Record<string, Work>, cpu: (s: G) => CpuState, binding: CpuBinding) {
  const C = cpuSteps<G>(cpu, binding);
  const flushWork = <const Label extends string>(label: Label, w: string, doc = `flush_work(${w})`): StepDef<G, unknown, Label> => ({
    ...C.sleepUntil(label, (s) => workIdle(works(s), w), doc),
    atomic: FLUSH_UNDER_POOL_LOCK,
  });
  return {
    /** The thread's steps bound to its CPU (as `cpuSteps().bind`). */
    bind: C.bind,

    /**
     * queue_work_on(cpu, wq, w) (default: the caller's CPU, like queue_work on a per-CPU
     * workqueue); `ret` receives queue_work's return value (false: it was already pending).
     */
    queueWork<const Label extends string, L = unknown>(
      label: Label,
      w: string,
      opts: { readonly on?: string; readonly ret?: (d: G, th: ThreadCtx<L, string>, queued: boolean) => void; readonly doc?: string } = {},
    ): StepDef<G, L, Label> {
      return {
        label,
        doc: opts.doc ?? `queue_work_on(${opts.on ?? 'this cpu'}, ${w})`,
        effect: (d, th) => {
          const queued = queueWorkOn(works(d), w, opts.on ?? cpuOf(binding, th.id));
          opts.ret?.(d, th as unknown as ThreadCtx<L, string>, queued);
        },
      };
    },

    /** flush_work(w): sleeps until `w` is neither pending nor running (SLEEP_IN_ATOMIC if atomic). */
    flushWork,

    /**
     * lru_add_drain_all (`__lru_add_drain_all`): queue `perCpu[c]` on each CPU c (one step each,
     * labels `${prefix}.q.${c}`), then flush_work on each (labels `${prefix}.f.${c}`). `onlyIf`
     * (default: every CPU) is the "has pages in its per-CPU batches" test.
     */
    drainAll(prefix: string, perCpu: Readonly<Record<string, string>>, onlyIf?: (s: G, cpu: string) => boolean): StepDef<G, unknown, string>[] {
      const cpus = Object.keys(perCpu);
      const queue = cpus.map((c): StepDef<G, unknown, string> => ({
        label: `${prefix}.q.${c}`,
        doc: `lru_add_drain_all: queue_work_on(${c}, ${perCpu[c]})`,
        effect: (d) => {
          if (!onlyIf || onlyIf(d, c)) queueWorkOn(works(d), perCpu[c]!, c);
        },
      }));
      const flush = cpus.map((c) => flushWork(`${prefix}.f.${c}`, perCpu[c]!, `lru_add_drain_all: flush_work(${perCpu[c]})`));
      return [...queue, ...flush];
    },

    /**
     * The steps of a kworker thread (declare it with `kworkerLocals`/`kworkerInit`, bind its id to
     * its CPU): wait for an item pending on its CPU, run its function's steps (`functions[w]`,
     * inlined with labels `${w}.${label}`), finish, repeat. All of it bound to the CPU. With
     * `exitWhen`, an idle kworker ends (goes to done) once `exitWhen(s)` holds, so that a finished
     * system is termination, not deadlock.
     */
    worker<L extends { work: string | null }>(
      functions: Readonly<Record<string, readonly StepDef<G, L, string>[]>>,
      opts: WorkerLabels & { readonly exitWhen?: (s: G) => boolean } = {},
    ): StepDef<G, L, string>[] {
      const pick = opts.pick ?? 'K0';
      const finish = opts.finish ?? 'K9';
      const names = Object.keys(functions);
      const bodies = names.flatMap((w) => inline(functions[w]!, { exit: finish, rename: (l) => `${w}.${l}` }));
      const entry = (w: string) => (functions[w]!.length > 0 ? `${w}.${functions[w]![0]!.label}` : finish);
      const steps: StepDef<G, L, string>[] = [
        {
          label: pick,
          doc: 'worker_thread: take a work item pending on this CPU',
          atomic: PICK_UNDER_POOL_LOCK,
          guard: (s, th) => workPendingOn(works(s), cpuOf(binding, th.id)).length > 0 || (opts.exitWhen?.(s) ?? false),
          effect: (d, th) => {
            const mine = workPendingOn(works(d), cpuOf(binding, th.id));
            if (mine.length === 0) return th.goto(DONE);
            const w = th.choose(mine);
            workStart(works(d), w, cpu(d), binding, th.id);
            th.local.work = w;
            th.goto(entry(w));
          },
        },
        ...bodies,
        {
          label: finish,
          doc: 'process_one_work: the function returned',
          effect: (d, th) => {
            workFinish(works(d), th.local.work!);
            th.local.work = null;
            th.goto(pick);
          },
        },
      ];
      return C.bind(steps);
    },
  };
}
