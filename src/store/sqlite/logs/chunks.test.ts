import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewLogEntry } from '../../../logs/entry.js';
import { tempDir } from '../../../testing/helpers.js';
import { Chunks } from './chunks.js';
import { SqliteLogRepo } from './repo.js';
import { chunkEntries } from './schema.js';

const t0 = Date.parse('2026-06-01T12:00:00Z');
const total = 3 * chunkEntries + 100;
/** Entries sharing one trace id, in chunks 0 and 2 and the open one. */
const multi = [3, 2 * chunkEntries + 9, 3 * chunkEntries + 20, 3 * chunkEntries + 40];

function entries(): NewLogEntry[] {
  return Array.from({ length: total }, (_, i) => ({
    ts: t0 + i * 10,
    service: `svc-${i % 4}`,
    level: (i % 5) + 1,
    message: `entry ${i}`,
    context: null,
    trace_id: multi.includes(i) ? 'multi' : `trace-${i}`,
    user_id: i % 3 === 0 ? `user-${i % 1000}` : null,
    hostname: null,
    process_id: null,
    source: 'http',
  }));
}

/** Ids (newest first) of the entries an id lookup must find, per probed entry index. */
const probes = [5, chunkEntries - 1, chunkEntries, 2 * chunkEntries + 17, 3 * chunkEntries + 50];

async function expectLookups(repo: SqliteLogRepo, firstId: number): Promise<void> {
  for (const i of probes) {
    const rows = await repo.query({ traceId: `trace-${i}` }, 10, 0);
    expect(rows.map((r) => r.id), `trace-${i}`).toEqual([firstId + i]);
  }
  const user = await repo.query({ userId: 'user-42' }, 100, 0);
  const expected = entries().map((e, i) => ({ e, id: firstId + i })).filter(({ e }) => e.user_id === 'user-42').map(({ id }) => id).reverse();
  expect(user.map((r) => r.id)).toEqual(expected);
  expect(await repo.query({ traceId: 'trace-absent' }, 10, 0)).toEqual([]);
  // One id in several chunks: newest first across them, paged, counted.
  const all = multi.map((i) => firstId + i).reverse();
  expect((await repo.query({ traceId: 'multi' }, 10, 0)).map((r) => r.id)).toEqual(all);
  expect((await repo.query({ traceId: 'multi' }, 2, 1)).map((r) => r.id)).toEqual(all.slice(1, 3));
  expect(await repo.count({ traceId: 'multi' }, 100)).toEqual({ total: 4, capped: false });
  expect(await repo.count({ traceId: 'multi' }, 2)).toEqual({ total: 2, capped: true });
  expect((await repo.query({ traceId: 'multi', beforeId: firstId + multi[2]! }, 10, 0)).map((r) => r.id)).toEqual(all.slice(2));
  expect((await repo.count({ traceId: `trace-${probes[1]}` }, 10)).total).toBe(1);
}

describe('log chunks: Bloom filters by block', () => {
  const open: SqliteLogRepo[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });

  it('finds trace and user ids in closed chunks and the open one, before and after a restart', async () => {
    const dir = tempDir('wh-chunks-');
    const repo = SqliteLogRepo.open(dir);
    const { firstId } = await repo.append(entries());
    await expectLookups(repo, firstId);
    await repo.close();
    const again = SqliteLogRepo.open(dir);
    open.push(again);
    await expectLookups(again, firstId);
  });

  it('reads one 64-byte block per closed chunk for a lookup, and keeps false positives rare', async () => {
    const dir = tempDir('wh-chunks-');
    const repo = SqliteLogRepo.open(dir);
    open.push(repo);
    await repo.append(entries());
    const db = new Database(join(dir, 'logs.db'), { readonly: true });
    try {
      const sizes = db.prepare('SELECT DISTINCT length(bits) AS n FROM log_bloom_blocks').all() as { n: number }[];
      expect(sizes).toEqual([{ n: 64 }]);
      const perChunk = db.prepare('SELECT COUNT(*) AS n FROM log_bloom_blocks WHERE kind = 0 GROUP BY first_id').all() as { n: number }[];
      expect(perChunk).toHaveLength(3);
    } finally {
      db.close();
    }
    await repo.close();
    open.splice(0);
    // 1,000 absent ids against 3 closed chunks: each "maybe" costs a scan of 8,192 rows.
    const rw = new Database(join(dir, 'logs.db'));
    try {
      const chunks = new Chunks(rw);
      let maybes = 0;
      for (let k = 0; k < 1000; k++) maybes += chunks.candidates('trace', `absent-${k}`, 1, 3 * chunkEntries).length;
      expect(maybes / 3000).toBeLessThan(0.03);
      expect(chunks.candidates('trace', `trace-${chunkEntries + 5}`, 1, 3 * chunkEntries)).toContainEqual({ first: chunkEntries + 1, last: 2 * chunkEntries });
    } finally {
      rw.close();
    }
  });

  it('answers time filters exactly: whole chunks by id, edge chunks and late entries by timestamp', async () => {
    const dir = tempDir('wh-chunks-');
    const repo = SqliteLogRepo.open(dir);
    open.push(repo);
    // Time grows with the id, except every 500th entry, which arrives an hour late.
    const all = entries().map((e, i) => (i % 500 === 250 ? { ...e, ts: e.ts - 3_600_000 } : e));
    const { firstId } = await repo.append(all);
    const cases: { since?: number; until?: number; service?: string; level?: number }[] = [
      { since: t0 + 5_000 * 10, until: t0 + 30_000 * 10 },
      { since: t0 + 9_000 * 10, service: 'svc-1', level: 2 },
      { until: t0 + 12_345 * 10, level: 4 },
      { since: t0 - 3_600_000, until: t0 - 3_000_000 },
      { since: t0 + 8_192 * 10, until: t0 + 16_383 * 10, service: 'svc-3' },
    ];
    for (const c of cases) {
      const expected = all
        .map((e, i) => ({ e, id: firstId + i }))
        .filter(({ e }) => (c.since === undefined || e.ts >= c.since) && (c.until === undefined || e.ts <= c.until) && (c.service === undefined || e.service === c.service) && (c.level === undefined || e.level === c.level))
        .map(({ id }) => id)
        .reverse();
      expect((await repo.count(c, 1e9)).total, JSON.stringify(c)).toBe(expected.length);
      expect((await repo.query(c, 500, 0)).map((r) => r.id), JSON.stringify(c)).toEqual(expected.slice(0, 500));
    }
  });

  it('forgets the entries of an append that failed, even one that had closed a chunk', async () => {
    const dir = tempDir('wh-chunks-');
    const repo = SqliteLogRepo.open(dir);
    open.push(repo);
    const good = entries();
    // 10,000 entries whose last breaks a NOT NULL constraint: the whole append is rolled back.
    const failing = good.slice(0, 10_000).map((e, i) => (i === 9_999 ? { ...e, message: null as unknown as string } : { ...e, trace_id: `ghost-${i}` }));
    await expect(repo.append(failing)).rejects.toThrow(/NOT NULL/);
    const { firstId } = await repo.append(good);
    expect(firstId).toBe(1);
    await expectLookups(repo, firstId);
    expect(await repo.query({ traceId: 'ghost-5' }, 10, 0)).toEqual([]);
    await repo.close();
    open.splice(0);
    const again = SqliteLogRepo.open(dir);
    open.push(again);
    await expectLookups(again, firstId);
  });

  it('converts the whole-filter blobs of a store made before version 3', async () => {
    const dir = tempDir('wh-chunks-');
    const repo = SqliteLogRepo.open(dir);
    const { firstId } = await repo.append(entries());
    await repo.close();
    // What an older hub left: whole filters in log_chunks (another hash layout), no blocks.
    const db = new Database(join(dir, 'logs.db'));
    db.exec('DELETE FROM log_bloom_blocks; UPDATE log_chunks SET trace_bloom = randomblob(11264), user_bloom = randomblob(11264)');
    db.close();
    const reopened = SqliteLogRepo.open(dir);
    open.push(reopened);
    await expectLookups(reopened, firstId);
    const check = new Database(join(dir, 'logs.db'), { readonly: true });
    try {
      expect(check.prepare('SELECT COUNT(*) AS n FROM log_chunks WHERE length(trace_bloom) > 0').get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
  });
});
