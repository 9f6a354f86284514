// The log viewer and the service page end to end: known entries ingested through the API,
// then filtered, followed by trace, expanded and tailed in headless Chromium.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchBrowser } from '../src/testing/browser.js';
import { waitFor } from '../src/testing/helpers.js';
import type { HubProcess } from '../src/testing/hub-process.js';
import { screenshot, signedInPage, startExampleFleet } from '../src/testing/web.js';

if (!chromiumPath) {
  console.log('skipped: log viewer and service page browser tests (WHEELHOUSE_TEST_CHROMIUM is not set)');
  describe('log viewer and service page in Chromium', () => {
    it.skip('skipped: set WHEELHOUSE_TEST_CHROMIUM=/usr/bin/chromium to run', () => {});
  });
} else {
  describe('log viewer and service page in Chromium', () => {
    let hub: HubProcess;
    let browser: Browser;
    const run = randomBytes(4).toString('hex');
    const trace = `4bf92f35${run}77b34da6`;
    const otherTrace = `00f067aa${run}0ba902b7`;
    // A word no service writes, so a search for it finds exactly the entries below.
    const word = `zebracorn${run}`;
    const known = [
      { service_name: 'api', level: 'INFO', message: `checkout started for order 1001 (${word})`, trace_id: trace, user_id: 'u-1042', context: { order: 1001, cart: { items: 3, total: 59.9 } } },
      { service_name: 'catalog', level: 'ERROR', message: `inventory lookup failed: upstream timeout (${word})`, trace_id: trace, user_id: 'u-1042', context: { sku: 'SKU-42', attempt: 2 } },
      { service_name: 'api', level: 'WARNING', message: 'slow upstream response from catalog', context: { elapsed_ms: 1240 } },
      { service_name: 'api', level: 'ERROR', message: 'payment declined by provider', trace_id: otherTrace, context: { provider: 'acme-pay', code: 'card_declined' } },
      { service_name: 'worker', level: 'DEBUG', message: 'job queue polled: 0 pending' },
    ];

    beforeAll(async () => {
      [hub, browser] = await Promise.all([startExampleFleet(), launchBrowser()]);
      const r = await hub.api<{ ingested: number }>('POST', '/api/logs/ingest', known);
      expect(r.status).toBe(200);
      expect(r.body.ingested).toBe(known.length);
      // Full-text search may trail an append by a moment.
      await waitFor('the entries to be searchable', async () => (await hub.api<{ total: number }>('GET', `/api/logs?q=${word}`)).body.total === 2);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      hub?.child.kill('SIGTERM');
      await hub?.exited;
    });

    const rows = (page: Page) => page.locator('[data-log-id]');
    const messages = (page: Page) => page.locator('[data-log-id] .msg-text').allTextContents();

    it('filters by level, then by text, and keeps the filters in the URL', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/logs`);
      await rows(page).first().waitFor();
      await page.getByLabel('Level').selectOption('ERROR');
      await expect.poll(() => page.url()).toContain('level=ERROR');
      // The previous rows stay (dimmed) until the new page arrives.
      const levelsShown = () => rows(page).evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-level')))]);
      await expect.poll(levelsShown).toEqual(['ERROR']);
      expect((await messages(page)).some((m) => m.includes('payment declined'))).toBe(true);

      await page.getByLabel('Level').selectOption('');
      await page.getByLabel('Search').fill(word);
      await page.getByLabel('Search').press('Enter');
      await expect.poll(() => page.url()).toContain(`q=${word}`);
      await expect.poll(() => rows(page).count()).toBe(2);
      for (const m of await messages(page)) expect(m).toContain(word);
      expect(await page.locator('[data-log-id] mark').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('log-summary').textContent()).toContain('of 2 entries');

      // A link with the filters opens the same view (as the overview's count links do).
      await page.goto(`${hub.url}/logs?service=api&level=WARNING&range=1h`);
      await expect.poll(() => messages(page)).toEqual(['slow upstream response from catalog']);
      expect(await page.getByLabel('Service').inputValue()).toBe('api');
      await page.context().close();
    });

    it('follows a trace id link to that trace only, and expands an entry to its context', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/logs?q=${word}`);
      const failed = rows(page).filter({ hasText: 'inventory lookup failed' });
      await failed.waitFor();
      await failed.getByRole('link', { name: `Show only trace ${trace}` }).click();
      // The link is the trace alone: the search is gone, every entry of the trace shows.
      await expect.poll(() => new URL(page.url()).search).toBe(`?trace_id=${trace}`);
      await expect.poll(() => rows(page).count()).toBe(2);
      expect((await messages(page)).every((m) => m.includes(word))).toBe(true);
      expect(await page.getByLabel('Trace id').inputValue()).toBe(trace);

      const row = rows(page).filter({ hasText: 'inventory lookup failed' });
      const toggle = row.locator('button.log-row');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const context = row.getByTestId('log-context');
      await expect.poll(() => context.textContent()).toContain('"sku": "SKU-42"');
      expect(await row.getByTestId('log-detail').textContent()).toContain('u-1042');

      // Keyboard: arrow to the other row, Enter opens it.
      await toggle.focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const other = rows(page).filter({ hasText: 'checkout started' });
      await expect.poll(() => other.getByTestId('log-context').textContent()).toContain('"items": 3');

      await page.goto(`${hub.url}/logs`);
      await rows(page).filter({ hasText: 'payment declined' }).locator('button.log-row').click();
      await page.getByTestId('log-context').first().waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'logs');
      await page.context().close();
    });

    it('says what to do when nothing matches', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/logs?q=nothingmatchesthis${run}`);
      await expect.poll(() => page.locator('.state-empty').textContent()).toContain('Widen the time range');
      await page.getByRole('button', { name: 'Clear filters' }).last().click();
      await expect.poll(() => page.url()).not.toContain('q=');
      await rows(page).first().waitFor();
      await page.context().close();
    });

    it('live tail shows a newly ingested entry without a reload', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/logs?service=api`);
      await rows(page).first().waitFor();
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
      await page.getByTestId('live-toggle').click();
      await expect.poll(() => page.getByTestId('live-toggle').textContent()).toContain('tailing');
      const message = `fresh entry ${run} arrived live`;
      await hub.api('POST', '/api/logs/ingest', { service_name: 'api', level: 'WARNING', message, trace_id: trace });
      await expect.poll(() => rows(page).first().locator('.msg-text').textContent()).toContain(message);
      // Entries of other services do not match the tail's filter.
      await hub.api('POST', '/api/logs/ingest', { service_name: 'catalog', level: 'INFO', message: `not for this tail ${run}` });
      await hub.api('POST', '/api/logs/ingest', { service_name: 'api', level: 'INFO', message: `second live entry ${run}` });
      await expect.poll(() => rows(page).first().locator('.msg-text').textContent()).toContain(`second live entry ${run}`);
      expect((await messages(page)).some((m) => m.includes(`not for this tail ${run}`))).toBe(false);
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
      expect(page.url()).toContain('live=1');
      await page.context().close();
    });

    it('service page shows the information, a CPU chart, the last log lines and a CSV download', async () => {
      // Samples come every 5 s: wait for a few, so the chart has a line to draw (not a timing check).
      type Query = { series: { points: [number, number | null][] }[] };
      const samples = async () => (await hub.api<Query>('GET', '/api/metrics/query?name=service_cpu_percent&match=service:api&step=10s')).body.series[0]?.points.filter((p) => p[1] !== null).length ?? 0;
      await waitFor('three CPU samples of api', async () => (await samples()) >= 3, 60_000, 500);
      const page = await signedInPage(browser, hub.url, 'operator');
      await page.goto(`${hub.url}/services/api`);
      await page.getByRole('heading', { name: 'API gateway' }).waitFor();
      const info = page.getByTestId('service-info');
      await expect.poll(() => info.textContent()).toContain('Public API in front of the catalog');
      expect(await info.textContent()).toContain('catalog');
      await expect.poll(() => page.locator('.status').first().textContent(), { timeout: 15_000 }).toContain('running');
      // A sample arrives every few seconds: the chart draws from the query or from the live feed.
      await page.getByTestId('cpu-chart').locator('canvas').first().waitFor({ timeout: 30_000 });
      await page.getByTestId('memory-chart').locator('canvas').first().waitFor({ timeout: 30_000 });
      await page.getByTestId('health-history').waitFor();
      expect(await page.getByRole('button', { name: 'Restart api' }).count()).toBe(1);

      const lines = page.locator('[data-log-id]');
      await lines.first().waitFor();
      expect(await lines.count()).toBeLessThanOrEqual(50);
      const shown = await page.locator('[data-log-id] .msg-text').allTextContents();
      expect(shown.some((m) => m.includes('payment declined'))).toBe(true);
      await lines.filter({ hasText: 'payment declined' }).locator('button.log-row').click();
      await expect.poll(() => page.getByTestId('log-context').first().textContent()).toContain('card_declined');

      const href = await page.getByTestId('download-csv').getAttribute('href');
      expect(href).toContain('format=csv');
      const res = await page.request.get(`${hub.url}${href}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain('text/csv');
      const csv = await res.text();
      expect(csv.split('\n')[0]).toBe('id,timestamp,service_name,level,message,context,trace_id,user_id,hostname,process_id,source');
      expect(csv).toContain('payment declined by provider');
      expect(csv).not.toContain('inventory lookup failed');

      // New lines arrive over the live tail.
      await expect.poll(() => page.locator('.tail-badge').textContent()).toContain('live');
      await hub.api('POST', '/api/logs/ingest', { service_name: 'api', level: 'ERROR', message: `service page live line ${run}` });
      await expect.poll(() => lines.first().locator('.msg-text').textContent()).toContain(`service page live line ${run}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.mouse.move(0, 0);
      await screenshot(page, 'service-detail');
      await page.context().close();
    });

    it('service page says so when the service does not exist', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/services/nope-${run}`);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('removed or renamed');
      await page.context().close();
    });
  });
}
