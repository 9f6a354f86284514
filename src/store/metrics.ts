/**
 * Metric storage. A point is everything one source (a host, a scrape target, a service)
 * reported at one instant: a map from series key to value. Stored one row per point, not one
 * per sample: a host report of ~50 samples is one insert, and a host's chart reads one
 * contiguous index range. Rollups keep [min, max, sum, count, last] per series per bucket.
 */

/** Canonical series key: `name` or `name{a="1",b="2"}` with labels sorted (see metrics/series.ts). */
export type SeriesKey = string;

/** All values of one source at one time. */
export interface MetricPoint {
  source: string;
  /** Milliseconds since the epoch. */
  ts: number;
  values: Record<SeriesKey, number>;
}

/** Aggregates of one series over one bucket. */
export type Rollup = [min: number, max: number, sum: number, count: number, last: number];

/** All aggregates of one source over one bucket (1 min or 1 h). */
export interface RollupPoint {
  source: string;
  /** Bucket start, ms since the epoch. */
  bucket: number;
  values: Record<SeriesKey, Rollup>;
}

/** A resolution the store keeps. */
export type Resolution = 'raw' | '1m' | '1h';

/** What is known of a series: for discovery and label matching. */
export interface SeriesInfo {
  key: SeriesKey;
  name: string;
  labels: Record<string, string>;
  source: string;
  last_seen: number;
}

/** How long each resolution is kept. */
export interface MetricRetention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

/** The metric store. Every write resolves after its commit. */
export interface MetricRepo {
  appendPoints(points: readonly MetricPoint[]): Promise<void>;
  appendRollups(resolution: '1m' | '1h', rollups: readonly RollupPoint[]): Promise<void>;
  /** Raw points of one source in [since, until], oldest first. */
  points(source: string, since: number, until: number): Promise<MetricPoint[]>;
  /** Rollups of one source whose bucket starts in [since, until], oldest first. */
  rollups(resolution: '1m' | '1h', source: string, since: number, until: number): Promise<RollupPoint[]>;
  /** Records series (new ones inserted, known ones get last_seen). */
  noteSeries(series: readonly SeriesInfo[]): Promise<void>;
  series(filter: { name?: string; source?: string }): Promise<SeriesInfo[]>;
  /** Deletes one small batch past the retention of each resolution; `more` when another is due. */
  retain(limits: MetricRetention, now: number): Promise<{ deleted: number; more: boolean }>;
}
