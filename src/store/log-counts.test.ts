import { describe, expect, it } from 'vitest';
import { batchCounts, countSpans } from './log-counts.js';

const minute = 60_000;
const hour = 3_600_000;

/** Every minute number a set of spans covers, in order. */
function covered(since: number, until: number): number[] {
  const spans = countSpans(since, until);
  const out: number[] = [];
  for (const [a, b] of spans.minutes) for (let m = a; m <= b; m++) out.push(m);
  if (spans.hours) for (let h = spans.hours[0]; h <= spans.hours[1]; h++) for (let m = h * 60; m < h * 60 + 60; m++) out.push(m);
  return out.sort((x, y) => x - y);
}

describe('countSpans', () => {
  it('covers each minute of the window exactly once, whatever its edges', () => {
    const t0 = Date.parse('2026-06-01T12:00:00Z');
    for (const [since, until] of [
      [t0, t0 + 24 * hour],
      [t0 + 17 * minute + 3, t0 + 5 * hour + 42 * minute],
      [t0 + 5 * minute, t0 + 50 * minute],
      [t0, t0 + hour - 1],
      [t0 - 90 * minute, t0 + 90 * minute],
      [-3 * hour - 7 * minute, 2 * hour + 3 * minute],
    ] as const) {
      const expected: number[] = [];
      for (let m = Math.floor(since / minute); m <= Math.floor(until / minute); m++) expected.push(m);
      expect(covered(since, until)).toEqual(expected);
    }
  });

  it('reads whole hours from the roll-up: a day is at most two ragged ends and one hour range', () => {
    const spans = countSpans(Date.parse('2026-06-01T12:17:00Z'), Date.parse('2026-06-02T12:17:00Z'));
    expect(spans.hours![1] - spans.hours![0] + 1).toBe(23);
    expect(spans.minutes).toHaveLength(2);
  });

  it('is empty for a window that ends before it starts', () => {
    expect(countSpans(10 * minute, 5 * minute)).toEqual({ minutes: [], hours: undefined });
  });
});

describe('batchCounts', () => {
  it('sums per minute and per hour by service and level', () => {
    const t0 = Date.parse('2026-06-01T12:00:00Z');
    const counts = batchCounts([
      { ts: t0, service: 'api', level: 2 },
      { ts: t0 + 30_000, service: 'api', level: 2 },
      { ts: t0 + minute, service: 'api', level: 2 },
      { ts: t0 + minute, service: 'db', level: 4 },
    ]);
    expect(counts.minutes.map((r) => [r.at - t0 / minute, r.service, r.level, r.n])).toEqual([[0, 'api', 2, 2], [1, 'api', 2, 1], [1, 'db', 4, 1]]);
    expect(counts.hours.map((r) => [r.at - t0 / hour, r.service, r.level, r.n])).toEqual([[0, 'api', 2, 3], [0, 'db', 4, 1]]);
  });
});
