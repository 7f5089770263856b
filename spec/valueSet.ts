/**
 * A set compared by value (TLA+'s sets of records, tuples, ...): the state value of `t.set(type)`
 * for a composite element type. It has a JS Set's API, so a set of records is used as a set of
 * strings is: `d.msgs.add({ type: 'Prepare', src: r, bal: b })`, `s.msgs.has(m)`, `for (const m of s.msgs)`.
 */
import { immerable } from 'immer';
import { valueKey, type Keyed } from './valueKey';

/**
 * A finite set whose elements are equal when their values are (records field by field), not when
 * they are the same object. Elements are values: build a new record instead of mutating one in the
 * set (the checker shares and freezes the elements it decodes).
 *
 * @example
 * const msgs = new ValueSet([{ type: 'Prepare', bal: 1 }]);
 * msgs.add({ bal: 1, type: 'Prepare' });   // already there: size stays 1
 * msgs.has({ type: 'Prepare', bal: 1 });   // true
 */
export class ValueSet<T> implements Iterable<T>, Keyed {
  // Drafted by immer like a plain object (the immer effect path copies it on write). Static, so
  // that an instance revived after a structured clone (checker/state/revive.ts) is draftable too.
  static readonly [immerable] = true;
  /** @internal Elements by canonical key. */
  items = new Map<string, T>();

  constructor(items?: Iterable<T>) {
    if (items) for (const x of items) this.add(x);
  }

  /** The set of the given elements. */
  static of<T>(...items: T[]): ValueSet<T> {
    return new ValueSet(items);
  }

  get size(): number {
    return this.items.size;
  }

  /** Adds `x` unless an equal value is already in (as Set.add). */
  add(x: T): this {
    const k = valueKey(x);
    if (!this.items.has(k)) this.items.set(k, x);
    return this;
  }

  /** @internal Adds `x` under its precomputed canonical key (the decoder: keys are distinct). */
  addKeyed(key: string, x: T): void {
    this.items.set(key, x);
  }

  /** Whether a value equal to `x` is in the set. */
  has(x: T): boolean {
    return this.items.has(valueKey(x));
  }

  /** Removes the value equal to `x`; true if there was one. */
  delete(x: T): boolean {
    return this.items.delete(valueKey(x));
  }

  /** Removes every element. */
  clear(): void {
    this.items.clear();
  }

  /** The elements (as Set.values). */
  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** The elements again (a Set's keys are its values). */
  keys(): IterableIterator<T> {
    return this.items.values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.items.values();
  }

  /** Calls `f` for each element (as Set.forEach). */
  forEach(f: (x: T, again: T, set: this) => void): void {
    for (const x of this.items.values()) f(x, x, this);
  }

  valueKey(): string {
    return `{${[...this.items.keys()].sort().join(',')}}`;
  }
}
