/**
 * SpecBuilder: the typed way a model is written. State variables come from a schema, effects are
 * immer-style draft mutations, and threads (PlusCal-like labelled steps with a program counter and
 * locals) compile down to ordinary guarded actions.
 *
 * @example
 * const spec = new SpecBuilder({ small: t.int(0, 3), big: t.int(0, 5) })
 *   .init(() => ({ small: 0, big: 0 }))
 *   .action('FillSmall', {}, { effect: (d) => { d.small = 3; } })
 *   .invariant('NotSolved', (s) => s.big !== 4)
 *   .build();
 */
import type { AccessDecls, Discipline } from './access';
import { citationList, type StepSource } from './citation';
import type { ActionSpec, ChoiceCtx, NamedPredicate, Params, Spec, ThreadSpec } from './spec';
import { DONE } from './spec';
import { controlValues, MAX_CONTROL_VALUES, paramCombinations, readPath } from './controlStates';
import { SpecError } from './specError';
import { eventually, type FairnessDecl, type FairTarget, type LiveFormula } from './temporal';
import { threadDomain, withThreadSymmetry } from './threadSymmetry';
import { t, type Infer, type Key, type RecordType, type SymDomain, type Type } from './types';

type Fields = Record<string, Type>;

/** Parameter domains of an action: `{ rm: ['r1', 'r2'] }` gives instances with `p.rm ∈ {r1, r2}`. */
export type ParamDomains = Record<string, readonly Key[]>;
/** The values of one action instance: each parameter bound to one value of its domain. */
export type ParamValues<P extends ParamDomains> = { readonly [K in keyof P]: P[K][number] };

/** An action (`.action(name, params, opts)`): enabled where `guard` holds, changing the state by `effect`. */
export interface ActionOptions<S, P extends ParamDomains> {
  /** Enabled in `s` for these parameter values (default: always). */
  guard?: (s: S, p: ParamValues<P>) => boolean;
  /** Mutates the draft `d` into the successor and returns nothing; `ctx.choose` branches. */
  effect?: (d: S, p: ParamValues<P>, ctx: ChoiceCtx) => void;
  /**
   * The control state the action is at, like a process's location in Promela or a rule's
   * `P[i] = L0` in Murphi: the action is enabled only where the state's leaf (an enum or int) at
   * `field(p)` is `is`, tested before `guard`. The checker reads each such field once per state
   * and calls the guards of the instances at its value only.
   *
   * @example
   * .action('enter', { i: [0, 1] }, { at: { field: ({ i }) => ['P', i, 'pc'], is: 'NCS' }, effect: (d, { i }) => void (d.P[i]!.pc = 'wait') })
   */
  at?: { readonly field: (p: ParamValues<P>) => readonly Key[]; readonly is: Key };
  /** Prose shown beside the step in traces. */
  doc?: string;
  /** The kernel source the action follows (spec/citation.ts). */
  src?: StepSource;
}

/** What a thread step sees of its own thread. */
export interface ThreadView<L> {
  /** Instance index within the thread kind. */
  readonly self: number;
  /** Global thread id (for lock owners and the like). */
  readonly id: string;
  /** The thread's locals (a draft inside effects). */
  readonly local: L;
}

/** What a thread step's effect gets: its own thread (`self`, `id`, `local`), `choose`, and `goto`. */
export interface ThreadCtx<L, Label extends string> extends ThreadView<L>, ChoiceCtx {
  /** Continue at `label` (default: the next step in program order, or done after the last). */
  goto(label: Label | typeof DONE): void;
}

/**
 * A ThreadCtx whose fields a wrapper sets per call: the builder's and spec/kernel/compose.ts's
 * reusable contexts, made once per step and thread instead of once per call.
 *
 * @example
 * const th: MutableThreadCtx<Locals> = { self: 0, id: 'F', local: undefined as unknown as Locals, choose: (o) => o[0]!, goto: () => {} };
 * th.local = d.F[0]!; // before each call
 */
export type MutableThreadCtx<L> = { -readonly [K in keyof ThreadCtx<L, string>]: ThreadCtx<L, string>[K] };

/**
 * One labelled atomic step of a thread: enabled when the thread's pc is at `label` and `guard`
 * holds; `effect` runs and the pc moves to the next step (or where `th.goto` says).
 *
 * @example
 * { label: 'F2', doc: 'kref_get(&dev->ref)', guard: (s) => !s.dev.freed, effect: (d) => void d.dev.count++ }
 */
export interface StepDef<S, L, Label extends string> {
  /** The step's label: its pc value, and its name in traces (`Kind.Label`). */
  readonly label: Label;
  /** Enabled only where this holds (default: always); a thread waiting at a false guard blocks. */
  readonly guard?: (s: S, th: ThreadView<L>) => boolean;
  /** Mutates the draft state `d` (and `th.local`); returns nothing. */
  readonly effect?: (d: S, th: ThreadCtx<L, Label>) => void;
  /** Prose shown beside the step in traces, usually the kernel code it stands for. */
  readonly doc?: string;
  /**
   * The kernel source (file, function, lines, commit) or mail the step follows, machine-readable
   * (spec/citation.ts); `doc` keeps the prose. The trace viewer links the step to it.
   */
  readonly src?: StepSource;
  /** Locks held for the whole step that the state does not show before or after it (`hmmcheck lint`). */
  readonly holds?: readonly ((s: S) => unknown)[];
  /** Why this step may be atomic despite the granularity rule; `hmmcheck lint` prints it. */
  readonly atomic?: string;
}

/** A thread kind (`.thread(kind, opts)`): its instances, locals and steps. */
export interface ThreadOptions<S, LF extends Fields, Label extends string> {
  /**
   * Number of instances (at least 1: a kind that never runs would make every property hold
   * vacuously, so 0 is a SpecError), or their ids; an empty list of ids switches the kind off on
   * purpose (e.g. `flag ? ['Inv'] : []`). Ids default to the kind (one instance) or kind + index.
   */
  instances: number | readonly string[];
  /** Thread-local variables and their initial values. */
  locals?: LF;
  initLocals?: NoInfer<(self: number) => Infer<RecordType<LF>>>;
  /** Steps in program order. */
  steps: readonly StepDef<S, Infer<RecordType<LF>>, Label>[];
  /**
   * The instances are interchangeable (`--symmetry`): a symmetric domain named after the kind,
   * over its ids, permutes the kind's thread records together with every enum, map and set of the
   * schema that holds all of its ids (spec/threadSymmetry.ts). Sound only if no guard, effect,
   * invariant or other thread tells the instances apart (`th.self`, a particular id, per-instance
   * locals); `--symmetry` samples this and stops with a model error naming the kind if not.
   */
  symmetric?: boolean;
}

/** The state record of one thread instance. */
export type ThreadRecord<LF extends Fields, Label extends string> = Infer<RecordType<LF>> & { pc: Label | typeof DONE };

interface ThreadDecl {
  kind: string;
  ids: string[];
  labels: string[];
  recordType: RecordType<Fields>;
  initLocal: (self: number) => Record<string, unknown>;
  /** The kind's symmetric domain (`symmetric: true` with at least one instance). */
  sym?: SymDomain<string>;
}

/** Thread ids for a thread kind declared with `instances`. */
export function threadIds(kind: string, instances: number | readonly string[]): string[] {
  if (typeof instances !== 'number') return [...instances];
  if (instances === 1) return [kind];
  return Array.from({ length: instances }, (_, i) => `${kind}${i}`);
}

/**
 * Builds a `Spec` step by step: state schema, initial states, actions and threads, properties,
 * fairness; `build()` checks the declaration and returns the spec. Start one with `spec(fields)`.
 */
export class SpecBuilder<S, V = S> {
  private readonly fields: Fields;
  private initFn?: (ctx: ChoiceCtx) => unknown;
  private readonly actions: ActionSpec[] = [];
  private readonly threads: ThreadDecl[] = [];
  private readonly invariants: NamedPredicate<(s: any) => boolean>[] = [];
  private readonly actionProperties: NamedPredicate<(s: any, t: any) => boolean>[] = [];
  private readonly constraints: NamedPredicate<(s: any) => boolean>[] = [];
  private deadlock = true;
  private readonly liveProps: NamedPredicate<LiveFormula>[] = [];
  private readonly fairness: FairnessDecl[] = [];
  private viewDecl?: Spec['view'];
  private readonly accessDecls: Record<string, Discipline> = {};
  private readonly sourceTable: Record<string, StepSource> = {};

  constructor(fields: Fields) {
    this.fields = { ...fields };
  }

  /** Initial states: `fn` returns a fresh state; each `ctx.choose` path gives another one. */
  init(fn: (ctx: ChoiceCtx) => V): this {
    this.initFn = fn;
    return this;
  }

  /** A guarded action; one instance per combination of parameter values. */
  action<const P extends ParamDomains = {}>(name: string, params: P, opts: ActionOptions<S, P>): this {
    const { guard, effect, at } = opts;
    this.checkName(name);
    this.actions.push({
      name,
      params: Object.entries(params),
      ...(at ? controlled(at as ControlDecl, guard as ActionSpec['guard'] | undefined) : { guard: (guard ?? (() => true)) as ActionSpec['guard'] }),
      effect: (effect ?? (() => {})) as ActionSpec['effect'],
      doc: opts.doc,
      ...(opts.src !== undefined ? { src: citationList(opts.src) } : {}),
    });
    return this;
  }

  /**
   * A thread kind: labelled atomic steps with a program counter. Each step is enabled when the
   * thread's pc is at its label and its guard holds; the effect runs and the pc moves on.
   */
  thread<const K extends string, const LF extends Fields = {}, const Label extends string = string>(
    kind: K,
    opts: ThreadOptions<S & { [k in K]: ThreadRecord<LF, Label>[] }, LF, Label>,
  ): SpecBuilder<S & { [k in K]: ThreadRecord<LF, Label>[] }, V> {
    if (Object.hasOwn(this.fields, kind) || this.threads.some((th) => th.kind === kind)) throw new SpecError(`thread ${kind}: name already used`);
    const n = opts.instances;
    if (typeof n === 'number' ? !(Number.isInteger(n) && n >= 1) : new Set(n).size !== n.length) {
      throw new SpecError(`thread ${kind}: instances must be a positive integer count or a list of distinct ids, got ${JSON.stringify(n)} (an empty list [] switches the kind off on purpose)`);
    }
    const ids = threadIds(kind, opts.instances);
    const labels = opts.steps.map((s) => s.label as string);
    if (labels.length === 0) throw new SpecError(`thread ${kind}: no steps`);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i || l === DONE);
    if (dup) throw new SpecError(`thread ${kind}: step label ${dup} is repeated or reserved`);
    const recordType = t.record({ pc: t.enum(...labels, DONE), ...(opts.locals ?? {}) });
    const initLocal = (opts.initLocals ?? (() => ({}))) as (self: number) => Record<string, unknown>;
    const sym = opts.symmetric ? threadDomain(kind, ids) : undefined;
    this.threads.push({ kind, ids, labels, recordType, initLocal, ...(sym ? { sym } : {}) });
    const selfDomain = ids.map((_, i) => i);
    opts.steps.forEach((step, i) => {
      const label = step.label as string;
      const next = i + 1 < labels.length ? labels[i + 1]! : DONE;
      const userGuard = step.guard as ((s: any, th: ThreadView<any>) => boolean) | undefined;
      const userEffect = step.effect as ((d: any, th: ThreadCtx<any, string>) => void) | undefined;
      // One context per thread instance, reused by every guard and effect call (the hot path
      // allocates nothing): `local` is set per call, `choose` and `goto` act on the effect under way.
      let choices: ChoiceCtx | undefined;
      // Where the pc goes: the label, and its index in `labels` (labels.length for done).
      let target: string = next;
      let targetAt = i + 1;
      const ctxs = ids.map((id, self): MutableThreadCtx<any> => ({
        self,
        id,
        local: undefined as any,
        choose: (o) => choices!.choose(o),
        goto: (l: string) => {
          const at = l === DONE ? labels.length : labels.indexOf(l);
          if (at < 0) throw new Error(`${kind}.${label}: goto unknown label ${l}`);
          target = l;
          targetAt = at;
        },
      }));
      // The user's effect; its return value is passed on (the checker reports a value as a model error).
      const run = (d: any, self: number, ctx: ChoiceCtx): unknown => {
        target = next;
        targetAt = i + 1;
        if (!userEffect) return undefined;
        const th = ctxs[self]!;
        th.local = d[kind][self];
        choices = ctx;
        return userEffect(d, th);
      };
      // The step's guard where its pc is known to be at its label.
      const atControl = userGuard
        ? (s: any, p: Params) => {
            const self = p.self as number;
            const th = ctxs[self]!;
            th.local = s[kind][self];
            return userGuard(s, th);
          }
        : null;
      this.actions.push({
        name: `${kind}.${label}`,
        params: [['self', selfDomain]],
        thread: { kind, label, ids },
        control: { path: (p) => [kind, p.self!, 'pc'], is: label },
        doc: step.doc,
        ...(step.src !== undefined ? { src: citationList(step.src) } : {}),
        ...(step.holds || step.atomic !== undefined
          ? { atomicity: { ...(step.holds ? { holds: step.holds as readonly ((s: any) => unknown)[] } : {}), ...(step.atomic !== undefined ? { atomic: step.atomic } : {}) } }
          : {}),
        guard: Object.assign((s: any, p: Params) => s[kind][p.self as number].pc === label && (atControl === null || atControl(s, p)), { atControl }),
        effect: Object.assign(
          (d: any, p: Params, ctx: ChoiceCtx) => {
            const self = p.self as number;
            const returned = run(d, self, ctx);
            d[kind][self].pc = target;
            return returned as void;
          },
          { step: (d: any, p: Params, ctx: ChoiceCtx) => (run(d, p.self as number, ctx) === undefined ? targetAt : -1) },
        ),
      });
    });
    return this as any;
  }

  /** A state predicate that must hold in every reachable state. */
  invariant(name: string, check: (s: S) => boolean, doc?: string): this {
    this.invariants.push({ name, check, doc });
    return this;
  }

  /** A predicate over every step s → t. */
  actionProperty(name: string, check: (s: S, t: S) => boolean, doc?: string): this {
    this.actionProperties.push({ name, check, doc });
    return this;
  }

  /** TLC CONSTRAINT: states failing it are counted and checked but not stored nor expanded. */
  constraint(name: string, check: (s: S) => boolean, doc?: string): this {
    this.constraints.push({ name, check, doc });
    return this;
  }

  /** A temporal property (see spec/temporal.ts), checked under the declared fairness. */
  liveness(name: string, formula: LiveFormula, doc?: string): this {
    this.liveProps.push({ name, check: formula, doc });
    return this;
  }

  /** "Every thread eventually reaches done": `<>(all threads done)`. */
  terminates(name = 'Termination', doc?: string): this {
    const threads = this.threads;
    return this.liveness(name, eventually((s: any) => threads.every((th) => s[th.kind].every((r: { pc: string }) => r.pc === DONE))), doc);
  }

  /**
   * A fairness assumption: weak (WF) or strong (SF) fairness of an action, of threads, or of
   * threads bound to a CPU, observed only while the CPU is free (`cpuFair` in spec/kernel/cpu.ts).
   */
  fair(kind: 'weak' | 'strong', target: FairTarget): this {
    this.fairness.push({ kind, target });
    return this;
  }

  /**
   * TLC VIEW: fingerprint states by `project(s)` (of schema `fields`) when a run asks for it
   * (`--view`), e.g. to drop ghost or history variables. States with the same view count as one,
   * so a view is an abstraction: it can hide bugs.
   */
  view<const F extends Fields>(fields: F, project: (s: S) => Infer<RecordType<F>>, doc?: string): this {
    this.viewDecl = { schema: t.record(fields), project: project as (s: any) => unknown, doc };
    return this;
  }

  /**
   * How shared fields are accessed, for `hmmcheck lint` (spec/access.ts): paths to `'lockless'`,
   * `'atomic'` or `{ guardedBy: lock }`. Repeatable; later declarations of a path win.
   */
  access(decls: AccessDecls): this {
    Object.assign(this.accessDecls, decls);
    return this;
  }

  /**
   * Citations by step label (spec/citation.ts), for every thread step without its own `src`: one
   * table for a model whose steps come from shared helpers or primitives. A key `Kind.Label` cites
   * that thread kind's step only and wins over `Label`. Repeatable.
   *
   * @example
   * spec(fields).sources({ V1: kernelSource('v5.8')('mm/mmu_notifier.c', '__mmu_notifier_invalidate_range_start') })
   */
  sources(byLabel: Readonly<Record<string, StepSource>>): this {
    Object.assign(this.sourceTable, byLabel);
    return this;
  }

  /** Switch deadlock detection (on by default). */
  checkDeadlock(on: boolean): this {
    this.deadlock = on;
    return this;
  }

  /** Checks the declarations (a SpecError names the first mistake) and returns the spec to check. */
  build(): Spec {
    if (!this.initFn) throw new SpecError('spec has no init');
    const initFn = this.initFn;
    const threads = this.threads;
    const schemaFields: Fields = { ...this.fields };
    for (const th of threads) {
      const arr = t.array(th.recordType, th.ids.length);
      schemaFields[th.kind] = th.sym ? { ...arr, sym: th.sym } : arr;
    }
    const threadSpecs: ThreadSpec[] = threads.map(({ kind, ids, labels }) => ({ kind, ids, labels }));
    const symDomains = threads.flatMap((th) => (th.sym ? [th.sym] : []));
    const schema = withThreadSymmetry(t.record(schemaFields), symDomains);
    return {
      schema,
      init: (ctx) => {
        const s = initFn(ctx) as Record<string, unknown>;
        for (const th of threads) {
          s[th.kind] = th.ids.map((_, i) => ({ pc: th.labels[0], ...th.initLocal(i) }));
        }
        return s;
      },
      actions: this.actions.map((a) => {
        if (a.control && !a.thread) checkControl(a, schema);
        if (!a.thread || a.src) return a;
        const key = [a.name, a.thread.label].find((k) => Object.hasOwn(this.sourceTable, k));
        return key ? { ...a, src: citationList(this.sourceTable[key]) } : a;
      }),
      threads: threadSpecs,
      invariants: [...this.invariants],
      actionProperties: [...this.actionProperties],
      constraints: [...this.constraints],
      checkDeadlock: this.deadlock,
      liveness: [...this.liveProps],
      fairness: [...this.fairness],
      ...(this.viewDecl ? { view: this.viewDecl } : {}),
      ...(Object.keys(this.accessDecls).length ? { access: { ...this.accessDecls } } : {}),
    };
  }

  private checkName(name: string): void {
    if (this.actions.some((a) => a.name === name)) throw new SpecError(`action ${name} declared twice`);
  }
}

type ControlDecl = { readonly field: (p: Params) => readonly Key[]; readonly is: Key };

/**
 * An action's control state and its guard: the guard tests the field first (each instance's path
 * made once, on its first call with that params object), and carries the user's guard as `atControl`.
 */
function controlled(at: ControlDecl, user: ActionSpec['guard'] | undefined): Pick<ActionSpec, 'guard' | 'control'> {
  const paths = new WeakMap<Params, readonly Key[]>();
  const pathOf = (p: Params): readonly Key[] => {
    let path = paths.get(p);
    if (path === undefined) paths.set(p, (path = at.field(p)));
    return path;
  };
  const is = at.is;
  return {
    control: { path: at.field, is },
    guard: Object.assign((s: any, p: Params) => readPath(s, pathOf(p)) === is && (user === undefined || user(s, p)), { atControl: user ?? null }),
  };
}

/** A SpecError unless every instance's control field is an enum or int leaf of `schema` that can hold its value. */
function checkControl(a: ActionSpec, schema: Type): void {
  for (const p of paramCombinations(a)) {
    const path = a.control!.path(p);
    const where = `action ${a.name}${a.params.length ? ` ${JSON.stringify(p)}` : ''}: at ${JSON.stringify(path)}`;
    if (!Array.isArray(path)) throw new SpecError(`${where}: at.field must return the field's keys from the root, e.g. ['P', i, 'pc']`);
    const values = controlValues(schema, path);
    if (!values) throw new SpecError(`${where} is not an enum or int field of the state (of at most ${MAX_CONTROL_VALUES.toLocaleString('en-US')} values)`);
    if (!values.includes(a.control!.is)) throw new SpecError(`${where} cannot be ${JSON.stringify(a.control!.is)} (its values: ${values.map((v) => JSON.stringify(v)).join(', ')})`);
  }
}

/** Convenience: start a spec from a schema's fields. */
export function spec<const F extends Fields>(fields: F): SpecBuilder<Infer<RecordType<F>>, Infer<RecordType<F>>> {
  return new SpecBuilder(fields);
}

export type { Params };
