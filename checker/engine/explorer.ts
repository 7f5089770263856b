/**
 * HOT PATH. What every exhaustive strategy does per state: generate the successors of a state,
 * count them with TLC's semantics, check action properties on every step, deduplicate through the
 * fingerprint set, check invariants on each new state (and on states cut by a constraint), detect
 * deadlock, and hand new states to the strategy's frontier in packed form. The strategies (bfs.ts,
 * dfs.ts) only decide the order in which frontier records are expanded.
 *
 * Counting, as TLC: generated = initial states + every successor of every enabled action
 * instance, duplicates and self-loops included; distinct = the seen set's size.
 */
import { OUTSIDE } from '../store/edgeStore';
import { NO_PARENT, StateLog } from '../store/stateLog';
import { SeenSet } from '../store/seenSet';
import type { LiveGraph } from '../liveness/graph';
import type { Parts } from '../store/checkpoint';
import { REC_DEPTH, REC_INDEX, REC_WORDS } from '../store/frontier';
import type { CompiledSpec } from './compiled';
import { ModelError } from './errors';
import type { ActionCoverage, Stats, TraceRef, Verdict } from './result';
import { HB_ACTION, HB_IDLE, HB_INIT, HB_STATE, newHeartbeat } from './heartbeat';

/** What deduplicates states: the seen set, or the set shared by parallel workers. */
export interface FingerprintSet {
  /** -1 if the fingerprint was new, else the stored index (0 for sets without indices). */
  insert(hi: number, lo: number, at: number): number;
}

/** Where new states go: a packed queue or stack. */
export interface Frontier {
  pushSlot(): void;
  buf: Uint32Array;
  off: number;
}

export interface ExploreOptions {
  /** Stop (verdict `incomplete`) once this many distinct states are stored. */
  maxStates?: number;
  /** Do not expand states at this depth (initial states have depth 1). */
  maxDepth?: number;
  /** Override the spec's deadlock setting. */
  checkDeadlock?: boolean;
  /** Called about every `progressMs` with the current stats. */
  onProgress?: (stats: Stats) => void;
  progressMs?: number;
  /** Polled between expansions; returning true stops the run as `incomplete: interrupted`. */
  shouldStop?: () => boolean;
  /** Record the state graph and predicate labels for liveness (BFS only: states expand in index order). */
  graph?: LiveGraph;
  /** Continue from a checkpoint's parts instead of the initial states (BFS only). */
  resume?: Readonly<Record<string, Parts>>;
  /** BFS frontier memory budget in bytes; beyond it the frontier spills to temporary files. */
  frontierMemoryBytes?: number;
  /** Called with the run's parts every `checkpointEveryMs` and when the run is interrupted. */
  onCheckpoint?: (parts: Record<string, Parts>) => void;
  checkpointEveryMs?: number;
  /** Where the explorer publishes the state and action it is evaluating (see heartbeat.ts). */
  heartbeat?: Int32Array;
  /**
   * Report an expansion still running after this many ms as a model error naming its action
   * (--step-timeout; the exhaustive loop runs under a watchdog, see deadline.ts).
   */
  stepTimeoutMs?: number;
}

/** Packs an action instance id and successor ordinal into one word. */
export function packTransition(instance: number, ordinal: number, nInstances: number): number {
  const t = instance + nInstances * ordinal;
  if (t >= 0xffffffff) throw new ModelError(`too many successors from one action instance to record (${ordinal})`, 'throw');
  return t;
}

export function unpackTransition(t: number, nInstances: number): { instance: number; ordinal: number } {
  return { instance: t % nInstances, ordinal: Math.floor(t / nInstances) };
}

export class Explorer {
  seen: SeenSet;
  log = new StateLog();
  readonly graph: LiveGraph | undefined;
  /** Index of the state the last visit() landed on (OUTSIDE if it was cut by a constraint). */
  private lastIndex = 0;
  readonly stats: Stats = { distinct: 0, generated: 0, depth: 0, expanded: 0, elapsedMs: 0, storeBytes: 0, edges: 0 };
  readonly coverage: ActionCoverage[];
  readonly checkDeadlock: boolean;
  private readonly words: number;
  private readonly scratch: Uint32Array;
  private readonly fp = new Uint32Array(2);
  private readonly nInstances: number;
  /** Set when parallel workers share one deduplicating set (else the seen set is used). */
  private readonly shared: FingerprintSet | undefined;
  /** The state and action instance being evaluated, for another thread to read (heartbeat.ts). */
  readonly heartbeat: Int32Array;

  constructor(
    readonly cs: CompiledSpec,
    readonly opts: ExploreOptions,
    shared?: FingerprintSet,
  ) {
    this.words = cs.codec.words;
    this.scratch = new Uint32Array(this.words);
    this.nInstances = Math.max(1, cs.instances.length);
    this.coverage = cs.spec.actions.map((a) => ({ name: a.name, generated: 0, distinct: 0 }));
    this.checkDeadlock = opts.checkDeadlock ?? cs.spec.checkDeadlock;
    this.graph = opts.graph;
    this.seen = new SeenSet(shared ? 16 : 1 << 16, this.graph !== undefined);
    this.shared = shared;
    this.heartbeat = opts.heartbeat ?? newHeartbeat(false);
  }

  /** Generates, checks and stores the initial states. */
  addInitial(frontier: Frontier): Verdict | undefined {
    let verdict: Verdict | undefined;
    this.heartbeat[HB_ACTION] = HB_INIT;
    this.cs.forEachInit((s, ordinal) => {
      if (verdict) return;
      this.stats.generated++;
      verdict = this.visit(s, NO_PARENT, ordinal, 1, frontier, -1);
    });
    this.heartbeat[HB_ACTION] = HB_IDLE;
    return verdict;
  }

  /**
   * Expands state `s` (stored at `index`, at `depth`): every successor is counted, checked, and
   * if new stored and pushed. Returns a verdict when a property fails.
   */
  expand(s: any, index: number, depth: number, frontier: Frontier, packed?: Uint32Array): Verdict | undefined {
    const hb = this.heartbeat;
    hb[HB_STATE] = index;
    const v = this.expandState(s, index, depth, frontier, packed);
    hb[HB_ACTION] = HB_IDLE;
    return v;
  }

  private expandState(s: any, index: number, depth: number, frontier: Frontier, packed: Uint32Array | undefined): Verdict | undefined {
    const { cs } = this;
    const hb = this.heartbeat;
    const words = cs.mode === 'fast' ? packed : undefined;
    const edges = this.graph?.edges;
    edges?.open(index);
    const instances = cs.instances;
    const actionProps = cs.spec.actionProperties;
    let successors = 0;
    let verdict: Verdict | undefined;
    if (cs.canon && this.stats.expanded < SYMMETRY_SAMPLE) checkSymmetric(cs, s, index, this.stats.expanded);
    this.stats.expanded++;
    // Partial-order reduction: first the ample instance alone (k = -1); the full expansion follows
    // unless it had successors and all were new (the cycle proviso: then no cycle of the reduced
    // graph avoids a fully expanded state).
    const ample = cs.por ? cs.por.ample(s) : -1;
    let allNew = true;
    for (let k = ample >= 0 ? -1 : 0; k < instances.length; k++) {
      const i = k < 0 ? ample : k;
      if (k === 0 && ample >= 0) {
        if (allNew && successors > 0) {
          this.stats.reduced = (this.stats.reduced ?? 0) + 1;
          return undefined;
        }
      } else if (k >= 0 && i === ample) continue;
      const inst = instances[i]!;
      hb[HB_ACTION] = i;
      // The ample instance was found enabled when it was chosen.
      if (k >= 0 && !cs.enabled(inst, s)) continue;
      const cov = this.coverage[inst.actionIndex]!;
      cs.successorsOfPacked(inst, s, words, 0, (t, ordinal) => {
        if (verdict) return;
        successors++;
        this.stats.generated++;
        cov.generated++;
        const transition = packTransition(inst.id, ordinal, this.nInstances);
        for (let p = 0; p < actionProps.length; p++) {
          const prop = actionProps[p]!;
          if (!evalPredicate(prop.name, () => prop.check(s, t))) {
            verdict = { kind: 'violation', property: prop.name, propertyKind: 'action', at: { last: index, then: transition } };
            return;
          }
        }
        const stored = this.log.size;
        verdict = this.visit(t, index, transition, depth + 1, frontier, inst.actionIndex);
        if (ample >= 0 && this.log.size === stored) allNew = false;
        edges?.add(this.lastIndex, inst.id);
      });
      if (verdict) return verdict;
    }
    if (successors === 0 && this.checkDeadlock && !cs.allThreadsDone(s)) {
      return { kind: 'deadlock', at: { last: index } };
    }
    return undefined;
  }

  /** Encodes, deduplicates, checks and stores one generated state. */
  private visit(t: any, parent: number, transition: number, depth: number, frontier: Frontier, actionIndex: number): Verdict | undefined {
    const { cs, scratch, fp } = this;
    cs.codec.encode(t, scratch, 0);
    const spec = cs.spec;
    for (let c = 0; c < spec.constraints.length; c++) {
      const con = spec.constraints[c]!;
      if (!evalPredicate(con.name, () => con.check(t))) {
        // TLC CONSTRAINT: counted and checked, neither stored nor expanded.
        this.lastIndex = OUTSIDE;
        return this.checkInvariants(t, { last: parent, then: transition });
      }
    }
    cs.fingerprintPacked(t, scratch, fp);
    const seenAt = (this.shared ?? this.seen).insert(fp[0]!, fp[1]!, this.log.size);
    if (seenAt >= 0) {
      this.lastIndex = seenAt;
      return undefined;
    }
    // A key outside the schema (an effect added a field) is looked for on new states only: cost.
    cs.codec.checkKeys(t);
    const index = this.log.push(parent, transition);
    this.lastIndex = index;
    this.graph?.label(t);
    this.stats.distinct++;
    if (actionIndex >= 0) this.coverage[actionIndex]!.distinct++;
    if (depth > this.stats.depth) this.stats.depth = depth;
    const v = this.checkInvariants(t, { last: index });
    if (v) return v;
    frontier.pushSlot();
    const buf = frontier.buf;
    const off = frontier.off;
    buf[off + REC_INDEX] = index;
    buf[off + REC_DEPTH] = depth;
    for (let w = 0; w < this.words; w++) buf[off + REC_WORDS + w] = scratch[w]!;
    return undefined;
  }

  private checkInvariants(t: any, at: TraceRef): Verdict | undefined {
    const invs = this.cs.spec.invariants;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i]!;
      if (!evalPredicate(inv.name, () => inv.check(t))) return { kind: 'violation', property: inv.name, propertyKind: 'invariant', at };
    }
    return undefined;
  }

  /** The explorer's stores and counters, for a checkpoint. */
  dump(): Record<string, Parts> {
    const parts: Record<string, Parts> = {
      seen: this.seen.dump(),
      log: this.log.dump(),
      counters: { meta: { stats: this.stats, coverage: this.coverage }, arrays: [] },
    };
    if (this.graph) {
      const g = this.graph.dump();
      parts.labels = g.labels;
      parts.edges = g.edges;
    }
    return parts;
  }

  /** Restores the stores and counters of a checkpoint. */
  restore(parts: Readonly<Record<string, Parts>>): void {
    this.seen = SeenSet.load(parts.seen!);
    this.log = StateLog.load(parts.log!);
    const counters = parts.counters!.meta as { stats: Stats; coverage: ActionCoverage[] };
    Object.assign(this.stats, counters.stats);
    counters.coverage.forEach((c, i) => Object.assign(this.coverage[i]!, c));
    if (this.graph) {
      if (!parts.labels || !parts.edges) throw new Error('the checkpoint has no liveness graph');
      this.graph.load(parts.labels, parts.edges);
    }
  }

  /** Bytes held by the stores, for reports. */
  storeBytes(frontierBytes: number): number {
    return this.seen.bytes + this.log.bytes + frontierBytes + (this.graph?.usedBytes ?? 0);
  }
}

/** How many of the first expanded states the symmetry soundness check samples. */
const SYMMETRY_SAMPLE = 200;

/** Canonical fingerprints of every successor of `s`, sorted: a permutation-invariant summary. */
function successorSummary(cs: CompiledSpec, s: unknown): string[] {
  const out: string[] = [];
  const fp = new Uint32Array(2);
  for (const inst of cs.instances) {
    if (!cs.enabled(inst, s)) continue;
    cs.forEachSuccessor(inst, s, (t) => {
      cs.stateFingerprint(t, fp);
      out.push(`${fp[0]}:${fp[1]}`);
    });
  }
  return out.sort();
}

/**
 * Soundness check of a symmetry declaration on a sampled state: the permuted state must satisfy
 * the same invariants and have the same successors up to permutation, else the model's behaviour
 * depends on the identities of the values declared interchangeable.
 */
function checkSymmetric(cs: CompiledSpec, s: unknown, index: number, k: number): void {
  const canon = cs.canon!;
  if (canon.domains.every((d) => d.values.length < 2)) return;
  const ps = canon.permuted(s, canon.rotation(k));
  const names = canon.domains.map((d) => d.name).join(', ');
  for (const inv of cs.spec.invariants) {
    if (inv.check(s) !== inv.check(ps)) {
      throw new ModelError(`symmetry over ${names} is unsound: invariant ${inv.name} tells state #${index} from a permutation of it`, 'symmetry');
    }
  }
  const a = successorSummary(cs, s);
  const b = successorSummary(cs, ps);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
    throw new ModelError(
      `symmetry over ${names} is unsound: state #${index} and a permutation of it have different successors (${a.length} vs ${b.length}); the model's behaviour depends on which value is which`,
      'symmetry',
    );
  }
}

/** Runs a property's predicate; a predicate that throws is a model error naming the property. */
export function evalPredicate(name: string, f: () => boolean): boolean {
  try {
    return f();
  } catch (e) {
    throw new ModelError(`property ${name} threw: ${e instanceof Error ? e.message : String(e)}`, 'throw', e);
  }
}
