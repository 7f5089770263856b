/**
 * The shared kernel primitive library (hmm-domain.md §1.1): one module per primitive, each with a
 * schema-type constructor, pure helpers over the state, and step factories for thread step lists.
 * Later primitives (page refcounts, PTEs, TLBs) follow the same pattern.
 */
export * from './errors';
export * from './kref';
export * from './mutex';
export * from './rwsem';
export * from './srcu';
