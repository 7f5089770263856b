/**
 * The model error-state convention (hmm-domain.md §3 "General conventions" and §1.1 "any access
 * to a freed object is an error state"): a state field `err` names the first error a step
 * committed (`UAF_DEV`, `UNLOCK_NOT_HELD`, …); the step is the last one of the trace.
 *
 * A step that would crash the kernel does not throw: it records the error with `raise` (or
 * `touch`/`kfree` for memory), the successor is a normal state, and the model's invariants (one
 * per error class, built with `forbid`) report it. Throwing is reserved for modelling mistakes
 * (a guard forgot a precondition), which the checker reports as model errors.
 *
 * @example
 * const fields = { err: errType('UAF_DEV'), dev: t.record({ ...freeableFields() }) };
 * // in an effect:  if (touch(d, d.dev, 'UAF_DEV')) { ... }   // false (and err set) if freed
 * // invariants:    .invariant('INV-UAF-D', forbid('UAF_DEV')).invariant('INV-NOERR', noError)
 */
import { t, type EnumType, type OptionalType } from '../types';

/** Error codes the primitives of spec/kernel raise themselves; `errType` always includes them. */
export const PRIMITIVE_ERRORS = [
  /** Unlock of a mutex / rwsem / SRCU read section the thread does not hold (class LOCKSTATE). */
  'UNLOCK_NOT_HELD',
  /** kref_put on a zero count (refcount underflow, class REF). */
  'REF_UNDERFLOW',
  /** kref_get on a zero count (refcount_t "addition on 0; use-after-free", class REF). */
  'REF_GET_ZERO',
  /** A decrement that must not reach 0 did (refcount_dec "decrement hit 0; leaking memory", BUG_ON(dec_and_test)). */
  'REF_HIT_ZERO',
  /** rcu_dereference outside an RCU read-side section (lockdep: "suspicious rcu_dereference_check() usage"). */
  'RCU_UNLOCKED_DEREF',
  /** An RCU-protected object freed while a reader that dereferenced it is still inside its read section. */
  'RCU_FREE_IN_GP',
  /** An operation that requires a lock the thread does not hold (lockdep_assert_held, VM_BUG_ON_FOLIO(!folio_test_locked)). */
  'LOCK_NOT_HELD',
  /** A page table lost: pmd_populate over a populated entry, or a table freed while it still has entries. */
  'PT_LEAK',
  /** A struct page dereferenced for a pfn that has none (VRAM, iomem: vm_normal_page would have said NULL). */
  'NO_STRUCT_PAGE',
  /** folio_putback_lru / folio_add_lru of a folio already on an LRU list or batch (VM_BUG_ON_FOLIO(folio_test_lru)). */
  'LRU_STATE',
  /** Sleeping (schedule, cond_resched, flush_work, mutex_lock) in atomic context (might_sleep: "BUG: sleeping function called from invalid context"). */
  'SLEEP_IN_ATOMIC',
  /** preempt_enable / local_irq_restore / spin_unlock without the matching disable (preempt count underflow, unbalanced IRQ state). */
  'PREEMPT_IMBALANCE',
  /** A TLB flush (an IPI to other CPUs) started with IRQs disabled (VM_WARN_ON(irqs_disabled()) in flush_tlb_mm_range: it can deadlock). */
  'FLUSH_IRQS_OFF',
] as const;
/** An error code the primitives raise themselves (one of `PRIMITIVE_ERRORS`). */
export type PrimitiveError = (typeof PRIMITIVE_ERRORS)[number];

/**
 * The schema type of the `err` field: null (no error) or one of the model's codes plus
 * the primitives' codes.
 */
export function errType<const E extends string>(...codes: E[]): OptionalType<EnumType<E | PrimitiveError>> {
  const all = [...new Set<E | PrimitiveError>([...PRIMITIVE_ERRORS, ...codes])];
  return t.optional(t.enum(...all));
}

/** The part of a model state the error helpers need. */
export interface ErrState {
  err: string | null;
}

/** The error codes of a model state type `G` (its `err` field without null). */
export type ErrCode<G> = G extends { err: infer E } ? Exclude<E, null> & string : never;

/** Records `code` unless an earlier step of this path already recorded an error (the first one wins). */
export function raise<G extends ErrState>(d: G, code: ErrCode<G> | PrimitiveError): void {
  if (d.err === null) (d as ErrState).err = code;
}

/** An object with a lifetime: `freed` is set by `kfree` and never cleared. */
export interface Freeable {
  freed: boolean;
}

/** Schema fields of a freeable object, to spread into its record type. */
export function freeableFields() {
  return { freed: t.bool() };
}

/**
 * An access to `obj`: if it is freed, records the use-after-free `code` (which names the object)
 * and returns false; otherwise returns true. Effects should skip the rest of the access on false.
 */
export function touch<G extends ErrState>(d: G, obj: Freeable, code: ErrCode<G>): boolean {
  if (!obj.freed) return true;
  raise(d, code);
  return false;
}

/** kfree(obj): a double free is an access to freed memory, so it records `code` too. */
export function kfree<G extends ErrState>(d: G, obj: Freeable, code: ErrCode<G>): void {
  if (touch(d, obj, code)) obj.freed = true;
}

/** An invariant: none of `codes` has been recorded. Use one per error class (INV-UAF-D, …). */
export function forbid(...codes: readonly string[]): (s: ErrState) => boolean {
  if (codes.length === 0) throw new Error('forbid(): name at least one error code');
  return (s) => s.err === null || !codes.includes(s.err);
}

/** The catch-all invariant `err = none` (declare it after the per-class ones so they name the error). */
export function noError(s: ErrState): boolean {
  return s.err === null;
}
