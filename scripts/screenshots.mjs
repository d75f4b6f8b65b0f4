// Regenerates the README's dashboard screenshots from the demo data: `npm run build`, then
// `node scripts/screenshots.mjs`. Runs `pgtel serve --demo` in-process on an in-memory PGlite database
// and a free port, lets the demo pipeline run a few batches, and photographs the views with the
// system's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) into docs/images.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createLogger } from '../dist/src/logger.js';
import { PgtelServer } from '../dist/src/serve/PgtelServer.js';

const images = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'images');
const DEMO_MS = 20_000;

const server = await PgtelServer.start({
  dataDir: 'memory://',
  port: 0,
  grpcPort: 'off',
  host: '127.0.0.1',
  demo: true,
  logger: createLogger('error'),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  await sleep(DEMO_MS);
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const base = `${server.url}/`;
  const shoot = (name) => page.screenshot({ path: join(images, `${name}.png`) });

  await page.goto(`${base}#/traces`);
  await page.locator('table.traces tbody tr').first().waitFor();
  await shoot('dashboard-traces');

  // The slowest trace with an error, its failed span selected.
  await page.locator('button.sort[data-sort=errors]').click();
  await page.locator('table.traces a.trace-link').first().click();
  await page.locator('.wf-body[data-rendered] .wf-row').first().waitFor();
  const failed = page.locator('.wf-row.error').first();
  if (await failed.count()) await failed.click();
  await shoot('dashboard-trace');

  await page.goto(`${base}#/metrics`);
  await page.getByTestId('chart').first().waitFor();
  await shoot('dashboard-metrics');
  process.stdout.write(`wrote ${images}/dashboard-{traces,trace,metrics}.png\n`);
} finally {
  await browser.close();
  await server.close();
}
