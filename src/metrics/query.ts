/**
 * Series queries: which resolution serves a range and step, and how the samples (or rollups)
 * inside each step are aggregated. Steps start at multiples of the step, so a chart polled
 * again gets the same buckets.
 */
import { AppError } from '../core/errors.js';
import type { MetricPoint, MetricRetention, Resolution, RollupPoint } from '../store/index.js';
import { hourMs, minuteMs } from './rollup.js';
import { metricNamePattern } from './series.js';

/** How a query aggregates the samples inside each step. */
export type Aggregation = 'avg' | 'min' | 'max' | 'last' | 'sum';

/** The aggregations, for validation. */
export const aggregations: readonly Aggregation[] = ['avg', 'min', 'max', 'last', 'sum'];

/** Most points one series may have in an answer. */
export const maxPointsPerSeries = 11_000;

/** How a query will be answered. */
export interface QueryPlan {
  resolution: Resolution;
  /** The step used: the requested one, raised to the resolution's bucket when that is coarser. */
  stepMs: number;
  /** Start of the first step. */
  start: number;
  /** Number of steps. */
  steps: number;
}

/** Checks a query and picks its resolution; throws AppError('request/invalid') naming the problem. */
export function planQuery(q: { name: string; since: number; until: number; stepMs: number; agg: string }, retention: MetricRetention, now: number): QueryPlan {
  if (!metricNamePattern.test(q.name)) throw new AppError('request/invalid', `name: "${q.name.slice(0, 100)}" is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  if (!(aggregations as readonly string[]).includes(q.agg)) throw new AppError('request/invalid', `agg: unknown aggregation "${q.agg.slice(0, 40)}"; use ${aggregations.join(', ')}`);
  if (!Number.isFinite(q.since) || !Number.isFinite(q.until)) throw new AppError('request/invalid', 'start and end must be times');
  if (q.until < q.since) throw new AppError('request/invalid', 'end is before start');
  if (!Number.isFinite(q.stepMs) || q.stepMs < 1000) throw new AppError('request/invalid', 'step must be at least 1s');
  // Checked against the step asked for (as Prometheus does), so a request is valid or not whatever resolution serves it.
  const asked = Math.floor((q.until - q.since) / q.stepMs) + 1;
  if (asked > maxPointsPerSeries) {
    throw new AppError('request/invalid', `the range and step give ${asked} points per series; at most ${maxPointsPerSeries}: use a larger step or a shorter range`);
  }
  let resolution: Resolution;
  if (q.stepMs < minuteMs && q.since >= now - retention.rawMs) resolution = 'raw';
  else if (q.stepMs < hourMs && q.since >= now - retention.minuteMs) resolution = '1m';
  else resolution = '1h';
  const bucket = resolution === 'raw' ? 0 : resolution === '1m' ? minuteMs : hourMs;
  const stepMs = Math.max(Math.round(q.stepMs), bucket);
  const start = Math.floor(q.since / stepMs) * stepMs;
  // Aligning the start may add one step.
  const steps = Math.floor((q.until - start) / stepMs) + 1;
  return { resolution, stepMs, start, steps };
}

/** Per-step accumulators of one series. */
export class StepAggregator {
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  private readonly last: Float64Array;
  private readonly lastTs: Float64Array;

  constructor(private readonly plan: QueryPlan) {
    const n = plan.steps;
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
    this.sum = new Float64Array(n);
    this.count = new Float64Array(n);
    this.last = new Float64Array(n);
    this.lastTs = new Float64Array(n).fill(-Infinity);
  }

  /** Adds one raw sample. */
  sample(ts: number, v: number): void {
    this.rollup(ts, v, v, v, 1, v);
  }

  /** Adds one bucket's aggregates (whose bucket starts at `ts`). */
  rollup(ts: number, min: number, max: number, sum: number, count: number, last: number): void {
    const i = Math.floor((ts - this.plan.start) / this.plan.stepMs);
    if (i < 0 || i >= this.plan.steps) return;
    if (min < this.min[i]!) this.min[i] = min;
    if (max > this.max[i]!) this.max[i] = max;
    this.sum[i]! += sum;
    this.count[i]! += count;
    if (ts >= this.lastTs[i]!) {
      this.lastTs[i] = ts;
      this.last[i] = last;
    }
  }

  /** [step start, value | null] for every step. */
  points(agg: Aggregation): [number, number | null][] {
    const out: [number, number | null][] = new Array(this.plan.steps);
    for (let i = 0; i < this.plan.steps; i++) {
      const t = this.plan.start + i * this.plan.stepMs;
      const n = this.count[i]!;
      if (n === 0) {
        out[i] = [t, null];
        continue;
      }
      const v = agg === 'avg' ? this.sum[i]! / n : agg === 'min' ? this.min[i]! : agg === 'max' ? this.max[i]! : agg === 'sum' ? this.sum[i]! : this.last[i]!;
      out[i] = [t, v];
    }
    return out;
  }
}

/** Feeds raw points of one source to the aggregators of its series (by key). */
export function aggregatePoints(points: readonly MetricPoint[], series: ReadonlyMap<string, StepAggregator>): void {
  for (const p of points) {
    for (const [key, agg] of series) {
      const v = p.values[key];
      if (v !== undefined) agg.sample(p.ts, v);
    }
  }
}

/** Feeds rollups of one source to the aggregators of its series (by key). */
export function aggregateRollups(rollups: readonly RollupPoint[], series: ReadonlyMap<string, StepAggregator>): void {
  for (const r of rollups) {
    for (const [key, agg] of series) {
      const v = r.values[key];
      if (v !== undefined) agg.rollup(r.bucket, v[0], v[1], v[2], v[3], v[4]);
    }
  }
}
