/**
 * Which thread steps of a model cite no kernel source (`src`, spec/citation.ts), over all its
 * variants: the trace viewer cannot link those steps, and the fidelity table cannot list them.
 */
import type { Citation } from '../../spec/citation';
import type { ModelDef } from '../../spec/model';
import { instantiate } from '../model/instantiate';

/** Thread actions (`Kind.Label`) without a citation in some variant, in first-seen order. */
export function uncitedSteps(model: ModelDef<any>): string[] {
  const out = new Set<string>();
  for (const variant of Object.keys(model.variants)) {
    for (const a of instantiate(model, variant, {}).spec.actions) if (a.thread && !a.src?.length) out.add(a.name);
  }
  return [...out];
}

/** Every citation of every thread step over all variants of a model (duplicates included). */
export function stepCitations(model: ModelDef<any>): Citation[] {
  return Object.keys(model.variants).flatMap((variant) => instantiate(model, variant, {}).spec.actions.flatMap((a) => (a.thread ? (a.src ?? []) : [])));
}
