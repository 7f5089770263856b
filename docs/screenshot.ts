/**
 * Regenerates docs/m4-now-h9.png, the README's picture of a counterexample: M4's longest trace
 * (hmm/m4-now, swap-fault-no-page-ref, H9) drawn by `hmmcheck view` in headless Chromium.
 * Usage: npx tsx docs/screenshot.ts   (needs Debian's chromium at /usr/bin/chromium)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'hmmcheck-shot-'));
const cli = (args: string[]) => execFileSync(process.execPath, [join(root, 'bin/hmmcheck.mjs'), ...args], { cwd: root, stdio: 'ignore' });
try {
  cli(['check', 'hmm/m4-now', '--variant', 'swap-fault-no-page-ref', '--out', join(tmp, 't.json'), '--no-coverage']);
} catch {
  // exit 12: the violation we want to draw
}
cli(['view', join(tmp, 't.json'), '-o', join(tmp, 't.html')]);
const ctx = await chromium.launchPersistentContext(join(tmp, 'profile'), {
  executablePath: process.env.HMMCHECK_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1500, height: 1000 },
});
const page = await ctx.newPage();
await page.goto(pathToFileURL(join(tmp, 't.html')).href);
await page.keyboard.press('End');
await page.screenshot({ path: join(root, 'docs/m4-now-h9.png'), fullPage: true });
await ctx.close();
console.log('wrote docs/m4-now-h9.png');
