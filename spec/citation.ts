/**
 * Machine-readable citations: the kernel source (file, function, lines, commit) or the mail a
 * step follows. Steps carry them as `src` beside their prose `doc`; the trace viewer links each
 * step to its source and `hmmcheck suite` lists every cited function in a model's fidelity table.
 *
 * @example
 * const cite = kernelSource('022a12deda53c983755c08e073a3c028a6850a23');
 * steps: [{ label: 'Cget', doc: 'folio_get: pins the folio', src: cite('mm/migrate_device.c', 'migrate_vma_collect_pmd', 261, 262), effect }]
 */

/** A place in a kernel tree. */
export interface SourceCitation {
  /** Path in the tree, e.g. `mm/migrate_device.c`. */
  readonly file: string;
  /** The function the step follows, without `()`. */
  readonly fn: string;
  /** First cited line at `commit` (absent: the function as a whole). */
  readonly line?: number;
  /** Last cited line of a range. */
  readonly endLine?: number;
  /** The commit the lines are read at; absent when the era is not pinned (current mainline names). */
  readonly commit?: string;
}

/** A source outside a tree, e.g. a patch series only ever posted to a mailing list. */
export interface MailCitation {
  /** Where to read it (lore.kernel.org, lkml.org, a patchwork page). */
  readonly url: string;
  /** The function of the patch the step follows, when it names one. */
  readonly fn?: string;
  /** The file of the patch, when known. */
  readonly file?: string;
  /** The mail's Message-ID, when known. */
  readonly msgid?: string;
}

/** What a step's `src` cites: a place in a kernel tree, or a mail. */
export type Citation = SourceCitation | MailCitation;

/** Whether a citation is a mail (it has a URL) rather than a place in a tree. */
export function isMailCitation(c: Citation): c is MailCitation {
  return 'url' in c;
}

/** A step's prose and the sources it follows, built together (`cited`, `joinCited`). */
export interface Cited {
  readonly doc: string;
  readonly src: readonly Citation[];
}

/** `src` of a step: one citation or several (a step that spans two places of the source). */
export type StepSource = Citation | readonly Citation[];

/** The citations of `src` as a list. */
export function citationList(src: StepSource | undefined): readonly Citation[] {
  if (src === undefined) return [];
  return Array.isArray(src) ? (src as readonly Citation[]) : [src as Citation];
}

/**
 * A citation factory for one pinned tree: `cite(file, fn, line?, endLine?)`. Set the commit once
 * per model era.
 *
 * @example
 * const cite = kernelSource('v5.2');
 * cite('mm/hmm.c', 'hmm_invalidate_range_start', 197, 203)
 */
export function kernelSource(commit?: string): (file: string, fn: string, line?: number, endLine?: number) => SourceCitation {
  return (file, fn, line, endLine) => ({
    file,
    fn,
    ...(line !== undefined ? { line } : {}),
    ...(endLine !== undefined && endLine !== line ? { endLine } : {}),
    ...(commit !== undefined ? { commit } : {}),
  });
}

/**
 * Prose with its sources.
 *
 * @example
 * cited('folio_put; goto next', cite(MD, 'migrate_vma_collect_pmd', 290, 292), cite(MD, 'migrate_vma_collect_pmd', 345, 346))
 */
export function cited(doc: string, ...src: Citation[]): Cited {
  const c: Cited = { doc, src };
  // Used as a string (`cited(...) + '…'`), it reads as before: the sources in text, then the prose.
  Object.defineProperty(c, 'toString', { value: () => `${src.map(citationText).join('; ')} — ${doc}`, enumerable: false });
  return c;
}

/** Concatenates prose and cited parts into one `Cited` (its sources in order). */
export function joinCited(...parts: readonly (string | Cited)[]): Cited {
  return cited(parts.map((p) => (typeof p === 'string' ? p : p.doc)).join(''), ...parts.flatMap((p) => (typeof p === 'string' ? [] : p.src)));
}

/** The `doc` and `src` fields of a step from prose or a `Cited` (spread it into a step definition). */
export function stepDocFields(x: string | Cited): { doc: string; src?: readonly Citation[] } {
  return typeof x === 'string' ? { doc: x } : x.src.length ? { doc: x.doc, src: x.src } : { doc: x.doc };
}

/** `file:line` (`file:from-to`, or the file alone) of a tree citation; the URL of a mail. */
export function citationPlace(c: Citation): string {
  if (isMailCitation(c)) return c.msgid ? `<${c.msgid}>` : c.url;
  if (c.line === undefined) return c.file;
  return `${c.file}:${c.line}${c.endLine !== undefined ? `-${c.endLine}` : ''}`;
}

/** The place and the function: `mm/migrate_device.c:261-262 migrate_vma_collect_pmd()`. */
export function citationLabel(c: Citation): string {
  return `${citationPlace(c)}${c.fn ? ` ${c.fn}()` : ''}`;
}

/** One line with the commit: `mm/migrate_device.c:261-262 migrate_vma_collect_pmd() @022a12deda53`. */
export function citationText(c: Citation): string {
  return isMailCitation(c) || !c.commit ? citationLabel(c) : `${citationLabel(c)} @${c.commit.slice(0, 12)}`;
}

/** `[line, endLine]` pairs of a written range list: `261`, `'290-292'`, `'290-292 / 345-346'`, `'907-909, 918-920'`. */
export function lineRanges(lines: number | string): [number, number | undefined][] {
  if (typeof lines === 'number') return [[lines, undefined]];
  return lines.split(/\s*[,/]\s*/).map((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`citation: bad line range ${JSON.stringify(lines)}`);
    return [Number(m[1]), m[2] !== undefined ? Number(m[2]) : undefined];
  });
}

/**
 * A model's citation helper in the written form `cite(file, lines, fn, what)`: prose `what` with one
 * citation per range of `lines`; `fn` may name one function per range (`'f / g'`).
 *
 * @example
 * const cite = citeAt('022a12deda53c983755c08e073a3c028a6850a23');
 * cite('mm/migrate_device.c', '93, 240', 'migrate_vma_split_folio / migrate_vma_collect_pmd', 'folio_put; goto again')
 */
export function citeAt(commit?: string): (file: string, lines: number | string, fn: string, what: string) => Cited {
  const at = kernelSource(commit);
  return (file, lines, fn, what) => {
    const ranges = lineRanges(lines);
    const fns = fn.split(/\s*\/\s*/);
    if (fns.length !== 1 && fns.length !== ranges.length) throw new Error(`citation: ${fns.length} functions for ${ranges.length} line ranges in ${file}:${lines}`);
    return cited(what, ...ranges.map(([line, end], i) => at(file, fns[fns.length === 1 ? 0 : i]!, line, end)));
  };
}

/**
 * Steps with their citations filled in from a table by label (a step's own `src` wins): for
 * models whose steps come from primitives (spec/kernel) or are shared between threads.
 *
 * @example
 * steps: citeSteps(fSteps(L), { R1: mail('hmm_pt_iter_update'), U2: mail('hmm_pt_directory_lock') })
 */
export function citeSteps<T extends { readonly label: string; readonly src?: StepSource }>(steps: readonly T[], byLabel: Readonly<Record<string, StepSource>>): T[] {
  return steps.map((s) => (s.src === undefined && Object.hasOwn(byLabel, s.label) ? { ...s, src: byLabel[s.label] } : s));
}

/**
 * A citation factory for one mail (a patch posted to a list, never merged as such): `fn` the
 * function of the patch a step follows.
 *
 * @example
 * const v2 = mailSource('1432236705-4209-7-git-send-email-j.glisse@gmail.com');
 * v2('hmm_pt_iter_update') // links to https://lore.kernel.org/r/1432236705-…
 */
export function mailSource(msgid: string, url = `https://lore.kernel.org/r/${encodeURIComponent(msgid).replace(/%40/g, '@')}`): (fn?: string, file?: string) => MailCitation {
  return (fn, file) => ({ url, msgid, ...(fn !== undefined ? { fn } : {}), ...(file !== undefined ? { file } : {}) });
}
