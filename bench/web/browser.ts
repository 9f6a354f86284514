/**
 * The dashboard measured in headless Chromium (Debian's chromium via playwright-core, like
 * the end-to-end tests): time from navigation to a meaningful render, and from an action to
 * the live update on screen, each beside its floor (the API calls or the raw WebSocket
 * message the page waits for, timed in the same page).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { benchUser } from './hub.js';

/** A signed-in browser context (the session cookie set through the login API). */
export async function signedInContext(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const res = await context.request.post(`${url}/api/auth/login`, { data: { username: benchUser.name, password: benchUser.password } });
  if (res.status() !== 200) throw new Error(`signing in: HTTP ${res.status()} ${await res.text()}`);
  // tsx compiles functions passed to page.evaluate with esbuild's keepNames, which calls __name.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return context;
}

export interface RenderSample {
  /** Navigation start → the content is on screen (ms). */
  renderMs: number;
  /** Navigation start → the app's scripts are loaded and run (DOMContentLoaded end) (ms). */
  scriptsMs: number;
  /** Navigation start → the last API answer the render waited for has arrived (ms). */
  apiDoneMs: number;
  /** The API requests before the render: path, sent and answered (ms from navigation start). */
  requests: { path: string; startMs: number; endMs: number }[];
  /** The same page fetching the data it renders, without rendering it (ms): the floor. */
  dataMs: number;
}

/** The page is ready when at least `min` elements match `selector` (functions, not strings: the page's CSP forbids eval). */
export interface Ready {
  selector: string;
  min: number;
}

/**
 * Loads `path` in a fresh context (cold cache) and waits until `ready` holds; then, in the
 * same page, times the fetches of `dataUrls` alone.
 */
export async function measureRender(browser: Browser, url: string, path: string, ready: Ready, dataUrls: string[]): Promise<RenderSample> {
  const context = await signedInContext(browser, url);
  try {
    const page = await context.newPage();
    await page.goto(`${url}${path}`, { waitUntil: 'commit' });
    const renderMs = (await page.waitForFunction((r) => (document.querySelectorAll(r.selector).length >= r.min ? performance.now() : false), ready, { timeout: 60_000, polling: 'raf' }).then((h) => h.jsonValue())) as number;
    const phases = await page.evaluate((until) => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const api = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.includes('/api/') && r.responseEnd <= until);
      const requests = api.map((r) => ({ path: new URL(r.name).pathname + new URL(r.name).search, startMs: Math.round(r.startTime), endMs: Math.round(r.responseEnd) }));
      return { scriptsMs: nav?.domContentLoadedEventEnd ?? 0, apiDoneMs: Math.max(0, ...api.map((r) => r.responseEnd)), requests };
    }, renderMs);
    const dataMs = await page.evaluate(async (urls) => {
      const t0 = performance.now();
      await Promise.all(urls.map((u) => fetch(u).then((r) => r.text())));
      return performance.now() - t0;
    }, dataUrls);
    return { renderMs, ...phases, dataMs };
  } finally {
    await context.close();
  }
}

export interface LiveSample {
  /** POST /api/services/<name>/stop sent → the service's card shows the new status (ms). */
  visibleMs: number;
  /** POST sent → the service.state event arrives on a raw WebSocket to /api/stream in the same page (ms): the floor. */
  eventMs: number;
}

/** Stops then starts each of `names` from inside the overview page, timing the card's change and the raw event. */
export async function measureLive(browser: Browser, url: string, names: string[], services: number): Promise<LiveSample[]> {
  const context = await signedInContext(browser, url);
  const samples: LiveSample[] = [];
  try {
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-service][data-status="running"]').length >= n && document.querySelector('.live-live') !== null, services, { timeout: 60_000 });
    for (const name of names) {
      const sample = await page.evaluate(async (svc) => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrf_token: string };
        const card = document.querySelector(`[data-service="${svc}"]`)!;
        const ws = new WebSocket(`ws://${location.host}/api/stream?topics=service.state`);
        await new Promise<void>((resolve) => ws.addEventListener('message', () => resolve(), { once: true }));
        const post = (action: string) => fetch(`/api/services/${svc}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token }, body: '{}' });
        const t0 = performance.now();
        const event = new Promise<number>((resolve) =>
          ws.addEventListener('message', (m) => {
            const msg = JSON.parse(String(m.data)) as { payload?: { service?: string } };
            if (msg.payload?.service === svc) resolve(performance.now() - t0);
          }),
        );
        const visible = new Promise<number>((resolve) => {
          const obs = new MutationObserver(() => {
            if (card.getAttribute('data-status') !== 'running') {
              obs.disconnect();
              // The mutation is applied; the next frame paints it.
              requestAnimationFrame(() => resolve(performance.now() - t0));
            }
          });
          obs.observe(card, { attributes: true, attributeFilter: ['data-status'] });
        });
        const stopped = post('stop');
        const [visibleMs, eventMs] = await Promise.all([visible, event]);
        await stopped;
        ws.close();
        const started = await post('start');
        if (!started.ok) throw new Error(`starting ${svc} again: HTTP ${started.status}`);
        return { visibleMs, eventMs };
      }, name);
      samples.push(sample);
      await page.waitForFunction((svc) => document.querySelector(`[data-service="${svc}"]`)?.getAttribute('data-status') === 'running', name, { timeout: 30_000 });
    }
  } finally {
    await context.close();
  }
  return samples;
}
