/**
 * The SQLite metric store in metrics.db (see schema.ts for the layout). Written and read on
 * the calling thread (better-sqlite3 is synchronous); every append is one transaction.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint, MetricRepo, MetricRetention, Rollup, RollupPoint, SeriesInfo } from '../../index.js';
import { metricMigrations } from './schema.js';
import { Shapes, shapeSlackMs } from './shapes.js';

/** Rows deleted per table per retention batch: small, so appends are never held up for long. */
const retentionBatch = { points: 5000, rollups: 2000, series: 2000, shapes: 500 } as const;

type Resolution = '1m' | '1h';

/** SQLite implementation of MetricRepo. */
export class SqliteMetricRepo implements MetricRepo {
  private readonly db: Database.Database;
  private readonly shapes: Shapes;
  private readonly sourceIds = new Map<string, number>();
  private readonly sourceNames = new Map<number, string>();
  private readonly s: Record<string, Database.Statement>;

  private constructor(file: string) {
    const isNew = !existsSync(file);
    this.db = new Database(file);
    if (isNew) chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    // NORMAL keeps every commit across a process crash (SIGKILL); only power loss can drop the last few.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.shapes = new Shapes(this.db);
    this.loadSources();
    const rollupSql = (r: Resolution) => ({
      [`putRollup${r}`]: this.db.prepare(
        `INSERT INTO rollups_${r} (source, bucket, shape, v) VALUES (?, ?, ?, ?) ON CONFLICT (source, bucket) DO UPDATE SET shape = excluded.shape, v = excluded.v`,
      ),
      [`rollups${r}`]: this.db.prepare(`SELECT bucket, shape, v FROM rollups_${r} WHERE source = ? AND bucket BETWEEN ? AND ? ORDER BY bucket`),
      [`retain${r}`]: this.db.prepare(`DELETE FROM rollups_${r} WHERE id IN (SELECT id FROM rollups_${r} WHERE bucket < ? ORDER BY bucket LIMIT ?)`),
    });
    this.s = {
      insertSource: this.db.prepare('INSERT INTO sources (name) VALUES (?)'),
      putPoint: this.db.prepare('INSERT INTO points (source, ts, shape, v) VALUES (?, ?, ?, ?) ON CONFLICT (source, ts) DO UPDATE SET shape = excluded.shape, v = excluded.v'),
      points: this.db.prepare('SELECT ts, shape, v FROM points WHERE source = ? AND ts BETWEEN ? AND ? ORDER BY ts'),
      retainPoints: this.db.prepare('DELETE FROM points WHERE id IN (SELECT id FROM points WHERE ts < ? ORDER BY ts LIMIT ?)'),
      noteSeries: this.db.prepare(
        'INSERT INTO series (source, key, name, labels, last_seen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, key) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)',
      ),
      retainSeries: this.db.prepare('DELETE FROM series WHERE (source, key) IN (SELECT source, key FROM series WHERE last_seen < ? LIMIT ?)'),
      ...rollupSql('1m'),
      ...rollupSql('1h'),
    };
  }

  /** Opens (creating and migrating) metrics.db in `dir`. */
  static open(dir: string): SqliteMetricRepo {
    return new SqliteMetricRepo(join(dir, 'metrics.db'));
  }

  async appendPoints(points: readonly MetricPoint[]): Promise<void> {
    const rows = latestPerKey(points, (p) => `${p.ts}\u0000${p.source}`);
    const encoded = rows.map((p) => ({ p, keys: Object.keys(p.values), v: encodeValues(p) }));
    this.write(() => {
      for (const { p, keys, v } of encoded) {
        const source = this.sourceId(p.source);
        this.s.putPoint!.run(source, p.ts, this.shapes.forKeys(source * 2, keys, p.ts).id, v);
      }
    });
  }

  async appendRollups(resolution: Resolution, rollups: readonly RollupPoint[]): Promise<void> {
    const rows = latestPerKey(rollups, (r) => `${r.bucket}\u0000${r.source}`);
    const encoded = rows.map((r) => ({ r, keys: Object.keys(r.values), v: encodeRollups(r) }));
    const put = this.s[`putRollup${resolution}`]!;
    this.write(() => {
      for (const { r, keys, v } of encoded) {
        const source = this.sourceId(r.source);
        put.run(source, r.bucket, this.shapes.forKeys(source * 2 + 1, keys, r.bucket).id, v);
      }
    });
  }

  async points(source: string, since: number, until: number): Promise<MetricPoint[]> {
    const id = this.sourceIds.get(source);
    if (id === undefined) return [];
    const rows = this.s.points!.all(id, since, until) as { ts: number; shape: number; v: string }[];
    return rows.map((r) => {
      const keys = this.shapes.keysOf(r.shape);
      const nums = JSON.parse(r.v) as number[];
      const values: Record<string, number> = {};
      for (let i = 0; i < keys.length; i++) values[keys[i]!] = nums[i]!;
      return { source, ts: r.ts, values };
    });
  }

  async rollups(resolution: Resolution, source: string, since: number, until: number): Promise<RollupPoint[]> {
    const id = this.sourceIds.get(source);
    if (id === undefined) return [];
    const rows = this.s[`rollups${resolution}`]!.all(id, since, until) as { bucket: number; shape: number; v: string }[];
    return rows.map((r) => {
      const keys = this.shapes.keysOf(r.shape);
      const nums = JSON.parse(r.v) as number[];
      const values: Record<string, Rollup> = {};
      for (let i = 0; i < keys.length; i++) {
        const o = i * 5;
        values[keys[i]!] = [nums[o]!, nums[o + 1]!, nums[o + 2]!, nums[o + 3]!, nums[o + 4]!];
      }
      return { source, bucket: r.bucket, values };
    });
  }

  async noteSeries(series: readonly SeriesInfo[]): Promise<void> {
    this.write(() => {
      for (const s of series) this.s.noteSeries!.run(this.sourceId(s.source), s.key, s.name, JSON.stringify(s.labels), s.last_seen);
    });
  }

  async series(filter: { name?: string; source?: string }): Promise<SeriesInfo[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.name !== undefined) (where.push('name = ?'), args.push(filter.name));
    if (filter.source !== undefined) {
      const id = this.sourceIds.get(filter.source);
      if (id === undefined) return [];
      where.push('source = ?');
      args.push(id);
    }
    const sql = `SELECT source, key, name, labels, last_seen FROM series ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`;
    const rows = this.db.prepare(sql).all(...args) as { source: number; key: string; name: string; labels: string; last_seen: number }[];
    const out = rows.map((r) => ({ key: r.key, name: r.name, labels: JSON.parse(r.labels) as Record<string, string>, source: this.sourceNames.get(r.source)!, last_seen: r.last_seen }));
    return out.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async retain(limits: MetricRetention, now: number): Promise<{ deleted: number; more: boolean }> {
    let deleted = 0;
    let more = false;
    const step = (stmt: Database.Statement, cutoff: number, batch: number): void => {
      const n = stmt.run(cutoff, batch).changes;
      deleted += n;
      if (n >= batch) more = true;
    };
    step(this.s.retainPoints!, now - limits.rawMs, retentionBatch.points);
    step(this.s.retain1m!, now - limits.minuteMs, retentionBatch.rollups);
    step(this.s.retain1h!, now - limits.hourMs, retentionBatch.rollups);
    const longest = Math.max(limits.rawMs, limits.minuteMs, limits.hourMs);
    // A series is forgotten once no resolution can hold data of it any more.
    step(this.s.retainSeries!, now - longest, retentionBatch.series);
    const n = this.shapes.collect(now - longest - 2 * shapeSlackMs, retentionBatch.shapes);
    deleted += n;
    if (n >= retentionBatch.shapes) more = true;
    return { deleted, more };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in one transaction; on failure the caches are re-read so they never hold rolled-back rows. */
  private write(fn: () => void): void {
    try {
      this.db.transaction(fn)();
    } catch (err) {
      this.shapes.reload();
      this.loadSources();
      throw err;
    }
  }

  private sourceId(name: string): number {
    let id = this.sourceIds.get(name);
    if (id === undefined) {
      id = Number(this.s.insertSource!.run(name).lastInsertRowid);
      this.sourceIds.set(name, id);
      this.sourceNames.set(id, name);
    }
    return id;
  }

  private loadSources(): void {
    this.sourceIds.clear();
    this.sourceNames.clear();
    for (const r of this.db.prepare('SELECT id, name FROM sources').all() as { id: number; name: string }[]) {
      this.sourceIds.set(r.name, r.id);
      this.sourceNames.set(r.id, r.name);
    }
  }
}

/** The values of a point as a JSON array in key order; throws on a value that is not a finite number. */
function encodeValues(p: MetricPoint): string {
  let out = '[';
  let first = true;
  for (const k in p.values) {
    const v = p.values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`metric store: ${p.source} ${k} is ${String(v)}, not a finite number`);
    out += first ? v : `,${v}`;
    first = false;
  }
  return `${out}]`;
}

/** [min, max, sum, count, last] of every series, flattened in key order. */
function encodeRollups(r: RollupPoint): string {
  const nums: number[] = [];
  for (const k in r.values) {
    const agg = r.values[k]!;
    for (let i = 0; i < 5; i++) {
      const v = agg[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`metric store: rollup of ${r.source} ${k} has ${String(v)}, not a finite number`);
      nums.push(v);
    }
  }
  return JSON.stringify(nums);
}

/** The items with distinct keys, the later of two with one key winning (a row may be written once per statement batch). */
export function latestPerKey<T>(items: readonly T[], key: (item: T) => string): readonly T[] {
  if (items.length < 2) return items;
  const seen = new Map<string, number>();
  items.forEach((item, i) => seen.set(key(item), i));
  if (seen.size === items.length) return items;
  const keep = new Set(seen.values());
  return items.filter((_, i) => keep.has(i));
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of metricMigrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
  }
}
