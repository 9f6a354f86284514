/** The metric part of the store contract: points, rollups, the series catalog, retention, odd data. */
import { describe, expect, it } from 'vitest';
import type { MetricPoint, Rollup, RollupPoint, SeriesInfo, Store } from '../index.js';
import type { StoreFactory } from './contract.js';

const t0 = Date.parse('2026-06-01T12:00:00Z');
const minute = 60_000;
const hour = 3_600_000;

function point(source: string, ts: number, values: Record<string, number>): MetricPoint {
  return { source, ts, values };
}

function hostPoint(host: number, ts: number): MetricPoint {
  return point(`host:h${host}`, ts, {
    cpu_percent: (host * 7 + ts / 1000) % 100,
    memory_used_bytes: 1_000_000_000 + host,
    'disk_used_percent{mount="/"}': 42.5,
    'net_rx_bytes_per_second{device="eth0"}': ts % 1000,
  });
}

/** Registers the metric scenarios inside a backend's contract suite. */
export function describeMetricContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('metrics', () => {
    it('stores points and reads one source\'s range oldest first', async () => {
      const store = await track(factory.open());
      const batch: MetricPoint[] = [];
      for (let i = 0; i < 30; i++) for (const h of [1, 2, 3]) batch.push(hostPoint(h, t0 + i * 10_000));
      await store.metrics.appendPoints(batch);
      const h2 = await store.metrics.points('host:h2', t0, t0 + hour);
      expect(h2).toHaveLength(30);
      expect(h2[0]).toEqual(hostPoint(2, t0));
      expect(h2.map((p) => p.ts)).toEqual(Array.from({ length: 30 }, (_, i) => t0 + i * 10_000));
      // Inclusive bounds.
      expect((await store.metrics.points('host:h1', t0 + 10_000, t0 + 30_000)).map((p) => p.ts)).toEqual([t0 + 10_000, t0 + 20_000, t0 + 30_000]);
      // Empty ranges, unknown sources, an inverted range.
      expect(await store.metrics.points('host:h1', t0 - hour, t0 - 1)).toEqual([]);
      expect(await store.metrics.points('host:nope', t0, t0 + hour)).toEqual([]);
      expect(await store.metrics.points('host:h1', t0 + hour, t0)).toEqual([]);
      await store.metrics.appendPoints([]);
    });

    it('orders out-of-order timestamps and replaces a point written again for the same source and time', async () => {
      const store = await track(factory.open());
      const order = [5, 1, 9, 0, 3, 8, 2, 7, 4, 6];
      for (const i of order) await store.metrics.appendPoints([point('scrape:node', t0 + i * 1000, { up: i })]);
      // A replay of an earlier point, and two points for one instant in one batch: the later wins.
      await store.metrics.appendPoints([point('scrape:node', t0 + 3000, { up: 33, extra: 1 }), point('scrape:node', t0 + 4000, { up: 40 }), point('scrape:node', t0 + 4000, { up: 44 })]);
      const got = await store.metrics.points('scrape:node', t0, t0 + 60_000);
      expect(got.map((p) => p.ts)).toEqual(order.map((i) => t0 + i * 1000).sort((a, b) => a - b));
      expect(got[3]!.values).toEqual({ up: 33, extra: 1 });
      expect(got[4]!.values).toEqual({ up: 44 });
      expect(got[9]!.values).toEqual({ up: 9 });
    });

    it('keeps odd values, unicode labels and thousands of series in one point exactly', async () => {
      const store = await track(factory.open());
      const odd = {
        a: 0.1 + 0.2,
        b: 1e300,
        c: -5e-324,
        d: Number.MAX_SAFE_INTEGER,
        e: -123456.789,
        f: 0,
        'g{city="Zürich",emoji="🚀",han="東京"}': 1,
        'h{path="C:\\\\temp",quote="say \\"hi\\"",nl="a\\nb"}': 2,
      };
      const wide: Record<string, number> = {};
      for (let i = 0; i < 5000; i++) wide[`node_cpu_seconds_total{cpu="${i % 64}",mode="m${i}"}`] = i * 1.5;
      await store.metrics.appendPoints([point('host:odd', t0, odd), point('scrape:wide', t0, wide)]);
      expect((await store.metrics.points('host:odd', t0, t0))[0]!.values).toEqual(odd);
      const w = (await store.metrics.points('scrape:wide', t0, t0))[0]!.values;
      expect(Object.keys(w)).toHaveLength(5000);
      expect(w).toEqual(wide);
    });

    it('refuses NaN and infinite values and stores nothing of that batch', async () => {
      const store = await track(factory.open());
      for (const bad of [NaN, Infinity, -Infinity]) {
        await expect(store.metrics.appendPoints([point('host:ok', t0, { x: 1 }), point('host:bad', t0, { x: 1, y: bad })])).rejects.toThrow(/finite/);
      }
      await expect(store.metrics.appendRollups('1m', [{ source: 'host:bad', bucket: t0, values: { x: [1, NaN, 1, 1, 1] } }])).rejects.toThrow(/finite/);
      expect(await store.metrics.points('host:ok', t0, t0)).toEqual([]);
      expect(await store.metrics.points('host:bad', t0, t0)).toEqual([]);
      expect(await store.metrics.rollups('1m', 'host:bad', t0, t0)).toEqual([]);
      // The store is still usable afterwards.
      await store.metrics.appendPoints([point('host:ok', t0, { x: 1 })]);
      expect(await store.metrics.points('host:ok', t0, t0)).toEqual([point('host:ok', t0, { x: 1 })]);
    });

    it('keeps 1-minute and 1-hour rollups apart and replaces a bucket written again', async () => {
      const store = await track(factory.open());
      const r = (min: number, max: number, sum: number, count: number, last: number): Rollup => [min, max, sum, count, last];
      const minutes: RollupPoint[] = [0, 1, 2].map((i) => ({ source: 'host:h1', bucket: t0 + i * minute, values: { cpu_percent: r(i, i + 10, 30 + i, 6, i + 5), 'disk{mount="/"}': r(1, 1, 6, 6, 1) } }));
      await store.metrics.appendRollups('1m', minutes);
      await store.metrics.appendRollups('1h', [{ source: 'host:h1', bucket: t0, values: { cpu_percent: r(0, 12, 93, 18, 7) } }]);
      expect(await store.metrics.rollups('1m', 'host:h1', t0, t0 + hour)).toEqual(minutes);
      expect(await store.metrics.rollups('1m', 'host:h1', t0 + minute, t0 + minute)).toEqual([minutes[1]]);
      expect(await store.metrics.rollups('1h', 'host:h1', t0, t0 + hour)).toEqual([{ source: 'host:h1', bucket: t0, values: { cpu_percent: [0, 12, 93, 18, 7] } }]);
      expect(await store.metrics.rollups('1h', 'host:h2', t0, t0 + hour)).toEqual([]);
      // Written again (a late point recomputed the bucket): replaced, not added.
      const redo = { source: 'host:h1', bucket: t0 + minute, values: { cpu_percent: r(-1, 99, 200, 7, 99) } };
      await store.metrics.appendRollups('1m', [redo]);
      const after = await store.metrics.rollups('1m', 'host:h1', t0, t0 + hour);
      expect(after).toHaveLength(3);
      expect(after[1]).toEqual(redo);
      // Out of order, and rollups of another source in the same batch.
      await store.metrics.appendRollups('1m', [
        { source: 'host:h2', bucket: t0 + 2 * minute, values: { x: r(1, 1, 1, 1, 1) } },
        { source: 'host:h2', bucket: t0, values: { x: r(2, 2, 2, 1, 2) } },
      ]);
      expect((await store.metrics.rollups('1m', 'host:h2', t0, t0 + hour)).map((p) => p.bucket)).toEqual([t0, t0 + 2 * minute]);
    });

    it('keeps a series catalog: new series inserted, known ones get the later last_seen', async () => {
      const store = await track(factory.open());
      const s = (source: string, key: string, name: string, labels: Record<string, string>, last_seen: number): SeriesInfo => ({ key, name, labels, source, last_seen });
      await store.metrics.noteSeries([
        s('host:b', 'cpu_percent', 'cpu_percent', {}, t0),
        s('host:a', 'cpu_percent', 'cpu_percent', {}, t0),
        s('host:a', 'disk_used_percent{mount="/"}', 'disk_used_percent', { mount: '/' }, t0),
        s('scrape:node', 'node_load1{instance="x:9100",job="node",zone="Zürich 🚀"}', 'node_load1', { instance: 'x:9100', job: 'node', zone: 'Zürich 🚀' }, t0),
      ]);
      await store.metrics.noteSeries([s('host:a', 'cpu_percent', 'cpu_percent', {}, t0 + 5000), s('host:b', 'cpu_percent', 'cpu_percent', {}, t0 - 5000)]);
      expect(await store.metrics.series({ name: 'cpu_percent' })).toEqual([s('host:a', 'cpu_percent', 'cpu_percent', {}, t0 + 5000), s('host:b', 'cpu_percent', 'cpu_percent', {}, t0)]);
      expect((await store.metrics.series({ source: 'host:a' })).map((x) => x.key)).toEqual(['cpu_percent', 'disk_used_percent{mount="/"}']);
      expect(await store.metrics.series({ name: 'node_load1', source: 'scrape:node' })).toEqual([
        s('scrape:node', 'node_load1{instance="x:9100",job="node",zone="Zürich 🚀"}', 'node_load1', { instance: 'x:9100', job: 'node', zone: 'Zürich 🚀' }, t0),
      ]);
      expect(await store.metrics.series({ name: 'nope' })).toEqual([]);
      expect(await store.metrics.series({ source: 'host:nope' })).toEqual([]);
      expect(await store.metrics.series({})).toHaveLength(4);
      await store.metrics.noteSeries([]);
    });

    it('retains each resolution in small batches and keeps what is inside the retention', async () => {
      const store = await track(factory.open());
      // 12,000 raw points over 2 h (10 sources × 1,200 instants), 1-minute rollups over the same span.
      for (let i = 0; i < 1200; i += 100) {
        const batch: MetricPoint[] = [];
        for (let j = i; j < i + 100; j++) for (let h = 0; h < 10; h++) batch.push(hostPoint(h, t0 + j * 6000));
        await store.metrics.appendPoints(batch);
      }
      const rollups: RollupPoint[] = [];
      for (let m = 0; m < 120; m++) rollups.push({ source: 'host:h0', bucket: t0 + m * minute, values: { cpu_percent: [1, 2, 9, 6, 2] } });
      await store.metrics.appendRollups('1m', rollups);
      await store.metrics.appendRollups('1h', [0, 1].map((h) => ({ source: 'host:h0', bucket: t0 + h * hour, values: { cpu_percent: [1, 2, 540, 360, 2] as Rollup } })));
      await store.metrics.noteSeries([{ key: 'cpu_percent', name: 'cpu_percent', labels: {}, source: 'host:h0', last_seen: t0 + hour }]);

      const now = t0 + 2 * hour;
      const limits = { rawMs: hour, minuteMs: 30 * minute, hourMs: 1.5 * hour };
      const first = await store.metrics.retain(limits, now);
      expect(first.more).toBe(true);
      expect(first.deleted).toBeLessThan(10_000);
      let rounds = 1;
      for (let r = first; r.more; rounds++) r = await store.metrics.retain(limits, now);
      expect(rounds).toBeGreaterThan(1);
      const kept = await store.metrics.points('host:h3', 0, now);
      expect(kept[0]!.ts).toBe(now - hour);
      expect(kept).toHaveLength(600);
      expect((await store.metrics.rollups('1m', 'host:h0', 0, now)).map((r) => r.bucket)[0]).toBe(now - 30 * minute);
      expect((await store.metrics.rollups('1h', 'host:h0', 0, now)).map((r) => r.bucket)).toEqual([t0 + hour]);
      expect(await store.metrics.series({})).toHaveLength(1);
      expect(await store.metrics.retain(limits, now)).toEqual({ deleted: 0, more: false });

      // Long after everything expired: all gone, series too, and the store takes new points.
      const later = now + 30 * 86_400_000;
      while ((await store.metrics.retain(limits, later)).more);
      expect(await store.metrics.points('host:h3', 0, later)).toEqual([]);
      expect(await store.metrics.series({})).toEqual([]);
      await store.metrics.appendPoints([hostPoint(3, later)]);
      expect(await store.metrics.points('host:h3', 0, later)).toEqual([hostPoint(3, later)]);
    });

    it.runIf(factory.reopen !== undefined)('keeps points, rollups and series across a reopen', async () => {
      const store = await track(factory.open());
      await store.metrics.appendPoints([hostPoint(1, t0), hostPoint(1, t0 + 10_000)]);
      await store.metrics.appendRollups('1h', [{ source: 'host:h1', bucket: t0, values: { cpu_percent: [1, 2, 3, 2, 2] } }]);
      await store.metrics.noteSeries([{ key: 'cpu_percent', name: 'cpu_percent', labels: {}, source: 'host:h1', last_seen: t0 }]);
      await store.close();
      const again = await track(factory.reopen!());
      expect(await again.metrics.points('host:h1', t0, t0 + 10_000)).toEqual([hostPoint(1, t0), hostPoint(1, t0 + 10_000)]);
      expect(await again.metrics.rollups('1h', 'host:h1', t0, t0)).toHaveLength(1);
      expect(await again.metrics.series({ source: 'host:h1' })).toHaveLength(1);
      // New points after the reopen share the shapes already stored.
      await again.metrics.appendPoints([hostPoint(1, t0 + 20_000), point('host:h1', t0 + 30_000, { other: 1 })]);
      expect((await again.metrics.points('host:h1', t0, t0 + hour)).map((p) => Object.keys(p.values).length)).toEqual([4, 4, 4, 1]);
    });
  });
}
