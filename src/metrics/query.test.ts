import { describe, expect, it } from 'vitest';
import { aggregatePoints, aggregateRollups, planQuery, StepAggregator } from './query.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const retention = { rawMs: 6 * 3_600_000, minuteMs: 7 * 86_400_000, hourMs: 90 * 86_400_000 };
const q = (sinceAgo: number, stepMs: number, agg = 'avg', untilAgo = 0) => ({ name: 'cpu', since: now - sinceAgo, until: now - untilAgo, stepMs, agg });

describe('query planning', () => {
  it.each([
    ['10 s steps over an hour: raw', q(3_600_000, 10_000), 'raw', 10_000],
    ['10 s steps beyond the raw retention: 1-minute rollups at 1 min', q(7 * 3_600_000, 10_000), '1m', 60_000],
    ['1 min steps: 1-minute rollups', q(3_600_000, 60_000), '1m', 60_000],
    ['5 min steps over 2 days', q(2 * 86_400_000, 300_000), '1m', 300_000],
    ['1 h steps: 1-hour rollups', q(30 * 86_400_000, 3_600_000), '1h', 3_600_000],
    ['5 min steps beyond the 1-minute retention: 1-hour rollups at 1 h', q(8 * 86_400_000, 300_000), '1h', 3_600_000],
  ])('%s', (_what, query, resolution, stepMs) => {
    const plan = planQuery(query, retention, now);
    expect(plan.resolution).toBe(resolution);
    expect(plan.stepMs).toBe(stepMs);
    expect(plan.start % plan.stepMs).toBe(0);
    expect(plan.start).toBeLessThanOrEqual(query.since);
  });

  it.each([
    ['an unknown aggregation', { ...q(3_600_000, 10_000), agg: 'median' }, /unknown aggregation "median"/],
    ['a step under 1 s', q(3_600_000, 500), /at least 1s/],
    ['end before start', { ...q(3_600_000, 10_000), until: now - 7_200_000 }, /end is before start/],
    ['too many points', q(5 * 3_600_000, 1000), /18001 points per series; at most 11000/],
    ['a bad name', { ...q(3_600_000, 10_000), name: 'cpu percent' }, /not a metric name/],
  ])('refuses %s', (_what, query, message) => {
    expect(() => planQuery(query, retention, now)).toThrow(message);
  });
});

describe('step aggregation', () => {
  const plan = planQuery(q(60_000, 20_000, 'avg', 1), retention, now);

  it.each([
    ['avg', [2, 10, null]],
    ['min', [1, 10, null]],
    ['max', [3, 10, null]],
    ['sum', [4, 10, null]],
    ['last', [3, 10, null]],
  ] as const)('%s of raw samples, null where empty', (agg, values) => {
    const aggs = new Map([['cpu', new StepAggregator(plan)]]);
    aggregatePoints(
      [
        { source: 's', ts: plan.start + 1000, values: { cpu: 1 } },
        { source: 's', ts: plan.start + 5000, values: { cpu: 3, other: 100 } },
        { source: 's', ts: plan.start + 20_000, values: { cpu: 10 } },
        { source: 's', ts: plan.start + 45_000, values: { other: 5 } },
      ],
      aggs,
    );
    expect(aggs.get('cpu')!.points(agg)).toEqual(values.map((v, i) => [plan.start + i * 20_000, v]));
  });

  it('combines rollups: avg is sum over count, last is the last bucket\'s', () => {
    const p = planQuery({ name: 'cpu', since: now - 3_600_000, until: now - 1, stepMs: 3_600_000, agg: 'avg' }, retention, now);
    const aggs = new Map([['cpu', new StepAggregator(p)]]);
    aggregateRollups(
      [
        { source: 's', bucket: p.start + 120_000, values: { cpu: [5, 9, 42, 6, 8] } },
        { source: 's', bucket: p.start, values: { cpu: [1, 4, 12, 6, 2] } },
      ],
      aggs,
    );
    const a = aggs.get('cpu')!;
    expect(a.points('avg')).toEqual([[p.start, 54 / 12]]);
    expect(a.points('min')).toEqual([[p.start, 1]]);
    expect(a.points('max')).toEqual([[p.start, 9]]);
    expect(a.points('sum')).toEqual([[p.start, 54]]);
    expect(a.points('last')).toEqual([[p.start, 8]]);
  });
});
