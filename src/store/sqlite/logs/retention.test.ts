import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewLogEntry } from '../../../logs/entry.js';
import { RetentionLoop } from '../../../logs/retention.js';
import { tempDir, waitFor } from '../../../testing/helpers.js';
import { SqliteLogRepo } from './repo.js';
import { chunkEntries } from './schema.js';

const now = Date.parse('2026-06-10T00:00:00Z');
const age = { maxAgeMs: 7 * 86_400_000 };

function entries(from: number, n: number): NewLogEntry[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      ts: now - 3_600_000 + i,
      service: `svc-${i % 20}`,
      level: (i % 5) + 1,
      message: `request ${i} handled for customer ${i * 7919} in ${i % 97}ms after cache miss and retry ${'x'.repeat(i % 60)}`,
      context: JSON.stringify({ user: `u${i % 5000}`, route: '/api/orders/:id', ms: i % 2000 }),
      trace_id: `${i.toString(16).padStart(16, '0')}`,
      user_id: null,
      hostname: null,
      process_id: null,
      source: 'http',
    };
  });
}

/** A store holding eight full chunks, indexed; its size in bytes. */
async function filled(): Promise<{ repo: SqliteLogRepo; bytes: number }> {
  const repo = SqliteLogRepo.open(tempDir('wh-log-retain-'));
  for (let i = 0; i < 8; i++) await repo.append(entries(i * chunkEntries, chunkEntries));
  await repo.waitSearchable();
  return { repo, bytes: (await repo.stats()).bytes };
}

describe('log retention by size', () => {
  let repo: SqliteLogRepo | undefined;
  afterEach(async () => {
    await repo?.close();
    repo = undefined;
  });

  it('keeps asking for another batch until the store is under its size limit, oldest entries first', async () => {
    const f = await filled();
    repo = f.repo;
    const limits = { ...age, maxBytes: Math.floor(f.bytes * 0.7) };
    let calls = 0;
    for (let more = true; more && calls < 100; calls++) ({ more } = await repo.retain(limits, now));
    const after = await repo.stats();
    expect(after.bytes).toBeLessThanOrEqual(limits.maxBytes);
    // More than one chunk had to go: a single call never frees that much.
    expect(calls).toBeGreaterThan(2);
    expect(after.rows).toBeGreaterThan(0);
    expect(after.rows).toBeLessThan(8 * chunkEntries);
    // The newest entry is kept and the oldest are gone.
    expect((await repo.query({}, 1, 0))[0]!.id).toBe(after.lastId);
    expect(await repo.query({ until: now - 3_600_000 + 10 }, 10, 0)).toEqual([]);
  });

  it('stays under the limit while entries keep arriving: passes follow each other while behind', async () => {
    const f = await filled();
    repo = f.repo;
    const limits = { ...age, maxBytes: Math.floor(f.bytes * 0.6) };
    // One batch per pass and a long interval: only passes chained while behind can catch up in time.
    const loop = new RetentionLoop(repo, limits, pino({ level: 'silent' }), { everyMs: 500, sliceMs: 0, pauseMs: 5 });
    loop.start();
    try {
      for (let i = 8; i < 12; i++) await repo.append(entries(i * chunkEntries, chunkEntries));
      await waitFor('the store under its size limit', async () => (await repo!.stats()).bytes <= limits.maxBytes, 3000);
    } finally {
      await loop.stop();
    }
  });
});
