/**
 * The trace page in a real browser: headless Chromium (the system's /usr/bin/chromium, driven by
 * playwright-core, which never downloads a browser) opens the HTML `view` writes for a real
 * counterexample, and we check that the lanes and steps are drawn, that clicking a step shows its
 * state (hovering previews it), and that j/k and the arrow keys move the selection. Screenshots go to test-output/
 * (gitignored) for people to look at. Without /usr/bin/chromium the tests are skipped, saying why.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewCommand } from '../../checker/cli/commands/view';
import { instantiate } from '../../checker/model/instantiate';
import { findModel } from '../../models';
import { runCli } from '../support/cli';

/** The system's Chromium; HMMCHECK_CHROMIUM points elsewhere (or at nothing, to see the skip). */
const CHROMIUM = process.env.HMMCHECK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`viewer e2e tests skipped: ${CHROMIUM} is absent (install the distribution's chromium package to run them)`);

const H1 = { model: 'hmm/m1-mirror-2015', variant: 'v8-unregister-race' };
const haveH1 = findModel(H1.model)?.variants[H1.variant] !== undefined;
if (haveChromium && !haveH1) console.log(`viewer e2e: the H1 page test is skipped: model ${H1.model} variant ${H1.variant} is not registered`);

const outDir = fileURLToPath(new URL('../../test-output/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-viewer-e2e-'));

/** Checks a model to an ITF trace, renders it with `view`, and returns the page path and trace. */
async function tracePage(name: string, args: string[]): Promise<{ html: string; states: number }> {
  const itf = join(tmp, `${name}.json`);
  const r = runCli(['check', ...args, '--out', itf, '--no-coverage', '--workers', '1']);
  expect(r.code, r.stderr).toBe(12);
  const html = join(tmp, `${name}.html`);
  // A trace of a spec module (not a registry name) views only with that module named.
  const spec = /\.[cm]?[jt]s$/.test(args[0]!) ? args[0] : undefined;
  expect(await viewCommand({ file: itf, out: html, spec }, () => {})).toBe(0);
  return { html, states: JSON.parse(readFileSync(itf, 'utf8')).states.length };
}

describe('trace viewer in Chromium', () => {
  let ctx: BrowserContext | undefined;
  /** Requests for anything but the page file: the page must load nothing. */
  const external: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) return;
    const { chromium } = await import('playwright-core');
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmp, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1500, height: 1000 },
    });
    await ctx.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await ctx?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(html: string): Promise<{ page: Page; errors: string[] }> {
    const page = await ctx!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(pathToFileURL(html).href);
    return { page, errors };
  }

  const selected = (page: Page) => page.locator('.step.selected').getAttribute('data-step');
  const panelStep = (page: Page) => page.locator('[data-testid="state-panel"]').getAttribute('data-step');

  it.skipIf(!haveChromium)('draws lanes and steps, shows a step\'s state on click, and moves with the keyboard', async () => {
    const { html, states } = await tracePage('race', ['test/fixtures/viewerRace.ts']);
    const { page, errors } = await open(html);

    const lanes = await page.locator('[data-testid="lane"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    expect(lanes).toEqual(['Teardown', 'Unreg', 'Fault0', 'Fault1', 'environment']);
    const steps = page.locator('[data-testid="step"]');
    expect(await steps.count()).toBe(states);
    expect(states).toBe(12);
    // Each step's box sits in the lane of the thread that took it.
    const boxLanes = await steps.evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid="step-box"]')?.closest('[data-lane]')?.getAttribute('data-lane') ?? null));
    expect(boxLanes).toEqual([null, 'environment', 'Fault0', 'Fault0', 'Fault0', 'Teardown', 'Teardown', 'Unreg', 'Unreg', 'Unreg', 'Unreg', 'Fault0']);

    // The initial state is selected first.
    expect(await panelStep(page)).toBe('0');
    expect(await selected(page)).toBe('0');

    // Clicking step 8 (Unreg takes the device mutex) shows the state after it, the change highlighted.
    await steps.nth(8).click();
    expect(await panelStep(page)).toBe('8');
    expect(await page.getByTestId('panel-title').textContent()).toBe('Step 8UnregU2');
    const panel = page.getByTestId('state-panel');
    const changed = await panel.locator('[data-testid="state-row"][data-changed="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    expect(changed).toEqual(['dev.mutex.owner', 'Unreg[0].pc']);
    expect(await panel.locator('[data-path="dev.mutex.owner"] td.value').textContent()).toBe('null→Unreg');
    expect(await panel.getByTestId('holds').textContent()).toContain('Unregdev.mutex.owner');
    await page.screenshot({ path: join(outDir, 'viewer-race-step8.png') });

    // Hovering another step's box previews its state; leaving it shows the selected step again.
    await steps.nth(3).getByTestId('step-box').hover();
    await expect.poll(() => panelStep(page)).toBe('3');
    expect(await page.getByTestId('state-panel').getAttribute('data-preview')).toBe('true');
    expect(await selected(page)).toBe('8');
    await page.getByTestId('header').hover();
    await expect.poll(() => panelStep(page)).toBe('8');
    expect(await page.getByTestId('state-panel').getAttribute('data-preview')).toBeNull();

    // j / ArrowDown go forward, k / ArrowUp back, End and Home to the ends.
    await page.keyboard.press('j');
    expect([await selected(page), await panelStep(page)]).toEqual(['9', '9']);
    await page.keyboard.press('ArrowDown');
    expect(await selected(page)).toBe('10');
    await page.keyboard.press('k');
    expect(await selected(page)).toBe('9');
    await page.keyboard.press('ArrowUp');
    expect(await selected(page)).toBe('8');
    await page.keyboard.press('Home');
    expect(await selected(page)).toBe('0');
    await page.keyboard.press('k');
    expect(await selected(page)).toBe('0');
    await page.keyboard.press('End');
    expect([await selected(page), await panelStep(page)]).toEqual(['11', '11']);
    expect(await page.locator('.step.violation').getAttribute('data-step')).toBe('11');
    expect(await page.getByTestId('violation-note').textContent()).toBe('✗ invariant NoUAF is violated in this state — a freed device is never touched');
    expect(await page.getByTestId('verdict').isVisible()).toBe(true);
    expect(page.url()).toMatch(/#step-11$/);
    await page.screenshot({ path: join(outDir, 'viewer-race.png') });

    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it.skipIf(!haveChromium)('draws a Quint trace (no model): a lane per variable group, the note, the state panel without locks', async () => {
    const html = join(tmp, 'quint.html');
    expect(await viewCommand({ file: 'test/fixtures/quint-two-phase-commit.itf.json', out: html }, () => {})).toBe(0);
    const { page, errors } = await open(html);
    const lanes = await page.locator('[data-testid="lane"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    expect(lanes).toEqual(['messages', 'preparedResourceManagers', 'resourceManagerStates', 'transactionManagerState']);
    expect(await page.getByTestId('unknown-model').isVisible()).toBe(true);
    const steps = page.locator('[data-testid="step"]');
    await steps.nth(1).click();
    expect(await panelStep(page)).toBe('1');
    const panel = page.getByTestId('state-panel');
    const changed = await panel.locator('[data-testid="state-row"][data-changed="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    expect(changed).toEqual(['messages', 'resourceManagerStates[rm2]']);
    expect(await panel.getByTestId('holds').count()).toBe(0);
    await page.screenshot({ path: join(outDir, 'viewer-quint.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!haveChromium || !haveH1)('draws the H1 use-after-free of HMM v8 (hmm/m1-mirror-2015)', async () => {
    const { html, states } = await tracePage('h1', [H1.model, '--variant', H1.variant]);
    const { page, errors } = await open(html);
    const lanes = await page.locator('[data-testid="lane"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    expect(lanes).toEqual(['Unreg', 'Exit']);
    expect(await page.locator('[data-testid="step"]').count()).toBe(states);
    await page.keyboard.press('End');
    expect(await panelStep(page)).toBe(String(states - 1));
    expect(await page.getByTestId('violation-note').isVisible()).toBe(true);
    // The selected step's source link (X7b: hmm_mirror_destroy in the v8 series) is in the panel too, one click away.
    const link = page.locator('[data-testid="state-panel"] [data-testid="source-link"]');
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('https://lore.kernel.org/r/1432236705-4209-1-git-send-email-j.glisse@gmail.com');
    expect(await link.textContent()).toBe('<1432236705-4209-1-git-send-email-j.glisse@gmail.com> hmm_mirror_destroy()');
    await page.screenshot({ path: join(outDir, 'viewer-h1.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!haveChromium)("draws M4's longest trace (hmm/m4-now H9, 37 steps): a lane per thread, the violating step marked", async () => {
    const { html, states } = await tracePage('m4-h9', ['hmm/m4-now', '--variant', 'swap-fault-no-page-ref']);
    const { page, errors } = await open(html);
    const lanes = await page.locator('[data-testid="lane"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    const threads = instantiate(findModel('hmm/m4-now')!, 'swap-fault-no-page-ref').spec.threads;
    expect(lanes).toEqual(expect.arrayContaining(threads.flatMap((t) => t.ids)));
    expect(states).toBe(38);
    expect(await page.locator('[data-testid="step"]').count()).toBe(states);
    await page.keyboard.press('End');
    expect(await page.getByTestId('violation-note').isVisible()).toBe(true);
    await page.screenshot({ path: join(outDir, 'viewer-m4-h9.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
