/**
 * The PostgreSQL metric store: points and rollups as jsonb objects, one row per source and
 * instant (or bucket), the series catalog beside them. Batches go in as one jsonb document
 * expanded by jsonb_to_recordset: one round trip per append.
 */
import type pg from 'pg';
import type { MetricPoint, MetricRepo, MetricRetention, Rollup, RollupPoint, SeriesInfo } from '../index.js';

/** Rows deleted per table per retention batch. */
const retentionBatch = { points: 5000, rollups: 2000, series: 2000 } as const;

type Resolution = '1m' | '1h';

/** PostgreSQL implementation of MetricRepo. */
export function postgresMetrics(pool: pg.Pool): MetricRepo {
  return {
    async appendPoints(points) {
      if (points.length === 0) return;
      const rows = latestPerKey(points, (p) => `${p.ts}\u0000${p.source}`).map((p) => {
        checkFinite(p.source, p.values, (v) => [v]);
        return { source: p.source, ts: p.ts, v: p.values };
      });
      await pool.query(
        `INSERT INTO metric_points (source, ts, v)
         SELECT source, ts, v FROM jsonb_to_recordset($1::jsonb) AS x(source text, ts bigint, v jsonb)
         ON CONFLICT (source, ts) DO UPDATE SET v = EXCLUDED.v`,
        [JSON.stringify(rows)],
      );
    },

    async appendRollups(resolution, rollups) {
      if (rollups.length === 0) return;
      const rows = latestPerKey(rollups, (r) => `${r.bucket}\u0000${r.source}`).map((r) => {
        checkFinite(r.source, r.values, (v) => v);
        return { source: r.source, bucket: r.bucket, v: r.values };
      });
      await pool.query(
        `INSERT INTO ${table(resolution)} (source, bucket, v)
         SELECT source, bucket, v FROM jsonb_to_recordset($1::jsonb) AS x(source text, bucket bigint, v jsonb)
         ON CONFLICT (source, bucket) DO UPDATE SET v = EXCLUDED.v`,
        [JSON.stringify(rows)],
      );
    },

    async points(source, since, until) {
      const { rows } = await pool.query<{ ts: string; v: Record<string, number> }>(
        'SELECT ts, v FROM metric_points WHERE source = $1 AND ts BETWEEN $2 AND $3 ORDER BY ts',
        [source, since, until],
      );
      return rows.map((r): MetricPoint => ({ source, ts: Number(r.ts), values: r.v }));
    },

    async rollups(resolution, source, since, until) {
      const { rows } = await pool.query<{ bucket: string; v: Record<string, Rollup> }>(
        `SELECT bucket, v FROM ${table(resolution)} WHERE source = $1 AND bucket BETWEEN $2 AND $3 ORDER BY bucket`,
        [source, since, until],
      );
      return rows.map((r): RollupPoint => ({ source, bucket: Number(r.bucket), values: r.v }));
    },

    async noteSeries(series) {
      if (series.length === 0) return;
      const rows = latestPerKey(series, (s) => `${s.source}\u0000${s.key}`);
      await pool.query(
        `INSERT INTO metric_series (source, key, name, labels, last_seen)
         SELECT source, key, name, labels, last_seen FROM jsonb_to_recordset($1::jsonb) AS x(source text, key text, name text, labels jsonb, last_seen bigint)
         ON CONFLICT (source, key) DO UPDATE SET last_seen = GREATEST(metric_series.last_seen, EXCLUDED.last_seen)`,
        [JSON.stringify(rows)],
      );
    },

    async series(filter) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.name !== undefined) (args.push(filter.name), where.push(`name = $${args.length}`));
      if (filter.source !== undefined) (args.push(filter.source), where.push(`source = $${args.length}`));
      const { rows } = await pool.query<{ source: string; key: string; name: string; labels: Record<string, string>; last_seen: string }>(
        `SELECT source, key, name, labels, last_seen FROM metric_series ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`,
        args,
      );
      // Sorted here, by code unit, so both stores answer in the same order whatever the collation.
      return rows
        .map((r): SeriesInfo => ({ key: r.key, name: r.name, labels: r.labels, source: r.source, last_seen: Number(r.last_seen) }))
        .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async retain(limits: MetricRetention, now: number) {
      let deleted = 0;
      let more = false;
      const step = async (sql: string, cutoff: number, batch: number): Promise<void> => {
        const n = (await pool.query(sql, [cutoff, batch])).rowCount ?? 0;
        deleted += n;
        if (n >= batch) more = true;
      };
      const oldest = (t: string, col: string) => `DELETE FROM ${t} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${t} WHERE ${col} < $1 ORDER BY ${col} LIMIT $2))`;
      await step(oldest('metric_points', 'ts'), now - limits.rawMs, retentionBatch.points);
      await step(oldest('metric_rollups_1m', 'bucket'), now - limits.minuteMs, retentionBatch.rollups);
      await step(oldest('metric_rollups_1h', 'bucket'), now - limits.hourMs, retentionBatch.rollups);
      await step(oldest('metric_series', 'last_seen'), now - Math.max(limits.rawMs, limits.minuteMs, limits.hourMs), retentionBatch.series);
      return { deleted, more };
    },
  };
}

function table(resolution: Resolution): string {
  return resolution === '1m' ? 'metric_rollups_1m' : 'metric_rollups_1h';
}

/** Throws on a value that is not a finite number: JSON would turn NaN into null and store it. */
function checkFinite<T>(source: string, values: Record<string, T>, nums: (v: T) => readonly unknown[]): void {
  for (const k in values) {
    for (const v of nums(values[k]!)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`metric store: ${source} ${k} has ${String(v)}, not a finite number`);
    }
  }
}

/** The items with distinct keys, the later of two with one key winning (ON CONFLICT cannot touch a row twice). */
function latestPerKey<T>(items: readonly T[], key: (item: T) => string): readonly T[] {
  if (items.length < 2) return items;
  const seen = new Map<string, number>();
  items.forEach((item, i) => seen.set(key(item), i));
  if (seen.size === items.length) return items;
  const keep = new Set(seen.values());
  return items.filter((_, i) => keep.has(i));
}
