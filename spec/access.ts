/**
 * How shared state is accessed, declared by the model for `hmmcheck lint` (the granularity rule of
 * hmm-domain.md §4): each shared field says whether it is guarded by a lock, read and written
 * lock-free, or atomic; each thread step may name the locks it holds beyond those the state
 * records, and may justify being atomic for another reason.
 *
 * @example
 * spec(fields)
 *   .access({ 'subs.seq': 'lockless', 'subs.active': { guardedBy: 'subs.lock' }, 'pte[*]': { guardedBy: 'ptl', lockfreeReads: true } })
 *   .thread('F', { instances: 1, steps: [{ label: 'F1', atomic: 'the device reads both under its own page-table lock', effect: ... }] })
 */

/**
 * A field's access discipline:
 * - `'lockless'`: READ_ONCE / WRITE_ONCE; every step touching it makes one lock-free access;
 * - `'atomic'`: an atomic_t / refcount / bit op; one access per step, a read-modify-write included;
 * - `{ guardedBy }`: every access holds that lock (any of a list); for a write, exclusively (a
 *   mutex, spinlock, rwsem for write). `*` in the lock path stands for the same key the field's
 *   path matched (`'page[*].val': { guardedBy: 'page[*].lock' }`). With `lockfreeReads`, readers
 *   may skip the lock (GUP-fast, READ_ONCE of a sequence): a write under the lock is then still
 *   one lock-free access, since those readers can observe it;
 * - `'ghost'`: model bookkeeping, not kernel memory (a history variable, a counter only invariants
 *   read); its accesses are not counted. The error-state convention's fields (spec/kernel/errors.ts:
 *   the top-level `err` and every Freeable's `freed`, read by each access to the object) are ghost
 *   unless declared otherwise.
 */
export type Discipline = 'lockless' | 'atomic' | 'ghost' | { readonly guardedBy: string | readonly string[]; readonly lockfreeReads?: boolean };

/**
 * Field paths (viewer style: `a.b`, `m[k]`, `arr[i]`, a thread record by id: `Exit.flag`) to their
 * discipline. A declaration covers the path and everything below it; the longest match wins; `*`
 * matches any one key or index.
 */
export type AccessDecls = Readonly<Record<string, Discipline>>;

/** What a thread step tells `hmmcheck lint` about itself. */
export interface StepAtomicity {
  /**
   * Selectors of locks held for the whole step although the state does not show them before or
   * after it (a `⟨lock; body; unlock⟩` step sets this; see mutexSteps().critical).
   */
  readonly holds?: readonly ((s: any) => unknown)[];
  /** Why the step may be atomic despite the rule: lint prints it instead of a finding. */
  readonly atomic?: string;
}

/** A schema type marked as one machine word (see `wordType`). */
export type WordMarked<T> = T & { readonly word: true };

/**
 * Marks a record type as one memory word of the kernel: a `pte_t` / `pmd_t` is read with one
 * READ_ONCE and written with one set_pte_at / set_pmd_at, so `hmmcheck lint` counts an access to
 * the whole record (any of its fields) as one access, not one per field.
 *
 * @example
 * const entry = wordType(t.record({ kind: t.enum('none', 'leaf'), pfn: t.optional(t.enum('P0')), special: t.bool() }));
 */
export function wordType<T extends object>(type: T): WordMarked<T> {
  return { ...type, word: true };
}

/** Whether a schema type is marked as one machine word. */
export function isWord(type: object): boolean {
  return (type as { word?: boolean }).word === true;
}
