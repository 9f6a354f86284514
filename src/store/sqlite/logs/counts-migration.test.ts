import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../testing/helpers.js';
import { SqliteLogRepo } from './repo.js';

const t0 = Date.parse('2026-06-01T12:00:00Z');
const hour = 3_600_000;

describe('log store migration 2: hourly counts', () => {
  const open: SqliteLogRepo[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });

  it('fills the hourly roll-up from the minute counts of a store made before it', async () => {
    const dir = tempDir('wh-logs-mig-');
    const first = SqliteLogRepo.open(dir);
    const entries = Array.from({ length: 300 }, (_, i) => ({
      ts: t0 - 2 * hour + i * 59_000,
      service: i % 3 ? 'api' : 'db',
      level: (i % 5) + 1,
      message: `m ${i}`,
      context: null,
      trace_id: null,
      user_id: null,
      hostname: null,
      process_id: null,
      source: 'http',
    }));
    await first.append(entries);
    const before = await first.levelCounts(t0 - 2 * hour, t0 + 3 * hour);
    await first.close();
    // Make it the version-1 store an older hub left behind.
    const db = new Database(join(dir, 'logs.db'));
    db.exec('DROP TABLE log_counts_hourly; DELETE FROM schema_migrations WHERE version = 2');
    db.close();

    const reopened = SqliteLogRepo.open(dir);
    open.push(reopened);
    expect(await reopened.levelCounts(t0 - 2 * hour, t0 + 3 * hour)).toEqual(before);
    expect((await reopened.levelCounts(t0 - 2 * hour, t0 + 3 * hour)).reduce((a, c) => a + c.count, 0)).toBe(300);
  });
});
