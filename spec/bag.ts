/**
 * A multiset compared by value (TLA+'s Bags module): the state value of `t.bag(type, maxCount)`,
 * e.g. a network that may hold several copies of one message.
 */
import { immerable } from 'immer';
import { valueKey, type Keyed } from './valueKey';

/**
 * A finite multiset: each element (compared by value) has a number of copies. Iteration gives each
 * distinct element once (`BagToSet`); `count(x)` is `CopiesIn(x, B)`; `size` is `BagCardinality`.
 *
 * @example
 * const net = new Bag<{ to: string }>();
 * net.add({ to: 'p1' }).add({ to: 'p1' });   // two copies
 * net.count({ to: 'p1' });                   // 2
 * net.remove({ to: 'p1' });                  // one copy left
 */
export class Bag<T> implements Iterable<T>, Keyed {
  static readonly [immerable] = true;
  /** @internal Elements by canonical key. */
  items = new Map<string, T>();
  /** @internal Copies by canonical key (always ≥ 1). */
  counts = new Map<string, number>();
  /** @internal Total copies. */
  total = 0;

  constructor(items?: Iterable<T>) {
    if (items) for (const x of items) this.add(x);
  }

  /** The bag of the given elements, one copy per argument. */
  static of<T>(...items: T[]): Bag<T> {
    return new Bag(items);
  }

  /** Number of copies of all elements (`BagCardinality`). */
  get size(): number {
    return this.total;
  }

  /** Adds `copies` copies of `x` (`B (+) SetToBag({x})`). */
  add(x: T, copies = 1): this {
    this.addKeyed(valueKey(x), x, copies);
    return this;
  }

  /** @internal Adds copies of `x` under its precomputed canonical key. */
  addKeyed(key: string, x: T, copies: number): void {
    if (!Number.isInteger(copies) || copies < 0) throw new RangeError(`Bag.add: ${copies} copies`);
    if (copies === 0) return;
    const c = this.counts.get(key);
    if (c === undefined) this.items.set(key, x);
    this.counts.set(key, (c ?? 0) + copies);
    this.total += copies;
  }

  /** Removes one copy of `x` (`B (-) SetToBag({x})`); false if there was none. */
  remove(x: T): boolean {
    const k = valueKey(x);
    const c = this.counts.get(k);
    if (c === undefined) return false;
    if (c === 1) {
      this.counts.delete(k);
      this.items.delete(k);
    } else this.counts.set(k, c - 1);
    this.total--;
    return true;
  }

  /** Copies of `x` in the bag (`CopiesIn(x, B)`), 0 when absent. */
  count(x: T): number {
    return this.counts.get(valueKey(x)) ?? 0;
  }

  /** Whether `x` has a copy (`x \in DOMAIN B`). */
  has(x: T): boolean {
    return this.counts.has(valueKey(x));
  }

  /** Each distinct element once. */
  values(): IterableIterator<T> {
    return this.items.values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.items.values();
  }

  /** Each distinct element with its number of copies. */
  *entries(): IterableIterator<[T, number]> {
    for (const [k, x] of this.items) yield [x, this.counts.get(k)!];
  }

  valueKey(): string {
    return `{|${[...this.counts.keys()].sort().map((k) => `${k}:${this.counts.get(k)}`).join(',')}|}`;
  }
}
