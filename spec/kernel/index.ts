/**
 * The shared kernel primitive library (hmm-domain.md §1.1): one module per primitive, each with a
 * schema-type constructor, pure helpers over the state, and step factories for thread step lists.
 * The step combinators (steps.ts, compose.ts) extend and inline step lists. docs/kernel-primitives.md
 * describes every module, the kernel functions it follows, and an example.
 */
export * from './compose';
export * from './cpu';
export * from './errors';
export * from './folio';
export * from './gracePeriod';
export * from './kref';
export * from './lockdep';
export * from './mutex';
export * from './page';
export * from './pageTable';
export * from './pte';
export * from './rcu';
export * from './refcount';
export * from './rwsem';
export * from './seqcount';
export * from './spinlock';
export * from './srcu';
export * from './steps';
export * from './tlb';
export * from './workqueue';
