// The hosts, host and alerts pages end to end: the example fleet under the real hub binary, a
// real agent process reporting to it, an alert rule that fires at once, driven in headless Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../src/agent/index.js';
import { chromiumPath, launchBrowser } from '../src/testing/browser.js';
import { tempDir } from '../src/testing/helpers.js';
import { cliPath, type HubProcess } from '../src/testing/hub-process.js';
import { screenshot, signedInPage, startExampleFleet } from '../src/testing/web.js';

type AlertJson = { fingerprint: string; rule: string; state: string; labels: Record<string, string>; silenced_by: string[] };
type SilenceJson = { id: string; matchers: { name: string; op: string; value: string }[]; comment: string; created_by: string | null; state: string };

/** Rules that make alerts without waiting: one fires on the first report, one stays pending. */
const rules = [
  { name: 'HostReporting', kind: 'metric', metric: 'cpu_percent', match: { host: '*' }, op: '>=', threshold: 0, for: '0s', severity: 'warning', annotations: { summary: 'CPU on {{host}} is {{value}}%' } },
  { name: 'LoadWatch', kind: 'metric', metric: 'load1', match: { host: '*' }, op: '>=', threshold: 0, for: '1h', severity: 'info', annotations: { summary: 'Load {{value}} on {{host}}' } },
];

type Samples = Record<string, number>;

/**
 * An hour of reports at 10 s steps ending a second ago, posted as one batch (as an agent
 * replaying its disk buffer would), so charts and sparklines have a shape in the screenshots.
 * `interval` is what the reports claim: 1 s makes a host that then stays silent go offline fast.
 */
async function postHistory(hub: HubProcess, host: string, key: string, interval: number, samplesAt: (t: number) => Samples): Promise<void> {
  const n = 360;
  const end = Date.now() - 1000;
  const reports = Array.from({ length: n }, (_, i) => ({ version: 1, host_id: host, run: 1, seq: i, ts: end - (n - 1 - i) * 10_000, interval_s: interval, samples: samplesAt(i / (n - 1)) }));
  const res = await fetch(`${hub.url}/api/metrics/report`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ version: 1, reports }) });
  const body = (await res.json()) as { accepted: number };
  if (res.status !== 200 || body.accepted !== n) throw new Error(`history for ${host}: ${res.status} ${JSON.stringify(body)}`);
}

const wave = (t: number, k: number, phase = 0) => Math.sin(t * k + phase);
const clampPercent = (v: number) => Math.round(Math.min(100, Math.max(0, v)) * 10) / 10;

/**
 * Past values for every series this machine's agent reports (read with the agent's own
 * collector, so mounts, disks and interfaces are the ones its live reports will carry),
 * drifting around today's values.
 */
function pastOf(now: Samples): (t: number) => Samples {
  return (t) => {
    const out: Samples = {};
    for (const [k, v] of Object.entries(now)) {
      if (k === 'cpu_percent') out[k] = clampPercent(32 + 18 * wave(t, 9) + 7 * wave(t, 29));
      else if (k.startsWith('cpu_')) out[k] = clampPercent(v * (0.6 + 0.4 * wave(t, 9) ** 2));
      else if (k.includes('_bytes_per_s')) out[k] = Math.round(Math.max(v, 40_000) * (0.4 + wave(t, 5 + (k.charCodeAt(4) % 7), k.charCodeAt(4)) ** 2));
      else if (k.startsWith('load')) out[k] = Math.round(Math.max(v, 0.5) * (0.7 + 0.3 * wave(t, 7)) * 100) / 100;
      else if (k.endsWith('_percent')) out[k] = clampPercent(v * (0.9 + 0.1 * t));
      else if (k === 'uptime_seconds') out[k] = Math.max(0, v - (1 - t) * 3600);
      else out[k] = v;
    }
    return out;
  };
}

/** A made-up host's past: one disk, one interface. */
function pastOfDb(t: number): Samples {
  return {
    cpu_percent: clampPercent(18 + 10 * wave(t, 5, 2) + 4 * wave(t, 23)),
    memory_percent: 46 + 6 * t,
    swap_percent: 1,
    'disk_used_percent{mount="/"}': 58 + 3 * t,
    'net_rx_bytes_per_s{iface="eth0"}': Math.round(300_000 + 200_000 * wave(t, 13) ** 2),
    'net_tx_bytes_per_s{iface="eth0"}': Math.round(90_000 + 60_000 * wave(t, 7) ** 2),
    load1: 0.4 + 0.3 * wave(t, 9) ** 2,
    load5: 0.4,
    load15: 0.3,
  };
}

/** Registers a host; answers its API key. */
async function addHost(hub: HubProcess, id: string, labels: Record<string, string>): Promise<string> {
  const r = await hub.api<{ api_key: string }>('POST', '/api/hosts', { id, labels, interval_s: 1 });
  if (r.status !== 201) throw new Error(`adding host ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.api_key;
}

if (!chromiumPath) {
  console.log('skipped: hosts and alerts browser tests (WHEELHOUSE_TEST_CHROMIUM is not set)');
  describe('hosts and alerts pages in Chromium', () => {
    it.skip('skipped: set WHEELHOUSE_TEST_CHROMIUM=/usr/bin/chromium to run', () => {});
  });
} else {
  describe('hosts and alerts pages in Chromium', () => {
    let hub: HubProcess;
    let browser: Browser;
    let agent: ChildProcess;
    let agentErr = '';
    const dir = tempDir('wh-web-agent-');

    beforeAll(async () => {
      [hub, browser] = await Promise.all([startExampleFleet({ alerts: { rules } }), launchBrowser()]);
      const webKey = await addHost(hub, 'web-1', { env: 'test', role: 'web' });
      const dbKey = await addHost(hub, 'db-1', { env: 'test', role: 'db' });
      const collector = new Collector();
      collector.collect();
      await new Promise((r) => setTimeout(r, 300));
      await postHistory(hub, 'web-1', webKey, 1, pastOf(collector.collect()));
      // db-1 has a history but no agent: it goes stale, then offline, within seconds.
      await postHistory(hub, 'db-1', dbKey, 1, pastOfDb);
      const keyFile = join(dir, 'web-1.key');
      writeFileSync(keyFile, `${webKey}\n`, { mode: 0o600 });
      agent = spawn(process.execPath, [cliPath, 'agent', '--hub', hub.url, '--host-id', 'web-1', '--api-key-file', keyFile, '--interval', '1', '--buffer-dir', join(dir, 'buffer')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      agent.stderr!.on('data', (b: Buffer) => (agentErr += b));
    }, 60_000);

    afterAll(async () => {
      if (agent && agent.exitCode === null) {
        const exited = new Promise<number | null>((r) => agent.once('exit', r));
        agent.kill('SIGTERM');
        // SIGTERM stops the agent cleanly (its unsent reports go to its buffer).
        expect(await exited, agentErr).toBe(0);
      }
      await browser?.close();
      hub?.child.kill('SIGTERM');
      await hub?.exited;
    });

    /** The fingerprint of the HostReporting alert of web-1, once it fires. */
    async function firingAlert(): Promise<AlertJson> {
      let found: AlertJson | undefined;
      await expect
        .poll(async () => {
          const r = await hub.api<{ alerts: AlertJson[] }>('GET', '/api/alerts');
          found = r.body.alerts.find((a) => a.rule === 'HostReporting' && a.labels.host === 'web-1' && a.state === 'firing');
          return found !== undefined;
        }, { timeout: 20_000 })
        .toBe(true);
      return found!;
    }

    it('lists the agent\'s host online with what it runs and its CPU, and moves a silent host to offline without a reload', async () => {
      const page = await signedInPage(browser, hub.url, 'operator');
      await page.getByRole('link', { name: 'Hosts' }).click();
      const web = page.locator('tr[data-host="web-1"]');
      await expect.poll(() => web.getAttribute('data-status'), { timeout: 20_000 }).toBe('online');
      // Only the agent sends the host's facts (the history has none): OS, kernel, CPU count.
      await expect.poll(() => web.locator('.host-system').textContent(), { timeout: 20_000 }).toMatch(/\d+ CPUs?/);
      expect(await web.locator('.chip').allTextContents()).toEqual(expect.arrayContaining(['env=test', 'role=web']));
      // The sparkline comes from one metrics query for every host, drawn from the hour of points.
      await expect.poll(() => web.locator('svg.sparkline path').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){10,}/);
      expect(await web.locator('.cell-meter-value').first().textContent()).toMatch(/^\d+%$/);

      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
      const db = page.locator('tr[data-host="db-1"]');
      await expect.poll(() => db.getAttribute('data-status'), { timeout: 30_000 }).toBe('offline');
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
      await expect.poll(() => page.locator('.status-count.sc-offline .n').textContent()).toBe('1');
      await screenshot(page, 'hosts');
      await page.context().close();
    });

    it('shows a host with its charts over a chosen range, and follows its reports live', async () => {
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/hosts`);
      await page.locator('tr[data-host="web-1"] a.host-name').click();
      await page.waitForURL(/\/hosts\/web-1$/);
      for (const chart of ['cpu', 'memory', 'disk', 'network', 'disk_io', 'load']) {
        const panel = page.locator(`[data-chart="${chart}"]`);
        await panel.locator('canvas').waitFor();
        expect(Number(await panel.getAttribute('data-values')), chart).toBeGreaterThan(0);
      }
      // The agent's facts (only the agent sends them) and its latest figures.
      await expect.poll(() => page.getByTestId('host-info').textContent(), { timeout: 15_000 }).toMatch(/Agent\s*wheelhouse /);
      await expect.poll(() => page.getByTestId('host-tiles').locator('.tile', { hasText: 'Processes' }).locator('.tile-value').textContent()).toMatch(/^\d+$/);
      expect(await page.locator('[data-chart="disk"] .u-legend').textContent()).toContain('/');

      // Live: each report moves "last report" on, without a reload.
      const lastReport = () => page.locator('[data-testid="host-info"] dd[data-field="Last report"]').textContent();
      const before = await lastReport();
      await expect.poll(lastReport, { timeout: 15_000 }).not.toBe(before);

      await page.getByRole('button', { name: '6h' }).click();
      await page.waitForURL(/range=6h/);
      await expect.poll(() => page.locator('[data-chart="cpu"]').getAttribute('data-values')).not.toBe('0');
      await page.getByRole('button', { name: '1h' }).click();
      await page.waitForURL((u) => !u.search.includes('range='));
      await page.locator('[data-chart="cpu"] canvas').waitFor();
      await screenshot(page, 'host-detail');
      await page.context().close();
    });

    it('shows firing and pending alerts and the overview banner; an operator silences one from the alert, then expires the silence', async () => {
      const alert = await firingAlert();
      const page = await signedInPage(browser, hub.url, 'operator');
      // The overview's banner lists it.
      const banner = page.getByTestId('firing-alerts');
      await expect.poll(() => banner.locator('li[data-alert="HostReporting"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);

      await banner.getByRole('link', { name: /See all alerts/ }).click();
      await page.waitForURL(/\/alerts$/);
      const row = page.locator(`tr[data-fingerprint="${alert.fingerprint}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('firing');
      expect(await row.textContent()).toMatch(/CPU on web-1 is [\d.]+%/);
      expect(await row.locator('.lbl').allTextContents()).toContain('host=web-1');
      await expect.poll(() => page.locator('tr[data-alert="LoadWatch"][data-state="pending"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);

      // Silence it from its row: matchers come from its labels.
      await row.getByRole('button', { name: /^Silence HostReporting/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.getByLabel('Matcher 1 label').inputValue()).toBe('alertname');
      expect(await dialog.getByLabel('Matcher 1 value').inputValue()).toBe('HostReporting');
      expect(await dialog.getByLabel('Matcher 2 label').inputValue()).toBe('host');
      expect(await dialog.getByLabel('Matcher 2 value').inputValue()).toBe('web-1');
      expect(await dialog.getByTestId('silence-preview').textContent()).toMatch(/Mutes 1 of \d+ active alerts/);
      await dialog.getByLabel('Duration').selectOption('1h');
      await dialog.getByLabel('Comment').fill('Load test on web-1 (OPS-42)');
      await dialog.getByRole('button', { name: 'Create silence' }).click();
      await expect.poll(() => row.getAttribute('data-silenced'), { timeout: 15_000 }).toBe('true');
      // The alerts and the silences are two requests: the row says "silence <id>" until the second lands.
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Load test on web-1 (OPS-42)');
      expect(await page.getByRole('dialog').count()).toBe(0);

      const silences = (await hub.api<{ silences: SilenceJson[] }>('GET', '/api/silences')).body.silences;
      expect(silences).toHaveLength(1);
      expect(silences[0]).toMatchObject({ comment: 'Load test on web-1 (OPS-42)', created_by: 'otto', state: 'active' });
      expect(silences[0]!.matchers).toEqual([
        { name: 'alertname', op: '=', value: 'HostReporting' },
        { name: 'host', op: '=', value: 'web-1' },
      ]);
      await screenshot(page, 'alerts');

      // The silences tab lists it, muting one alert.
      await page.getByRole('tab', { name: /Silences/ }).click();
      const silenceRow = page.locator(`tr[data-silence="${silences[0]!.id}"]`);
      await silenceRow.waitFor();
      expect(await silenceRow.getAttribute('data-state')).toBe('active');
      expect(await silenceRow.locator('td.num').textContent()).toBe('1');

      // The banner marks it silenced.
      await page.getByRole('link', { name: 'Overview' }).click();
      await expect.poll(() => banner.locator('li[data-alert="HostReporting"][data-silenced="true"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);

      // Expire it: it leaves the list, shows among the expired ones, and the alert is no longer silenced.
      await page.goto(`${hub.url}/alerts?tab=silences`);
      await silenceRow.getByRole('button', { name: /^Expire silence/ }).click();
      await expect.poll(() => silenceRow.count(), { timeout: 15_000 }).toBe(0);
      await page.getByLabel('Show expired silences').check();
      await expect.poll(() => silenceRow.getAttribute('data-state'), { timeout: 15_000 }).toBe('expired');
      expect(await silenceRow.getByRole('button').count()).toBe(0);
      await page.getByRole('tab', { name: /Active/ }).click();
      await expect.poll(() => row.getAttribute('data-silenced'), { timeout: 15_000 }).toBe('false');

      // History and rules tabs.
      await page.getByRole('tab', { name: /History/ }).click();
      await expect.poll(() => page.locator('[data-testid="alert-history"] tr[data-alert="HostReporting"][data-state="firing"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.getByRole('tab', { name: /Rules/ }).click();
      expect(await page.locator('tr[data-rule="HostReporting"]').textContent()).toContain('cpu_percent >= 0');
      await page.context().close();
    });

    it('shows a viewer the alerts and silences without any action, and the API refuses a silence anyway', async () => {
      await firingAlert();
      const made = await hub.api<{ silence: SilenceJson }>('POST', '/api/silences', { matchers: [{ name: 'alertname', op: '=', value: 'LoadWatch' }], duration: '30m', comment: 'made by the test' });
      expect(made.status).toBe(201);
      const page = await signedInPage(browser, hub.url, 'viewer');
      await page.goto(`${hub.url}/alerts`);
      await page.locator('tr[data-alert="HostReporting"]').first().waitFor();
      expect(await page.getByRole('button', { name: /^(Silence|New silence|Expire)/ }).count()).toBe(0);
      await page.getByRole('tab', { name: /Silences/ }).click();
      await page.locator(`tr[data-silence="${made.body.silence.id}"]`).waitFor();
      expect(await page.getByRole('button', { name: /^Expire/ }).count()).toBe(0);
      // With the session's CSRF token, so the refusal is the role's, not a missing token's.
      const refused = await page.evaluate(async () => {
        const { csrf_token } = (await (await fetch('/api/auth/session')).json()) as { csrf_token: string };
        const res = await fetch('/api/silences', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf_token }, body: JSON.stringify({ matchers: [{ name: 'alertname', op: '=', value: 'X' }], duration: '1h' }) });
        return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
      });
      expect(refused).toEqual({ status: 403, code: 'auth/forbidden' });
      await page.context().close();
    });
    it('lets an admin register a host from the Hosts page: the form names bad input, the key is shown once and works', async () => {
      const page = await signedInPage(browser, hub.url, 'admin');
      await page.getByRole('link', { name: 'Hosts' }).click();
      await page.getByRole('button', { name: 'Register host' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Host id').fill('edge-7');
      await dialog.getByLabel('Labels').fill('env=test, oops');
      await dialog.getByRole('button', { name: 'Register host' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Label "oops" is not name=value.');
      await dialog.getByLabel('Labels').fill('env=test');
      await dialog.getByLabel('Host id').fill('edge 7');
      await dialog.getByRole('button', { name: 'Register host' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/invalid request: .*id/);
      await dialog.getByLabel('Host id').fill('edge-7');
      await dialog.getByLabel(/Report interval/).fill('30');
      await dialog.getByRole('button', { name: 'Register host' }).click();
      await page.getByRole('heading', { name: 'Host edge-7 registered' }).waitFor();
      const key = await page.getByTestId('host-api-key').inputValue();
      expect(key).toMatch(/^whh_/);
      expect(await page.getByTestId('agent-command').textContent()).toMatch(/--host-id edge-7[\s\S]*--interval 30/);
      await screenshot(page, 'hosts-register');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      await page.locator('tr[data-host="edge-7"]').waitFor();
      expect(await page.content()).not.toContain(key);
      // The key is the host's: the report endpoint takes it.
      const report = { version: 1, reports: [{ version: 1, host_id: 'edge-7', run: 1, seq: 0, ts: Date.now(), interval_s: 10, samples: { memory_percent: 12 } }] };
      const res = await fetch(`${hub.url}/api/metrics/report`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(report) });
      expect(res.status).toBe(200);
      expect((await hub.api<{ labels: Record<string, string> }>('GET', '/api/hosts/edge-7')).body.labels).toEqual({ env: 'test' });
      await page.context().close();
    });

    it('shows no register button to an operator', async () => {
      const page = await signedInPage(browser, hub.url, 'operator');
      await page.getByRole('link', { name: 'Hosts' }).click();
      await page.locator('tr[data-host="web-1"]').waitFor();
      expect(await page.getByRole('button', { name: 'Register host' }).count()).toBe(0);
      await page.context().close();
    });
  });
}
