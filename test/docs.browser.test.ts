// The API reference page at /docs, rendered in a real headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser } from '../src/testing/browser.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';

if (!chromiumPath) {
  console.log('skipped: browser tests (WHEELHOUSE_TEST_CHROMIUM is not set)');
  describe('API reference page in Chromium', () => {
    it.skip('skipped: set WHEELHOUSE_TEST_CHROMIUM=/usr/bin/chromium to run', () => {});
  });
} else {
  describe('API reference page in Chromium', () => {
    let t: TestHub;
    beforeAll(async () => {
      t = await startTestHub({});
    });
    afterAll(async () => t?.close());

    it('renders every documented operation, generated from the route schemas', async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`${t.url}/docs`);
        await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
        const paths = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.getAttribute('data-path')));
        expect(paths).toEqual(expect.arrayContaining(['/api/services', '/api/services/{name}/start', '/api/dashboard/status', '/health']));
        expect(await page.title()).toMatch(/Swagger UI/);
      } finally {
        await browser.close();
      }
    });
  });
}
