/**
 * A spec prepared for exploration: its generated codec, its action instances (every action ×
 * every parameter combination, in a fixed order), and successor enumeration.
 *
 * Ways to run an effect, which must give identical state graphs (tested on every model):
 * - `fast` (default, HOT PATH), on packed drafts (packedDraft.ts): guards read the parent's words
 *   and effects write a copy of them through generated accessors, so a successor costs a word copy
 *   and a few bit operations. An action whose guard or effect does something a draft does not
 *   emulate exactly bails out once and keeps the object path below from then on.
 * - `fast` object path (every draft's fallback; the whole run with `drafts: false`, or for a
 *   schema the drafts do not cover): the generated decoder unpacks the parent's packed words into a fresh plain
 *   object and the effect mutates it directly; no proxies, no structural sharing.
 * - `immer` (reference): the effect mutates an immer draft of the parent, as the author reads it.
 */
import { createDraft, enableMapSet, finishDraft, setAutoFreeze } from 'immer';
import type { ActionSpec, ChoiceCtx, Params, Spec } from '../../spec/spec';
import { controlValues, guardAtControl, indexControlStates, paramCombinations, readPath } from '../../spec/controlStates';
import { DONE } from '../../spec/spec';
import type { Key } from '../../spec/types';
import { compileCodec, SchemaViolation, type Codec } from '../state/codec';
import { Canonicalizer } from '../state/symmetry';
import { PartialOrder } from '../por/independence';
import { isNoOption, NondeterminismError, OutcomeEnumerator } from './choices';
import { InternalLimitError, ModelError, UsageError } from './errors';
import { locateControlFields, type ControlTable } from './controlFields';
import { BAIL, compilePackedDraft, type PackedDraft } from './packedDraft';

enableMapSet();
// States are never mutated after they are made; freezing them would only cost time.
setAutoFreeze(false);

export interface ActionInstance {
  readonly id: number;
  readonly actionIndex: number;
  readonly action: ActionSpec;
  readonly params: Params;
  /** e.g. `TMRcvPrepared(r1)` or `Unreg0.K2` (thread id and step label). */
  readonly label: string;
}

function instanceLabel(action: ActionSpec, params: Params): string {
  if (action.thread) return `${action.thread.ids[params.self as number]}.${action.thread.label}`;
  const vals = action.params.map(([k]) => String(params[k]));
  return vals.length ? `${action.name}(${vals.join(', ')})` : action.name;
}

export type EffectMode = 'fast' | 'immer';

/** State-space reductions a run uses (see docs in checker/state/symmetry.ts). */
export interface Reductions {
  /** Store states under the canonical representative over permutations of the symmetric domains. */
  readonly symmetry?: boolean;
  /** Fingerprint states by the spec's VIEW projection. */
  readonly view?: boolean;
  /** Partial-order reduction (ample sets over recorded accesses; safety and deadlock only). */
  readonly por?: boolean;
}

/** Thrown out of a packed run to re-run the step on the object path (never escapes this file). */
const FALLBACK = Symbol('object path');

/** Receives a packed successor: its words, the state to evaluate predicates on (a read-only draft or an object), its ordinal. */
export type PackedSink = (words: Uint32Array, t: any, ordinal: number) => void;

export class CompiledSpec {
  readonly codec: Codec;
  /** Fast mode's drafts over the parent (read by guards) and the successor (written by effects). */
  private readonly parentDraft: PackedDraft | undefined;
  private readonly succDraft: PackedDraft | undefined;
  /** Per action: 1 while its guard (effect) runs on a draft, 0 once it bailed out. */
  private readonly guardOnDraft: Uint8Array;
  private readonly effectOnDraft: Uint8Array;
  /** The parent decoded, for the object path; made on first use per expansion. */
  private parentObject: any;
  private readonly initEnum = new OutcomeEnumerator();
  private readonly succEnum = new OutcomeEnumerator();
  /** Packed parent for fast mode when the caller has only the object. */
  private readonly parentScratch: Uint32Array;
  /** A successor made on the object path, packed for a PackedSink. */
  private readonly objectWords: Uint32Array;
  /** Present when symmetry reduction is on (of the view's schema when a view is used). */
  readonly canon: Canonicalizer | undefined;
  /** Present when the VIEW is used: its codec and projection. */
  readonly view: { readonly codec: Codec; readonly project: (s: any) => unknown; readonly words: Uint32Array } | undefined;
  private readonly fpScratch: Uint32Array;
  readonly instances: readonly ActionInstance[];
  /** Present when partial-order reduction is on. */
  readonly por: PartialOrder | undefined;
  /** Index of the first instance of each thread kind's steps, for the all-done test. */
  private readonly threadKinds: readonly string[];
  /**
   * The control-state prefilter: an instance with a control state (a thread step: its thread's pc
   * at its label; a plain action's `at`) is enabled only where its field holds its value (the
   * builder's guard tests that first), so each control field is read once per expanded state
   * (`listCandidates`; loadParent does it for the packed path) and only the instances it lets
   * through are visited, not every instance (~100-190 in the HMM models, of which ~10 are at their
   * thread's pc; 28 on BEEM peterson.4, of which 4-8). Per control field: its path, the values its
   * instances are at, and for each value their ids, in id order. (Scanned with ===: a pc and a
   * label are the same interned string, so a scan of a few values beats a Map lookup.)
   */
  private readonly controlPaths: readonly (readonly Key[])[];
  private readonly valuesOf: readonly (readonly Key[])[];
  private readonly idsAt: readonly (readonly Int32Array[])[];
  /** Each control field's bits in the packed words, when drafts are on (controlFields.ts): loadParent lists from the words. */
  private readonly controlTable: ControlTable | undefined;
  /** Per instance, with a control table: the thread's pc field (controlPaths index) draftRun writes itself, else -1. */
  private readonly pcFieldOf: Int32Array;
  /** The instances without a control state, in id order. */
  private readonly freeIds: Int32Array;
  /** Per instance, the guard to call once it is a candidate (guardAtControl; null: none). */
  private readonly candidateGuards: readonly (ActionSpec['guard'] | null)[];
  /** The instances the control-state prefilter lets through in the state of the last `listCandidates`, in id order (the first `candidateCount`). */
  readonly candidates: Int32Array;
  candidateCount = 0;
  /** With a control table: the free instances, and the candidates being listed, as bit sets (ControlTable `sets`). */
  private readonly freeSet: Uint32Array;
  private readonly candidateSet: Uint32Array;

  constructor(
    readonly spec: Spec,
    readonly mode: EffectMode = 'fast',
    readonly reductions: Reductions = {},
    options: { readonly drafts?: boolean } = {},
  ) {
    this.codec = compileCodec(spec.schema);
    this.parentScratch = new Uint32Array(this.codec.words);
    this.objectWords = new Uint32Array(this.codec.words);
    const makeDraft = mode === 'fast' && options.drafts !== false ? compilePackedDraft(spec.schema, this.codec.words) : undefined;
    this.parentDraft = makeDraft?.(new Uint32Array(this.codec.words));
    this.succDraft = makeDraft?.(new Uint32Array(this.codec.words));
    this.guardOnDraft = new Uint8Array(spec.actions.length).fill(1);
    this.effectOnDraft = new Uint8Array(spec.actions.length).fill(1);

    if (reductions.view && reductions.symmetry) throw new UsageError('--view and --symmetry cannot be combined yet');
    if (reductions.view) {
      if (!spec.view) throw new UsageError('--view: the model declares no view (.view(...) in its spec)');
      const codec = compileCodec(spec.view.schema, 'view');
      this.view = { codec, project: spec.view.project, words: new Uint32Array(codec.words) };
    }
    if (reductions.symmetry) {
      if (this.codec.symDomains.length === 0) throw new UsageError('--symmetry: the model declares no symmetric domain (symmetric(...) in its schema)');
      this.canon = new Canonicalizer(this.codec, this.codec.symDomains, spec.schema);
    }
    this.fpScratch = new Uint32Array(this.codec.words);
    const instances: ActionInstance[] = [];
    spec.actions.forEach((action, actionIndex) => {
      for (const params of paramCombinations(action)) {
        instances.push({ id: instances.length, actionIndex, action, params, label: instanceLabel(action, params) });
      }
    });
    this.instances = instances;
    this.threadKinds = spec.threads.map((t) => t.kind);
    const steps = indexControlStates(instances, (i) => i.action, (i) => i.params);
    this.controlPaths = steps.fields.map((f) => f.path);
    this.valuesOf = steps.fields.map((f) => f.values);
    this.idsAt = steps.fields.map((f) => f.at.map((at) => Int32Array.from(at, (i) => i.id)));
    this.freeIds = Int32Array.from(steps.free, (i) => i.id);
    this.candidateGuards = instances.map(({ action }) => guardAtControl(action));
    this.candidates = new Int32Array(instances.length);
    // No control states: every instance is a candidate in every state (listCandidates keeps this list).
    if (steps.fields.length === 0) {
      this.candidates.set(this.freeIds);
      this.candidateCount = this.freeIds.length;
    }
    const domains = this.controlPaths.map((path) => controlValues(spec.schema, path));
    this.controlTable = makeDraft && steps.fields.length > 0 ? locateControlFields(makeDraft(new Uint32Array(this.codec.words)), this.controlPaths, domains, this.valuesOf, this.idsAt, instances.length) : undefined;
    this.candidateSet = new Uint32Array(this.controlTable?.setWords ?? 0);
    this.freeSet = new Uint32Array(this.candidateSet.length);
    if (this.controlTable) for (const id of this.freeIds) this.freeSet[id >>> 5]! |= 1 << (id & 31);
    this.pcFieldOf = steps.fieldOf.map((j, id) => (this.controlTable && instances[id]!.action.thread && instances[id]!.action.effect.step ? j : -1));
    if (reductions.por) {
      if (reductions.view) throw new UsageError('--por and --view cannot be combined');
      const props = spec.actionProperties.map((p) => p.name);
      if (props.length) throw new UsageError(`--por covers invariants and deadlock; the model has action properties (${props.join(', ')})`);
      this.por = PartialOrder.of(this);
    }
  }

  /** Calls emit(state, ordinal) for each initial state. */
  forEachInit(emit: (s: any, ordinal: number) => void): void {
    try {
      this.initEnum.forEach((ctx) => this.spec.init(ctx), emit);
    } catch (e) {
      throw asModelError(e, 'Init');
    }
  }

  /** Reads every control field in `s` (the state about to be expanded) and lists the `candidates`. */
  listCandidates(s: any): void {
    const paths = this.controlPaths;
    if (paths.length === 0) return;
    let n = this.listFree();
    for (let j = 0; j < paths.length; j++) {
      const v = readPath(s, paths[j]!);
      const values = this.valuesOf[j]!;
      let m = 0;
      while (m < values.length && values[m] !== v) m++;
      if (m < values.length) n = this.addCandidates(n, this.idsAt[j]![m]!);
    }
    this.candidateCount = n;
  }

  /**
   * listCandidates for the packed state `words` (offset 0), its control fields read from their
   * bits. With instance bit sets (ControlTable): the free instances' set and each field's set at its
   * code OR'ed, then read out in id order (merging the fields' id lists one insertion at a time was
   * ~3% of a BEEM peterson.4 search).
   */
  private listCandidatesPacked(words: Uint32Array, table: ControlTable): void {
    const { word, shift, mask, setAt, sets, setWords } = table;
    if (setWords === 0) {
      let n = this.listFree();
      for (let j = 0; j < word.length; j++) {
        const ids = table.idsByCode[j]![(words[word[j]!]! >>> shift[j]!) & mask[j]!];
        if (ids !== undefined) n = this.addCandidates(n, ids);
      }
      this.candidateCount = n;
      return;
    }
    const acc = this.candidateSet;
    const free = this.freeSet;
    for (let k = 0; k < setWords; k++) acc[k] = free[k]!;
    for (let j = 0; j < word.length; j++) {
      const at = setAt[j]![(words[word[j]!]! >>> shift[j]!) & mask[j]!]!;
      if (at >= 0) for (let k = 0; k < setWords; k++) acc[k]! |= sets[at + k]!;
    }
    const c = this.candidates;
    let n = 0;
    for (let k = 0; k < setWords; k++) {
      for (let x = acc[k]!; x !== 0; x &= x - 1) c[n++] = (k << 5) | (31 - Math.clz32(x & -x));
    }
    this.candidateCount = n;
  }

  /** Starts the candidate list with the instances without a control state; returns its length. */
  private listFree(): number {
    const c = this.candidates;
    const free = this.freeIds;
    for (let k = 0; k < free.length; k++) c[k] = free[k]!;
    return free.length;
  }

  /** Inserts `ids` (in id order) into the first `n` candidates, keeping id order; returns the new length. */
  private addCandidates(n: number, ids: Int32Array): number {
    const c = this.candidates;
    // Insertion into id order: a handful of ids per state.
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      let at = n++;
      while (at > 0 && c[at - 1]! > id) {
        c[at] = c[at - 1]!;
        at--;
      }
      c[at] = id;
    }
    return n;
  }

  /** Whether instance `inst` is enabled in `s` (a guard that throws is a model error). */
  enabled(inst: ActionInstance, s: any): boolean {
    return callGuard(inst.action.guard, inst, s);
  }

  /** `enabled` for one of the `candidates` listCandidates listed for `s` (its control state holds there). */
  candidateEnabled(inst: ActionInstance, s: any): boolean {
    const guard = this.candidateGuards[inst.id]!;
    return guard === null || callGuard(guard, inst, s);
  }

  /**
   * The instances enabled in `s`, in id order, found as the explorer finds them: each control field
   * read once, and only the guards of the instances at its value called (for simulation, lint and
   * graphs; it reuses `candidates`, so not from inside an expansion).
   */
  enabledIn(s: any): ActionInstance[] {
    this.listCandidates(s);
    const out: ActionInstance[] = [];
    for (let k = 0; k < this.candidateCount; k++) {
      const inst = this.instances[this.candidates[k]!]!;
      if (this.candidateEnabled(inst, s)) out.push(inst);
    }
    return out;
  }

  /** Calls emit(successor, ordinal) for each successor of `s` by the (enabled) instance. */
  forEachSuccessor(inst: ActionInstance, s: any, emit: (t: any, ordinal: number) => void): void {
    if (this.mode === 'fast') {
      try {
        this.codec.encode(s, this.parentScratch, 0);
      } catch (e) {
        throw asModelError(e, inst.label);
      }
      this.successorsOfPacked(inst, s, this.parentScratch, 0, emit);
    } else this.successorsOfPacked(inst, s, undefined, 0, emit);
  }

  /**
   * As forEachSuccessor, with the parent also given packed at words[off..] (the explorer has it
   * from the frontier): fast mode decodes a fresh mutable copy per successor from it.
   */
  successorsOfPacked(inst: ActionInstance, s: any, words: Uint32Array | undefined, off: number, emit: (t: any, ordinal: number) => void): void {
    // The step's operands go in fields read by two closures made once (no allocation per call);
    // saved and restored, so that an emit that itself asks for successors leaves them as they were.
    const { stepInst, stepParent, stepWords, stepOff } = this;
    this.stepInst = inst;
    this.stepParent = s;
    this.stepWords = words;
    this.stepOff = off;
    try {
      this.succEnum.forEach(words ? this.decodedStep : this.immerStep, emit);
    } catch (e) {
      throw asModelError(e, inst.label);
    } finally {
      this.stepInst = stepInst;
      this.stepParent = stepParent;
      this.stepWords = stepWords;
      this.stepOff = stepOff;
    }
  }

  private stepInst: ActionInstance | undefined;
  private stepParent: any;
  private stepWords: Uint32Array | undefined;
  private stepOff = 0;
  /** successorsOfPacked's step on a fresh mutable copy decoded from the packed parent. */
  private readonly decodedStep = (ctx: ChoiceCtx): unknown => {
    const inst = this.stepInst!;
    const d = this.codec.decode(this.stepWords!, this.stepOff);
    const returned: unknown = inst.action.effect(d, inst.params, ctx);
    if (returned !== undefined) throw effectReturned(inst, returned);
    return d;
  };
  /** successorsOfPacked's step on an immer draft of the parent object (immer mode). */
  private readonly immerStep = (ctx: ChoiceCtx): unknown => {
    const inst = this.stepInst!;
    const d = createDraft(this.stepParent);
    const returned: unknown = inst.action.effect(d, inst.params, ctx);
    if (returned !== undefined) throw effectReturned(inst, returned);
    return finishDraft(d);
  };

  /** Whether successors are made on packed drafts (`expandPacked` in the explorer). */
  get drafts(): boolean {
    return this.parentDraft !== undefined;
  }

  /** Whether loadParent reads the control fields from their bits (controlFields.ts; for tests). */
  get controlsFromWords(): boolean {
    return this.controlTable !== undefined;
  }

  /** Names of the actions whose guard or effect left the drafts for the object path (for tests and reports). */
  get objectPathActions(): string[] {
    return this.spec.actions.filter((_, i) => !this.guardOnDraft[i] || !this.effectOnDraft[i]).map((a) => a.name);
  }

  /** Starts the expansion of the packed state at words[off..]: drafts read it from here on. */
  loadParent(words: Uint32Array, off: number): void {
    const d = this.parentDraft!;
    d.load(words, off);
    // Read-only, and what its guards materialise is shared by them all, as the decoded parent is.
    d.begin(true);
    this.parentObject = undefined;
    if (this.controlTable) this.listCandidatesPacked(d.words, this.controlTable);
    else this.listCandidates(d.root);
  }

  /** The parent loaded by loadParent, packed (do not write). */
  get parentWords(): Uint32Array {
    return this.parentDraft!.words;
  }

  /** The parent as a read-only draft (for predicates). */
  get parentView(): any {
    return this.parentDraft!.root;
  }

  /** The parent as a decoded object (the object path's view of it). */
  parentState(): any {
    return (this.parentObject ??= this.codec.decode(this.parentDraft!.words, 0));
  }

  /** The successor draft's root, which a PackedSink gets as `t` when the draft made it. */
  get successorView(): any {
    return this.succDraft?.root;
  }

  /**
   * `enabled` for the parent loaded by loadParent, on its draft unless the guard left it; `inst` is
   * one of the `candidates` loadParent listed, so its control state holds there.
   */
  enabledPacked(inst: ActionInstance): boolean {
    const a = inst.actionIndex;
    if (this.guardOnDraft[a] === 1) {
      const guard = this.candidateGuards[inst.id];
      if (guard === null) return true;
      try {
        return guard!(this.parentDraft!.root, inst.params);
      } catch (e) {
        // A write (BAIL) moves the guard to the object path for good; an error is re-raised there.
        if (e === BAIL) this.guardOnDraft[a] = 0;
      }
    }
    return this.candidateEnabled(inst, this.parentState());
  }

  /**
   * Calls sink(words, t, ordinal) for each successor of the parent loaded by loadParent by the
   * (enabled) instance. On a draft, `words` is the draft's own buffer and `t` its root; after a
   * bail-out or an error on the draft, the step re-runs on the object path from the first
   * successor not yet delivered (choices are deterministic, so ordinals agree), and `t` is an object.
   */
  successorsPacked(inst: ActionInstance, sink: PackedSink): void {
    const a = inst.actionIndex;
    this.draftDelivered = 0;
    if (this.effectOnDraft[a] === 1) {
      this.draftInst = inst;
      this.draftSink = sink;
      this.draftBailed = false;
      try {
        this.succEnum.forEach(this.draftRun, this.draftEmit);
        return;
      } catch (e) {
        if (e !== FALLBACK) throw asModelError(e, inst.label);
        if (this.draftBailed) this.effectOnDraft[a] = 0;
      }
    }
    const words = this.objectWords;
    let skip = this.draftDelivered;
    this.successorsOfPacked(inst, this.parentState(), this.parentDraft!.words, 0, (t, ordinal) => {
      if (skip > 0) {
        skip--;
        return;
      }
      this.codec.encode(t, words, 0);
      sink(words, t, ordinal);
    });
  }

  // successorsPacked's step on the draft, as two closures made once (no allocation per step).
  private draftInst: ActionInstance | undefined;
  private draftSink: PackedSink | undefined;
  private draftDelivered = 0;
  private draftBailed = false;
  private readonly draftRun = (ctx: ChoiceCtx): Uint32Array => {
    const d = this.succDraft!;
    const inst = this.draftInst!;
    d.load(this.parentDraft!.words, 0);
    d.begin(false);
    try {
      const j = this.pcFieldOf[inst.id]!;
      if (j >= 0) {
        // A thread step: its effect, then the pc written straight into its bit field (through the
        // draft's setter that write was one site for every kind of thread, and slow).
        const to = inst.action.effect.step!(d.root, inst.params, ctx);
        if (to < 0) throw FALLBACK;
        const { word, shift, mask, codeAt } = this.controlTable!;
        const w = d.words;
        const at = word[j]!;
        w[at] = (w[at]! & ~(mask[j]! << shift[j]!)) | (codeAt[j]![to]! << shift[j]!);
      } else if (inst.action.effect(d.root, inst.params, ctx) !== undefined) throw FALLBACK;
      d.end();
    } catch (e) {
      if (isNoOption(e)) throw e;
      this.draftBailed = e === BAIL;
      throw FALLBACK;
    }
    return d.words;
  };
  private readonly draftEmit = (words: Uint32Array, ordinal: number): void => {
    this.draftDelivered++;
    this.draftSink!(words, this.succDraft!.root, ordinal);
  };

  /**
   * The fingerprint the seen set stores for a state whose concrete packed form is `words` (already
   * validated): of its canonical representative under symmetry, else of the words themselves.
   */
  fingerprintPacked(s: unknown, words: Uint32Array, out: Uint32Array): void {
    if (this.view) {
      const { codec, project, words: vw } = this.view;
      try {
        codec.encode(project(s), vw, 0);
      } catch (e) {
        throw new ModelError(`view: ${(e as Error).message}`, e instanceof SchemaViolation ? 'schema' : 'throw', e);
      }
      codec.hash(vw, 0, out);
      return;
    }
    if (this.canon) {
      this.canon.canonical(s, this.fpScratch);
      this.codec.hash(this.fpScratch, 0, out);
    } else this.codec.hash(words, 0, out);
  }

  /** fingerprintPacked for a state given only as an object. */
  stateFingerprint(s: unknown, out: Uint32Array): void {
    this.codec.encode(s, this.fpScratch, 0);
    this.fingerprintPacked(s, this.fpScratch, out);
  }

  /** True when the spec has threads and every instance is at `done`. */
  allThreadsDone(s: any): boolean {
    if (this.threadKinds.length === 0) return false;
    for (const kind of this.threadKinds) {
      for (const rec of s[kind]) if (rec.pc !== DONE) return false;
    }
    return true;
  }
}

/**
 * An effect returned a value: a new state object is ignored (and `d => (d.x = 1)` returns 1), so
 * the author's intent is lost silently. Immer's rule, as a model error.
 */
function effectReturned(inst: ActionInstance, value: unknown): ModelError {
  const what = value !== null && typeof value === 'object' ? 'an object' : JSON.stringify(value) ?? String(value);
  return new ModelError(`${inst.label}: effects mutate the draft; return nothing (the effect returned ${what})`, 'throw');
}

/** `guard` of `inst` in `s`; a guard that throws is a model error naming the instance. */
function callGuard(guard: ActionSpec['guard'], inst: ActionInstance, s: any): boolean {
  try {
    return guard(s, inst.params);
  } catch (e) {
    throw asModelError(e, inst.label, 'guard');
  }
}

/**
 * `e`, thrown while running `where` (an init, guard or effect), as a ModelError naming it; a limit
 * of the checker reached while storing a successor is the checker's, and is returned unchanged.
 */
export function asModelError(e: unknown, where: string, part = 'effect'): ModelError | InternalLimitError {
  if (e instanceof ModelError || e instanceof InternalLimitError) return e;
  if (e instanceof SchemaViolation) return new ModelError(`${where}: ${e.message}`, 'schema', e);
  if (e instanceof NondeterminismError) return new ModelError(`${where}: ${e.message}`, 'nondeterminism', e);
  const msg = e instanceof Error ? e.message : String(e);
  return new ModelError(`${where}: ${part} threw: ${msg}`, 'throw', e);
}
