/**
 * ITF traces that hmmcheck did not write (Quint, Apalache): no `#meta.hmmcheck`, so no model,
 * variant or property, and values with no schema to decode them against. `view` draws them as they
 * are; `replay` refuses them. Reading one never loads code.
 */
import { ItfError, parseItf, parseItfObject, type ItfTrace } from './itf';

/** A generic ITF trace: variables and their values per state, whatever wrote it. */
export interface GenericItf {
  readonly '#meta'?: { readonly source?: unknown; readonly description?: unknown; readonly [k: string]: unknown };
  readonly vars: readonly string[];
  readonly states: readonly Readonly<Record<string, unknown>>[];
  readonly loop?: number;
}

export type AnyItf = { readonly kind: 'hmmcheck'; readonly doc: ItfTrace } | { readonly kind: 'generic'; readonly doc: GenericItf };

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Parses an ITF file written by hmmcheck (checked as parseItf does) or by another tool (its outline
 * checked: `vars`, a non-empty list of `states` objects, an optional `loop` index).
 *
 * @example
 * const t = parseAnyItf(readFileSync('quint.itf.json', 'utf8'));
 * if (t.kind === 'generic') console.log(t.doc.vars);
 */
export function parseAnyItf(text: string): AnyItf {
  const doc = parseItfObject(text);
  const meta = doc['#meta'];
  if (isObj(meta) && Object.hasOwn(meta, 'hmmcheck')) return { kind: 'hmmcheck', doc: parseItf(text) };
  if (meta !== undefined && !isObj(meta)) throw new ItfError('#meta must be an object');
  if (!Array.isArray(doc.vars) || !doc.vars.every((v) => typeof v === 'string')) throw new ItfError('missing vars (a list of variable names)');
  if (!Array.isArray(doc.states) || doc.states.length === 0) throw new ItfError('no states');
  doc.states.forEach((s, i) => {
    if (!isObj(s)) throw new ItfError(`state ${i}: not an object`);
  });
  // Quint's simulator writes `"loop": null` for a trace that is not a lasso.
  const loop = doc.loop ?? undefined;
  if (loop !== undefined && !(Number.isInteger(loop) && (loop as number) >= 0 && (loop as number) < doc.states.length)) {
    throw new ItfError(`loop must be the index of a state of the trace, an integer 0..${doc.states.length - 1}; found ${JSON.stringify(loop)?.slice(0, 40)}`);
  }
  return { kind: 'generic', doc: { ...(meta ? { '#meta': meta } : {}), vars: doc.vars as string[], states: doc.states as Record<string, unknown>[], ...(loop !== undefined ? { loop: loop as number } : {}) } };
}

/** What the trace says wrote it, for messages: `#meta.source`, if a string. */
export function itfSource(doc: GenericItf): string | undefined {
  const source = doc['#meta']?.source;
  return typeof source === 'string' && source !== '' ? source : undefined;
}
