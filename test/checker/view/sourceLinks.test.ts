/**
 * Links from trace steps to the kernel source they cite (checker/view/sourceLinks.ts): the URL
 * template, its override by flag and environment, escaping, and real counterexamples of the HMM
 * models rendered as HTML and as text.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { viewCommand } from '../../../checker/cli/commands/view';
import { checkSpec } from '../../../checker/check';
import { UsageError } from '../../../checker/engine/errors';
import { instantiate } from '../../../checker/model/instantiate';
import { itfOf } from '../../../checker/trace/itfOf';
import type { ItfTrace } from '../../../checker/trace/itf';
import { renderTraceHtml } from '../../../checker/view/html';
import { citationUrl, DEFAULT_SOURCE_URL, sourceUrlTemplate } from '../../../checker/view/sourceLinks';
import { formatTraceViewText } from '../../../checker/view/text';
import { buildTraceView } from '../../../checker/view/traceView';
import { spec } from '../../../spec/builder';
import { kernelSource, mailSource } from '../../../spec/citation';
import { t } from '../../../spec/types';
import { m3MigrateDevice } from '../../../models/hmm/m3/migrateDevice';
import { m5HmmPt } from '../../../models/hmm/m5';
import { m6GupFastPfnmap } from '../../../models/hmm/m6/gupFastPfnmap';
import { itfOf as fixtureItf } from '../../fixtures/viewerSpec';
import { runCli } from '../../support/cli';

const COMMIT = '022a12deda53c983755c08e073a3c028a6850a23';

/** The counterexample of a variant, as `check --out` writes it. */
function counterexample(model: typeof m3MigrateDevice | typeof m5HmmPt, variant: string): { itf: ItfTrace; inst: ReturnType<typeof instantiate> } {
  const inst = instantiate(model, variant, {});
  const { result, trace } = checkSpec(inst.spec);
  expect(result.verdict.kind).toBe('violation');
  return { itf: itfOf(inst, result, trace!), inst };
}

describe('citationUrl', () => {
  it("fills the default template (git.kernel.org's stable tree at the cited commit and line)", () => {
    const c = kernelSource(COMMIT)('mm/migrate_device.c', 'migrate_vma_collect_pmd', 284);
    expect(citationUrl(DEFAULT_SOURCE_URL, c)).toBe(`https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/mm/migrate_device.c?id=${COMMIT}#n284`);
  });

  it('links a step read at a stable tag (hmm/m6-gup-fast-pfnmap G0, mm/gup.c at v6.12.118) to that tag and line', () => {
    const inst = instantiate(m6GupFastPfnmap, Object.keys(m6GupFastPfnmap.variants)[0]!, {});
    const g0 = inst.spec.actions.find((a) => a.name === 'G.G0');
    expect(g0?.src).toEqual([{ file: 'mm/gup.c', fn: 'gup_fast', line: 3418, commit: 'v6.12.118' }]);
    expect(citationUrl(DEFAULT_SOURCE_URL, g0!.src![0]!)).toBe('https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/mm/gup.c?id=v6.12.118#n3418');
  });

  it('encodes each path segment, the commit and the function; an unpinned citation reads master', () => {
    const c = kernelSource('0d979509539e^')('drivers/a b/"x".c', 'f&g', 3);
    expect(citationUrl('file:///src/{commit}/{file}#{fn}-L{line}', c)).toBe('file:///src/0d979509539e%5E/drivers/a%20b/%22x%22.c#f%26g-L3');
    expect(citationUrl(DEFAULT_SOURCE_URL, kernelSource()('mm/memory.c', 'do_swap_page'))).toBe('https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/mm/memory.c?id=master');
  });

  it("links a mail citation to its own URL, and never to a non-http(s) one", () => {
    expect(citationUrl(DEFAULT_SOURCE_URL, mailSource('a@b')('f'))).toBe('https://lore.kernel.org/r/a@b');
    expect(citationUrl(DEFAULT_SOURCE_URL, { url: 'javascript:alert(1)' })).toBeUndefined();
  });
});

describe('sourceUrlTemplate', () => {
  it('takes --source-url, else $HMMCHECK_SOURCE_URL, else the default', () => {
    expect(sourceUrlTemplate('file:///k/{file}#L{line}', { HMMCHECK_SOURCE_URL: 'https://env/{file}' })).toBe('file:///k/{file}#L{line}');
    expect(sourceUrlTemplate(undefined, { HMMCHECK_SOURCE_URL: 'https://env/{file}' })).toBe('https://env/{file}');
    expect(sourceUrlTemplate(undefined, {})).toBe(DEFAULT_SOURCE_URL);
  });

  it('rejects a template that is not an http(s) or file URL with a one-line usage error', () => {
    expect(() => sourceUrlTemplate('javascript:alert(1)//{file}', {})).toThrow(UsageError);
    expect(() => sourceUrlTemplate('javascript:alert(1)//{file}', {})).toThrow('--source-url must start with http://, https:// or file://, got "javascript:alert(1)//{file}"');
    expect(() => sourceUrlTemplate(undefined, { HMMCHECK_SOURCE_URL: 'data:text/html,x' })).toThrow('HMMCHECK_SOURCE_URL must start with http://, https:// or file://, got "data:text/html,x"');
  });
});

describe('a real counterexample (hmm/m3-migrate-device, mutant-collect-skips-tlb-flush)', () => {
  let itf: ItfTrace;
  let inst: ReturnType<typeof instantiate>;
  beforeAll(() => void ({ itf, inst } = counterexample(m3MigrateDevice, 'mutant-collect-skips-tlb-flush')));

  it('links every step to its source line at the pinned commit', () => {
    const view = buildTraceView(itf, inst.spec);
    const html = renderTraceHtml(view);
    const rows = [...html.matchAll(/<div class="row step[^"]*" data-testid="step" data-step="(\d+)"[\s\S]*?(?=<div class="row step|<section)/g)];
    expect(rows).toHaveLength(view.steps.length);
    for (const [row, i] of rows.slice(1).map((m) => [m[0], m[1]] as const)) expect(row, `step ${i}`).toContain('data-testid="source-link"');
    // Step 1 is Cpmd: migrate_vma_collect_pmd's `again:` label, mm/migrate_device.c:120-122.
    expect(view.steps[1]!.label).toBe('Cpmd');
    expect(rows[1]![0]).toContain(
      `<a href="https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/mm/migrate_device.c?id=${COMMIT}#n120" target="_blank" rel="noopener noreferrer" data-testid="source-link">mm/migrate_device.c:120-122 migrate_vma_collect_pmd() @022a12deda53</a>`,
    );
  });

  it('uses a template pointing at a local tree', () => {
    const html = renderTraceHtml(buildTraceView(itf, inst.spec), { sourceUrl: 'file:///home/me/linux/{file}#L{line}' });
    expect(html).toContain('<a href="file:///home/me/linux/mm/migrate_device.c#L120"');
    expect(html).not.toContain('git.kernel.org');
  });

  it('prints file:line and the function under each step of the text view', () => {
    const text = formatTraceViewText(buildTraceView(itf, inst.spec), { width: 140 });
    expect(text).toMatch(/^ 1 {2}Cpmd .*\n.*\n.*@ mm\/migrate_device\.c:120-122 migrate_vma_collect_pmd\(\)$/m);
  });

  it('takes links from the model, never from the trace file', () => {
    const forged = JSON.parse(JSON.stringify(itf)) as ItfTrace & { states: { '#meta': Record<string, unknown> }[] };
    forged.states[1]!['#meta'].src = [{ url: 'https://evil.example/' }];
    forged.states[1]!['#meta'].doc = '<script>x</script>';
    const html = renderTraceHtml(buildTraceView(forged, inst.spec));
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('<script>x</script>');
  });

  it('view --source-url and $HMMCHECK_SOURCE_URL reach the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-src-'));
    const file = join(dir, 't.json');
    writeFileSync(file, JSON.stringify(itf));
    const out = join(dir, 't.html');
    expect(await viewCommand({ file, out, sourceUrl: 'https://elixir.bootlin.com/linux/{commit}/source/{file}#L{line}' }, () => {})).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`<a href="https://elixir.bootlin.com/linux/${COMMIT}/source/mm/migrate_device.c#L120"`);
    process.env.HMMCHECK_SOURCE_URL = 'file:///env/{file}';
    try {
      expect(await viewCommand({ file, out }, () => {})).toBe(0);
    } finally {
      delete process.env.HMMCHECK_SOURCE_URL;
    }
    expect(readFileSync(out, 'utf8')).toContain('<a href="file:///env/mm/migrate_device.c"');
    expect(citationUrl('file:///k/{file}#L{line}', kernelSource()('mm/memory.c', 'f'))).toBe('file:///k/mm/memory.c');
  });
});

describe('check --html --source-url (the CLI)', () => {
  it('writes the page with the template, and rejects a bad template before any work (exit 150, one line)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hmmcheck-src-')), 'p.html');
    const args = ['check', 'hmm/m3-migrate-device', '--variant', 'mutant-collect-skips-tlb-flush', '--no-coverage', '--workers', '1', '--html', out];
    const r = runCli([...args, '--source-url', 'file:///srv/linux/{file}#L{line}']);
    expect(r.code).toBe(12);
    expect(readFileSync(out, 'utf8')).toContain('<a href="file:///srv/linux/mm/migrate_device.c#L120"');
    const bad = runCli([...args, '--source-url', 'javascript:alert(1)']);
    expect(bad.code).toBe(150);
    expect(bad.stderr).toBe('hmmcheck: --source-url must start with http://, https:// or file://, got "javascript:alert(1)"\n');
  });
});

describe('a mailing-list model (hmm/m5-hmm-pt, mutant-walker-plain-inc)', () => {
  it('links each step to the patch mail on lore.kernel.org', () => {
    const { itf, inst } = counterexample(m5HmmPt, 'mutant-walker-plain-inc');
    const html = renderTraceHtml(buildTraceView(itf, inst.spec));
    expect(html).toContain('<a href="https://lore.kernel.org/r/1432236705-4209-7-git-send-email-j.glisse@gmail.com" target="_blank" rel="noopener noreferrer" data-testid="source-link">&lt;1432236705-4209-7-git-send-email-j.glisse@gmail.com&gt; hmm_pt_iter_update()</a>');
  });
});

describe('escaping', () => {
  it('escapes citations and templates: no markup, no attribute break-out', () => {
    const evil = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('P', { instances: ['P'], steps: [{ label: 'go', doc: 'go', src: kernelSource('"><b>')('"><script>a</script>.c', '<i>f</i>', 1), effect: (d) => void (d.x = 1) }] })
      .invariant('Zero', (s) => s.x === 0)
      .build();
    const html = renderTraceHtml(buildTraceView(fixtureItf(evil, ['P.go'], { property: 'Zero' }), evil), { sourceUrl: 'https://x/"onmouseover="alert(1)/{file}?c={commit}' });
    expect(html).not.toContain('<script>a');
    expect(html).not.toContain('<i>f</i>');
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain('<a href="https://x/&quot;onmouseover=&quot;alert(1)/%22%3E%3Cscript%3Ea%3C/script%3E.c?c=%22%3E%3Cb%3E"');
    expect(html).toContain('&quot;&gt;&lt;script&gt;a&lt;/script&gt;.c:1 &lt;i&gt;f&lt;/i&gt;() @&quot;&gt;&lt;b&gt;</a>');
  });
});
