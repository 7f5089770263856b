/**
 * The shared kernel primitive library (hmm-domain.md §1.1): one module per primitive, each with a
 * schema-type constructor, pure helpers over the state, and step factories for thread step lists.
 * Later primitives (page refcounts, PTEs, TLBs) follow the same pattern.
 */
export * from './cpu';
export * from './errors';
export * from './folio';
export * from './gracePeriod';
export * from './kref';
export * from './lockdep';
export * from './mutex';
export * from './pageTable';
export * from './rcu';
export * from './refcount';
export * from './rwsem';
export * from './seqcount';
export * from './spinlock';
export * from './srcu';
export * from './tlb';
export * from './workqueue';
