// The metrics API over a real hub: a supervised service sampled into metrics, a scrape
// target, series queries and discovery, bad input, and GET /metrics (checked by promtool
// when WHEELHOUSE_TEST_PROMTOOL is set).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, waitFor } from '../src/testing/helpers.js';
import { startTestHub, type TestHub } from '../src/testing/hub-inprocess.js';
import { promtoolCheck } from '../src/metrics/testing/promtool.js';

let t: TestHub;
let target: Server;

beforeAll(async () => {
  target = createServer((_req, res) => res.end('# TYPE app_jobs gauge\napp_jobs{queue="mail"} 4\ngarbage line\napp_jobs{queue="sms"} 2\n'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(target.address() as { port: number }).port}/metrics`;
  t = await startTestHub(
    { busy: { command: [process.execPath, fixture('chatty.mjs')], env: { LINES: '1' }, stop: { grace: '1s' } } },
    { sample_interval: '200ms' },
    { scrape: [{ name: 'app', url, interval: '250ms', labels: { team: 'ops' } }] },
  );
});
afterAll(async () => {
  await t?.close();
  target?.closeAllConnections();
  await new Promise((r) => target?.close(r));
});

const auth = () => ({ authorization: `Bearer ${t.token}` });
async function get(path: string, headers: Record<string, string> = auth()): Promise<{ status: number; body: any }> {
  const res = await t.fetch(path, { headers });
  return { status: res.status, body: await res.json() };
}

describe('queries', () => {
  it('answers a supervised service\'s CPU and memory as series', async () => {
    const body = await waitFor('service samples', async () => {
      const r = await get('/api/metrics/query?name=service_memory_bytes&match=service:busy&step=1s&start=' + (Date.now() - 60_000));
      return r.body.series?.[0]?.points.some(([, v]: [number, number | null]) => v !== null) ? r.body : undefined;
    });
    expect(body.series).toHaveLength(1);
    expect(body.series[0]).toMatchObject({ key: 'service_memory_bytes{service="busy"}', name: 'service_memory_bytes', labels: { service: 'busy' }, source: 'service:busy' });
    const values = body.series[0].points.filter(([, v]: [number, number | null]) => v !== null);
    expect(values[0][1]).toBeGreaterThan(1024 * 1024);
    for (const [ts] of body.series[0].points) expect(ts % 1000).toBe(0);
  });

  it('takes ISO and ms times, durations and seconds as steps, and match[label]=value', async () => {
    await waitFor('a scrape', async () => (await get('/api/metrics/series?name=app_jobs')).body.series.length === 2);
    const end = new Date().toISOString();
    const start = new Date(Date.now() - 120_000).toISOString();
    const a = await get(`/api/metrics/query?name=app_jobs&match[queue]=mail&start=${start}&end=${end}&step=1m&agg=max`);
    expect(a.status).toBe(200);
    expect(a.body.series).toHaveLength(1);
    expect(a.body.series[0].labels).toMatchObject({ queue: 'mail', job: 'app', team: 'ops' });
    expect(a.body.series[0].points.filter(([, v]: [number, number | null]) => v !== null).every(([, v]: [number, number]) => v === 4)).toBe(true);
    const b = await get(`/api/metrics/query?name=app_jobs&match=job:app,team:ops&start=${Date.now() - 60_000}&step=15&agg=last`);
    expect(b.body.series.map((s: { labels: { queue: string } }) => s.labels.queue)).toEqual(['mail', 'sms']);
    expect(b.body.series[0].points[1][0] - b.body.series[0].points[0][0]).toBe(15_000);
    const none = await get('/api/metrics/query?name=app_jobs&match=queue:nope');
    expect(none.body).toEqual({ series: [] });
  });

  it('lists series by name and source', async () => {
    const r = await get('/api/metrics/series?source=scrape:app&limit=2');
    expect(r.status).toBe(200);
    expect(r.body.truncated).toBe(true);
    expect(r.body.series).toHaveLength(2);
    expect(r.body.series[0]).toEqual({ key: expect.any(String), name: expect.any(String), labels: expect.any(Object), source: 'scrape:app', last_seen: expect.any(Number) });
    const up = await get('/api/metrics/series?name=up');
    const port = (target.address() as { port: number }).port;
    expect(up.body.series.map((s: { key: string }) => s.key)).toEqual([`up{instance="127.0.0.1:${port}",job="app",team="ops"}`]);
  });

  it.each([
    ['an unknown aggregation', '/api/metrics/query?name=x&agg=median', /unknown aggregation "median"; use avg, min, max, last, sum/],
    ['a step under 1 s', '/api/metrics/query?name=x&step=500ms', /step must be at least 1s/],
    ['a bad step', '/api/metrics/query?name=x&step=soon', /step: "soon" is not a duration/],
    ['too many points', `/api/metrics/query?name=x&start=${Date.now() - 86_400_000}&end=${Date.now()}&step=1s`, /86401 points per series; at most 11000/],
    ['end before start', `/api/metrics/query?name=x&start=${Date.now()}&end=${Date.now() - 1000}`, /end is before start/],
    ['a bad time', '/api/metrics/query?name=x&start=yesterday', /start: "yesterday" is not a time/],
    ['match without a colon', '/api/metrics/query?name=x&match=host', /match: "host" must be label:value/],
    ['a bad label name in match', '/api/metrics/query?name=x&match=1host:a', /"1host" is not a label name/],
    ['a bad match[] label', '/api/metrics/query?name=x&match[a-b]=1', /"a-b" is not a label name/],
    ['conflicting matchers', '/api/metrics/query?name=x&match=a:1&match[a]=2', /label a is given twice/],
    ['a bad metric name', '/api/metrics/query?name=cpu%20percent', /not a metric name/],
    ['no name', '/api/metrics/query', /name/],
    ['an unknown parameter', '/api/metrics/query?name=x&color=red', /unknown property "color"/],
    ['a series limit of 0', '/api/metrics/series?limit=0', /limit/],
  ])('answers 400 for %s', async (_what, path, message) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('request/invalid');
    expect(r.body.error.message).toMatch(message);
  });

  it('needs a token with read scope', async () => {
    expect((await get('/api/metrics/query?name=x', {})).status).toBe(401);
    const ingestOnly = readFileSync(join(t.dataDir, 'services.token'), 'utf8').trim();
    expect((await get('/api/metrics/series', { authorization: `Bearer ${ingestOnly}` })).status).toBe(403);
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text format with the hub, its services and scrape targets', async () => {
    await waitFor('service samples', async () => (await (await t.fetch('/metrics', { headers: auth() })).text()).includes('wheelhouse_service_memory_bytes{service="busy"}'));
    const res = await t.fetch('/metrics', { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const line of ['# TYPE process_resident_memory_bytes gauge', '# TYPE process_cpu_seconds_total counter', 'wheelhouse_service_up{service="busy"} 1', 'wheelhouse_scrape_up{job="app"} 1']) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toMatch(/^wheelhouse_log_queue_depth \d+$/m);
    expect(text).toMatch(/^wheelhouse_metrics_points_ingested_total \d+$/m);
    promtoolCheck(text);
  });

  it('refuses a missing token and one without read scope', async () => {
    const none = await t.fetch('/metrics');
    expect(none.status).toBe(401);
    const ingestOnly = readFileSync(join(t.dataDir, 'services.token'), 'utf8').trim();
    expect((await t.fetch('/metrics', { headers: { authorization: `Bearer ${ingestOnly}` } })).status).toBe(403);
  });
});
