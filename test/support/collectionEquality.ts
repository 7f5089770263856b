/**
 * A vitest equality tester for ValueSet and Bag: equal when they hold the same elements (and
 * copies), in any order — `toEqual` would otherwise compare them as ordered iterables.
 */
import { expect } from 'vitest';
import { Bag } from '../../spec/bag';
import { ValueSet } from '../../spec/valueSet';

function collectionsEqual(a: unknown, b: unknown): boolean | undefined {
  const isCol = (x: unknown) => x instanceof ValueSet || x instanceof Bag;
  if (!isCol(a) && !isCol(b)) return undefined;
  return isCol(a) && isCol(b) && a!.constructor === b!.constructor && (a as ValueSet<unknown>).valueKey() === (b as ValueSet<unknown>).valueKey();
}

/** Registers the tester (call once at the top of a test file). */
export function compareCollectionsByValue(): void {
  expect.addEqualityTesters([collectionsEqual]);
}
