/**
 * `npm run bench -- web`: the dashboard in headless Chromium against the built hub.
 * - size: initial JavaScript and CSS (gzip) of dist/web (target: JS < 200 KB);
 * - overview with --services idle services: navigation start → every card rendered, cold
 *   cache, beside the floor (the same page fetching the data it renders) (target < 1 s);
 * - live update: a stop sent from the page → the card shows it, beside the raw WebSocket
 *   event arriving in the same page (target < 500 ms);
 * - logs page with --rows entries in the store: navigation → first page of entries, and a
 *   full-text search, each beside the API calls alone.
 * Prints tables, checks the targets and writes bench/results/web.json. Needs `npm run build`
 * and Chromium (WHEELHOUSE_TEST_CHROMIUM, default /usr/bin/chromium).
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildStamp } from './lib/build.js';
import { now } from './lib/clock.js';
import { writeResults } from './lib/results.js';
import { median, percentile, ratio } from './lib/stats.js';
import { num, printTable, times } from './lib/table.js';
import { measureLive, measureRender, type LiveSample, type RenderSample } from './web/browser.js';
import { measureBundle } from './web/bundle.js';
import { WebBenchHub } from './web/hub.js';

const targets = { initialJsGzipKb: 200, overviewMs: 1000, liveMs: 500 };

interface Options {
  services: number;
  rows: number;
  repeats: number;
  live: number;
}

const usage = 'usage: npm run bench -- web [--services 50] [--rows 1000000] [--repeats 10] [--live 20] [--quick]';

function parse(args: string[]): Options {
  const o: Options = args.includes('--quick') ? { services: 20, rows: 100_000, repeats: 3, live: 5 } : { services: 50, rows: 1_000_000, repeats: 10, live: 20 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--quick') continue;
    const key = a.replace(/^--/, '') as keyof Options;
    const n = Number(args[++i]);
    if (!(key in o) || !Number.isInteger(n) || n <= 0) throw new Error(`bad option ${a} ${args[i] ?? ''}\n${usage}`);
    o[key] = n;
  }
  return o;
}

const launchArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export default async function webBench(args: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parse(args);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const webRoot = fileURLToPath(new URL('../dist/web/', import.meta.url));
  if (!existsSync(`${webRoot}index.html`)) {
    process.stderr.write('dist/web/index.html not found: run npm run build first\n');
    return 2;
  }
  const chromiumPath = process.env.WHEELHOUSE_TEST_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    process.stderr.write(`Chromium not found at ${chromiumPath}: apt-get install -y chromium, or set WHEELHOUSE_TEST_CHROMIUM\n`);
    return 2;
  }
  const started = now();
  const log = (m: string): void => void process.stderr.write(`[${((now() - started) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
  const bundle = measureBundle(webRoot);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
  let hub: WebBenchHub | undefined;
  const overview: RenderSample[] = [];
  const logsPage: RenderSample[] = [];
  const search: RenderSample[] = [];
  let live: LiveSample[] = [];
  try {
    log(`starting a hub with ${opts.services} services`);
    hub = await WebBenchHub.start(repo, opts.services, { ...process.env, WHEELHOUSE_TOKEN: '', WHEELHOUSE_URL: '' });
    const ready = { selector: '[data-service]', min: opts.services };
    const overviewData = ['/api/auth/session', '/api/dashboard/status', '/api/logs/counts?window=1h', '/api/alerts?state=firing'];
    // One unmeasured load: Chromium's own first-run work is not the dashboard's.
    await measureRender(browser, hub.url, '/', ready, overviewData);
    for (let i = 0; i < opts.repeats; i++) overview.push(await measureRender(browser, hub.url, '/', ready, overviewData));
    log(`overview: median ${median(overview.map((s) => s.renderMs))?.toFixed(0)} ms`);
    const names = Array.from({ length: opts.live }, (_, i) => `svc-${String((i % opts.services) + 1).padStart(2, '0')}`);
    live = await measureLive(browser, hub.url, names, opts.services);
    log(`live: median ${median(live.map((s) => s.visibleMs))?.toFixed(0)} ms`);
    log(`ingesting ${opts.rows.toLocaleString('en-US')} log rows`);
    await hub.ingestLogs(opts.rows, opts.services, log);
    const rowsReady = { selector: '[data-log-id]', min: 1 };
    const since = new Date(Date.now() - 86_400_000).toISOString();
    for (let i = 0; i < opts.repeats; i++) logsPage.push(await measureRender(browser, hub.url, '/logs?range=24h', rowsReady, ['/api/auth/session', '/api/services', `/api/logs?limit=100&start_time=${since}`]));
    for (let i = 0; i < opts.repeats; i++) search.push(await measureRender(browser, hub.url, '/logs?range=24h&q=timeout', rowsReady, ['/api/auth/session', '/api/services', `/api/logs?limit=100&q=timeout&start_time=${since}`]));
    log(`logs page: median ${median(logsPage.map((s) => s.renderMs))?.toFixed(0)} ms`);
  } finally {
    await browser.close();
    await hub?.stop();
  }

  const kb = (b: number): string | null => num(b / 1024, 1);
  printTable('Initial download (dist/web, gzip -9)', ['', 'raw KB', 'gzip KB', 'target'], [
    ['JavaScript (entry + preloads)', kb(bundle.jsBytes), kb(bundle.jsGzipBytes), `< ${targets.initialJsGzipKb} KB`],
    ['CSS', kb(bundle.cssBytes), kb(bundle.cssGzipBytes), null],
    ['pages loaded on first visit (largest)', null, kb(Math.max(0, ...bundle.lazyChunks.map((c) => c.gzipBytes))), null],
  ]);
  const renderRow = (label: string, xs: RenderSample[]) => {
    const r = xs.map((s) => s.renderMs);
    const d = xs.map((s) => s.dataMs);
    return [label, num(median(r)), num(percentile(r, 95)), num(median(xs.map((s) => s.scriptsMs))), num(median(xs.map((s) => s.apiDoneMs))), num(median(d)), times(ratio(median(r), median(d)))];
  };
  printTable(`Time to render, headless Chromium, cold cache, ${opts.repeats} loads each (ms from navigation start)`, ['page', 'rendered median', 'p95', 'scripts run', 'last API answer', 'API calls alone (floor)', 'render / floor'], [
    renderRow(`overview, ${opts.services} services`, overview),
    renderRow(`logs, ${opts.rows.toLocaleString('en-US')} rows in the store`, logsPage),
    renderRow('logs, full-text search "timeout"', search),
  ]);
  const v = live.map((s) => s.visibleMs);
  const e = live.map((s) => s.eventMs);
  printTable(`Live update: stop sent → visible, ${live.length} stops (ms)`, ['', 'median', 'p95', 'max'], [
    ['card shows the new status', num(median(v)), num(percentile(v, 95)), num(Math.max(...v))],
    ['raw /api/stream event (floor)', num(median(e)), num(percentile(e, 95)), num(Math.max(...e))],
  ]);
  const verdicts = [
    { target: `initial JS < ${targets.initialJsGzipKb} KB gzip`, value: bundle.jsGzipBytes / 1024, pass: bundle.jsGzipBytes / 1024 < targets.initialJsGzipKb },
    { target: `overview with ${opts.services} services < ${targets.overviewMs} ms (median)`, value: median(overview.map((s) => s.renderMs)), pass: (median(overview.map((s) => s.renderMs)) ?? Infinity) < targets.overviewMs },
    { target: `live update < ${targets.liveMs} ms (p95)`, value: percentile(v, 95), pass: (percentile(v, 95) ?? Infinity) < targets.liveMs },
  ];
  process.stdout.write(`\n${verdicts.map((x) => `${x.pass ? 'PASS' : 'FAIL'}  ${x.target}: ${x.value === null ? '—' : x.value.toFixed(1)}`).join('\n')}\n`);
  const file = writeResults('web', {
    at: new Date().toISOString(),
    durationS: (now() - started) / 1000,
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, loadavg1m: loadavg()[0] },
    build: buildStamp(repo),
    options: opts,
    bundle,
    overview,
    logsPage,
    search,
    live,
    verdicts,
  });
  process.stdout.write(`\nraw results: ${file}\n`);
  return verdicts.every((x) => x.pass) ? 0 : 1;
}
