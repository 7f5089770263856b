/**
 * Which thread steps of a model cite no kernel source (`src`, spec/citation.ts), over all its
 * variants: the trace viewer cannot link those steps, and the fidelity table cannot list them;
 * and which cite a place in a tree without a line (the viewer can only open the file there).
 */
import { isMailCitation, type Citation, type SourceCitation } from '../../spec/citation';
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

/** A thread step's citation of a place in a tree that names no line, in one variant. */
export interface UnlinedCitation {
  readonly variant: string;
  /** The thread action, `Kind.Label`. */
  readonly step: string;
  readonly citation: SourceCitation;
}

/** Every tree citation (not a mail) without a `line`, of every thread step over all variants (duplicates included). */
export function unlinedCitations(model: ModelDef<any>): UnlinedCitation[] {
  return Object.keys(model.variants).flatMap((variant) =>
    instantiate(model, variant, {}).spec.actions.flatMap((a) =>
      a.thread ? (a.src ?? []).filter((c): c is SourceCitation => !isMailCitation(c) && c.line === undefined).map((citation) => ({ variant, step: a.name, citation })) : [],
    ),
  );
}
