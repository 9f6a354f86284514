// Scraping Prometheus text endpoints: a local server with hand-written text (garbage lines
// included), failing and hanging targets, and a real prometheus-node-exporter when
// WHEELHOUSE_TEST_NODE_EXPORTER is set.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScrapeTargetSpec } from '../src/core/config/index.js';
import { EventBus } from '../src/core/events.js';
import { createMetricsService, type MetricsService } from '../src/metrics/index.js';
import { SqliteMetricRepo } from '../src/store/sqlite/metrics/repo.js';
import { freePort, killQuietly, tempDir, waitFor } from '../src/testing/helpers.js';

const hour = 3_600_000;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const exposition = [
  '# HELP http_requests_total The total number of HTTP requests.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="post",code="200"} 1027 1395066363000',
  'http_requests_total{method="post",code="400"}    3 1395066363000',
  '',
  '# Escaping in label values:',
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
  'metric_without_timestamp_and_labels 12.47',
  'this is garbage',
  '<html>also garbage</html>',
  'broken{label="unterminated} 1',
  'something_weird{problem="division by zero"} +Inf -3982045',
  'not_a_number NaN',
  '# TYPE http_request_duration_seconds histogram',
  'http_request_duration_seconds_bucket{le="0.05"} 24054',
  'http_request_duration_seconds_bucket{le="+Inf"} 144320',
  'http_request_duration_seconds_sum 53423',
  'http_request_duration_seconds_count 144320',
  '# TYPE rpc_duration_seconds summary',
  'rpc_duration_seconds{quantile="0.5"} 4773',
  'rpc_duration_seconds_count 2693',
  'conflict{job="theirs",instance="x"} 5',
  'unicode{city="Zürich 東京"} 7',
].join('\n');

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  cleanup.push(() => void server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
}

async function metricsWith(targets: ScrapeTargetSpec[]): Promise<MetricsService> {
  const repo = SqliteMetricRepo.open(tempDir('wh-scrape-'));
  cleanup.push(() => repo.close());
  const svc = createMetricsService({ repo, bus: new EventBus(), settings: { rawMs: 6 * hour, minuteMs: 7 * 24 * hour, hourMs: 90 * 24 * hour }, scrape: targets, logger: pino({ level: 'silent' }) });
  await svc.start();
  cleanup.push(() => svc.stop());
  return svc;
}

const target = (name: string, url: string, over: Partial<ScrapeTargetSpec> = {}): ScrapeTargetSpec => ({ name, url, intervalMs: 200, timeoutMs: 1000, labels: {}, keep: [], ...over });

describe('scraping', () => {
  it('stores every valid sample with the target labels, skipping garbage lines and NaN/Inf, and records up', async () => {
    let hits = 0;
    const url = await serve((req, res) => {
      hits++;
      expect(req.headers.accept).toMatch(/text\/plain;version=0\.0\.4/);
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(exposition);
    });
    const svc = await metricsWith([target('app', url, { labels: { env: 'test' } })]);
    const p = await waitFor('a scrape', () => svc.latest('scrape:app'));
    const instance = new URL(url).host;
    const own = `instance="${instance}",job="app"`;
    const l = `env="test",${own}`;
    expect(p.values).toEqual({
      [`http_requests_total{code="200",${l},method="post"}`]: 1027,
      [`http_requests_total{code="400",${l},method="post"}`]: 3,
      [`msdos_file_access_time_seconds{env="test",error="Cannot find file:\\n\\"FILE.TXT\\"",${own},path="C:\\\\DIR\\\\FILE.TXT"}`]: 1.458255915e9,
      [`metric_without_timestamp_and_labels{${l}}`]: 12.47,
      [`http_request_duration_seconds_bucket{${l},le="0.05"}`]: 24054,
      [`http_request_duration_seconds_bucket{${l},le="+Inf"}`]: 144320,
      [`http_request_duration_seconds_sum{${l}}`]: 53423,
      [`http_request_duration_seconds_count{${l}}`]: 144320,
      [`rpc_duration_seconds{${l},quantile="0.5"}`]: 4773,
      [`rpc_duration_seconds_count{${l}}`]: 2693,
      [`conflict{env="test",exported_instance="x",exported_job="theirs",${own}}`]: 5,
      [`unicode{city="Zürich 東京",${l}}`]: 7,
      [`up{${l}}`]: 1,
      [`scrape_duration_seconds{${l}}`]: expect.any(Number),
      [`scrape_samples_scraped{${l}}`]: 14,
      [`scrape_samples_post_metric_relabeling{${l}}`]: 12,
    });
    expect(p.ts).toBeLessThanOrEqual(Date.now());
    // It keeps scraping on its interval, and the series are in the catalog for queries.
    await waitFor('more scrapes', () => hits >= 3);
    const series = await svc.series({ name: 'http_requests_total', source: 'scrape:app' });
    expect(series.map((s) => s.labels.code)).toEqual(['200', '400']);
    const q = await svc.query({ name: 'up', match: { job: 'app' }, since: Date.now() - 60_000, until: Date.now(), stepMs: 10_000, agg: 'min' });
    expect(q).toHaveLength(1);
    expect(q[0]!.points.some(([, v]) => v === 1)).toBe(true);
  });

  it('keeps only the series the keep regexes name (anchored)', async () => {
    const url = await serve((_req, res) => res.end(exposition));
    const svc = await metricsWith([target('kept', url, { keep: ['http_request_duration_seconds_.*', 'unicode'] })]);
    const p = await waitFor('a scrape', () => svc.latest('scrape:kept'));
    const names = Object.keys(p.values).map((k) => k.slice(0, k.indexOf('{')));
    expect(new Set(names)).toEqual(
      new Set(['http_request_duration_seconds_bucket', 'http_request_duration_seconds_sum', 'http_request_duration_seconds_count', 'unicode', 'up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling']),
    );
  });

  it('records up=0 for a target that answers 500, one that hangs past its timeout, and one that is not listening', async () => {
    const failing = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    const hanging = await serve(() => {
      /* never answers */
    });
    const closed = `http://127.0.0.1:${await freePort()}/metrics`;
    const svc = await metricsWith([target('failing', failing), target('hanging', hanging, { timeoutMs: 300 }), target('closed', closed)]);
    for (const name of ['failing', 'hanging', 'closed']) {
      const p = await waitFor(`a scrape of ${name}`, () => svc.latest(`scrape:${name}`));
      const up = Object.entries(p.values).find(([k]) => k.startsWith('up{'));
      expect(up?.[1], name).toBe(0);
      expect(Object.keys(p.values).filter((k) => !k.startsWith('scrape_') && !k.startsWith('up{'))).toEqual([]);
    }
    const hang = svc.latest('scrape:hanging')!;
    const duration = Object.entries(hang.values).find(([k]) => k.startsWith('scrape_duration_seconds{'))![1];
    expect(duration).toBeGreaterThanOrEqual(0.25);
    const text = await svc.exposition();
    expect(text).toContain('wheelhouse_scrape_up{job="failing"} 0');
  });

  const exporter = process.env.WHEELHOUSE_TEST_NODE_EXPORTER;
  if (!exporter) {
    it.skip('skipped: set WHEELHOUSE_TEST_NODE_EXPORTER to scrape a real prometheus-node-exporter', () => {});
    console.log('skipped: scrape of a real prometheus-node-exporter (WHEELHOUSE_TEST_NODE_EXPORTER is not set)');
  } else {
    it('scrapes a real prometheus-node-exporter', async () => {
      const port = await freePort();
      const bin = exporter === '1' ? '/usr/bin/prometheus-node-exporter' : exporter;
      const child: ChildProcess = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
      cleanup.push(() => killQuietly(child.pid!, 'SIGTERM'));
      const url = `http://127.0.0.1:${port}/metrics`;
      await waitFor('node_exporter to listen', async () => (await fetch(url)).ok);
      const svc = await metricsWith([target('node', url, { intervalMs: 1000, timeoutMs: 5000 })]);
      const p = await waitFor('a scrape', () => svc.latest('scrape:node'));
      const l = `instance="127.0.0.1:${port}",job="node"`;
      expect(p.values[`up{${l}}`]).toBe(1);
      expect(p.values[`node_load1{${l}}`]).toEqual(expect.any(Number));
      expect(Object.keys(p.values).some((k) => k.startsWith('node_cpu_seconds_total{cpu="0",') && k.includes('mode="idle"'))).toBe(true);
      expect(Object.keys(p.values).some((k) => k.startsWith('node_memory_MemTotal_bytes{'))).toBe(true);
      expect(Object.keys(p.values).length).toBeGreaterThan(100);
      // Histograms and summaries of the exporter's own Go runtime arrive as their series.
      expect(Object.keys(p.values).some((k) => k.startsWith('go_gc_duration_seconds{') && k.includes('quantile='))).toBe(true);
      const scraped = p.values[`scrape_samples_scraped{${l}}`]!;
      expect(p.values[`scrape_samples_post_metric_relabeling{${l}}`]).toBeLessThanOrEqual(scraped);
      const q = await svc.query({ name: 'node_load1', match: { job: 'node' }, since: Date.now() - 60_000, until: Date.now(), stepMs: 5000, agg: 'last' });
      expect(q).toHaveLength(1);
    });
  }
});
