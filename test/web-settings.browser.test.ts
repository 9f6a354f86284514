// The Settings page end to end: the example fleet under the real hub binary with a webhook
// channel pointing at a receiver in this test, driven in headless Chromium as each role.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { startReceiver, type Receiver } from '../src/alerts/notifiers/testing/fixtures.js';
import { chromiumPath, launchBrowser } from '../src/testing/browser.js';
import type { HubProcess } from '../src/testing/hub-process.js';
import { screenshot, signedInPage, startExampleFleet, webPassword } from '../src/testing/web.js';

/** Waits for the page to catch up: an upper bound for a loaded machine (hashing a password takes a while), not a timing check. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** Secrets of the configured channel: the browser must never receive them. */
const hookPathSecret = 'wh-hook-path-secret';
const hookHmacSecret = 'wh-hook-hmac-secret';

if (!chromiumPath) {
  console.log('skipped: settings browser tests (WHEELHOUSE_TEST_CHROMIUM is not set)');
  describe('settings in Chromium', () => {
    it.skip('skipped: set WHEELHOUSE_TEST_CHROMIUM=/usr/bin/chromium to run', () => {});
  });
} else {
  describe('settings in Chromium', () => {
    let hub: HubProcess;
    let browser: Browser;
    let receiver: Receiver;
    let admin: Page;

    beforeAll(async () => {
      receiver = await startReceiver();
      // Channels come from wheelhouse.yaml (there is no API to add one).
      const channels = [{ name: 'ops-hook', type: 'webhook', url: `${receiver.url}/hooks/${hookPathSecret}`, secret: hookHmacSecret }];
      [hub, browser] = await Promise.all([startExampleFleet({ alerts: { channels } }), launchBrowser()]);
      admin = await signedInPage(browser, hub.url, 'admin');
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      hub?.child.kill('SIGTERM');
      await hub?.exited;
      await receiver?.close();
    });

    const open = async (page: Page, tab: string) => {
      await page.goto(`${hub.url}/settings/${tab}`);
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    };
    // Toasts, and any error shown in place (so a failure says why).
    const toast = (page: Page, text: string) =>
      poll(() => page.locator('.toast, [role="alert"]').allTextContents()).toContainEqual(expect.stringContaining(text));

    it('lets an admin add a user with a password, change their role, and invite another with a link shown once', async () => {
      await open(admin, 'users');
      await admin.locator('[data-user="ada"]').waitFor();
      await admin.getByRole('button', { name: 'Add user' }).click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByLabel('User name', { exact: true }).fill('grace');
      await dialog.getByLabel('Display name (optional)').fill('Grace Hopper');
      await dialog.getByLabel('Set a password now').check();
      await dialog.getByLabel('Password', { exact: true }).fill('cobol compiler pioneer');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await toast(admin, 'grace can sign in now');
      const row = admin.locator('[data-user="grace"]');
      await poll(() => row.getByLabel('Role of grace').inputValue()).toBe('viewer');

      await row.getByLabel('Role of grace').selectOption('operator');
      await toast(admin, 'grace is now an operator');
      expect((await hub.api<{ user: { role: string } }>('GET', '/api/users/grace')).body.user.role).toBe('operator');

      await admin.getByRole('button', { name: 'Add user' }).click();
      await dialog.getByLabel('User name', { exact: true }).fill('hal');
      await dialog.getByRole('button', { name: 'Add and create link' }).click();
      const link = await dialog.getByTestId('issued-link').inputValue();
      expect(link).toMatch(new RegExp(`^${hub.url}/accept#token=.+`));
      await dialog.getByRole('button', { name: 'Done' }).click();
      await poll(() => dialog.count()).toBe(0);
      expect(await admin.content()).not.toContain(link.split('#token=')[1]);
      await poll(() => admin.locator('[data-user="hal"]').textContent()).toContain('invited');
      await screenshot(admin, 'settings-users');
    });

    it('creates a token whose secret is shown exactly once and works, then revokes it', async () => {
      await open(admin, 'tokens');
      await admin.getByTestId('tokens-table').waitFor();
      await admin.getByRole('button', { name: 'Create token' }).click();
      const dialog = admin.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill('ci-deploy');
      await dialog.getByLabel('operate', { exact: true }).check();
      await dialog.getByLabel('Expires after').selectOption('90d');
      await dialog.getByRole('button', { name: 'Create token' }).click();
      const secret = await dialog.getByTestId('token-secret').inputValue();
      expect(secret).toMatch(/^whk_/);
      await screenshot(admin, 'settings-token-secret');
      const withSecret = () => fetch(`${hub.url}/api/services`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);
      expect(await withSecret()).toBe(200);
      await dialog.getByRole('button', { name: 'I have copied it' }).click();
      await poll(() => dialog.count()).toBe(0);
      expect(await admin.content()).not.toContain(secret);

      const row = admin.locator('[data-token="ci-deploy"]');
      await poll(() => row.textContent()).toContain('operate');
      expect(await row.textContent()).toContain('active');
      await screenshot(admin, 'settings-tokens');

      await row.getByRole('button', { name: 'Revoke ci-deploy' }).click();
      await dialog.getByRole('button', { name: 'Revoke token' }).click();
      await toast(admin, 'Token ci-deploy revoked');
      await poll(() => row.count()).toBe(0);
      await admin.getByLabel(/Show revoked and expired/).check();
      await poll(() => row.textContent()).toContain('revoked');
      expect(await withSecret()).toBe(401);
    });

    it('lists the webhook channel with its secret masked, and "Send test" delivers to it', async () => {
      await open(admin, 'channels');
      const card = admin.locator('[data-channel="ops-hook"]');
      await poll(() => card.textContent()).toContain('Webhook');
      expect(await card.textContent()).toContain('nothing sent yet');
      await card.getByRole('button', { name: 'Send test to ops-hook' }).click();
      await toast(admin, 'Test sent to ops-hook');
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.path).toBe(`/hooks/${hookPathSecret}`);
      await poll(() => admin.locator('[data-delivery-channel="ops-hook"]').count()).toBe(1);
      await poll(() => card.textContent()).toContain('delivering');
      const html = await admin.content();
      expect(html).not.toContain(hookPathSecret);
      expect(html).not.toContain(hookHmacSecret);
      await screenshot(admin, 'settings-channels');
    });

    it('shows the effective configuration with the file, the data directory, and secrets redacted', async () => {
      await open(admin, 'config');
      const facts = admin.getByTestId('config-facts');
      await poll(() => facts.textContent()).toContain(hub.dataDir);
      expect(await facts.textContent()).toMatch(/wheelhouse\.yaml/);
      const tree = admin.getByTestId('config-tree');
      const text = (await tree.textContent()) ?? '';
      expect(text).toContain('ops-hook');
      expect(text).toContain('catalog');
      expect(text).toMatch(/secret:\s*●●● redacted/);
      const html = await admin.content();
      expect(html).not.toContain(hookPathSecret);
      expect(html).not.toContain(hookHmacSecret);
      await screenshot(admin, 'settings-config');
    });

    it('reloads the file from the configuration page: shows each change, and the problems of a broken file', async () => {
      const file = (await hub.api<{ file: string }>('GET', '/api/config')).body.file;
      const good = readFileSync(file, 'utf8');
      const config = parse(good) as { services: Record<string, unknown> };
      config.services.scratch = { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], display_name: 'Scratch pad' };
      writeFileSync(file, stringify(config));
      try {
        await open(admin, 'config');
        await admin.getByRole('button', { name: 'Reload from file' }).click();
        const result = admin.getByTestId('reload-result');
        await poll(() => result.locator('[data-reload-service="scratch"]').textContent()).toMatch(/scratch added: scratch started successfully/);
        // The configuration shown is the one now in force.
        await poll(() => admin.getByTestId('config-tree').textContent()).toContain('Scratch pad');
        await toast(admin, 'Reloaded: 1 service changed');
        await screenshot(admin, 'settings-config-reload');

        writeFileSync(file, `${good}\nbogus_section: 1\n`);
        await admin.getByRole('button', { name: 'Reload from file' }).click();
        await poll(() => result.textContent()).toMatch(/kept its configuration: invalid configuration:[\s\S]*bogus_section/);
      } finally {
        writeFileSync(file, good);
        await hub.api('POST', '/api/config/reload');
      }
      expect((await hub.api<{ services: { service_name: string }[] }>('GET', '/api/services')).body.services.map((x) => x.service_name)).not.toContain('scratch');
    });

    it('shows the admin\'s own actions in the audit trail, filtered by actor', async () => {
      await open(admin, 'audit');
      await admin.getByTestId('audit-table').waitFor();
      await admin.getByLabel('Actor').fill('ada');
      await admin.getByRole('button', { name: 'Apply' }).click();
      const actions = () => admin.locator('[data-testid="audit-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
      await poll(async () => new Set(await actions())).toEqual(new Set(['auth.login', 'users.create', 'users.patch', 'users.invitations.create', 'tokens.create', 'tokens.delete', 'channels.test', 'config.reload']));
      const actors = await admin.locator('[data-testid="audit-table"] tbody tr td:nth-child(2)').allTextContents();
      expect(new Set(actors)).toEqual(new Set(['ada']));
      await screenshot(admin, 'settings-audit');
    });

    it('lets an operator change their password from the Account tab', async () => {
      const page = await signedInPage(browser, hub.url, 'operator');
      await open(page, 'account');
      await poll(() => page.getByTestId('account-info').textContent()).toContain('otto');
      await page.getByLabel('Current password').fill(webPassword);
      await page.getByLabel('New password', { exact: true }).fill('a brand new operator password');
      await page.getByLabel('Repeat the new password').fill('a brand new operator password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await toast(page, 'Password changed');
      // This browser got a fresh session (and CSRF token): a change still goes through.
      await open(page, 'tokens');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('otto-script');
      await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
      expect(await page.getByTestId('token-secret').inputValue()).toMatch(/^whk_/);
      const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'otto', password: 'a brand new operator password' }) });
      expect(login.status).toBe(200);
      await page.context().close();
    });

    it('shows a viewer only their own sections, and the API refuses the others anyway', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await open(page, '');
      await page.getByTestId('account-info').waitFor();
      const tabs = await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link').allTextContents();
      expect(tabs).toEqual(['Account', 'API tokens']);
      await screenshot(page, 'settings-account-viewer');
      await open(page, 'config');
      await page.getByText('Not available to your role').waitFor();
      const statuses = await page.evaluate(async () => Promise.all(['/api/config', '/api/users', '/api/audit'].map(async (p) => (await fetch(p)).status)));
      expect(statuses).toEqual([403, 403, 403]);
      await page.context().close();
    });
  });
}
