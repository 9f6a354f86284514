import { describe, expect, it } from 'vitest';
import { hourMs, mergeOf, minuteMs, rollupOf, RollupBook } from './rollup.js';

const h0 = Date.parse('2026-06-01T12:00:00Z');
const p = (ts: number, v: number, source = 'host:a') => ({ source, ts, values: { x: v } });

describe('rollup math', () => {
  it('keeps min, max, sum, count and last', () => {
    expect(rollupOf('s', h0, [p(h0, 3), p(h0 + 1, 1), p(h0 + 2, 5), p(h0 + 3, 2)]).values).toEqual({ x: [1, 5, 11, 4, 2] });
  });

  it('merges buckets in time order whatever order they come in', () => {
    const a = { source: 's', bucket: h0, values: { x: [1, 4, 10, 4, 4] as [number, number, number, number, number] } };
    const b = { source: 's', bucket: h0 + minuteMs, values: { x: [0, 9, 20, 2, 7] as [number, number, number, number, number], y: [1, 1, 1, 1, 1] as [number, number, number, number, number] } };
    expect(mergeOf('s', h0, [b, a]).values).toEqual({ x: [0, 9, 30, 6, 7], y: [1, 1, 1, 1, 1] });
  });
});

describe('RollupBook', () => {
  it('closes a minute when the next one starts, and the hour when the next hour starts', () => {
    const book = new RollupBook();
    book.add(p(h0 + 1000, 1), h0 + 1000);
    book.add(p(h0 + 30_000, 3), h0 + 30_000);
    expect(book.pending['1m']).toEqual([]);
    book.add(p(h0 + minuteMs + 5, 10), h0 + minuteMs + 5);
    expect(book.take('1m')).toEqual([{ source: 'host:a', bucket: h0, values: { x: [1, 3, 4, 2, 3] } }]);
    book.add(p(h0 + hourMs + 1, 7), h0 + hourMs + 1);
    expect(book.take('1m')).toEqual([{ source: 'host:a', bucket: h0 + minuteMs, values: { x: [10, 10, 10, 1, 10] } }]);
    expect(book.take('1h')).toEqual([{ source: 'host:a', bucket: h0, values: { x: [1, 10, 14, 3, 10] } }]);
  });

  it('closes buckets on the clock, waiting for the source\'s lag and the grace period', () => {
    const book = new RollupBook(5000);
    // This source's points arrive 20 s after their time.
    book.add(p(h0 + 10_000, 1), h0 + 30_000);
    book.closeDue(h0 + minuteMs + 24_000);
    expect(book.pending['1m']).toEqual([]);
    book.closeDue(h0 + minuteMs + 25_000);
    expect(book.take('1m')).toHaveLength(1);
    book.closeDue(h0 + hourMs + 25_000);
    expect(book.take('1h')).toEqual([{ source: 'host:a', bucket: h0, values: { x: [1, 1, 1, 1, 1] } }]);
  });

  it('sends late, replayed and duplicate points to repair instead of counting them', () => {
    const book = new RollupBook();
    book.add(p(h0 + 10_000, 1), h0 + 10_000);
    book.add(p(h0 + 20_000, 2), h0 + 20_000);
    book.add(p(h0 + 20_000, 2), h0 + 21_000); // duplicate
    book.add(p(h0 + 15_000, 9), h0 + 22_000); // out of order
    expect(book.dirtyMinutes.get('host:a')).toEqual(new Set([h0]));
    expect(book.isOpen('host:a', h0)).toBe(true);
    book.add(p(h0 + minuteMs, 5), h0 + minuteMs);
    expect(book.isOpen('host:a', h0)).toBe(false);
    // The accumulator counted only the in-order points; the repair recomputes the minute from the store.
    expect(book.take('1m')[0]!.values).toEqual({ x: [1, 2, 3, 2, 2] });
  });

  it('does not open a bucket for an unknown source\'s old point (its minute may be stored already)', () => {
    const book = new RollupBook();
    book.add(p(h0, 1, 'host:new'), h0 + 10 * minuteMs);
    expect(book.size).toBe(0);
    expect(book.dirtyMinutes.get('host:new')).toEqual(new Set([h0]));
    book.add(p(h0 + 10 * minuteMs, 1, 'host:new'), h0 + 10 * minuteMs + 1000);
    expect(book.size).toBe(1);
  });

  it('answers the unflushed and open buckets for queries', () => {
    const book = new RollupBook();
    book.add(p(h0, 1), h0);
    book.add(p(h0 + minuteMs, 3), h0 + minuteMs);
    expect(book.unflushed('host:a', '1m')).toEqual([
      { source: 'host:a', bucket: h0, values: { x: [1, 1, 1, 1, 1] } },
      { source: 'host:a', bucket: h0 + minuteMs, values: { x: [3, 3, 3, 1, 3] } },
    ]);
    expect(book.unflushed('host:a', '1h')).toEqual([{ source: 'host:a', bucket: h0, values: { x: [1, 3, 4, 2, 3] } }]);
    expect(book.unflushed('host:b', '1h')).toEqual([]);
  });

  it('restores a source after a restart and continues its hour', () => {
    const book = new RollupBook();
    book.restore('host:a', h0, [{ source: 'host:a', bucket: h0, values: { x: [1, 2, 3, 2, 2] } }], h0 + minuteMs);
    book.add(p(h0 + 30_000, 100), h0 + 30_000); // inside a stored minute: repaired, not added
    book.add(p(h0 + minuteMs + 1, 4), h0 + minuteMs + 1);
    book.closeDue(h0 + hourMs + minuteMs);
    expect(book.take('1m')).toEqual([{ source: 'host:a', bucket: h0 + minuteMs, values: { x: [4, 4, 4, 1, 4] } }]);
    expect(book.take('1h')).toEqual([{ source: 'host:a', bucket: h0, values: { x: [1, 4, 7, 3, 4] } }]);
    expect(book.dirtyMinutes.get('host:a')).toEqual(new Set([h0]));
  });

  it('recomputes an hour the clock closed when more of its points arrive later (a replayed agent buffer)', () => {
    const book = new RollupBook();
    book.add(p(h0 + 10_000, 1), h0 + 10_000);
    book.closeDue(h0 + hourMs + minuteMs);
    expect(book.take('1m')).toHaveLength(1);
    expect(book.take('1h')).toHaveLength(1);
    // The agent's buffered points of that hour arrive after it was closed.
    book.add(p(h0 + 30 * minuteMs, 5), h0 + hourMs + 2 * minuteMs);
    expect(book.staleBuckets('host:a', '1h')).toEqual(new Set([h0]));
    book.add(p(h0 + hourMs + 5, 6), h0 + hourMs + 3 * minuteMs);
    // Not written from the accumulator (it lacks the first part): recomputed from the stored minutes.
    expect(book.take('1h')).toEqual([]);
    expect(book.dirtyHours.get('host:a')).toEqual(new Set([h0]));
    expect(book.take('1m').map((m) => m.bucket)).toEqual([h0 + 30 * minuteMs]);
  });
});
