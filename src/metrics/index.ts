/**
 * Metrics: points from agents (hosts), scrape targets and the supervisor (services) go into
 * the metric store, get rolled up (1 min, 1 h), are queried for charts and exposed at
 * /metrics. New points are published on the bus ('metrics.points') as they arrive, so alert
 * rules evaluate on arrival, not on a timer.
 *
 * STUB — the implementation is being written (createMetricsService): until then it stores
 * nothing and answers empty.
 */
import type { Logger } from 'pino';
import type { MetricSettings, ScrapeTargetSpec } from '../core/config/index.js';
import type { EventBus } from '../core/events.js';
import type { MetricPoint, MetricRepo, SeriesInfo } from '../store/index.js';

export type { MetricPoint, SeriesInfo } from '../store/index.js';

/** How a query aggregates the samples inside each step. */
export type Aggregation = 'avg' | 'min' | 'max' | 'last' | 'sum';

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
   * commit. Values must be finite numbers; series keys canonical (metrics/series.ts).
   */
  ingest(points: readonly MetricPoint[]): Promise<void>;
  /** Series matching the query, with values per step, read from the best resolution for the range and step. */
  query(q: MetricQuery): Promise<SeriesResult[]>;
  /** The most recent point of a source, from memory (no store read); undefined if none since start. */
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
}

/** Builds the metrics service (not started). */
export function createMetricsService(deps: MetricsDeps): MetricsService {
  void deps;
  return {
    ingest: async () => {},
    query: async () => [],
    latest: () => undefined,
    series: async () => [],
    exposition: async () => '',
    start: async () => {},
    stop: async () => {},
  };
}
