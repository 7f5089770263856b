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
import type { ActionInstance, CompiledSpec } from './compiled';
import { ModelError } from './errors';
import type { ActionCoverage, ProgressStats, Stats, TraceRef, Verdict } from './result';
import { HB_ACTION, HB_IDLE, HB_INIT, HB_STATE, newHeartbeat } from './heartbeat';

/** What deduplicates states: the seen set, or the set shared by parallel workers. */
export interface FingerprintSet {
  /**
   * -1 if the fingerprint was new, else the stored index (0 for sets without indices). `at`: the
   * index a new state gets; `transition`: the one that reached it from the state being expanded.
   */
  insert(hi: number, lo: number, at: number, transition: number): number;
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
  onProgress?: (stats: ProgressStats) => void;
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
   * Expands the frontier record at `off` of `records` (index, depth, packed words). Its words are
   * copied into `parent` first: a DFS push may overwrite the record, and the drafts read the parent
   * there; the object path gets it decoded.
   */
  expandRecord(records: Uint32Array, off: number, frontier: Frontier, parent: Uint32Array): Verdict | undefined {
    for (let w = 0; w < parent.length; w++) parent[w] = records[off + REC_WORDS + w]!;
    return this.expand(this.cs.drafts ? undefined : this.cs.codec.decode(parent, 0), records[off + REC_INDEX]!, records[off + REC_DEPTH]!, frontier, parent);
  }

  /**
   * Expands state `s` (stored at `index`, at `depth`): every successor is counted, checked, and
   * if new stored and pushed. Returns a verdict when a property fails.
   */
  expand(s: any, index: number, depth: number, frontier: Frontier, packed?: Uint32Array): Verdict | undefined {
    const hb = this.heartbeat;
    hb[HB_STATE] = index;
    const v =
      packed && this.cs.drafts ? this.expandPacked(index, depth, frontier, packed) : this.expandState(s ?? this.cs.codec.decode(packed!, 0), index, depth, frontier, packed);
    hb[HB_ACTION] = HB_IDLE;
    return v;
  }

  // The expansion under way, for the sinks (one closure for the whole run, no per-state allocation).
  /** The state being expanded, on the object path (undefined on the drafts). */
  private xParent: any;
  private xIndex = 0;
  private xDepth = 0;
  private xFrontier: Frontier | undefined;
  private xInst: ActionInstance | undefined;
  private xCov: ActionCoverage | undefined;
  private xSuccessors = 0;
  private xVerdict: Verdict | undefined;
  private xAmple = -1;
  private xAllNew = true;
  /** The successor being visited, and its decoded object once a predicate needed one. */
  private xWords: Uint32Array = new Uint32Array(0);
  private xObject: any;

  /**
   * expandState on packed drafts (HOT PATH): guards read the parent's words, effects write a copy,
   * and the explorer hashes the successor's words as they are. Predicates read the drafts too;
   * one that throws on a draft is evaluated again on the decoded state (the reference).
   */
  private expandPacked(index: number, depth: number, frontier: Frontier, packed: Uint32Array): Verdict | undefined {
    this.cs.loadParent(packed, 0);
    return this.expandCandidates(index, depth, frontier, undefined, undefined);
  }

  /**
   * The expansion both paths share (HOT PATH), over the candidates listed for the state (loadParent
   * or listCandidates): `s` is the object path's state (its successors decoded from `words` in fast
   * mode), undefined on the drafts (the parent loadParent loaded).
   */
  private expandCandidates(index: number, depth: number, frontier: Frontier, s: any, words: Uint32Array | undefined): Verdict | undefined {
    const { cs } = this;
    const hb = this.heartbeat;
    const onDrafts = s === undefined;
    this.graph?.edges.open(index);
    const instances = cs.instances;
    if (cs.canon && this.stats.expanded < SYMMETRY_SAMPLE) checkSymmetric(cs, s ?? cs.parentState(), index, this.stats.expanded);
    this.stats.expanded++;
    // Partial-order reduction: first the ample instance alone (k = -1); the full expansion follows
    // unless it had successors and all were new (the cycle proviso: then no cycle of the reduced
    // graph avoids a fully expanded state).
    const ample = cs.por?.active ? cs.por.ample(s ?? cs.parentState()) : -1;
    this.xParent = s;
    this.xIndex = index;
    this.xDepth = depth;
    this.xFrontier = frontier;
    this.xSuccessors = 0;
    this.xVerdict = undefined;
    this.xAmple = ample;
    this.xAllNew = true;
    // Only the instances whose control state holds (a thread step's pc at its label), in id order.
    const candidates = cs.candidates;
    const count = cs.candidateCount;
    for (let k = ample >= 0 ? -1 : 0; k < count; k++) {
      const i = k < 0 ? ample : candidates[k]!;
      if (k === 0 && ample >= 0) {
        if (this.xAllNew && this.xSuccessors > 0) {
          this.stats.reduced = (this.stats.reduced ?? 0) + 1;
          return undefined;
        }
      } else if (k >= 0 && i === ample) continue;
      const inst = instances[i]!;
      hb[HB_ACTION] = i;
      // The ample instance was found enabled when it was chosen.
      if (k >= 0 && !(onDrafts ? cs.enabledPacked(inst) : cs.candidateEnabled(inst, s))) continue;
      this.xInst = inst;
      this.xCov = this.coverage[inst.actionIndex]!;
      if (onDrafts) cs.successorsPacked(inst, this.packedSink);
      else cs.successorsOfPacked(inst, s, words, 0, this.objectSink);
      if (this.xVerdict) return this.xVerdict;
    }
    if (this.xSuccessors === 0 && this.checkDeadlock && !cs.allThreadsDone(s ?? cs.parentView)) {
      return { kind: 'deadlock', at: { last: index } };
    }
    return undefined;
  }

  /** successorsPacked's successor callback. */
  private readonly packedSink = (words: Uint32Array, t: any, ordinal: number): void => this.takeSuccessor(words, t, ordinal);

  /**
   * Counts, checks and visits one successor of the state being expanded by `xInst`: made by
   * successorsPacked and packed in `words`, or by successorsOfPacked (`words` undefined).
   */
  private takeSuccessor(words: Uint32Array | undefined, t: any, ordinal: number): void {
    if (this.xVerdict) return;
    const inst = this.xInst!;
    this.xSuccessors++;
    this.stats.generated++;
    this.xCov!.generated++;
    if (words) {
      this.xWords = words;
      this.xObject = undefined;
    }
    const transition = packTransition(inst.id, ordinal, this.nInstances);
    const actionProps = this.cs.spec.actionProperties;
    for (let p = 0; p < actionProps.length; p++) {
      const prop = actionProps[p]!;
      if (!this.actionHolds(prop, t)) {
        this.xVerdict = { kind: 'violation', property: prop.name, propertyKind: 'action', at: { last: this.xIndex, then: transition } };
        return;
      }
    }
    const stored = this.log.size;
    this.xVerdict = words
      ? this.visitPacked(words, t, transition, inst.actionIndex)
      : this.visit(t, this.xIndex, transition, this.xDepth + 1, this.xFrontier!, inst.actionIndex);
    if (this.xAmple >= 0 && this.log.size === stored) this.xAllNew = false;
    this.graph?.edges.add(this.lastIndex, inst.id);
  }

  /** The successor being visited as a decoded object (decoded once, on first need). */
  private successorObject(t: any): any {
    if (t !== this.cs.successorView) return t;
    return (this.xObject ??= this.cs.codec.decode(this.xWords, 0));
  }

  /** A state predicate on `t`: on the draft, or (if it throws there) on the decoded state. */
  private stateHolds(name: string, check: (s: any) => boolean, t: any): boolean {
    if (t === this.cs.successorView) {
      try {
        return check(t);
      } catch {
        // Evaluated again below on the decoded state, which decides (and names any error).
      }
    }
    return evalPredicate(name, () => check(this.successorObject(t)));
  }

  /** An action property from the state being expanded to `t`, as stateHolds (on the object path both are objects). */
  private actionHolds(prop: { name: string; check: (s: any, t: any) => boolean }, t: any): boolean {
    if (t === this.cs.successorView) {
      try {
        return prop.check(this.cs.parentView, t);
      } catch {
        // As in stateHolds.
      }
    }
    return evalPredicate(prop.name, () => prop.check(this.xParent ?? this.cs.parentState(), this.successorObject(t)));
  }

  /** visit() for a successor already packed in `words` (`t`: its draft or its object). */
  private visitPacked(words: Uint32Array, t: any, transition: number, actionIndex: number): Verdict | undefined {
    const { cs, fp } = this;
    const n = this.words;
    // A self-loop: the parent itself, stored (so within every constraint) at its own index (as
    // in visit(), not with a graph).
    if (this.graph === undefined) {
      const parent = cs.parentWords;
      let w = 0;
      while (w < n && words[w] === parent[w]) w++;
      if (w === n) return undefined;
    }
    const spec = cs.spec;
    for (let c = 0; c < spec.constraints.length; c++) {
      const con = spec.constraints[c]!;
      if (!this.stateHolds(con.name, con.check, t)) {
        this.lastIndex = OUTSIDE;
        return this.invariantsOn(t, { last: this.xIndex, then: transition });
      }
    }
    if (cs.canon || cs.view) cs.fingerprintPacked(this.successorObject(t), words, fp);
    else cs.codec.hash(words, 0, fp);
    const seenAt = (this.shared ?? this.seen).insert(fp[0]!, fp[1]!, this.log.size, transition);
    if (seenAt >= 0) {
      this.lastIndex = seenAt;
      return undefined;
    }
    // Drafts cannot gain keys (they are sealed); an object from the object path is checked as in visit().
    if (t !== cs.successorView) cs.codec.checkKeys(t);
    const index = this.log.push(this.xIndex, transition);
    this.lastIndex = index;
    const graph = this.graph;
    if (graph) {
      if (t === cs.successorView) {
        try {
          graph.label(t);
        } catch {
          graph.label(this.successorObject(t));
        }
      } else graph.label(t);
    }
    this.stats.distinct++;
    if (actionIndex >= 0) this.coverage[actionIndex]!.distinct++;
    const depth = this.xDepth + 1;
    if (depth > this.stats.depth) this.stats.depth = depth;
    const v = this.invariantsOn(t, { last: index });
    if (v) return v;
    const frontier = this.xFrontier!;
    frontier.pushSlot();
    const buf = frontier.buf;
    const off = frontier.off;
    buf[off + REC_INDEX] = index;
    buf[off + REC_DEPTH] = depth;
    for (let i = 0; i < n; i++) buf[off + REC_WORDS + i] = words[i]!;
    return undefined;
  }

  private invariantsOn(t: any, at: TraceRef): Verdict | undefined {
    const invs = this.cs.spec.invariants;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i]!;
      if (!this.stateHolds(inv.name, inv.check, t)) return { kind: 'violation', property: inv.name, propertyKind: 'invariant', at };
    }
    return undefined;
  }

  private expandState(s: any, index: number, depth: number, frontier: Frontier, packed: Uint32Array | undefined): Verdict | undefined {
    this.selfWords = packed;
    this.selfIndex = index;
    this.cs.listCandidates(s);
    return this.expandCandidates(index, depth, frontier, s, this.cs.mode === 'fast' ? packed : undefined);
  }

  /** expandState's successor callback (one closure for the whole run, as packedSink). */
  private readonly objectSink = (t: any, ordinal: number): void => this.takeSuccessor(undefined, t, ordinal);

  /** The packed state being expanded and its index, to recognise self-loops without hashing. */
  private selfWords: Uint32Array | undefined;
  private selfIndex = -1;

  /** Encodes, deduplicates, checks and stores one generated state. */
  private visit(t: any, parent: number, transition: number, depth: number, frontier: Frontier, actionIndex: number): Verdict | undefined {
    const { cs, scratch, fp } = this;
    cs.codec.encode(t, scratch, 0);
    // A self-loop: the parent itself, stored (so within every constraint) at its own index. Not
    // with a graph: an edge's target index is whatever the recording set's insert says.
    const self = this.selfWords;
    if (self !== undefined && parent === this.selfIndex && this.graph === undefined) {
      let w = 0;
      while (w < this.words && scratch[w] === self[w]) w++;
      if (w === this.words) {
        this.lastIndex = parent;
        return undefined;
      }
    }
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
    const seenAt = (this.shared ?? this.seen).insert(fp[0]!, fp[1]!, this.log.size, transition);
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
