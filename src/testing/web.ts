/**
 * End-to-end fixture for the dashboard: the example fleet (examples/wheelhouse.yaml, on free
 * ports) under the real `wheelhouse hub` binary, users of each role, and a Chromium page
 * signed in as one of them. Screenshots go to screenshots/ (git-ignored) for a human to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { freePort, repoRoot, tempDir, writeConfig } from './helpers.js';
import { startHubProcess, type HubProcess } from './hub-process.js';

/** Users the fixture creates, one per role; all share this password. */
export const webUsers = { admin: 'ada', operator: 'otto', viewer: 'vera' } as const;
export const webPassword = 'correct horse battery staple';

/** Where screenshots are saved. */
export const screenshotDir = join(repoRoot, 'screenshots');

type ExampleService = { port?: number; env?: Record<string, string | number>; health?: { http?: string }; cwd?: string };

/**
 * Starts the example fleet on free ports (so tests run side by side with `npm start`), with
 * `extra` merged into the configuration, and creates the users of `webUsers`.
 */
export async function startExampleFleet(extra: Record<string, unknown> = {}): Promise<HubProcess> {
  const examples = join(repoRoot, 'examples');
  const config = parse(readFileSync(join(examples, 'wheelhouse.yaml'), 'utf8')) as { services: Record<string, ExampleService> };
  const ports = new Map<number, number>();
  for (const svc of Object.values(config.services)) if (svc.port) ports.set(svc.port, await freePort());
  const remap = (s: string): string => s.replace(/127\.0\.0\.1:(\d+)/g, (m, p: string) => (ports.has(Number(p)) ? `127.0.0.1:${ports.get(Number(p))}` : m));
  for (const svc of Object.values(config.services)) {
    if (svc.port) svc.port = ports.get(svc.port)!;
    if (svc.health?.http) svc.health.http = remap(svc.health.http);
    for (const [k, v] of Object.entries(svc.env ?? {})) svc.env![k] = typeof v === 'string' ? remap(v) : v;
    svc.cwd = examples;
  }
  const file = writeConfig(tempDir('wh-web-'), { ...config, ...extra });
  const hub = await startHubProcess(file, tempDir('wh-web-data-'));
  for (const [role, name] of Object.entries(webUsers)) {
    const r = await hub.api('POST', '/api/users', { name, role, password: webPassword, display_name: `${name[0]!.toUpperCase()}${name.slice(1)}` });
    if (r.status !== 201 && r.status !== 200) throw new Error(`creating user ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return hub;
}

/** A new page signed in through the login form as the user of `role`. */
export async function signedInPage(browser: Browser, url: string, role: keyof typeof webUsers, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('User name').fill(webUsers[role]);
  await page.getByLabel('Password').fill(webPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

/** Saves a full-page screenshot as screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
