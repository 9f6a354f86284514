// The dashboard end to end: the example fleet under the real hub binary, driven in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumPath, launchBrowser } from '../src/testing/browser.js';
import type { HubProcess } from '../src/testing/hub-process.js';
import { screenshot, signedInPage, startExampleFleet } from '../src/testing/web.js';

if (!chromiumPath) {
  console.log('skipped: dashboard browser tests (WHEELHOUSE_TEST_CHROMIUM is not set)');
  describe('dashboard in Chromium', () => {
    it.skip('skipped: set WHEELHOUSE_TEST_CHROMIUM=/usr/bin/chromium to run', () => {});
  });
} else {
  describe('dashboard in Chromium: sign-in and overview', () => {
    let hub: HubProcess;
    let browser: Browser;
    beforeAll(async () => {
      [hub, browser] = await Promise.all([startExampleFleet(), launchBrowser()]);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      hub?.child.kill('SIGTERM');
      await hub?.exited;
    });

    it('refuses a wrong password and says so, then signs in', async () => {
      const page = await browser.newPage();
      await page.goto(hub.url);
      await page.getByLabel('User name').fill('ada');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong user name or password');
      await screenshot(page, 'login');
      await page.close();
    });

    it('shows the example fleet, and a stop then a restart change the card without a reload', async () => {
      const page = await signedInPage(browser, hub.url, 'operator');
      const card = page.locator('[data-service="catalog"]');
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
      expect(await page.locator('[data-service]').count()).toBe(3);
      await expect.poll(() => page.locator('.live-live').count()).toBe(1);
      // A marker on window survives only if the page is never reloaded.
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      await screenshot(page, 'overview');
      await card.getByRole('button', { name: 'Stop catalog' }).click();
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('stopped');
      await card.getByRole('button', { name: 'Restart catalog' }).click();
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
      await page.context().close();
    });

    it('an invitation link lets the new user choose a password and sign in', async () => {
      const invite = await hub.api<{ url: string }>('POST', '/api/users/invitations', { name: 'ivan', role: 'viewer' });
      expect(invite.status).toBe(201);
      const page = await browser.newPage();
      await page.goto(invite.body.url);
      await page.getByLabel('New password').fill('a long enough passphrase');
      await page.getByLabel('Repeat it').fill('a long enough passphrase');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByRole('heading', { name: 'Password set' }).waitFor();
      expect(page.url()).not.toContain('token=');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('User name').fill('ivan');
      await page.getByLabel('Password').fill('a long enough passphrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('viewer');
      // The link is single use.
      await page.goto(invite.body.url);
      await page.getByLabel('New password').fill('another long passphrase');
      await page.getByLabel('Repeat it').fill('another long passphrase');
      await page.getByRole('button', { name: 'Set password' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('expired or was already used');
      await page.close();
    });

    it('shows a viewer no action buttons, and the API refuses the action anyway', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.locator('[data-service="api"]').waitFor();
      expect(await page.getByRole('button', { name: /^(Start|Stop|Restart) / }).count()).toBe(0);
      const status = await page.evaluate(async () => (await fetch('/api/services/api/stop', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
      expect(status).toBe(403);
      await screenshot(page, 'overview-viewer');
      // The theme toggle switches at once and is remembered across loads.
      const before = await page.evaluate(() => document.documentElement.dataset.theme);
      await page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
      const after = await page.evaluate(() => document.documentElement.dataset.theme);
      expect(after).not.toBe(before);
      await page.reload();
      await page.locator('[data-service="api"]').waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(after);
      await screenshot(page, `overview-${after}`);
      await page.context().close();
    });
  });
}
