/**
 * refcount_t and atomic counters over any numeric field of a state record (hmm-domain.md §1.1
 * "kref", §1.12 "atomic_inc_not_zero … BUG if it reaches 0"): one function per kernel operation,
 * each one atomic read-modify-write (one step), with the refcount_t checks recorded through the
 * error bookkeeping of errors.ts instead of the kernel's WARN-and-saturate:
 *
 * | operation | kernel (include/linux/refcount.h) | misuse recorded |
 * |---|---|---|
 * | `refcountInc` | refcount_inc / __refcount_add | on 0: REF_GET_ZERO (REFCOUNT_ADD_UAF "addition on 0; use-after-free") |
 * | `refcountIncNotZero` | refcount_inc_not_zero / __refcount_add_not_zero | none: false on 0 |
 * | `refcountDec` | refcount_dec / __refcount_dec | reaching 0: REF_HIT_ZERO (REFCOUNT_DEC_LEAK "decrement hit 0; leaking memory"); on 0: REF_UNDERFLOW |
 * | `refcountDecAndTest`, `refcountSubAndTest` | refcount_dec_and_test / __refcount_sub_and_test | below 0: REF_UNDERFLOW (REFCOUNT_SUB_UAF "underflow; use-after-free") |
 * | `atomicInc`, `atomicDecAndTest`, `atomicIncNotZero` | atomic_inc, atomic_dec_and_test, atomic_inc_not_zero | atomic_t has no checks; only leaving the schema (below 0) is REF_UNDERFLOW |
 *
 * Read from torvalds/linux include/linux/refcount.h at 00247cbf173a9e1e2304db8e3f9172d36366b255.
 * The count saturates in the kernel; here the operation that would saturate leaves the count
 * unchanged and records the error (the first error ends the trace anyway). Every operation first
 * touches the object when the options name its use-after-free code (`uaf`) and it is Freeable.
 * Counting past the field's schema bound is a model error (raise the bound).
 *
 * @example
 * const fields = { dir: t.record({ count: t.int(0, 3), ...freeableFields() }), err: errType('UAF_DIR') };
 * // R2 (hmm_pt walker): if (!refcountIncNotZero(d, d.dir, { uaf: 'UAF_DIR' })) th.goto('R_ABSENT');
 * // U1: if (refcountDecAndTest(d, d.dir, { uaf: 'UAF_DIR' })) th.goto('U2');
 */
import type { StepDef } from '../builder';
import { raise, touch, type ErrCode, type ErrState, type Freeable } from './errors';

/** A record holding the counter in field `K` (`count` unless said otherwise), maybe Freeable. */
export type Counted<K extends string = 'count'> = { [k in K]: number } & Partial<Freeable>;

/** Where the counter is and what an access to a freed holder is called. */
export interface RefOpts<G, K extends string = 'count'> {
  /** The counter's field (default `count`). */
  readonly field?: K;
  /** Use-after-free code of the holder: with it, every operation first `touch`es the holder. */
  readonly uaf?: ErrCode<G>;
}

function field<K extends string>(opts: { readonly field?: K } | undefined): K {
  return (opts?.field ?? 'count') as K;
}

/** The access check of `opts`: false (and the UAF recorded) if the holder is freed. */
function access<G extends ErrState, K extends string>(d: G, obj: Counted<NoInfer<K>>, opts: RefOpts<G, K> | undefined): boolean {
  if (opts?.uaf === undefined || obj.freed === undefined) return true;
  return touch(d, obj as Freeable, opts.uaf);
}

/** refcount_read / atomic_read. */
export function refcountRead<K extends string = 'count'>(obj: Counted<NoInfer<K>>, opts?: { readonly field?: K }): number {
  return obj[field(opts)];
}

/**
 * refcount_inc: the caller must already hold a reference; an increment from 0 records
 * REF_GET_ZERO. Returns whether the reference was taken (false after an error).
 */
export function refcountInc<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, opts?: RefOpts<G, K>): boolean {
  return refcountAdd(d, obj, 1, opts);
}

/** refcount_add(n): as refcount_inc, by `n`. */
export function refcountAdd<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, n: number, opts?: RefOpts<G, K>): boolean {
  if (!access(d, obj, opts)) return false;
  const f = field(opts);
  if (obj[f] === 0) {
    raise(d, 'REF_GET_ZERO');
    return false;
  }
  (obj as Record<string, number>)[f] += n;
  return true;
}

/** refcount_inc_not_zero: takes a reference and returns true unless the count is 0. */
export function refcountIncNotZero<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, opts?: RefOpts<G, K>): boolean {
  if (!access(d, obj, opts)) return false;
  const f = field(opts);
  if (obj[f] === 0) return false;
  (obj as Record<string, number>)[f]++;
  return true;
}

/**
 * refcount_sub_and_test(n): subtracts `n` and returns true when the count reached 0 (the caller
 * then releases the object). Going below 0 records REF_UNDERFLOW and returns false (the kernel
 * warns and leaks; the count is left unchanged).
 */
export function refcountSubAndTest<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, n: number, opts?: RefOpts<G, K>): boolean {
  if (!access(d, obj, opts)) return false;
  const f = field(opts);
  if (obj[f] < n) {
    raise(d, 'REF_UNDERFLOW');
    return false;
  }
  (obj as Record<string, number>)[f] -= n;
  return obj[f] === 0;
}

/** refcount_dec_and_test: drops a reference; true when it was the last one. */
export function refcountDecAndTest<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, opts?: RefOpts<G, K>): boolean {
  return refcountSubAndTest(d, obj, 1, opts);
}

/**
 * refcount_dec: drops a reference that must not be the last one. Reaching 0 records REF_HIT_ZERO
 * (the object can never be released: a leak); on 0 it records REF_UNDERFLOW.
 */
export function refcountDec<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, opts?: RefOpts<G, K>): void {
  if (refcountDecAndTest(d, obj, opts)) raise(d, 'REF_HIT_ZERO');
}

/** atomic_inc: no check (an atomic_t may legitimately go 0 → 1). */
export function atomicInc<G extends ErrState, K extends string = 'count'>(d: G, obj: Counted<NoInfer<K>>, opts?: RefOpts<G, K>): void {
  if (access(d, obj, opts)) (obj as Record<string, number>)[field(opts)]++;
}

/** atomic_inc_not_zero: the same operation as refcount_inc_not_zero. */
export const atomicIncNotZero = refcountIncNotZero;

/** atomic_dec_and_test: as refcount_dec_and_test (below 0 cannot be represented: REF_UNDERFLOW). */
export const atomicDecAndTest = refcountDecAndTest;

/** Step factories over a model state `G`; each step is one atomic operation. */
export function refcountSteps<G extends ErrState>() {
  return {
    /** refcount_inc. */
    inc<const Label extends string, K extends string = 'count'>(label: Label, sel: (s: G) => Counted<NoInfer<K>>, opts?: RefOpts<G, K> & { readonly doc?: string }): StepDef<G, unknown, Label> {
      return { label, doc: opts?.doc ?? 'refcount_inc', effect: (d) => void refcountInc(d, sel(d), opts) };
    },

    /** refcount_inc_not_zero: on failure go to `onFail`. */
    incNotZero<const Label extends string, const Fail extends string, K extends string = 'count'>(
      label: Label,
      sel: (s: G) => Counted<NoInfer<K>>,
      opts: RefOpts<G, K> & { readonly onFail: Fail; readonly doc?: string },
    ): StepDef<G, unknown, Label | Fail> {
      return {
        label,
        doc: opts.doc ?? 'refcount_inc_not_zero',
        effect: (d, th) => {
          if (!refcountIncNotZero(d, sel(d), opts)) th.goto(opts.onFail);
        },
      };
    },

    /** refcount_dec (must not drop the last reference). */
    dec<const Label extends string, K extends string = 'count'>(label: Label, sel: (s: G) => Counted<NoInfer<K>>, opts?: RefOpts<G, K> & { readonly doc?: string }): StepDef<G, unknown, Label> {
      return { label, doc: opts?.doc ?? 'refcount_dec', effect: (d) => refcountDec(d, sel(d), opts) };
    },

    /**
     * refcount_dec_and_test: when it drops the last reference go to `onZero` (the release steps),
     * otherwise to `otherwise` (default: the next step in program order).
     */
    decAndTest<const Label extends string, const Zero extends string, const Other extends string = never, K extends string = 'count'>(
      label: Label,
      sel: (s: G) => Counted<NoInfer<K>>,
      opts: RefOpts<G, K> & { readonly onZero: Zero; readonly otherwise?: Other; readonly doc?: string },
    ): StepDef<G, unknown, Label | Zero | Other> {
      return {
        label,
        doc: opts.doc ?? 'refcount_dec_and_test',
        effect: (d, th) => {
          if (refcountDecAndTest(d, sel(d), opts)) th.goto(opts.onZero);
          else if (opts.otherwise !== undefined) th.goto(opts.otherwise);
        },
      };
    },
  };
}
