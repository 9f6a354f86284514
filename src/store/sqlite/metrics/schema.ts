/**
 * Schema of the metric database (metrics.db), a file of its own beside wheelhouse.db and
 * logs.db, with its own migrations.
 *
 * points: one row per source and instant (rowid table, so a row of a few hundred bytes costs
 * one leaf cell). The values are stored as a JSON array of numbers in the order of a "shape"
 * (the list of series keys, kept once in `shapes`): a host that reports the same 50 series
 * every 10 s stores 50 numbers per row, not 50 keys. (source, ts) is unique, so a replayed
 * point replaces itself; the ts index serves retention, which deletes the oldest rows.
 * rollups_1m / rollups_1h: one row per source and bucket, [min, max, sum, count, last] per
 * series flattened into one JSON array in the order of the row's shape.
 * series: the catalog (source, key) → name, labels, last_seen; looked up by name.
 * sources: names → small integers, so indexes hold 1–3 byte ids instead of names.
 */

/** metrics.db, version by version. Never edit an applied entry: add a new one. */
export const metricMigrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'sources, shapes, points, rollups, series catalog',
    sql: `
      CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE shapes (id INTEGER PRIMARY KEY, keys TEXT NOT NULL, last_used INTEGER NOT NULL);
      CREATE INDEX shapes_last_used ON shapes (last_used);
      CREATE TABLE points (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, ts INTEGER NOT NULL, shape INTEGER NOT NULL, v TEXT NOT NULL);
      CREATE UNIQUE INDEX points_source_ts ON points (source, ts);
      CREATE INDEX points_ts ON points (ts);
      CREATE TABLE rollups_1m (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, bucket INTEGER NOT NULL, shape INTEGER NOT NULL, v TEXT NOT NULL);
      CREATE UNIQUE INDEX rollups_1m_source_bucket ON rollups_1m (source, bucket);
      CREATE INDEX rollups_1m_bucket ON rollups_1m (bucket);
      CREATE TABLE rollups_1h (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, bucket INTEGER NOT NULL, shape INTEGER NOT NULL, v TEXT NOT NULL);
      CREATE UNIQUE INDEX rollups_1h_source_bucket ON rollups_1h (source, bucket);
      CREATE INDEX rollups_1h_bucket ON rollups_1h (bucket);
      CREATE TABLE series (
        source INTEGER NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        labels TEXT NOT NULL,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (source, key)
      ) WITHOUT ROWID;
      CREATE INDEX series_name ON series (name);
      CREATE INDEX series_last_seen ON series (last_seen);
    `,
  },
];
