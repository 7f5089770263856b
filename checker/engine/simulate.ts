/**
 * HOT PATH. Random simulation (TLC's `-simulate`): many random behaviours of bounded length,
 * checking every property along the way, for models too large to explore exhaustively. Finding
 * nothing proves nothing; finding something gives a real, replayable counterexample.
 *
 * Each trace, with TLC's semantics:
 * - starts at an initial state picked at random among those satisfying the constraints (every
 *   initial state is checked against the invariants once, before the first trace);
 * - at each step generates every successor of every enabled action instance (duplicates and
 *   self-loops included), checks the action properties on each step and the invariants on each
 *   successor (as TLC's simulator, and the exhaustive explorer, do), then moves to one successor
 *   picked uniformly at random — or, under a swarm configuration, with probability proportional
 *   to the weight of the action (and thread) that produced it;
 * - ends when no successor exists (a deadlock unless every thread is done or deadlock checking is
 *   off), when the picked state fails a constraint (TLC CONSTRAINT: it was checked, it is not
 *   expanded), or after `depth` steps.
 *
 * Determinism: all randomness comes from `seedrandom(String(seed))`, consumed in a fixed order
 * (initial state, then one draw per step), and action instances are visited in their fixed order,
 * so a seed (plus swarm configuration) determines every trace. No clock or Math.random is used
 * for choices; the clock only decides when a `timeBudgetMs` run stops.
 *
 * The swarm, K such runs in worker threads, is in swarm.ts.
 */
import seedrandom from 'seedrandom';
import type { Spec } from '../../spec/spec';
import { SeenSet } from '../store/seenSet';
import type { Trace, TraceStep } from '../trace/trace';
import { asModelError, CompiledSpec } from './compiled';
import { evalPredicate } from './explorer';
import { ModelError, UsageError } from './errors';

/** The seed used when none is given (printed with every run). */
export const DEFAULT_SEED = 20_240_501;
/** Distinct-state counting stops here (about 64 MiB of fingerprints); the count becomes a lower bound. */
const DISTINCT_CAP = 1 << 22;

// ---------------------------------------------------------------------------------------------
// Swarm configurations

/**
 * A swarm configuration (as in swarm verification / swarm testing): per-action and per-thread
 * weights that bias the random choice, so that different workers explore differently shaped
 * behaviours (e.g. one thread running far ahead of another). Id 0 is the uniform configuration
 * (TLC's plain random choice); any other id derives its weights deterministically from the id.
 * Weights never reach zero: every successor stays possible and deadlock detection is unaffected.
 */
export interface SwarmConfig {
  readonly id: number;
  /** Weight by action name (absent = 1). */
  readonly actionWeights: Readonly<Record<string, number>>;
  /** Weight by thread id for thread steps, multiplied with the step's action weight (absent = 1). */
  readonly threadWeights: Readonly<Record<string, number>>;
}

export const UNIFORM: SwarmConfig = { id: 0, actionWeights: {}, threadWeights: {} };

export function makeSwarmConfig(spec: Spec, id: number): SwarmConfig {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new UsageError(`swarm configuration must be an integer 0..4294967295, got ${id}`);
  if (id === 0) return UNIFORM;
  const rng = seedrandom(`swarm/${id}`);
  // Half the groups keep weight 1; the rest are de-prioritised, some strongly.
  const pick = (): number => {
    const u = rng();
    return u < 0.5 ? 1 : u < 0.8 ? 0.2 : 0.04;
  };
  const actionWeights: Record<string, number> = {};
  for (const a of spec.actions) actionWeights[a.name] = pick();
  const threadWeights: Record<string, number> = {};
  for (const t of spec.threads) for (const tid of t.ids) threadWeights[tid] = pick();
  return { id, actionWeights, threadWeights };
}

/** One line: the de-prioritised actions and threads of a configuration. */
export function describeSwarmConfig(cfg: SwarmConfig): string {
  if (cfg.id === 0) return 'uniform';
  const low = [...Object.entries(cfg.actionWeights), ...Object.entries(cfg.threadWeights)].filter(([, w]) => w !== 1);
  return low.length ? `de-prioritised: ${low.map(([k, w]) => `${k}×${w}`).join(', ')}` : 'uniform weights';
}

/** A 32-bit seed derived from a base seed and a purpose (worker seeds, swarm configurations). */
export function deriveSeed(base: number, what: string): number {
  return seedrandom(`${base}/${what}`).int32() >>> 0;
}

// ---------------------------------------------------------------------------------------------
// One simulation run

export interface SimulateOptions {
  /** Any integer 0..2^32-1; the run is a function of it (and of the swarm configuration). */
  seed: number;
  /** Maximum number of traces. */
  traces: number;
  /** Maximum number of steps (transitions) per trace. */
  depth: number;
  /** Swarm configuration (id or built); default uniform. */
  swarm?: number | SwarmConfig;
  /** Override the spec's deadlock setting. */
  checkDeadlock?: boolean;
  /** Stop starting new traces after this long (the result then depends on the machine's speed). */
  timeBudgetMs?: number;
  /** Keep going after a violation, collecting the first violation of each property. */
  continueAfterViolation?: boolean;
  /** Polled between traces; true stops the run (`stoppedBy: 'interrupted'`). */
  shouldStop?: () => boolean;
  /** Called about every `progressMs` between traces. */
  onProgress?: (stats: SimStats) => void;
  progressMs?: number;
}

/** Something a trace ran into; `trace` ends in the offending state (the error: in its parent). */
export type Finding =
  | { readonly kind: 'violation'; readonly property: string; readonly propertyKind: 'invariant' | 'action'; readonly traceIndex: number; readonly trace: Trace }
  | { readonly kind: 'deadlock'; readonly traceIndex: number; readonly trace: Trace }
  | { readonly kind: 'error'; readonly message: string; readonly traceIndex: number; readonly trace?: Trace };

/** The property a finding is about: its name, `deadlock`, or `model-error`. */
export function findingKey(f: Finding): string {
  return f.kind === 'violation' ? f.property : f.kind === 'deadlock' ? 'deadlock' : 'model-error';
}

export interface SimStats {
  /** Traces started (the one that found a violation included). */
  traces: number;
  /** Steps taken (transitions along traces). */
  steps: number;
  /** States generated: initial states plus every successor of every enabled instance, as TLC counts. */
  generated: number;
  /** Distinct states visited along traces (a lower bound when `distinctCapped`). */
  distinct: number;
  distinctCapped: boolean;
  /** Longest trace, in steps. */
  maxLength: number;
  /** How traces ended: depth bound, no successor (threads done or deadlock), constraint. */
  endings: { depth: number; terminal: number; constraint: number };
  elapsedMs: number;
  tracesPerSec: number;
}

export type StopReason = 'traces' | 'time' | 'interrupted' | 'found';

export type SimulationResult =
  | {
      readonly kind: 'found';
      readonly seed: number;
      readonly swarm: SwarmConfig;
      /** The first finding; `findings` has the first one of each property (more with continueAfterViolation). */
      readonly first: Finding;
      readonly findings: readonly Finding[];
      readonly stats: SimStats;
      readonly stoppedBy: StopReason;
    }
  | { readonly kind: 'none'; readonly seed: number; readonly swarm: SwarmConfig; readonly stats: SimStats; readonly stoppedBy: Exclude<StopReason, 'found'> };

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`seed must be an integer 0..4294967295, got ${seed}`);
}

export function simulate(spec: Spec | CompiledSpec, opts: SimulateOptions): SimulationResult {
  checkSeed(opts.seed);
  if (!(opts.traces >= 0) || !(opts.depth >= 0)) throw new UsageError('traces and depth must be non-negative');
  const cs = spec instanceof CompiledSpec ? spec : new CompiledSpec(spec);
  const sp = cs.spec;
  const swarm = typeof opts.swarm === 'object' ? opts.swarm : makeSwarmConfig(sp, opts.swarm ?? 0);
  const rng = seedrandom(String(opts.seed));
  const checkDeadlock = opts.checkDeadlock ?? sp.checkDeadlock;
  const keepGoing = opts.continueAfterViolation === true;
  const instances = cs.instances;
  const invariants = sp.invariants;
  const actionProps = sp.actionProperties;
  const constraints = sp.constraints;

  // Per-instance weights (all 1 for the uniform configuration).
  const weights = new Float64Array(instances.length).fill(1);
  let uniform = true;
  for (const inst of instances) {
    let w = swarm.actionWeights[inst.action.name] ?? 1;
    if (inst.action.thread) w *= swarm.threadWeights[inst.action.thread.ids[inst.params.self as number]!] ?? 1;
    weights[inst.id] = w;
    if (w !== 1) uniform = false;
  }

  const stats: SimStats = {
    traces: 0,
    steps: 0,
    generated: 0,
    distinct: 0,
    distinctCapped: false,
    maxLength: 0,
    endings: { depth: 0, terminal: 0, constraint: 0 },
    elapsedMs: 0,
    tracesPerSec: 0,
  };
  const findings: Finding[] = [];
  const found = new Set<string>();
  const record = (f: Finding): boolean => {
    const k = findingKey(f);
    if (found.has(k)) return false;
    found.add(k);
    findings.push(f);
    return true;
  };
  const seen = new SeenSet(1 << 12);
  const fp = new Uint32Array(2);
  const words = new Uint32Array(cs.codec.words);
  const packed = cs.mode === 'fast' ? words : undefined;
  /** Packs s into `words` (for successor generation) and counts it if new. */
  const enter = (s: any, where: string): void => {
    try {
      cs.codec.encode(s, words, 0);
      cs.codec.checkKeys(s);
    } catch (e) {
      throw asModelError(e, where);
    }
    if (stats.distinctCapped) return;
    cs.codec.hash(words, 0, fp);
    if (seen.insert(fp[0]!, fp[1]!, 0) < 0 && ++stats.distinct >= DISTINCT_CAP) stats.distinctCapped = true;
  };
  const violatedInvariant = (t: any): string | undefined => {
    for (let i = 0; i < invariants.length; i++) {
      const inv = invariants[i]!;
      if (!evalPredicate(inv.name, () => inv.check(t))) return inv.name;
    }
    return undefined;
  };
  const failsConstraint = (t: any): boolean => {
    for (let c = 0; c < constraints.length; c++) {
      const con = constraints[c]!;
      if (!evalPredicate(con.name, () => con.check(t))) return true;
    }
    return false;
  };

  const start = performance.now();
  const deadline = opts.timeBudgetMs !== undefined ? start + opts.timeBudgetMs : Infinity;
  const progressMs = opts.progressMs ?? 1000;
  let nextProgress = start + progressMs;
  let stoppedBy: StopReason = 'traces';
  const finish = (): SimulationResult => {
    stats.elapsedMs = performance.now() - start;
    stats.tracesPerSec = stats.elapsedMs > 0 ? (stats.traces * 1000) / stats.elapsedMs : 0;
    if (findings.length > 0) return { kind: 'found', seed: opts.seed, swarm, first: findings[0]!, findings, stats, stoppedBy };
    return { kind: 'none', seed: opts.seed, swarm, stats, stoppedBy: stoppedBy === 'found' ? 'traces' : stoppedBy };
  };

  // Initial states: all checked once; the traces start from those inside the constraints.
  const starts: any[] = [];
  try {
    const inits: any[] = [];
    cs.forEachInit((s) => inits.push(s));
    stats.generated += inits.length;
    for (const s of inits) {
      const bad = violatedInvariant(s);
      if (bad !== undefined) {
        const trace: Trace = { steps: [{ label: 'Init', action: 'Init', params: {}, state: s }] };
        if (record({ kind: 'violation', property: bad, propertyKind: 'invariant', traceIndex: 0, trace }) && !keepGoing) {
          stoppedBy = 'found';
          return finish();
        }
      }
      if (!failsConstraint(s)) starts.push(s);
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    record({ kind: 'error', message: e.message, traceIndex: 0 });
    stoppedBy = 'found';
    return finish();
  }
  if (starts.length === 0) return finish();

  // Successor candidates of the current state (reused between steps).
  const candStates: any[] = [];
  const candInst: number[] = [];
  const maxDepth = opts.depth;

  for (let ti = 0; ti < opts.traces; ti++) {
    const now = performance.now();
    if (now >= deadline) {
      stoppedBy = 'time';
      break;
    }
    if (opts.shouldStop?.()) {
      stoppedBy = 'interrupted';
      break;
    }
    if (opts.onProgress && now >= nextProgress) {
      stats.elapsedMs = now - start;
      stats.tracesPerSec = (stats.traces * 1000) / stats.elapsedMs;
      opts.onProgress(stats);
      nextProgress = now + progressMs;
    }
    stats.traces++;
    let s = starts.length === 1 ? starts[0] : starts[Math.floor(rng() * starts.length)];
    const steps: TraceStep[] = [{ label: 'Init', action: 'Init', params: {}, state: s }];
    let stop = false;
    try {
      enter(s, 'Init');
      let ended = false;
      for (let d = 0; d < maxDepth && !ended; d++) {
        candStates.length = 0;
        candInst.length = 0;
        let hit: Finding | undefined;
        for (const inst of cs.enabledIn(s)) {
          if (hit) break;
          const i = inst.id;
          cs.successorsOfPacked(inst, s, packed, 0, (t) => {
            if (hit) return;
            stats.generated++;
            for (let p = 0; p < actionProps.length; p++) {
              const prop = actionProps[p]!;
              if (!evalPredicate(prop.name, () => prop.check(s, t)) && !found.has(prop.name)) {
                const trace = { steps: [...steps, { label: inst.label, action: inst.action.name, params: inst.params, state: t }] };
                hit = { kind: 'violation', property: prop.name, propertyKind: 'action', traceIndex: ti, trace };
                return;
              }
            }
            const bad = violatedInvariant(t);
            if (bad !== undefined && !found.has(bad)) {
              const trace = { steps: [...steps, { label: inst.label, action: inst.action.name, params: inst.params, state: t }] };
              hit = { kind: 'violation', property: bad, propertyKind: 'invariant', traceIndex: ti, trace };
              return;
            }
            candStates.push(t);
            candInst.push(i);
          });
        }
        if (hit) {
          record(hit);
          stop = !keepGoing;
          ended = true;
          break;
        }
        const n = candStates.length;
        if (n === 0) {
          stats.endings.terminal++;
          if (checkDeadlock && !cs.allThreadsDone(s) && !found.has('deadlock')) {
            record({ kind: 'deadlock', traceIndex: ti, trace: { steps } });
            stop = !keepGoing;
          }
          ended = true;
          break;
        }
        let k: number;
        if (n === 1) k = 0;
        else if (uniform) k = Math.floor(rng() * n);
        else {
          let total = 0;
          for (let c = 0; c < n; c++) total += weights[candInst[c]!]!;
          let r = rng() * total;
          k = n - 1;
          for (let c = 0; c < n; c++) {
            r -= weights[candInst[c]!]!;
            if (r < 0) {
              k = c;
              break;
            }
          }
        }
        const inst = instances[candInst[k]!]!;
        const t = candStates[k];
        steps.push({ label: inst.label, action: inst.action.name, params: inst.params, state: t });
        stats.steps++;
        if (failsConstraint(t)) {
          stats.endings.constraint++;
          ended = true;
          break;
        }
        s = t;
        enter(s, inst.label);
      }
      if (!ended) stats.endings.depth++;
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      record({ kind: 'error', message: e.message, traceIndex: ti, trace: { steps } });
      stop = true;
    }
    if (steps.length - 1 > stats.maxLength) stats.maxLength = steps.length - 1;
    if (stop) {
      stoppedBy = 'found';
      break;
    }
  }
  return finish();
}

// ---------------------------------------------------------------------------------------------
// Swarm
