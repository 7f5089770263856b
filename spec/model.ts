/**
 * A model: a named family of specs, parameterised by constants (overridable from the CLI) and by
 * variants (the current kernel design, `fixed`, and one variant per historical bug).
 */
import type { Spec } from './spec';

/** The value of a model constant. */
export type ConstValue = number | string | boolean;

/** A model constant: its kind and range, default and meaning (made with `constant.int` / `.enum` / `.bool`). */
export type ConstantDef =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly default: number; readonly doc?: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly default: string; readonly doc?: string }
  | { readonly kind: 'bool'; readonly default: boolean; readonly doc?: string };

/**
 * What the checker must report for a variant (used by tests and the suite table), at the model's
 * default constants overridden by `at`: the bound the variant is checked at, e.g. the smallest one
 * that shows its bug. `instantiate` applies `at` before any `--const`, so `hmmcheck check` and the
 * suite run a variant at its bound unless told otherwise.
 *
 * @example
 * expect: { verdict: 'violation', property: 'INV-REACH', at: { populators: 2 } }
 */
export type Expectation = (
  | { readonly verdict: 'holds' }
  | { readonly verdict: 'violation'; readonly property: string }
  | { readonly verdict: 'deadlock' }
  | { readonly verdict: 'liveness'; readonly property: string }
) & { readonly at?: Readonly<Record<string, ConstValue>> };

/** A variant of a model: `fixed`, a historical bug, or a `mutant-…`, and what checking it must give. */
export interface VariantDef {
  /** What the variant changes, in one sentence. */
  readonly doc: string;
  /** Kernel commit, mail or source the variant follows. */
  readonly ref?: string;
  readonly expect: Expectation;
}

/** One entry of a model's abstraction ledger (hmm-domain.md §4): what is left out, and what that could hide. */
export interface Abstraction {
  readonly what: string;
  readonly couldHide: string;
}

/**
 * A model: a named family of specs built from constants and a variant. Export one (default
 * export) from a spec module and `hmmcheck check path/to/module.ts` checks it.
 */
export interface ModelDef<C extends Record<string, ConstValue> = Record<string, ConstValue>> {
  /** Registry name, e.g. `reference/twophase` or `hmm/m1-mirror-2015`. */
  readonly name: string;
  readonly title: string;
  /** Where the model comes from (kernel source, mail, or the published spec it ports). */
  readonly source: string;
  readonly constants: { readonly [K in keyof C]: ConstantDef };
  /** Variants; `fixed` is the default. A model with no variants has just `fixed`. */
  readonly variants: Readonly<Record<string, VariantDef>>;
  readonly build: (cfg: { readonly constants: C; readonly variant: string }) => Spec;
  /**
   * The kernel era the `fixed` variant follows, for the fidelity table of models/README.md, e.g.
   * `'current mainline mm/migrate_device.c (v6.18 era)'`; the commits come from the steps' `src`.
   */
  readonly era?: string;
  /** The abstraction ledger, rendered into models/README.md by `hmmcheck suite --write`. */
  readonly abstractions?: readonly Abstraction[];
}

/** Typed helper so that `build` sees the constants with their value types. */
export function defineModel<C extends Record<string, ConstValue>>(def: ModelDef<C>): ModelDef<C> {
  if (!('fixed' in def.variants)) throw new Error(`model ${def.name}: a model must have a 'fixed' variant`);
  return def;
}

/**
 * Constant declarations for `defineModel({ constants })`, overridable with `--const name=value`.
 *
 * @example
 * constants: { faults: constant.int(1, 4, 1, 'concurrent fault handlers'), era: constant.enum(['v5.4', 'now'], 'now'), thp: constant.bool(false) }
 */
export const constant = {
  /** An integer in min..max with its default. */
  int(min: number, max: number, dflt: number, doc?: string): ConstantDef {
    return { kind: 'int', min, max, default: dflt, doc };
  },
  /** One of `values`, with its default. */
  enum(values: readonly string[], dflt: string, doc?: string): ConstantDef {
    return { kind: 'enum', values, default: dflt, doc };
  },
  /** A boolean with its default (`--const name=true|false`). */
  bool(dflt: boolean, doc?: string): ConstantDef {
    return { kind: 'bool', default: dflt, doc };
  },
};
