/**
 * kref (hmm-domain.md §1.1): `count ∈ 0..N` plus the `freed` flag of the object that embeds it —
 * a refcount_t (refcount.ts) in the kernel too (include/linux/kref.h).
 * get_unless_zero is one step; a put that reaches 0 returns true so that the model runs the
 * release function (often several steps, ending in `kfree`); any access to a freed object is a
 * use-after-free error naming the object.
 *
 * The kref's fields are spread into the object's record, so the object itself is the `Kref`:
 *
 * @example
 * const fields = { mirror: t.record({ ...krefFields(2), linked: t.bool() }), err: errType('UAF_MIRROR') };
 * const K = krefSteps<State>();
 * steps: [K.put('X4', (s) => s.mirror, { uaf: 'UAF_MIRROR', onZero: 'X5', otherwise: 'X1' }), ...]
 */
import type { StepDef } from '../builder';
import { t, type BoolType, type IntType } from '../types';
import type { ErrCode, ErrState, Freeable } from './errors';
import { refcountDecAndTest, refcountInc, refcountIncNotZero } from './refcount';

/** Runtime state of a refcounted object. */
export interface Kref extends Freeable {
  count: number;
}

/** Schema fields of a kref whose count never exceeds `max`, to spread into the object's record. */
export function krefFields(max: number): { count: IntType; freed: BoolType } {
  return { count: t.int(0, max), freed: t.bool() };
}

/** A live object holding `count` references. */
export function krefInit(count: number): Kref {
  return { count, freed: false };
}

/** kref_get (refcount_inc): the caller must already hold a reference; a get on zero records REF_GET_ZERO. */
export function krefGet<G extends ErrState>(d: G, k: Kref, uaf: ErrCode<G>): void {
  void refcountInc(d, k, { uaf });
}

/** kref_get_unless_zero (refcount_inc_not_zero): takes a reference and returns true unless the count is already zero. */
export function krefGetUnlessZero<G extends ErrState>(d: G, k: Kref, uaf: ErrCode<G>): boolean {
  return refcountIncNotZero(d, k, { uaf });
}

/**
 * kref_put (refcount_dec_and_test): drops a reference and returns true when it was the last one —
 * the caller then runs the release function. A put on zero records REF_UNDERFLOW and returns false.
 */
export function krefPut<G extends ErrState>(d: G, k: Kref, uaf: ErrCode<G>): boolean {
  return refcountDecAndTest(d, k, { uaf });
}

/** Step factories over a model state `G`. */
export function krefSteps<G extends ErrState>() {
  return {
    /** kref_get. */
    get<const Label extends string>(label: Label, sel: (s: G) => Kref, opts: { readonly uaf: ErrCode<G>; readonly doc?: string }): StepDef<G, unknown, Label> {
      return { label, doc: opts.doc ?? 'kref_get', effect: (d) => krefGet(d, sel(d), opts.uaf) };
    },

    /** kref_get_unless_zero: on failure go to `onFail`. */
    getUnlessZero<const Label extends string, const Fail extends string>(
      label: Label,
      sel: (s: G) => Kref,
      opts: { readonly uaf: ErrCode<G>; readonly onFail: Fail; readonly doc?: string },
    ): StepDef<G, unknown, Label | Fail> {
      return {
        label,
        doc: opts.doc ?? 'kref_get_unless_zero',
        effect: (d, th) => {
          if (!krefGetUnlessZero(d, sel(d), opts.uaf)) th.goto(opts.onFail);
        },
      };
    },

    /**
     * kref_put: when it drops the last reference go to `onZero` (the release steps), otherwise
     * to `otherwise` (default: the next step in program order).
     */
    put<const Label extends string, const Zero extends string, const Other extends string = never>(
      label: Label,
      sel: (s: G) => Kref,
      opts: { readonly uaf: ErrCode<G>; readonly onZero: Zero; readonly otherwise?: Other; readonly doc?: string },
    ): StepDef<G, unknown, Label | Zero | Other> {
      return {
        label,
        doc: opts.doc ?? 'kref_put',
        effect: (d, th) => {
          if (krefPut(d, sel(d), opts.uaf)) th.goto(opts.onZero);
          else if (opts.otherwise !== undefined) th.goto(opts.otherwise);
        },
      };
    },
  };
}
