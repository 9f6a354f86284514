/**
 * Metrics: points from agents (hosts), scrape targets and the supervisor (services) go into
 * the metric store, get rolled up (1 min, 1 h), are queried for charts and exposed at
 * /metrics. New points are published on the bus ('metrics.points') as they arrive, so alert
 * rules evaluate on arrival, not on a timer.
 *
 * The path of a point: validate (validate.ts) → group commit (writer.ts) → latest per source,
 * publish, rollup accumulators (rollup.ts, flushed and repaired by rollups.ts) → series
 * catalog (catalog.ts, new series only). Queries pick raw / 1m / 1h by range and step
 * (query.ts). Retention trims every resolution in small batches.
 */
import type { Logger } from 'pino';
import type { MetricSettings, ScrapeTargetSpec } from '../core/config/index.js';
import { AppError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import type { MetricPoint, MetricRepo, MetricRetention, SeriesInfo } from '../store/index.js';
import { labelsWithSource, matchesLabels, SeriesCatalog } from './catalog.js';
import { exposeHosts, exposeServices } from './expose.js';
import { Exposition, ProcessMetrics } from './exposition.js';
import { aggregatePoints, aggregateRollups, planQuery, StepAggregator, type Aggregation } from './query.js';
import { RollupKeeper } from './rollups.js';
import { Scraper } from './scrape/scraper.js';
import { ServiceSamples } from './services.js';
import { PointValidator } from './validate.js';
import { PointWriter } from './writer.js';

export type { MetricPoint, SeriesInfo } from '../store/index.js';
export type { Aggregation } from './query.js';
export { aggregations, maxPointsPerSeries } from './query.js';
export { labelNamePattern, metricNamePattern, parseSeriesKey, seriesKey, seriesKeyProblem } from './series.js';

/** A series query: by metric name and label values, over a time range, in steps. */
export interface MetricQuery {
  name: string;
  /** Label values the series must have (exact match); e.g. { host: 'web-1' }. */
  match?: Record<string, string>;
  /** Restrict to one source (e.g. 'host:web-1'). */
  source?: string;
  since: number;
  until: number;
  stepMs: number;
  agg: Aggregation;
}

/** One series of a query result; points are [ms, value] at step starts, null where no data. */
export interface SeriesResult {
  key: string;
  name: string;
  labels: Record<string, string>;
  source: string;
  points: [number, number | null][];
}

/** The metrics module's interface. */
export interface MetricsService {
  /**
   * Stores points (one per source and time) and publishes them on the bus. Resolves after the
   * commit. Values must be finite numbers; series keys canonical (metrics/series.ts); ts at
   * most 24 h ahead and inside the raw retention. A bad point refuses the whole call with
   * AppError('request/invalid') naming it; nothing of the call is stored then.
   */
  ingest(points: readonly MetricPoint[]): Promise<void>;
  /**
   * Series matching the query, with values per step, read from the best resolution for the
   * range and step (raw for steps under 1 min inside the raw retention, 1-minute rollups for
   * steps under 1 h, else 1-hour rollups; the step is raised to the rollup's bucket). A
   * label matcher also matches the label a source implies (host for `host:<id>`, service
   * for `service:<name>`, job for `scrape:<name>`), and results carry those labels. Throws
   * AppError('request/invalid') for a bad query or too many points.
   */
  query(q: MetricQuery): Promise<SeriesResult[]>;
  /** The most recent point of a source, from memory (no store read); undefined if none since start. Do not mutate it. */
  latest(source: string): MetricPoint | undefined;
  /** Known series, for discovery and the query API. */
  series(filter: { name?: string; source?: string }): Promise<SeriesInfo[]>;
  /** Prometheus text exposition of the hub itself, its services and hosts (GET /metrics). */
  exposition(): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What the metrics module is built from. */
export interface MetricsDeps {
  repo: MetricRepo;
  bus: EventBus;
  settings: MetricSettings;
  scrape: ScrapeTargetSpec[];
  logger: Logger;
  /** Gauges of the hub itself for /metrics (queue depths, counts), read at exposition time. */
  hubGauges?: () => Record<string, number>;
  /** Outbound HTTP for scrapes (tests may inject one). */
  fetch?: typeof fetch;
}

/** Most series one query may return. */
export const maxSeriesPerQuery = 2000;
/** How often closed rollup buckets are flushed (and late ones repaired). */
const tickMs = 5000;
/** How often retention runs, and for how long at most. */
const retentionEveryMs = 10_000;
const retentionBudgetMs = 50;

/** Builds the metrics service (not started). */
export function createMetricsService(deps: MetricsDeps): MetricsService {
  const { repo, bus, settings, logger } = deps;
  const retention: MetricRetention = { rawMs: settings.rawMs, minuteMs: settings.minuteMs, hourMs: settings.hourMs };
  const validator = new PointValidator();
  const catalog = new SeriesCatalog();
  const keeper = new RollupKeeper(repo, () => settings.rawMs, logger);
  const latest = new Map<string, MetricPoint>();
  const processMetrics = new ProcessMetrics();
  const counts = { points: 0, values: 0, refused: 0 };
  const timers: NodeJS.Timeout[] = [];
  let retaining: Promise<void> | undefined;

  const writer = new PointWriter(repo, async (points) => {
    const now = Date.now();
    for (const p of points) {
      const prev = latest.get(p.source);
      if (!prev || p.ts >= prev.ts) latest.set(p.source, p);
      counts.values += Object.keys(p.values).length;
    }
    counts.points += points.length;
    bus.publish('metrics.points', { points });
    keeper.add(points, now, (source) => catalog.has(source));
    const fresh = catalog.collect(points, now);
    if (fresh.length === 0) return;
    try {
      await repo.noteSeries(fresh);
      catalog.noted(fresh, now);
    } catch (err) {
      logger.error({ err, series: fresh.length }, 'recording new metric series failed; retrying with the next points');
    }
  });

  const ingest = async (points: readonly MetricPoint[]): Promise<void> => {
    let checked: MetricPoint[];
    try {
      checked = validator.check(points, Date.now(), settings.rawMs);
    } catch (err) {
      counts.refused += points.length;
      throw err;
    }
    await writer.write(checked);
  };

  const services = new ServiceSamples(bus, ingest, logger);
  const scraper = new Scraper({ targets: deps.scrape, ingest, logger, fetch: deps.fetch });

  const retain = async (): Promise<void> => {
    const started = Date.now();
    try {
      // Small batches, yielding between them, for at most ~50 ms per tick: ingest never stalls.
      while (Date.now() - started < retentionBudgetMs) {
        const { more } = await repo.retain(retention, Date.now());
        if (!more) break;
        await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      logger.error({ err }, 'metric retention failed');
    }
  };

  const every = (ms: number, fn: () => void): void => {
    const t = setInterval(fn, ms);
    t.unref();
    timers.push(t);
  };

  return {
    ingest,

    async query(q) {
      const plan = planQuery(q, retention, Date.now());
      const infos = (await repo.series({ name: q.name, source: q.source })).filter((s) => matchesLabels(s, q.match));
      if (infos.length > maxSeriesPerQuery) {
        throw new AppError('request/invalid', `the query matches ${infos.length} series; at most ${maxSeriesPerQuery}: narrow it with match or source`);
      }
      const bySource = new Map<string, Map<string, StepAggregator>>();
      for (const s of infos) {
        let m = bySource.get(s.source);
        if (!m) bySource.set(s.source, (m = new Map()));
        m.set(s.key, new StepAggregator(plan));
      }
      for (const [source, aggs] of bySource) {
        if (plan.resolution === 'raw') aggregatePoints(await repo.points(source, plan.start, q.until), aggs);
        else aggregateRollups(await keeper.read(plan.resolution, source, plan.start, q.until), aggs);
      }
      return infos.map((s) => ({ key: s.key, name: s.name, labels: labelsWithSource(s), source: s.source, points: bySource.get(s.source)!.get(s.key)!.points(q.agg) }));
    },

    latest: (source) => latest.get(source),

    series: (filter) => repo.series(filter),

    async exposition() {
      const e = new Exposition();
      processMetrics.collect(e);
      for (const [name, value] of Object.entries(deps.hubGauges?.() ?? {})) e.add(name, 'gauge', `Wheelhouse hub gauge ${name}.`, value);
      e.add('wheelhouse_metrics_points_ingested_total', 'counter', 'Metric points stored since the hub started.', counts.points);
      e.add('wheelhouse_metrics_values_ingested_total', 'counter', 'Metric values (samples) stored since the hub started.', counts.values);
      e.add('wheelhouse_metrics_points_refused_total', 'counter', 'Metric points refused as invalid since the hub started.', counts.refused);
      e.add('wheelhouse_metrics_series', 'gauge', 'Series in the metric catalog.', catalog.size);
      e.add('wheelhouse_metrics_write_queue_points', 'gauge', 'Metric points waiting for a commit.', writer.depth);
      e.add('wheelhouse_metrics_rollup_repairs_total', 'counter', 'Rollup buckets recomputed because late or replayed points changed them.', keeper.counts.repaired);
      exposeServices(e, latest, services.states);
      exposeHosts(e, latest);
      for (const [job, s] of scraper.status()) {
        e.add('wheelhouse_scrape_up', 'gauge', 'Whether the last scrape of a target succeeded (1) or not (0).', s.up ? 1 : 0, { job });
        e.add('wheelhouse_scrape_duration_seconds', 'gauge', 'Duration of the last scrape of a target.', s.durationS, { job });
        e.add('wheelhouse_scrape_samples', 'gauge', 'Series kept from the last scrape of a target.', s.samples, { job });
      }
      return e.toString();
    },

    async start() {
      processMetrics.start();
      const now = Date.now();
      catalog.load(await repo.series({}), now);
      // Sources that reported inside the raw window get their open rollup buckets back.
      const recent = new Map([...catalog.sourcesSeen()].filter(([, seen]) => seen >= now - settings.rawMs - 10 * 60_000));
      for (const p of await keeper.restore(recent, now)) latest.set(p.source, p);
      services.start();
      scraper.start();
      every(tickMs, () => void keeper.tick(Date.now()));
      every(retentionEveryMs, () => {
        retaining ??= retain().finally(() => (retaining = undefined));
      });
    },

    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      await scraper.stop();
      await services.stop();
      await writer.drained();
      // Closed buckets go to the store; open ones are rebuilt from raw points at the next start.
      await keeper.tick(Date.now());
      await retaining;
      processMetrics.stop();
    },
  };
}
