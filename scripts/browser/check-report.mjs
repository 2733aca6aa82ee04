// Loads a report page in Debian's headless Chromium (driven by playwright-core; no browser
// download) and checks what a reader would see: the page loads with no console error, no
// page error and no request but the page itself; every chart is there with a non-zero size;
// the totals say how many outcomes went in. Writes a full-page screenshot.
//
//   node scripts/browser/check-report.mjs PAGE.html SCREENSHOT.png CHARTS OUTCOMES
//
// CHROMIUM overrides the browser (default /usr/bin/chromium). Exits 1 on any failed check.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [pagePath, screenshot, charts, outcomes] = process.argv.slice(2);
if (!pagePath || !screenshot || !charts || !outcomes) {
  console.error('usage: check-report.mjs PAGE.html SCREENSHOT.png CHARTS OUTCOMES');
  process.exit(2);
}
const url = pathToFileURL(resolve(pagePath)).href;
const userDataDir = mkdtempSync(join(tmpdir(), 'report-chromium-'));
const problems = [];

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url) problems.push(`request to ${request.url()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || !response.ok()) problems.push(`loading ${url} failed`);

  const sizes = await page.$$eval('figure.chart > svg', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      return { id: svg.parentElement.id, width: box.width, height: box.height };
    }),
  );
  if (sizes.length !== Number(charts)) {
    problems.push(`${sizes.length} charts, expected ${charts}`);
  }
  for (const { id, width, height } of sizes) {
    if (!(width > 0 && height > 0)) problems.push(`chart #${id} is ${width}x${height}`);
  }
  const total = (await page.textContent('#total-outcomes'))?.trim();
  if (total !== outcomes) problems.push(`the page counts ${total} outcomes, expected ${outcomes}`);

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(
    `report page: ${sizes.map((s) => `${s.id} ${Math.round(s.width)}x${Math.round(s.height)}`).join(', ')}; ` +
      `${total} outcomes; screenshot ${screenshot}`,
  );
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`browser check: ${problem}`);
  process.exit(1);
}
