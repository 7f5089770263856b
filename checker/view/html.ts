/**
 * A trace view as one self-contained HTML page: no network, no server. The timeline is rendered
 * here, statically (readable without JavaScript): a header row naming the lanes, one row per step
 * in global order with the step's box in its thread's lane, a bar beside the lane for each lock
 * the thread holds, the changed state on the right, then the verdict and the final state. The
 * inline script (htmlScript.ts) adds selection, the state panel and keyboard navigation from the
 * view data embedded as JSON.
 *
 * Stable hooks for tests: `data-testid` = `lane` (with `data-lane`), `step` (with `data-step`),
 * `step-box`, `state-panel` (with `data-step` of the selection), `state-row` (with `data-path`),
 * `verdict`.
 */
import { citationText, type Citation } from '../../spec/citation';
import { lassoCycleText } from '../report/lassoText';
import { HTML_SCRIPT } from './htmlScript';
import { ENV_COLOR, LANE_COLORS, LOCK_COLORS, STYLE } from './htmlStyle';
import { citationUrl, DEFAULT_SOURCE_URL } from './sourceLinks';
import { docBesideLabel } from './stepDoc';
import { verdictSummary, verdictText } from './text';
import type { Holding, TraceView, ViewLane, ViewStep } from './types';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element (no `</script>`, no `<!--`). */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface PageColors {
  readonly lanes: Readonly<Record<string, string>>;
  readonly locks: Readonly<Record<string, string>>;
}

export function pageColors(view: TraceView): PageColors {
  let k = 0;
  const lanes = Object.fromEntries(view.lanes.map((l) => [l.id, l.environment ? ENV_COLOR : LANE_COLORS[k++ % LANE_COLORS.length]!]));
  const locks = Object.fromEntries(view.locks.map((l, i) => [l, LOCK_COLORS[i % LOCK_COLORS.length]!]));
  return { lanes, locks };
}

const DONE = 'done';

function holdsOf(step: ViewStep | undefined, lane: string): readonly Holding[] {
  return step?.holds[lane] ?? [];
}

/** Locks a lane ever holds, in order of first appearance: its bar slots. */
function laneSlots(view: TraceView, lane: string): string[] {
  const slots: string[] = [];
  for (const s of view.steps) for (const h of holdsOf(s, lane)) if (!slots.includes(h.lock)) slots.push(h.lock);
  return slots;
}

/** A lock a thread took, dropped, or started waiting for in one step. */
interface LockEvent {
  readonly lane: string;
  readonly holding: Holding;
  readonly take: boolean;
}

function lockEvents(view: TraceView, prev: ViewStep | undefined, step: ViewStep): LockEvent[] {
  if (!prev) return [];
  return view.lanes.flatMap((l) => {
    const before = holdsOf(prev, l.id);
    const after = holdsOf(step, l.id);
    const same = (a: Holding, b: Holding) => a.path === b.path && a.waits === b.waits && a.mode === b.mode;
    return [
      ...after.filter((h) => !before.some((b) => same(b, h))).map((holding) => ({ lane: l.id, holding, take: true })),
      ...before.filter((b) => !after.some((h) => same(b, h))).map((holding) => ({ lane: l.id, holding, take: false })),
    ];
  });
}

function eventVerb(e: LockEvent): string {
  return e.take ? (e.holding.waits ? 'waits for' : 'takes') : e.holding.waits ? 'stops waiting for' : 'releases';
}

/** Small coloured + / − squares in a lane for the locks it took or dropped in this step. */
function lockMarks(events: readonly LockEvent[], lane: string, colors: PageColors): string {
  const mine = events.filter((e) => e.lane === lane);
  if (mine.length === 0) return '';
  const marks = mine.map((e) => {
    const title = `${lane} ${eventVerb(e)} ${e.holding.path}${e.holding.mode ? ` (${e.holding.mode})` : ''}`;
    return `<span class="lk${e.take ? '' : ' drop'}${e.holding.waits ? ' waits' : ''}" style="--lock:${colors.locks[e.holding.lock]}" title="${escapeHtml(title)}">${e.take ? '+' : '−'}</span>`;
  });
  return `<span class="marks">${marks.join('')}</span>`;
}

function bars(view: TraceView, i: number, lane: string, slots: readonly string[], colors: PageColors): string {
  const before = i > 0 ? holdsOf(view.steps[i - 1], lane) : [];
  const after = holdsOf(view.steps[i], lane);
  return slots
    .map((lock, k) => {
      const b = before.find((h) => h.lock === lock);
      const a = after.find((h) => h.lock === lock);
      if (!a && !b) return '';
      const cls = ['bar', !b ? 'from-mid' : '', !a ? 'to-mid' : '', (a ?? b)!.waits ? 'waits' : ''].filter(Boolean).join(' ');
      return `<i class="${cls}" style="left:${4 + k * 6}px;--lock:${colors.locks[lock]}"></i>`;
    })
    .join('');
}

function laneHead(view: TraceView, lane: ViewLane, colors: PageColors): string {
  const slots = laneSlots(view, lane.id);
  const kind = lane.vars
    ? lane.vars.length === 1 && lane.vars[0] === lane.id ? 'variable' : `variables ${lane.vars.join(', ')}`
    : lane.environment ? 'not a thread' : lane.kind !== lane.id ? `thread ${lane.kind}` : 'thread';
  const legend = slots.length
    ? `<div class="legend">${slots.map((l) => `<span style="--lock:${colors.locks[l]}">${escapeHtml(l)}</span>`).join('')}</div>`
    : '';
  return `<div class="lane-head" data-testid="lane" data-lane="${escapeHtml(lane.id)}" style="--lane:${colors.lanes[lane.id]}">`
    + `<div class="name">${escapeHtml(lane.environment ? 'environment' : lane.id)}</div><div class="kind">${escapeHtml(kind)}</div>${legend}</div>`;
}

export interface HtmlOptions {
  /** URL template for source links (sourceLinks.ts); default: git.kernel.org's stable tree. */
  readonly sourceUrl?: string;
}

/** The step's citations, each a link to its source line when the template gives a URL. */
function sourceLinks(src: readonly Citation[] | undefined, template: string): string {
  if (!src?.length) return '';
  const items = src.map((c) => {
    const text = escapeHtml(citationText(c));
    const url = citationUrl(template, c);
    return url ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer" data-testid="source-link">${text}</a>` : `<span>${text}</span>`;
  });
  return `<div class="src">${items.join(' · ')}</div>`;
}

function changesCell(step: ViewStep, events: readonly LockEvent[], colors: PageColors, template: string): string {
  if (step.index === 0) return '<div class="changes"><div class="what">the initial state: select it to see every variable</div></div>';
  const who = `<code class="who" style="--lane:${colors.lanes[step.lane!]}">${escapeHtml(step.lane!)}.${escapeHtml(step.label)}</code>`;
  const what = `<div class="what">${step.doc ? escapeHtml(docBesideLabel(step.doc, step.label)) : who}</div>${sourceLinks(step.src, template)}`;
  const shown = step.changes.filter((c) => !c.ownPc);
  if (shown.length === 0) return `<div class="changes">${what}<span class="nochange">no change</span></div>`;
  const items = shown.map((c) => {
    const locks = events.filter((e) => e.holding.path === c.display);
    const style = locks.length ? ` style="--lock:${colors.locks[locks[0]!.holding.lock]}"` : '';
    const words = locks.map((e) => `<span class="lockword" style="--lock:${colors.locks[e.holding.lock]}">${escapeHtml(`${e.lane} ${eventVerb(e)}`)}</span>`).join('');
    return `<li class="${c.local ? 'local' : 'shared'}${locks.length ? ' lock' : ''}"${style}><code class="path">${escapeHtml(c.display)}</code> `
      + `<code class="before">${escapeHtml(c.before)}</code><span class="arrow">→</span><code class="after">${escapeHtml(c.after)}</code>${words}</li>`;
  });
  return `<div class="changes">${what}<ul>${items.join('')}</ul></div>`;
}

function stepBox(view: TraceView, step: ViewStep, events: readonly LockEvent[], colors: PageColors): string {
  const badges: string[] = [];
  if (step.jump) badges.push(`<span class="badge jump" title="the thread continues at ${escapeHtml(step.jump)}">→ ${escapeHtml(step.jump)}</span>`);
  if (step.finishes) badges.push('<span class="badge done" title="the thread has finished">done</span>');
  if (view.violationStep === step.index) badges.push(`<span class="badge bad">✗ ${escapeHtml(view.propertyKind === 'deadlock' ? 'deadlock' : view.property)}</span>`);
  const title = `${step.action}${step.doc ? ` — ${step.doc}` : ''}`;
  return `<div class="box" data-testid="step-box" title="${escapeHtml(title)}"><div class="box-head"><span class="label">${escapeHtml(step.label)}</span>${lockMarks(events, step.lane!, colors)}${badges.join('')}</div></div>`;
}

/** The step's box, faded, in another lane whose variables it changed (a trace of an unknown model). */
function alsoBox(step: ViewStep): string {
  return `<div class="box also" data-testid="step-box-also" title="${escapeHtml(`${step.action} also changes these variables`)}"><div class="box-head"><span class="label">${escapeHtml(step.label)}</span></div></div>`;
}

function stepRow(view: TraceView, i: number, slots: ReadonlyMap<string, string[]>, colors: PageColors, template: string): string {
  const step = view.steps[i]!;
  const prev = view.steps[i - 1];
  const last = view.steps.length - 1;
  const cls = ['row', 'step', view.violationStep === i ? 'violation' : ''].filter(Boolean).join(' ');
  const loop = view.loop;
  const numCls = ['num', loop !== undefined && i >= loop ? 'loop-span' : '', loop === i ? 'loop-start' : '', loop !== undefined && i === last ? 'loop-end' : '']
    .filter(Boolean)
    .join(' ');
  const num = `<div class="${numCls}"${loop === i ? ' title="the cycle returns here"' : ''}>${i}</div>`;

  const events = lockEvents(view, prev, step);
  let cells: string;
  if (step.lane === null) {
    cells = `<div class="init-box"><b>Init</b> — the initial state</div>`;
  } else {
    cells = view.lanes
      .map((lane) => {
        const ls = slots.get(lane.id)!;
        const alive = !lane.environment && (prev?.pc[lane.id] ?? '') !== DONE;
        const gone = !lane.environment && prev?.pc[lane.id] === DONE;
        const held = holdsOf(step, lane.id).map((h) => (h.waits ? `waits for ${h.path}` : h.path));
        const title = lane.environment || lane.vars ? '' : ` title="${escapeHtml(`${lane.id} ${held.length ? `holds ${held.join(', ')}` : 'holds no lock'} after step ${i}`)}"`;
        const style = `--lane:${colors.lanes[lane.id]};--rail:${ls.length ? ls.length * 6 + 2 : 0}px`;
        const content = step.lane === lane.id ? stepBox(view, step, events, colors) : step.touches?.includes(lane.id) ? alsoBox(step) : lockMarks(events, lane.id, colors);
        const c = ['cell', alive ? 'alive' : '', gone ? 'done-lane' : '', step.lane === lane.id ? 'acting' : ''].filter(Boolean).join(' ');
        return `<div class="${c}" data-lane="${escapeHtml(lane.id)}" style="${style}"${title}>${bars(view, i, lane.id, ls, colors)}${content}</div>`;
      })
      .join('');
  }
  return `<div class="${cls}" data-testid="step" data-step="${i}" data-lane="${escapeHtml(step.lane ?? '')}">${num}${cells}${changesCell(step, events, colors, template)}</div>`;
}

/** The state of step `i` as table rows: groups for records and threads, changed leaves highlighted. */
export function stateTableHtml(view: TraceView, i: number, colors: PageColors): string {
  const step = view.steps[i]!;
  const changed = new Map(step.changes.map((c) => [c.path, c]));
  let leaf = 0;
  const rows = view.rows.map((r) => {
    const pad = `padding-left:${6 + r.depth * 14}px`;
    const lane = r.thread ? ` style="--lane:${colors.lanes[r.thread]}"` : '';
    if (!r.leaf) {
      const inner = [...changed.keys()].some((p) => p.startsWith(`${r.path}.`) || p.startsWith(`${r.path}[`));
      const cls = ['group', r.thread && r.depth === 0 ? 'thread' : '', inner ? 'has-change' : ''].filter(Boolean).join(' ');
      return `<tr class="${cls}"${lane} data-testid="state-row" data-path="${escapeHtml(r.path)}"><td class="name" colspan="2" style="${pad}">${escapeHtml(r.name)}</td></tr>`;
    }
    const value = step.values[leaf++]!;
    const c = changed.get(r.path);
    const shown = c ? `<span class="before">${escapeHtml(c.before)}</span><span class="arrow">→</span>${escapeHtml(value)}` : escapeHtml(value);
    return `<tr class="leaf${c ? ' changed' : ''}" data-testid="state-row" data-path="${escapeHtml(r.path)}"${c ? ' data-changed="true"' : ''}>`
      + `<td class="name" style="${pad}">${escapeHtml(r.name)}</td><td class="value">${shown}</td></tr>`;
  });
  return `<table class="state">${rows.join('')}</table>`;
}

function verdictSection(view: TraceView, colors: PageColors): string {
  const last = view.steps.length - 1;
  const loop = view.loop !== undefined ? `<div class="loop-back" data-testid="loop-back">↺ ${lassoCycleText(view.loop, last)}</div>` : '';
  const holds = view.violationStep === null;
  const head = holds
    ? `<h2>${escapeHtml(verdictText(view))}</h2>`
    : `<h2>✗ <span class="prop">${escapeHtml(view.propertyKind === 'deadlock' ? 'Deadlock' : view.property)}</span> ${escapeHtml(verdictHeadTail(view))}</h2>`
      + (view.propertyDoc ? `<p>${escapeHtml(view.propertyDoc)}</p>` : '');
  return `${loop}<section class="verdict${holds ? ' holds' : ''}" data-testid="verdict">${head}`
    + `<h3>Final state (after step ${last}; what step ${last} changed is highlighted)</h3>${stateTableHtml(view, last, colors)}</section>`;
}

function verdictHeadTail(view: TraceView): string {
  const at = view.violationStep!;
  switch (view.propertyKind) {
    case 'invariant': return `(invariant) is violated at step ${at}`;
    case 'action': return `(action property) is violated by step ${at}`;
    case 'deadlock': return `after step ${at}: no step is enabled and not every thread has finished`;
    case 'error': return `the model failed in a successor of step ${at}`;
    default: return view.loop !== undefined ? `is violated: ${lassoCycleText(view.loop, view.steps.length - 1)}` : `is violated at step ${at}`;
  }
}

export function renderTraceHtml(view: TraceView, opts: HtmlOptions = {}): string {
  const template = opts.sourceUrl ?? DEFAULT_SOURCE_URL;
  const colors = pageColors(view);
  const n = view.lanes.length;
  const slots = new Map(view.lanes.map((l) => [l.id, laneSlots(view, l.id)]));
  const cols = `--cols: 3rem repeat(${n}, minmax(6.5rem, 1fr)) minmax(18rem, 2.2fr); --min-width: calc(3rem + ${n} * 6.5rem + 18rem); --lanes: ${n}`;
  const consts = Object.entries(view.constants).map(([k, v]) => `${k}=${v}`).join(' ');
  const threads = view.lanes.filter((l) => !l.environment).length;
  const steps = view.steps.length - 1;
  const title = view.unknownModel !== undefined ? `${view.model} — trace` : `${view.propertyKind === 'deadlock' ? 'deadlock' : view.property} — ${view.model} ${view.variant}`;
  const lanesText = view.unknownModel !== undefined ? `${n} variable group${n === 1 ? '' : 's'}` : `${threads} thread${threads === 1 ? '' : 's'}`;
  const note = view.unknownModel !== undefined ? `<p class="unknown-model" data-testid="unknown-model">${escapeHtml(view.unknownModel)}</p>` : '';
  const verdict = view.violationStep === null ? 'holds' : 'bad';

  const header = `<header class="top" data-testid="header">
<div><h1>${escapeHtml(view.model)}</h1>${view.variant ? `<span class="pill variant" title="variant">${escapeHtml(view.variant)}</span>` : ''}${consts ? `<span class="pill mono" title="constants">${escapeHtml(consts)}</span>` : ''}</div>
<div class="verdict-line ${verdict}"><b>${verdict === 'bad' ? '✗ ' : ''}${escapeHtml(verdictSummary(view))}</b>${view.propertyDoc && verdict === 'bad' ? ` <span class="doc">— ${escapeHtml(view.propertyDoc)}</span>` : ''}</div>
${note}<div class="meta"><span>${steps} steps · ${lanesText}${view.strategy ? ` · ${escapeHtml(view.strategy)}` : ''}${view.version ? ` · hmmcheck ${escapeHtml(view.version)}` : ''}</span>
<span><kbd>j</kbd> <kbd>↓</kbd> next step · <kbd>k</kbd> <kbd>↑</kbd> previous · <kbd>Home</kbd> <kbd>End</kbd> · hover a step to preview its state, click to keep it</span>
${view.unknownModel !== undefined ? '<span>a faded box: the step also changes that lane\'s variables</span>' : '<span>bars beside a lane: locks the thread holds</span>'}</div>
</header>`;

  const head = `<div class="row head"><div class="num">#</div>${view.lanes.map((l) => laneHead(view, l, colors)).join('')}<div class="changes-head">what the step does · <b>changed state</b></div></div>`;
  const rows = view.steps.map((_, i) => stepRow(view, i, slots, colors, template)).join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hmmcheck${view.version ? ` ${escapeHtml(view.version)}` : ''}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${header}
<div class="layout">
<main class="trace" data-testid="trace" style="${cols}">
${head}
${rows}
${verdictSection(view, colors)}
</main>
<aside class="panel" data-testid="state-panel" aria-live="polite"><noscript>The state panel needs JavaScript; the final state is shown at the end of the trace.</noscript></aside>
</div>
<script type="application/json" id="hmmcheck-trace">${scriptJson({ view, colors })}</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}
