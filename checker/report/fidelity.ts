/**
 * models/README.md's Fidelity section: per model, the kernel era and the commits its citations are
 * pinned to, every kernel function its steps cite (file:lines, linked), the steps still without a
 * citation, and every abstraction still applied with what it could hide.
 */
import { citationLabel, isMailCitation, type Citation } from '../../spec/citation';
import type { ModelDef } from '../../spec/model';
import { stepCitations, uncitedSteps } from '../lint/citations';
import { citationUrl, DEFAULT_SOURCE_URL } from '../view/sourceLinks';
import { formatTable } from './table';

export const FIDELITY_HEADING = '## Fidelity';

/** One cited function: its lines merged over every step and variant that cites it. */
export interface CitedFunction {
  readonly fn: string;
  /** The citation spanning every cited line (`line` the first, `endLine` the last). */
  readonly span: Citation;
}

/** Functions in first-cited order, one per (file or mail, function, commit). */
export function citedFunctions(citations: readonly Citation[]): CitedFunction[] {
  const byKey = new Map<string, Citation>();
  for (const c of citations) {
    const key = isMailCitation(c) ? `${c.url}\0${c.fn ?? ''}` : `${c.file}\0${c.fn}\0${c.commit ?? ''}`;
    const had = byKey.get(key);
    if (!had || isMailCitation(c) || isMailCitation(had)) {
      if (!had) byKey.set(key, c);
      continue;
    }
    const lines = [had.line, had.endLine, c.line, c.endLine].filter((x): x is number => x !== undefined);
    const line = lines.length ? Math.min(...lines) : undefined;
    const end = lines.length ? Math.max(...lines) : undefined;
    byKey.set(key, { file: had.file, fn: had.fn, ...(line !== undefined ? { line } : {}), ...(end !== undefined && end !== line ? { endLine: end } : {}), ...(had.commit ? { commit: had.commit } : {}) });
  }
  return [...byKey.values()].map((span) => ({ fn: span.fn ?? '', span }));
}

/** `hash` (what) per pinned commit, and the files cited by name only. */
function pins(citations: readonly Citation[]): string {
  const commits = new Map<string, Set<string>>();
  const unpinned = new Set<string>();
  const mails = new Set<string>();
  for (const c of citations) {
    if (isMailCitation(c)) mails.add(c.msgid ? `<${c.msgid}>` : c.url);
    else if (c.commit) (commits.get(c.commit) ?? commits.set(c.commit, new Set()).get(c.commit)!).add(c.file);
    else unpinned.add(c.file);
  }
  const parts = [...commits].map(([commit, files]) => `\`${commit.slice(0, 12)}\` (${[...files].join(', ')})`);
  if (mails.size) parts.push(`mail ${[...mails].map((m) => `\`${m}\``).join(', ')}`);
  const pinned = parts.length ? `Pinned: ${parts.join('; ')}.` : 'Pinned: nothing (no step cites a commit).';
  return unpinned.size ? `${pinned} Cited by name only (current mainline, no commit): ${[...unpinned].join(', ')}.` : pinned;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** The table row of a function: a Markdown link to its cited lines. */
function functionRow(f: CitedFunction): string[] {
  const c = f.span;
  const url = citationUrl(DEFAULT_SOURCE_URL, c);
  const place = citationLabel({ ...c, fn: undefined } as Citation).replace(/[<>]/g, (x) => (x === '<' ? '&lt;' : '&gt;'));
  const where = url ? `[${place}](${url})` : place;
  const commit = isMailCitation(c) ? 'mail' : c.commit ? `\`${c.commit.slice(0, 12)}\`` : 'by name';
  return [f.fn ? `\`${f.fn}()\`` : '-', escapeCell(where), commit];
}

/** The Fidelity section of one model; empty for a model with neither citations nor abstractions. */
export function modelFidelity(model: ModelDef<any>): string[] {
  const citations = stepCitations(model);
  if (citations.length === 0 && !model.abstractions?.length) return [];
  const uncited = uncitedSteps(model);
  return [
    `### \`${model.name}\``,
    '',
    `Era: ${model.era ?? model.source}. ${pins(citations)}`,
    '',
    ...(citations.length ? [formatTable(['kernel function', 'cited lines', 'commit'], citedFunctions(citations).map(functionRow)), ''] : []),
    ...(uncited.length ? [`Steps without a citation (${uncited.length}): ${uncited.map((s) => `\`${s}\``).join(', ')}.`, ''] : []),
    ...(model.abstractions?.length ? ['Abstractions still applied:', '', ...model.abstractions.map((a) => `- ${a.what} Could hide: ${a.couldHide}`), ''] : []),
  ];
}

/** The whole section for a list of models. */
export function fidelitySection(models: readonly ModelDef<any>[]): string[] {
  const parts = models.flatMap(modelFidelity);
  if (parts.length === 0) return [];
  return [
    FIDELITY_HEADING,
    '',
    'Per model: the kernel era it follows and the commits its step citations (`src`, spec/citation.ts)',
    'are pinned to; every kernel function a step cites, over all variants, with the span of cited',
    "lines (the link opens it in git.kernel.org's stable tree at that commit; `hmmcheck view` links",
    'each trace step the same way); the steps still without a citation; and every abstraction still',
    "applied with what it could hide (the model's `abstractions`, hmm-domain.md §4). The model files",
    'say the rest in their headers.',
    '',
    ...parts,
  ];
}
