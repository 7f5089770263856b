/** The thread configurations of M3, the page invariants, and the spec builders M3 and M4 use. */
import { SpecBuilder } from '../../../../spec/builder';
import { forbid, noError } from '../../../../spec/kernel/errors';
import { pageFreeInit, pageInit, pageLocked, pageStructuralRefs } from '../../../../spec/kernel/page';
import { isMigration, pteDevicePrivate, pteMaps, ptePresent } from '../../../../spec/kernel/pte';
import type { Spec } from '../../../../spec/spec';
import { INV, quiescence } from '../common';
import { Held, PAGES, PageName, PinL, PipeState, RcL, Sys, V0, evInitLocals, evLocals, fields, m3Access, m3Driver, noHold, pinLocals, pipeInitLocals, pipeLocals, rcLocals, zapInitLocals, zapLocals, type ZapL } from './state';
import { mutexInit } from '../../../../spec/kernel/mutex';
import { spinlockInit } from '../../../../spec/kernel/spinlock';
import { pipelineSteps } from './migrate';
import { Op, cpuSteps } from './cpu';
import { evictSteps, pinSteps, rcSteps, zapSteps } from './environment';
import { PIPELINE_SOURCES } from '../sources';

/** INV-REF's error part, made once (a predicate runs on every state). */
const noRefError = forbid('UAF_S0', 'UAF_S1', 'UAF_S2', 'UAF_D0', 'REF_UNDERFLOW', 'REF_GET_ZERO');

export type PipelineConfig = 'full' | 'unmap' | 'dirty' | 'swapfault';

/** Step forms: `fixed` (current code) or one historical switch. */
export interface PipelineForms {
  /** H8 `collect-drops-dirty-bit`. */
  readonly dropDirty: boolean;
  /** H7 `unmap-restore-skipped`. */
  readonly skipUnmapRestore: boolean;
  /** H9 `swap-fault-no-page-ref`: the old device-private fault path. */
  readonly oldFault: boolean;
  /** The driver checks its interval sequence before mapping the device page (MGdev). */
  readonly mapCheck: boolean;
}

export interface Threads {
  readonly cpus: Readonly<Partial<Record<'C1' | 'C2', readonly Op[]>>>;
  readonly mig: boolean;
  readonly z: boolean;
  readonly rc: boolean;
  readonly pin: boolean;
  readonly ev: boolean;
  /** The initial PTE maps the device page D0 (else S0, in the swap cache with an up-to-date copy). */
  readonly startOnDevice: boolean;
}

/** The thread sets and initial mappings of §3 M3's "smallest parameters". */
export const PIPELINE_CONFIGS: Readonly<Record<PipelineConfig, Threads>> = {
  full: { cpus: { C1: ['w', 'r'], C2: ['r'] }, mig: true, z: true, rc: true, pin: true, ev: false, startOnDevice: false },
  unmap: { cpus: { C1: ['r'] }, mig: true, z: false, rc: false, pin: true, ev: false, startOnDevice: false },
  dirty: { cpus: { C1: ['w', 'r'] }, mig: true, z: false, rc: true, pin: true, ev: false, startOnDevice: false },
  swapfault: { cpus: { C1: ['r'] }, mig: false, z: false, rc: false, pin: false, ev: true, startOnDevice: true },
};

/** The kinds of the threads that hold page references (their locals have `hold`). */
export const HOLDERS = ['Mig', 'C1', 'C2', 'Rc', 'Pin', 'Ev'] as const;

/** The thread kinds that zap `a` in steps (zapPteSteps: M3's Z, M4's Exit). */
const ZAPPERS = ['Z', 'Exit'] as const;

/** Position of each page in PAGES (the per-page tallies of refsConsistent below). */
const PAGE_AT: Readonly<Record<string, number>> = Object.fromEntries(PAGES.map((x, i) => [x, i]));

/**
 * Per page, in PAGES order, filled by refsConsistent in one pass over the threads (it runs on
 * every new state: a pass per page walked every holder four times, ~10% of an M3 search).
 * `held`: references held in the locals (`hold`) of the threads of kinds `holders`. `zapMap`,
 * `zapRef`: a zap in flight (environment.ts zapPteSteps): between Z2 (the PTE cleared) and Z3 the
 * page's rmap still counts the cleared PTE, and from Z3 until Z5 the zap holds the mapping's reference.
 */
const held = new Int32Array(PAGES.length);
// tally reads each page's `hold` by name, in PAGES order: this fails to compile if PAGES changes.
const NAMED_PAGES: readonly ['S0', 'S1', 'S2', 'D0'] = PAGES;
void NAMED_PAGES;
const zapMap = new Int32Array(PAGES.length);
const zapRef = new Int32Array(PAGES.length);

function tally(s: any, holders: readonly string[]): void {
  held.fill(0);
  zapMap.fill(0);
  zapRef.fill(0);
  for (const k of holders) {
    for (const rec of (s[k] ?? []) as Held[]) {
      // Read by name: one keyed read taking the four names in turn goes megamorphic, and on the
      // checker's drafts (a getter per field) that loop was ~6% of an M4-now search.
      const hold = rec.hold;
      held[0] += hold.S0;
      held[1] += hold.S1;
      held[2] += hold.S2;
      held[3] += hold.D0;
    }
  }
  for (const k of ZAPPERS) {
    for (const r of (s[k] ?? []) as (ZapL & { pc: string })[]) {
      if (r.zx === null || (r.zk !== 'present' && r.zk !== 'devpriv')) continue;
      const i = PAGE_AT[r.zx]!;
      if (r.pc === 'Z3') zapMap[i]++; // its reference is counted with the mapcount (pageStructuralRefs)
      else if (r.pc === 'Z4' || r.pc === 'Z5') zapRef[i]++;
    }
  }
}

/**
 * INV-REF's counting part: every page's refcount and mapcount agree with who holds and maps it;
 * `holders` are the kinds of the threads whose locals count references (`hold`); a zap in flight
 * still holds the mapping it cleared.
 */
export function refsConsistent(s: PipeState, holders: readonly string[] = HOLDERS): boolean {
  tally(s, holders);
  for (let i = 0; i < PAGES.length; i++) {
    const x = PAGES[i]!;
    const pg = s.page[x];
    if (pg.freed) {
      if (pg.ref !== 0 || pg.map !== 0 || pg.lock !== null || held[i] !== 0 || zapRef[i] !== 0) return false;
    } else if (pg.ref !== pageStructuralRefs(pg) + held[i]! + zapRef[i]! || pg.map !== (pteMaps(s.pte, x) ? 1 : 0) + zapMap[i]!) return false;
  }
  return true;
}

/** No migration entry and no locked page (what INV-MIG2 requires at quiescence). */
export function migrationClean(s: PipeState): boolean {
  return !isMigration(s.pte) && PAGES.every((x) => s.page[x].freed || !pageLocked(s.page[x]));
}

/** The device page table never points at a freed page (M3's INV-DEVMAP; M4's INV-TEARDOWN). */
export function deviceMapsLivePage(s: PipeState): boolean {
  return s.devPte === null || !s.page[s.devPte].freed;
}

/**
 * M3's page invariants, in declaration order (INV-MIG1, INV-MIG2, INV-REF, INV-DATA, INV-PGMAP), for
 * a spec whose quiescence test is `q` and whose reference-holding threads are `holders`.
 */
export function pipelineInvariants(q: { quiescent(s: unknown): boolean }, holders: readonly string[]) {
  return [
    { name: INV.MIG1, check: (s: PipeState) => !isMigration(s.pte) || pageLocked(s.page[s.pte.pfn!]), doc: 'a migration entry points to a locked page' },
    { name: INV.MIG2, check: (s: PipeState) => migrationClean(s) || !q.quiescent(s), doc: 'at quiescence no migration entry and no locked page is left' },
    {
      name: INV.REF,
      check: (s: PipeState) => noRefError(s) && refsConsistent(s, holders),
      doc: 'refcount = mappings + swap cache + references held; mapcount = PTEs mapping the page; a freed page is never touched',
    },
    { name: INV.DATA, check: forbid('STALE_READ'), doc: 'a read of a returns the value last written there' },
    { name: INV.PGMAP, check: forbid('UAF_PGMAP'), doc: 'migrate_to_ram runs only with the pgmap live and a referenced page' },
  ] as const;
}

export function buildPipeline(config: PipelineConfig, forms: PipelineForms): Spec {
  const th = PIPELINE_CONFIGS[config];
  const pipe = { dropDirty: forms.dropDirty, skipUnmapRestore: forms.skipUnmapRestore, mapCheck: forms.mapCheck, driver: m3Driver };
  const q = quiescence();
  const init = (): Sys => ({
    err: null,
    pte: th.startOnDevice ? pteDevicePrivate('D0', true) : ptePresent('S0', true, false),
    ptl: spinlockInit(),
    dlock: mutexInit(),
    page: th.startOnDevice
      ? { S0: pageFreeInit(), S1: pageFreeInit(), S2: pageFreeInit(), D0: pageInit({ val: V0, map: 1 }) }
      : { S0: pageInit({ val: V0, map: 1, swap: V0 }), S1: pageFreeInit(), S2: pageFreeInit(), D0: pageFreeInit() },
    lastWrite: V0,
    devPte: th.startOnDevice ? 'D0' : null,
    devSeq: 0,
    pgmapDead: false,
  });
  const pl = pipeInitLocals;
  let b: SpecBuilder<any, any> = new SpecBuilder<Sys>(fields).init(init).access(m3Access).sources(PIPELINE_SOURCES);
  if (th.mig) {
    b = b.thread('Mig', {
      instances: ['Mig'],
      locals: pipeLocals,
      initLocals: pl,
      steps: pipelineSteps({ ...pipe, dir: 'toDevice', after: 'done', faultPage: false }),
    });
  }
  for (const [id, ops] of Object.entries(th.cpus) as ['C1' | 'C2', readonly Op[]][]) {
    b = b.thread(id, { instances: [id], locals: pipeLocals, initLocals: pl, steps: cpuSteps(ops, { oldFault: forms.oldFault, pipe: { ...pipe, skipUnmapRestore: false } }) });
  }
  if (th.z) b = b.thread('Z', { instances: ['Z'], locals: zapLocals, initLocals: zapInitLocals, steps: zapSteps });
  if (th.rc) b = b.thread('Rc', { instances: ['Rc'], locals: rcLocals, initLocals: (): RcL => ({ tgt: null, hold: noHold() }), steps: rcSteps });
  if (th.pin) b = b.thread('Pin', { instances: ['Pin'], locals: pinLocals, initLocals: (): PinL => ({ hold: noHold() }), steps: pinSteps });
  if (th.ev) b = b.thread('Ev', { instances: ['Ev'], locals: evLocals, initLocals: evInitLocals, steps: evictSteps(true) });
  return buildWithPageInvariants(b, q, HOLDERS, [{ name: INV.DEVMAP, check: deviceMapsLivePage, doc: 'the device page table never points at a freed page' }]);
}

/** A named state predicate, as `SpecBuilder.invariant` takes it. */
export interface NamedInvariant {
  readonly name: string;
  readonly check: (s: any) => boolean;
  readonly doc: string;
}

/**
 * Declares M3's page invariants (`pipelineInvariants`) but those named in `omit`, then `extra`,
 * INV-NOERR, and termination under weak fairness per thread; builds the spec and binds the
 * quiescence test `q` to it.
 */
export function buildWithPageInvariants(
  b: SpecBuilder<any, any>,
  q: ReturnType<typeof quiescence>,
  holders: readonly string[],
  extra: readonly NamedInvariant[],
  omit: readonly string[] = [],
): Spec {
  const page = pipelineInvariants(q, holders).filter((inv) => !omit.includes(inv.name));
  for (const inv of [...page, ...extra]) b = b.invariant(inv.name, inv.check, inv.doc);
  const built: Spec = b.invariant(INV.NOERR, noError).terminates(INV.TERMINATION).fair('weak', 'eachThread').build();
  q.bind(built.actions);
  return built;
}
