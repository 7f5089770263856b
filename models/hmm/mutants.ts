/**
 * Mutants: variants named `mutant-<what>` that change one or two steps of a model's fixed design in
 * a way a programmer plausibly could, so that an invariant no historical bug violates is shown not to
 * be vacuous (test/models/hmm/invariants.test.ts maps every invariant to a variant violating it).
 * They are not kernel bugs, and their `ref` says so.
 */
import type { VariantDef } from '../../spec/model';

/** The variant of a mutant: at default constants BFS must report `property` first. */
export function mutantVariant(property: string, mistake: string, doc: string): VariantDef {
  return {
    doc: `mutation, not a kernel bug (it shows that ${property} is not vacuous): ${doc}`,
    ref: `mutation (not a kernel bug): ${mistake}`,
    expect: { verdict: 'violation', property },
  };
}

/** The mutant `variant` names, if it is one of `mutants`; null otherwise (the kernel's own variants). */
export function selectMutant<const M extends string>(variant: string, mutants: readonly M[]): M | null {
  return (mutants as readonly string[]).includes(variant) ? (variant as M) : null;
}
