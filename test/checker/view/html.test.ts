import { describe, expect, it } from 'vitest';
import { renderTraceHtml } from '../../../checker/view/html';
import { buildTraceView } from '../../../checker/view/traceView';
import { spec } from '../../../spec/builder';
import { t } from '../../../spec/types';
import { itfOf, VIEWER_LABELS, viewerSpec } from '../../fixtures/viewerSpec';

const view = buildTraceView(itfOf(viewerSpec, VIEWER_LABELS, { loop: 3 }), viewerSpec);
const html = renderTraceHtml(view);

function count(re: RegExp): number {
  return html.match(re)?.length ?? 0;
}

describe('trace page HTML', () => {
  it('is one self-contained document: no URL, no external script, style or image', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|\bsrc=|@import|url\(/i);
    expect(count(/<script\b/g)).toBe(2); // the data and the inline script
    expect(count(/<style>/g)).toBe(1);
  });

  it('embeds the view as JSON that reads back exactly', () => {
    const m = /<script type="application\/json" id="hmmcheck-trace">(.*?)<\/script>/s.exec(html);
    expect(m).not.toBeNull();
    const data = JSON.parse(m![1]!);
    expect(data.view).toEqual(JSON.parse(JSON.stringify(view)));
    expect(Object.keys(data.colors.lanes)).toEqual(['A', 'B', 'W', 'environment']);
    expect(Object.keys(data.colors.locks)).toEqual(view.locks);
  });

  it('has a lane header per lane, a row per step with its box in its lane, and the panel', () => {
    expect(count(/data-testid="lane"/g)).toBe(4);
    expect(count(/data-testid="step" data-step="\d+"/g)).toBe(view.steps.length);
    expect(count(/<div class="box" data-testid="step-box"/g)).toBe(view.steps.length - 1); // Init spans every lane instead
    expect(count(/<aside class="panel" data-testid="state-panel"/g)).toBe(1);
    expect(count(/data-testid="verdict"/g)).toBe(1);
    const row = /<div class="row step" data-testid="step" data-step="4" data-lane="environment">(.*?)<\/div>\n/s.exec(html)![1]!;
    expect(row).toMatch(/<div class="cell acting" data-lane="environment"[^>]*><div class="box" data-testid="step-box"/);
    expect(row).toContain('<span class="label">Tick(1)</span>');
  });

  it('marks the violating step, the lasso and the locks taken and released', () => {
    expect(html).toContain('class="row step violation" data-testid="step" data-step="9"');
    expect(count(/class="num loop-span[^"]*"/g)).toBe(view.steps.length - 3);
    expect(html).toContain('class="num loop-span loop-start"');
    expect(html).toContain('class="num loop-span loop-end"');
    expect(html).toContain('↺ steps 4 to 9 lead back to the state after step 3 and repeat forever');
    expect(html).toContain('title="A takes m.owner"');
    expect(html).toContain('title="A releases sem.readers"');
    expect(html).toContain('title="W waits for sem.waiting"');
    expect(html).toContain('<span class="lockword" style="--lock:#e11d48">A takes</span>');
    expect(html).toMatch(/<i class="bar from-mid" style="left:4px;--lock:#e11d48"><\/i>/);
  });

  it('marks the groups above a changed variable, and only those', () => {
    const final = /<section class="verdict"[^>]*>(.*)<\/section>/s.exec(html)![1]!;
    // Step 9 changed only n, a top-level variable: no group is marked.
    expect(final).toContain('<tr class="leaf changed" data-testid="state-row" data-path="n" data-changed="true">');
    expect(final).not.toContain('has-change');
    const step7 = renderTraceHtml(buildTraceView(itfOf(viewerSpec, VIEWER_LABELS.slice(0, 7)), viewerSpec));
    const groups = [...step7.matchAll(/<tr class="group[^"]*has-change[^"]*"[^>]*data-path="([^"]+)"/g)].map((m) => m[1]);
    expect(groups).toEqual(['sem', 'rd', 'Writer[0]']);
  });

  it('escapes model text everywhere, and cannot be broken out of its data script', () => {
    const evil = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('P', { instances: ['<u>'], steps: [{ label: 'go', doc: '</script><script>alert(1)</script> & "q"', effect: (d) => void (d.x = 1) }] })
      .invariant('Zero', (s) => s.x === 0, '<i>x</i> stays 0')
      .build();
    const page = renderTraceHtml(buildTraceView(itfOf(evil, ['<u>.go'], { property: 'Zero' }), evil));
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<u>');
    expect(page).not.toContain('<i>x</i>');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;');
    expect(page.match(/<\/script>/g)).toHaveLength(2);
  });
});
