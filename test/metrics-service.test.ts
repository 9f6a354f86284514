// The metrics service over a real SQLite metric store: ingest checks, the bus, the catalog,
// rollups through queries, late and replayed points, restarts (clean and crashed), service
// samples, and the exposition (checked by promtool when WHEELHOUSE_TEST_PROMTOOL is set).
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../src/core/events.js';
import { createMetricsService, type MetricPoint, type MetricsService } from '../src/metrics/index.js';
import { promtoolCheck } from '../src/metrics/testing/promtool.js';
import { SqliteMetricRepo } from '../src/store/sqlite/metrics/repo.js';
import type { MetricRepo } from '../src/store/index.js';
import { tempDir } from '../src/testing/helpers.js';

const minute = 60_000;
const hour = 3_600_000;
const settings = { rawMs: 6 * hour, minuteMs: 7 * 86_400_000, hourMs: 90 * 86_400_000 };
const logger = pino({ level: 'silent' });

const opened: { close(): Promise<void> }[] = [];
const services: MetricsService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop().catch(() => {});
  for (const r of opened.splice(0)) await r.close();
});

function openRepo(dir: string): SqliteMetricRepo {
  const repo = SqliteMetricRepo.open(dir);
  opened.push(repo);
  return repo;
}

function service(repo: MetricRepo, bus = new EventBus(), extra: Partial<Parameters<typeof createMetricsService>[0]> = {}): MetricsService {
  const s = createMetricsService({ repo, bus, settings, scrape: [], logger, ...extra });
  services.push(s);
  return s;
}

/** Two hosts reporting every 10 s from `from` for `count` instants. */
function fleet(from: number, count: number, offset = 0): MetricPoint[][] {
  const ticks: MetricPoint[][] = [];
  for (let i = offset; i < offset + count; i++) {
    const ts = from + i * 10_000;
    ticks.push(
      ['h1', 'h2'].map((h, j) => ({
        source: `host:${h}`,
        ts,
        values: {
          cpu_percent: ((i * 37 + j * 11) % 101) / 10,
          'disk_used_percent{mount="/"}': 40 + j + (i % 7),
          'disk_used_percent{mount="/var"}': 70 - j - (i % 5),
        },
      })),
    );
  }
  return ticks;
}

/** What a query must answer, computed from the points themselves. */
function expected(points: MetricPoint[], source: string, key: string, start: number, stepMs: number, steps: number, agg: string): [number, number | null][] {
  const buckets: number[][] = Array.from({ length: steps }, () => []);
  for (const p of points.filter((x) => x.source === source).sort((a, b) => a.ts - b.ts)) {
    const i = Math.floor((p.ts - start) / stepMs);
    if (i >= 0 && i < steps && p.values[key] !== undefined) buckets[i]!.push(p.values[key]!);
  }
  return buckets.map((b, i) => {
    const t = start + i * stepMs;
    if (b.length === 0) return [t, null];
    const sum = b.reduce((a, v) => a + v, 0);
    const v = agg === 'avg' ? sum / b.length : agg === 'min' ? Math.min(...b) : agg === 'max' ? Math.max(...b) : agg === 'sum' ? sum : b.at(-1)!;
    return [t, v];
  });
}

function expectClose(got: [number, number | null][], want: [number, number | null][], what = ''): void {
  expect(got.map((p) => p[0]), what).toEqual(want.map((p) => p[0]));
  got.forEach(([, v], i) => {
    const w = want[i]![1];
    if (w === null) expect(v, `${what} step ${i}`).toBeNull();
    else expect(v, `${what} step ${i} of ${got.length}`).toBeCloseTo(w, 9);
  });
}

/** Checks every resolution and aggregation of a service against the points. */
async function checkQueries(svc: MetricsService, points: MetricPoint[], since: number, until: number): Promise<void> {
  for (const [stepMs, label] of [
    [10_000, 'raw'],
    [minute, '1m'],
    [5 * minute, '1m'],
    [hour, '1h'],
  ] as const) {
    for (const agg of ['avg', 'min', 'max', 'last', 'sum'] as const) {
      const res = await svc.query({ name: 'disk_used_percent', match: { host: 'h2', mount: '/var' }, since, until, stepMs, agg });
      expect(res, `${label} ${agg}`).toHaveLength(1);
      const start = Math.floor(since / stepMs) * stepMs;
      const steps = Math.floor((until - start) / stepMs) + 1;
      expectClose(res[0]!.points, expected(points, 'host:h2', 'disk_used_percent{mount="/var"}', start, stepMs, steps, agg), `${label} step ${stepMs} ${agg}`);
    }
  }
}

describe('ingest', () => {
  it.each<[string, unknown, RegExp]>([
    ['NaN', { source: 'host:a', ts: 0, values: { x: NaN } }, /point 1 \(source "host:a"\): value of "x" is NaN; values must be finite numbers/],
    ['Infinity', { source: 'host:a', ts: 0, values: { x: Infinity } }, /value of "x" is Infinity/],
    ['a string value', { source: 'host:a', ts: 0, values: { x: '12' } }, /value of "x" is "12"/],
    ['a null value', { source: 'host:a', ts: 0, values: { x: null } }, /value of "x" is null/],
    ['a non-canonical key', { source: 'host:a', ts: 0, values: { 'x{b="1",a="2"}': 1 } }, /not canonical.*write "x\{a="2",b="1"\}"/],
    ['a bad metric name', { source: 'host:a', ts: 0, values: { 'cpu percent': 1 } }, /invalid metric name/],
    ['a key with NUL', { source: 'host:a', ts: 0, values: { 'x{a="\u0000"}': 1 } }, /NUL/],
    ['a far-future ts', { source: 'host:a', ts: 2 * 86_400_000, values: { x: 1 } }, /more than 24h in the future/],
    ['an old ts', { source: 'host:a', ts: -7 * hour, values: { x: 1 } }, /older than the raw retention \(6h 0m\)/],
    ['a ts that is not a number', { source: 'host:a', ts: '2026-01-01', values: { x: 1 } }, /ts must be a number/],
    ['no source', { ts: 0, values: { x: 1 } }, /source must be a non-empty string/],
    ['a source with a newline', { source: 'host:a\nb', ts: 0, values: { x: 1 } }, /control characters/],
    ['values as an array', { source: 'host:a', ts: 0, values: [1] }, /values must be an object/],
    ['not an object', 'cpu=1', /must be an object \{source, ts, values\}/],
  ])('refuses %s, naming it, and stores nothing of the call', async (_what, bad, message) => {
    const repo = openRepo(tempDir('wh-metrics-'));
    const svc = service(repo);
    const now = Date.now();
    const fix = (p: unknown) => (p && typeof p === 'object' && typeof (p as { ts: unknown }).ts === 'number' ? { ...p, ts: now + (p as { ts: number }).ts } : p);
    const err = await svc.ingest([{ source: 'host:a', ts: now, values: { ok: 1 } }, fix(bad) as MetricPoint]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'request/invalid', message: expect.stringMatching(message) });
    expect(await repo.points('host:a', now - hour, now + hour)).toEqual([]);
  });

  it('stores, publishes on the bus, keeps the latest per source and catalogs new series', async () => {
    const repo = openRepo(tempDir('wh-metrics-'));
    const bus = new EventBus();
    const seen: MetricPoint[] = [];
    bus.subscribe('metrics.points', (e) => seen.push(...e.points));
    const svc = service(repo, bus);
    await svc.start();
    const now = Date.now();
    await svc.ingest([{ source: 'host:a', ts: now - 20_000, values: { cpu_percent: 1, 'disk_used_percent{mount="/"}': 50 } }]);
    await svc.ingest([{ source: 'host:a', ts: now - 10_000, values: { cpu_percent: 2 } }]);
    // An older point does not replace the latest one.
    await svc.ingest([{ source: 'host:a', ts: now - 30_000, values: { cpu_percent: 3 } }]);
    expect(seen.map((p) => p.values.cpu_percent)).toEqual([1, 2, 3]);
    expect(svc.latest('host:a')).toEqual({ source: 'host:a', ts: now - 10_000, values: { cpu_percent: 2 } });
    expect(svc.latest('host:none')).toBeUndefined();
    expect((await repo.points('host:a', 0, now)).map((p) => p.values.cpu_percent)).toEqual([3, 1, 2]);
    const series = await svc.series({ source: 'host:a' });
    expect(series.map((s) => [s.key, s.name, s.labels])).toEqual([
      ['cpu_percent', 'cpu_percent', {}],
      ['disk_used_percent{mount="/"}', 'disk_used_percent', { mount: '/' }],
    ]);
  });

  it('writes concurrent ingests in shared transactions and answers each after its commit', async () => {
    const base = openRepo(tempDir('wh-metrics-'));
    const batches: number[] = [];
    const repo: MetricRepo = Object.assign(Object.create(base) as MetricRepo, {
      appendPoints: (points: readonly MetricPoint[]) => {
        batches.push(points.length);
        return base.appendPoints(points);
      },
    });
    const svc = service(repo);
    const now = Date.now();
    await Promise.all(Array.from({ length: 200 }, (_, i) => svc.ingest([{ source: `host:h${i}`, ts: now, values: { up: 1 } }])));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(200);
    expect(batches.length).toBeLessThan(10);
    for (const i of [0, 99, 199]) expect(await base.points(`host:h${i}`, now, now)).toHaveLength(1);
  });
});

describe('rollups and queries', () => {
  it('answers raw, 1-minute and 1-hour queries that agree with the points, with label matchers', async () => {
    const repo = openRepo(tempDir('wh-metrics-'));
    const svc = service(repo);
    await svc.start();
    const t0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
    const ticks = fleet(t0, 900); // 2.5 h
    for (const tick of ticks) await svc.ingest(tick);
    const points = ticks.flat();
    await checkQueries(svc, points, t0 + 95_000, t0 + 900 * 10_000);

    const all = await svc.query({ name: 'disk_used_percent', since: t0, until: t0 + hour, stepMs: hour, agg: 'avg' });
    expect(all.map((s) => [s.source, s.key, s.labels])).toEqual([
      ['host:h1', 'disk_used_percent{mount="/"}', { host: 'h1', mount: '/' }],
      ['host:h1', 'disk_used_percent{mount="/var"}', { host: 'h1', mount: '/var' }],
      ['host:h2', 'disk_used_percent{mount="/"}', { host: 'h2', mount: '/' }],
      ['host:h2', 'disk_used_percent{mount="/var"}', { host: 'h2', mount: '/var' }],
    ]);
    expect(await svc.query({ name: 'disk_used_percent', source: 'host:h1', match: { mount: '/' }, since: t0, until: t0 + hour, stepMs: hour, agg: 'avg' })).toHaveLength(1);
    expect(await svc.query({ name: 'disk_used_percent', match: { mount: '/nope' }, since: t0, until: t0 + hour, stepMs: hour, agg: 'avg' })).toEqual([]);
    expect(await svc.query({ name: 'no_such_metric', since: t0, until: t0 + hour, stepMs: hour, agg: 'avg' })).toEqual([]);
    // A range with no data: every step null.
    const empty = await svc.query({ name: 'cpu_percent', match: { host: 'h1' }, since: t0 - 2 * hour, until: t0 - hour, stepMs: minute, agg: 'max' });
    expect(empty[0]!.points.every(([, v]) => v === null)).toBe(true);
    await expect(svc.query({ name: 'cpu_percent', since: t0, until: t0 + hour, stepMs: 500, agg: 'avg' })).rejects.toMatchObject({ code: 'request/invalid' });
  });

  it('recomputes minutes and hours that late and replayed points changed', async () => {
    const repo = openRepo(tempDir('wh-metrics-'));
    const svc = service(repo);
    await svc.start();
    const t0 = Math.floor(Date.now() / hour) * hour - 2 * hour;
    const ticks = fleet(t0, 60); // 10 minutes
    for (const tick of ticks) await svc.ingest(tick);
    // A late point (a new instant inside minute 2), and a replay of a minute-1 point with another value.
    const late: MetricPoint = { source: 'host:h2', ts: t0 + 2 * minute + 5000, values: { 'disk_used_percent{mount="/var"}': 1000 } };
    const replay: MetricPoint = { source: 'host:h2', ts: t0 + minute + 10_000, values: { ...ticks[7]![1]!.values, 'disk_used_percent{mount="/var"}': -50 } };
    await svc.ingest([late]);
    await svc.ingest([replay]);
    await svc.stop();
    const points = [...ticks.flat().filter((p) => !(p.source === replay.source && p.ts === replay.ts)), late, replay];
    const stored = await repo.rollups('1m', 'host:h2', t0, t0 + 10 * minute);
    expect(stored.find((r) => r.bucket === t0 + minute)!.values['disk_used_percent{mount="/var"}']![0]).toBe(-50);
    expect(stored.find((r) => r.bucket === t0 + 2 * minute)!.values['disk_used_percent{mount="/var"}']![1]).toBe(1000);
    expect(stored.find((r) => r.bucket === t0 + 2 * minute)!.values['disk_used_percent{mount="/var"}']![3]).toBe(7);
    await checkQueries(svc, points, t0, t0 + 10 * minute - 1);
  });

  it.each([
    ['after a clean stop', true],
    ['after a crash (nothing flushed)', false],
  ])('keeps rollups right across a restart %s', async (_what, clean) => {
    const dir = tempDir('wh-metrics-');
    const t0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
    const ticks = fleet(t0, 900);
    const first = ticks.slice(0, 600); // 100 min, then the hub goes away
    const second = ticks.slice(600);

    const repo1 = openRepo(dir);
    const svc1 = service(repo1);
    if (clean) await svc1.start();
    for (const tick of first) await svc1.ingest(tick);
    if (clean) await svc1.stop();
    services.splice(services.indexOf(svc1), 1);
    await repo1.close();

    const repo2 = openRepo(dir);
    const svc2 = service(repo2);
    await svc2.start();
    // The open buckets were rebuilt from the store, and the latest point is known again.
    expect(svc2.latest('host:h1')).toEqual(first.at(-1)![0]);
    for (const tick of second) await svc2.ingest(tick);
    await checkQueries(svc2, ticks.flat(), t0, t0 + 900 * 10_000);
    await svc2.stop();

    // Everything closed is in the store: a third hub answers the same.
    const svc3 = service(repo2);
    await svc3.start();
    await checkQueries(svc3, ticks.flat(), t0, t0 + 900 * 10_000);
    const hours = await repo2.rollups('1h', 'host:h2', t0, t0 + 3 * hour);
    // The third hour ended at the top of this hour; it is closed once the restored source shows no lag.
    expect(hours.map((h) => h.bucket).slice(0, 2)).toEqual([t0, t0 + hour]);
    expect(hours[0]!.values.cpu_percent![3]).toBe(360);
  });
});

describe('service samples and the exposition', () => {
  it('stores one point per service per sampler pass and exposes services and hosts', async () => {
    const base = openRepo(tempDir('wh-metrics-'));
    let appends = 0;
    const repo: MetricRepo = Object.assign(Object.create(base) as MetricRepo, {
      appendPoints: (points: readonly MetricPoint[]) => {
        appends++;
        return base.appendPoints(points);
      },
    });
    const bus = new EventBus();
    const svc = service(repo, bus, { hubGauges: () => ({ wheelhouse_log_queue_depth: 3 }) });
    await svc.start();
    const at = new Date().toISOString();
    bus.publish('service.state', { service: 'api', from: 'starting', to: 'running', pid: 1, reason: null, at });
    bus.publish('service.state', { service: 'worker', from: 'running', to: 'errored', pid: null, reason: 'crash loop', at });
    for (const [service, cpu, mb] of [['api', 12.5, 64], ['db', 1, 256.5], ['web', 0, 10]] as const) bus.publish('service.sample', { service, cpu_percent: cpu, memory_mb: mb, at });
    await new Promise((r) => setTimeout(r, 50));
    expect(appends).toBe(1);
    expect(svc.latest('service:db')!.values).toEqual({ 'service_cpu_percent{service="db"}': 1, 'service_memory_bytes{service="db"}': 268_959_744 });

    const now = Date.now();
    await svc.ingest([
      { source: 'host:web-1', ts: now, values: { cpu_percent: 12.5, 'disk_used_percent{mount="/"}': 40, 'disk_used_percent{mount="/var"}': 71, net_rx_bytes_total: 12345, 'odd{host="x",q="a\\"b"}': 1 } },
      { source: 'host:web-2', ts: now, values: { cpu_percent: 3, 'disk_used_percent{mount="/"}': 41 } },
    ]);
    const text = await svc.exposition();
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE process_cpu_seconds_total counter');
    expect(lines).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(lines).toContain('wheelhouse_log_queue_depth 3');
    expect(lines).toContain('wheelhouse_service_up{service="api"} 1');
    expect(lines).toContain('wheelhouse_service_up{service="worker"} 0');
    expect(lines).toContain('wheelhouse_service_up{service="db"} 1');
    expect(lines).toContain('wheelhouse_service_cpu_percent{service="api"} 12.5');
    expect(lines).toContain('wheelhouse_service_memory_bytes{service="db"} 268959744');
    expect(lines).toContain('wheelhouse_host_cpu_percent{host="web-1"} 12.5');
    expect(lines).toContain('wheelhouse_host_disk_used_percent{host="web-2",mount="/"} 41');
    expect(lines).toContain('wheelhouse_host_disk_used_percent{host="web-1",mount="/var"} 71');
    expect(lines).toContain('# TYPE wheelhouse_host_net_rx_bytes_total counter');
    expect(lines).toContain('wheelhouse_host_odd{exported_host="x",host="web-1",q="a\\"b"} 1');
    // Each family's samples are together, under one HELP and one TYPE.
    const families = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
    expect(text.endsWith('\n')).toBe(true);
    promtoolCheck(text);
  });
});
