/**
 * The trace page's stylesheet (inlined: the page loads nothing). Lane and lock colours come in
 * per element through `--lane` and `--lock`; light and dark schemes follow the reader's system.
 */

/** Thread lane colours, by lane order (the environment lane is grey). */
export const LANE_COLORS = ['#2563eb', '#0f766e', '#b45309', '#7c3aed', '#be185d', '#15803d', '#0369a1', '#a16207'];
export const ENV_COLOR = '#64748b';
/** Lock colours, by first appearance in the trace. */
export const LOCK_COLORS = ['#e11d48', '#0891b2', '#ca8a04', '#9333ea', '#16a34a', '#ea580c', '#4f46e5', '#db2777'];

export const STYLE = `
:root {
  --bg: #f8fafc; --fg: #0f172a; --muted: #64748b; --faint: #94a3b8; --line: #e2e8f0; --card: #ffffff;
  --row-hover: #f1f5f9; --sel: #dbeafe; --sel-line: #2563eb; --chg: #fef3c7; --chg-line: #f59e0b;
  --bad: #dc2626; --bad-bg: #fef2f2; --ok: #15803d; --loop: #7c3aed; --code: #334155;
  --mono: ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0b1120; --fg: #e2e8f0; --muted: #94a3b8; --faint: #64748b; --line: #1e293b; --card: #111827;
    --row-hover: #131c2e; --sel: #1e3a5f; --sel-line: #60a5fa; --chg: #3b2f0b; --chg-line: #f59e0b;
    --bad: #f87171; --bad-bg: #2a1215; --ok: #4ade80; --loop: #a78bfa; --code: #cbd5e1;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; background: var(--bg); color: var(--fg); font: 14px/1.4 var(--sans); }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
kbd { font: 11px var(--mono); border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; background: var(--card); }

/* Header */
.top { padding: 14px 20px 12px; border-bottom: 1px solid var(--line); background: var(--card); }
.top h1 { display: inline; font-size: 18px; margin: 0 10px 0 0; font-family: var(--mono); }
.pill { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; border: 1px solid var(--line); color: var(--muted); margin-right: 6px; vertical-align: 2px; }
.pill.variant { color: var(--fg); font-family: var(--mono); }
.verdict-line { margin-top: 8px; font-size: 15px; }
.verdict-line.bad b { color: var(--bad); }
.verdict-line .doc { color: var(--muted); }
.meta { margin-top: 6px; color: var(--muted); font-size: 12.5px; display: flex; gap: 18px; flex-wrap: wrap; }

/* Two panes: the timeline and the state panel, each scrolling on its own */
.layout { flex: 1; min-height: 0; display: flex; }
.trace { flex: 1; min-width: 0; overflow: auto; }
.panel { width: 400px; flex: none; overflow: auto; border-left: 1px solid var(--line); background: var(--card); padding: 0 16px 40px; }
.panel-head { position: sticky; top: 0; z-index: 2; background: var(--card); padding: 14px 0 10px; border-bottom: 1px solid var(--line); }
.panel table.state tr { scroll-margin-top: calc(var(--panel-head-h, 0px) + 8px); }
@media (max-width: 1400px) { .panel { width: 340px; } }
@media (max-width: 1100px) { .layout { flex-direction: column; } .panel { width: auto; border-left: none; border-top: 1px solid var(--line); max-height: 45vh; } }

/* The grid: step number | one column per lane | changed state */
.row { display: grid; grid-template-columns: var(--cols); min-width: var(--min-width); }
.head { position: sticky; top: 0; z-index: 3; background: var(--card); border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgb(0 0 0 / 0.05); }
.head > div { padding: 8px 8px 7px; font-size: 12px; color: var(--muted); }
.lane-head { border-left: 1px solid var(--line); min-width: 0; }
.lane-head .name { display: flex; align-items: center; gap: 6px; color: var(--fg); font-weight: 600; font-size: 13.5px; font-family: var(--mono); overflow-wrap: anywhere; min-width: 0; }
.lane-head .name::before { content: ""; width: 10px; height: 10px; border-radius: 3px; background: var(--lane); flex: none; }
.lane-head .kind { color: var(--muted); font-size: 11.5px; padding-left: 16px; }
.legend { display: flex; flex-wrap: wrap; gap: 3px 8px; margin-top: 4px; }
.legend span { display: inline-flex; align-items: center; gap: 4px; font: 11px var(--mono); color: var(--muted); }
.legend span::before { content: ""; width: 4px; height: 11px; border-radius: 2px; background: var(--lock); }
.changes-head { border-left: 1px solid var(--line); }

.step { cursor: pointer; border-bottom: 1px solid var(--line); scroll-margin-top: calc(var(--head-h, 72px) + 6px); scroll-margin-bottom: 8px; }
.step:hover { background: var(--row-hover); }
.step.selected { background: var(--sel); box-shadow: inset 3px 0 0 var(--sel-line); }
.step.violation { background: var(--bad-bg); }
.step.violation.selected { box-shadow: inset 3px 0 0 var(--bad); }
.num { position: relative; padding: 10px 8px 0 0; text-align: right; font: 12px var(--mono); color: var(--muted); }
.step.selected .num { color: var(--fg); font-weight: 700; }

.cell { position: relative; border-left: 1px solid var(--line); padding: 6px 8px 6px calc(var(--rail, 0px) + 8px); min-height: 40px; }
/* lifeline of a running thread */
.cell.alive::before { content: ""; position: absolute; top: 0; bottom: 0; left: calc(var(--rail, 0px) + (100% - var(--rail, 0px)) / 2); border-left: 2px dotted color-mix(in srgb, var(--lane) 35%, transparent); }
.cell.done-lane { background: repeating-linear-gradient(135deg, transparent 0 6px, color-mix(in srgb, var(--line) 45%, transparent) 6px 7px); }
/* held locks: one slot per lock of the lane, a bar while held (half bars where taken or dropped) */
.bar { position: absolute; width: 4px; border-radius: 2px; background: var(--lock); top: 0; bottom: 0; }
.bar.from-mid { top: 50%; }
.bar.to-mid { bottom: 50%; }
.bar.waits { background: repeating-linear-gradient(var(--lock) 0 3px, transparent 3px 6px); }

.box { position: relative; z-index: 1; background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--lane); border-radius: 6px; padding: 5px 8px 6px; box-shadow: 0 1px 2px rgb(0 0 0 / 0.06); }
.step.selected .box { border-color: var(--sel-line); border-left-color: var(--lane); box-shadow: 0 0 0 2px color-mix(in srgb, var(--sel-line) 30%, transparent); }
.box-head { display: flex; align-items: baseline; gap: 6px; flex-wrap: wrap; }
.box.also { opacity: 0.5; border-style: dashed; }
.unknown-model { margin: 4px 0; color: var(--code); }
.label { font: 700 13px var(--mono); color: var(--lane); }
.box .doc { font-size: 12px; color: var(--code); margin-top: 2px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; overflow-wrap: anywhere; }
.badge { font: 600 10.5px var(--sans); border-radius: 4px; padding: 0 5px; color: var(--muted); border: 1px solid var(--line); white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.badge.jump { font-family: var(--mono); }
.badge.done { color: var(--ok); border-color: color-mix(in srgb, var(--ok) 40%, transparent); }
.badge.bad { color: #fff; background: var(--bad); border-color: var(--bad); }
.step.violation .box { border-color: var(--bad); border-left-color: var(--bad); box-shadow: 0 0 0 2px color-mix(in srgb, var(--bad) 25%, transparent); }
.step.violation .label { color: var(--bad); }
.marks { display: inline-flex; gap: 2px; }
.lk { display: inline-grid; place-items: center; width: 14px; height: 14px; border-radius: 3px; background: var(--lock); color: #fff; font: 700 11px/1 var(--mono); }
.lk.drop { background: transparent; color: var(--lock); box-shadow: inset 0 0 0 1.5px var(--lock); }
.lk.waits { background: repeating-linear-gradient(135deg, var(--lock) 0 2px, transparent 2px 4px); color: var(--fg); }
.cell > .marks { position: relative; z-index: 1; }
.chip { font: 11px var(--mono); border-radius: 4px; padding: 0 5px; border: 1px solid var(--lock); color: var(--fg); background: color-mix(in srgb, var(--lock) 12%, var(--card)); overflow-wrap: anywhere; }
.changes li.lock { box-shadow: inset 3px 0 0 var(--lock); padding-left: 7px; margin-left: -7px; }
.lockword { margin-left: 8px; font-size: 11px; font-weight: 600; color: var(--lock); white-space: nowrap; }

.init-box { grid-column: 2 / span var(--lanes); padding: 8px 10px; border-left: 1px solid var(--line); color: var(--muted); font-size: 12.5px; }
.init-box b { color: var(--fg); font-family: var(--mono); }

.changes { border-left: 1px solid var(--line); padding: 6px 10px 7px; font-size: 12px; }
.changes .what { color: var(--code); font-size: 12.5px; margin-bottom: 2px; overflow-wrap: anywhere; }
.step.violation .changes .what { color: var(--bad); font-weight: 600; }
.changes .src, .panel .src { font: 11.5px var(--mono); margin-bottom: 2px; overflow-wrap: anywhere; }
.changes .src a, .panel .src a { color: var(--code); text-decoration: underline dotted; }
.changes-head b { color: var(--fg); font-weight: 600; }
.who { color: var(--lane); font-weight: 600; }
.changes ul { list-style: none; margin: 0; padding: 0; }
.changes li { padding: 1px 0; overflow-wrap: anywhere; }
.changes .path { color: var(--fg); font-weight: 600; }
.changes li.local .path { color: var(--muted); font-weight: 400; }
.before { color: var(--muted); text-decoration: line-through; text-decoration-color: color-mix(in srgb, var(--muted) 60%, transparent); }
.after { color: var(--fg); font-weight: 600; background: var(--chg); border-radius: 3px; padding: 0 2px; }
.arrow { color: var(--faint); padding: 0 3px; }
.nochange { color: var(--faint); font-style: italic; }

/* Lasso: a bracket in the number column from the last step back to the loop start */
.num.loop-span::after { content: ""; position: absolute; right: 0; top: 0; bottom: 0; border-right: 3px solid var(--loop); }
.num.loop-start::after { top: 50%; border-top: 3px solid var(--loop); width: 10px; border-top-right-radius: 6px; }
.num.loop-end::after { bottom: 50%; border-bottom: 3px solid var(--loop); width: 10px; border-bottom-right-radius: 6px; }
.num.loop-start::before { content: "▶"; position: absolute; right: -6px; top: calc(50% - 8px); color: var(--loop); font-size: 12px; line-height: 16px; z-index: 2; }
.num.loop-span { color: var(--loop); }
.loop-back { padding: 8px 12px; color: var(--loop); font-weight: 600; border-bottom: 1px solid var(--line); }

/* Verdict and final state at the end of the trace */
.verdict { margin: 18px 20px 40px; max-width: 900px; background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--bad); border-radius: 8px; padding: 12px 16px; }
.verdict.holds { border-left-color: var(--ok); }
.verdict h2 { margin: 0 0 4px; font-size: 16px; }
.verdict h2 .prop { font-family: var(--mono); color: var(--bad); }
.verdict p { margin: 0 0 10px; color: var(--muted); }
.verdict h3 { font-size: 13px; margin: 12px 0 4px; }

/* State tables (panel and final state) */
table.state { border-collapse: collapse; width: 100%; font: 12.5px var(--mono); }
table.state td { padding: 2px 6px; vertical-align: top; border-bottom: 1px solid color-mix(in srgb, var(--line) 60%, transparent); }
table.state td.name { color: var(--muted); white-space: nowrap; width: 1%; }
table.state td.value { overflow-wrap: anywhere; }
table.state tr.group td { color: var(--fg); font-weight: 700; padding-top: 7px; }
table.state tr.group.thread td { color: var(--lane); }
table.state tr.changed td { background: var(--chg); }
table.state tr.changed td.name { color: var(--fg); font-weight: 700; box-shadow: inset 3px 0 0 var(--chg-line); }
table.state tr.has-change > td:first-child::after { content: " •"; color: var(--chg-line); }

.panel[data-preview] { box-shadow: inset 0 3px 0 var(--faint); }
.panel[data-preview] h2::after { content: "preview · click to keep"; font: 400 11px var(--sans); color: var(--muted); }
.panel h2 { font-size: 15px; margin: 0; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.panel h2 .label { font-size: 15px; }
.panel h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 14px 0 6px; }
.panel .doc { margin-top: 6px; color: var(--code); font-size: 13px; overflow-wrap: anywhere; }
.panel .nav { display: flex; gap: 6px; margin-top: 10px; align-items: center; color: var(--muted); font-size: 12px; }
.panel button { font: 12px var(--sans); padding: 3px 10px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); border-radius: 5px; cursor: pointer; }
.panel button:disabled { opacity: 0.4; cursor: default; }
.panel .lane-pill { font: 600 12px var(--mono); color: #fff; background: var(--lane); border-radius: 4px; padding: 1px 7px; }
.holds-list { list-style: none; margin: 0; padding: 0; font-size: 12.5px; }
.holds-list li { padding: 2px 0; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.holds-list .who { font: 600 12.5px var(--mono); color: var(--lane); min-width: 5em; }
.holds-list .none { color: var(--faint); }
.panel .bad-note { margin-top: 10px; padding: 6px 9px; border-radius: 6px; background: var(--bad-bg); color: var(--bad); font-weight: 600; font-size: 12.5px; }
noscript { display: block; padding: 10px; color: var(--muted); }
`;
