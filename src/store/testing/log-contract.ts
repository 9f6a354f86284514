/** The log part of the store contract: append, filters, full-text, counts, cursors, retention. */
import { describe, expect, it } from 'vitest';
import type { NewLogEntry } from '../../logs/entry.js';
import type { ExportFormat } from '../../logs/export-format.js';
import type { LogFilter, Store } from '../index.js';
import type { StoreFactory } from './contract.js';

const hour = 3_600_000;

function entry(i: number, over: Partial<NewLogEntry> = {}): NewLogEntry {
  return {
    ts: Date.parse('2026-06-01T12:00:00Z') + i * 1000,
    service: i % 2 ? 'api' : 'db',
    level: (i % 5) + 1,
    message: `request ${i} handled in ${i % 7}ms`,
    context: JSON.stringify({ n: i, route: i % 3 ? '/items' : '/orders' }),
    trace_id: `trace-${i % 10}`,
    user_id: i % 4 === 0 ? `user-${i % 8}` : null,
    hostname: 'host1',
    process_id: 100 + i,
    source: 'http',
    ...over,
  };
}

async function searchable(store: Store): Promise<void> {
  const { lastId } = await store.logs.stats();
  const deadline = Date.now() + 20_000;
  while ((await store.logs.searchableUpTo()) < lastId) {
    if (Date.now() > deadline) throw new Error('full-text index did not catch up');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Registers the log scenarios inside a backend's contract suite. */
export function describeLogContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('logs', () => {
    it('appends in order and answers newest first with every filter', async () => {
      const store = await track(factory.open());
      const { firstId, lastId } = await store.logs.append(Array.from({ length: 100 }, (_, i) => entry(i)));
      expect(lastId - firstId).toBe(99);
      const newest = await store.logs.query({}, 3, 0);
      expect(newest.map((r) => r.process_id)).toEqual([199, 198, 197]);
      expect(newest[0]).toMatchObject({ service: 'api', level: 5, message: 'request 99 handled in 1ms', hostname: 'host1', source: 'http' });
      expect(JSON.parse(newest[0]!.context!)).toEqual({ n: 99, route: '/orders' });

      const n = async (f: Parameters<Store['logs']['query']>[0]) => (await store.logs.query(f, 500, 0)).length;
      expect(await n({ service: 'api' })).toBe(50);
      expect(await n({ level: 4 })).toBe(20);
      expect(await n({ minLevel: 4 })).toBe(40);
      expect(await n({ service: 'db', minLevel: 4 })).toBe(20);
      const t0 = Date.parse('2026-06-01T12:00:00Z');
      expect(await n({ since: t0 + 10_000, until: t0 + 19_000 })).toBe(10);
      expect(await n({ since: t0 + 200_000 })).toBe(0);
      expect(await n({ traceId: 'trace-3' })).toBe(10);
      expect(await n({ traceId: 'trace-none' })).toBe(0);
      expect(await n({ userId: 'user-4' })).toBe(12);
      expect((await store.logs.query({ beforeId: firstId + 5 }, 10, 0)).map((r) => r.process_id)).toEqual([104, 103, 102, 101, 100]);
      expect((await store.logs.query({ service: 'api' }, 2, 10)).map((r) => r.process_id)).toEqual([179, 177]);
      expect(await store.logs.count({ service: 'api' }, 1000)).toEqual({ total: 50, capped: false });
      expect(await store.logs.count({}, 30)).toEqual({ total: 30, capped: true });
    });

    it('finds words in messages and contexts, all of them, and phrases as written', async () => {
      const store = await track(factory.open());
      await store.logs.append([
        entry(1, { message: 'Payment FAILED for order 17', context: JSON.stringify({ gateway: 'stripe' }) }),
        entry(2, { message: 'payment accepted', context: null }),
        entry(3, { message: 'order failed: payment gateway timeout', context: JSON.stringify({ gateway: 'adyen' }) }),
        entry(4, { message: 'naïve café reçu', context: null }),
      ]);
      await searchable(store);
      const messages = async (q: string, extra = {}) => (await store.logs.query({ q, ...extra }, 10, 0)).map((r) => r.message);
      expect(await messages('payment')).toEqual(['order failed: payment gateway timeout', 'payment accepted', 'Payment FAILED for order 17']);
      expect(await messages('failed payment')).toEqual(['order failed: payment gateway timeout', 'Payment FAILED for order 17']);
      expect(await messages('stripe')).toEqual(['Payment FAILED for order 17']);
      expect(await messages('"payment failed"')).toEqual(['Payment FAILED for order 17']);
      expect(await messages('payment', { level: entry(2).level })).toEqual(['payment accepted']);
      expect(await messages('café')).toEqual(['naïve café reçu']);
      expect(await messages('nowhere')).toEqual([]);
      // FTS syntax in user input is just words.
      expect(await messages('payment AND NOT "x" OR message:* NEAR(')).toEqual([]);
      expect(await messages('***')).toEqual([]);
      expect(await store.logs.count({ q: 'payment' }, 100)).toEqual({ total: 3, capped: false });
    });

    it('keeps any well-formed text as given: unicode, control characters, long lines', async () => {
      const store = await track(factory.open());
      const texts = ['emoji 🚀 and 中文', 'tab\tand\nnewline\r', 'x'.repeat(65_536)];
      await store.logs.append(texts.map((message, i) => entry(i, { message })));
      expect((await store.logs.query({}, 10, 0)).map((r) => r.message).reverse()).toEqual(texts);
    });

    it('counts by service and level per time window', async () => {
      const store = await track(factory.open());
      await store.logs.append(Array.from({ length: 50 }, (_, i) => entry(i)));
      const t0 = Date.parse('2026-06-01T12:00:00Z');
      const counts = await store.logs.levelCounts(t0, t0 + hour);
      expect(counts.reduce((a, c) => a + c.count, 0)).toBe(50);
      expect(counts.find((c) => c.service === 'api' && c.level === 2)).toEqual({ service: 'api', level: 2, count: 5 });
      expect((await store.logs.levelCounts(t0, t0 + hour, 'db')).every((c) => c.service === 'db')).toBe(true);
      expect(await store.logs.levelCounts(t0 + 2 * hour, t0 + 3 * hour)).toEqual([]);
    });

    it('counts windows of ragged minutes and whole hours, each minute once', async () => {
      const store = await track(factory.open());
      const t0 = Date.parse('2026-06-01T12:00:00Z');
      const minute = 60_000;
      // One entry every 7 minutes for 5 hours, in two appends (the second adds to rows of the first).
      const entries = Array.from({ length: 43 }, (_, i) => entry(i, { ts: t0 + i * 7 * minute + 1234, service: 'api', level: 2 }));
      await store.logs.append(entries.slice(0, 20));
      await store.logs.append(entries.slice(20));
      const windows: [number, number][] = [
        [t0 + 25 * minute, t0 + 4 * hour + 10 * minute],
        [t0, t0 + 5 * hour],
        [t0 + hour, t0 + 2 * hour - 1],
        [t0 + 61 * minute, t0 + 62 * minute + 5],
        [t0 - hour, t0 + 6 * hour],
        [t0 + 2 * hour + 59 * minute, t0 + 3 * hour],
      ];
      for (const [since, until] of windows) {
        const expected = entries.filter((e) => Math.floor(e.ts / minute) >= Math.floor(since / minute) && Math.floor(e.ts / minute) <= Math.floor(until / minute)).length;
        const counts = await store.logs.levelCounts(since, until, 'api');
        expect(counts.reduce((a, c) => a + c.count, 0), `window ${new Date(since).toISOString()}..${new Date(until).toISOString()}`).toBe(expected);
      }
    });

    it('commits source cursors with the entries', async () => {
      const store = await track(factory.open());
      await store.logs.append([entry(1)], [{ key: 'spool:api:stdout', value: '1024' }]);
      await store.logs.append([], [{ key: 'spool:api:stdout', value: '2048' }, { key: 'file:a', value: '{"offset":5}' }]);
      expect(await store.logs.cursor('spool:api:stdout')).toBe('2048');
      expect(await store.logs.cursor('file:a')).toBe('{"offset":5}');
      expect(await store.logs.cursor('nope')).toBeUndefined();
    });

    it('pages through every match with scan', async () => {
      const store = await track(factory.open());
      await store.logs.append(Array.from({ length: 250 }, (_, i) => entry(i)));
      const pages: number[] = [];
      let seen = 0;
      for await (const page of store.logs.scan({ service: 'api' }, 40)) {
        pages.push(page.length);
        seen += page.length;
      }
      expect(seen).toBe(125);
      expect(pages[0]).toBe(40);
    });

    it('exports every match newest first, in chunks, as the query answers them', async () => {
      const store = await track(factory.open());
      await store.logs.append(Array.from({ length: 20_000 }, (_, i) => entry(i, i === 7 ? { message: 'needle "quoted", here' } : {})));
      await searchable(store);
      const exported = async (filter: LogFilter, format: ExportFormat = 'json'): Promise<string> => {
        const parts: Buffer[] = [];
        for await (const chunk of store.logs.export(filter, format)) parts.push(chunk);
        return Buffer.concat(parts).toString();
      };
      const asIds = (json: string): number[] => (JSON.parse(`[${json.slice(1)}\n]`) as { id: number }[]).map((e) => e.id);
      const expectSame = async (filter: LogFilter): Promise<void> => {
        const expected = (await store.logs.query(filter, 500, 0)).map((r) => r.id);
        const total = (await store.logs.count(filter, 1e9)).total;
        const ids = asIds(await exported(filter));
        expect(ids.length, JSON.stringify(filter)).toBe(total);
        expect(ids.slice(0, 500)).toEqual(expected);
      };
      await expectSame({ service: 'api' });
      await expectSame({});
      await expectSame({ traceId: 'trace-3' });
      await expectSame({ q: 'handled', minLevel: 4 });
      await expectSame({ traceId: 'trace-7', q: 'needle' });
      expect(await exported({ service: 'nobody' })).toBe('');
      const csv = (await exported({ q: 'needle' }, 'csv')).split('\n');
      expect(csv).toHaveLength(2);
      expect(csv[0]).toMatch(/^\d+,2026-06-01T12:00:07\.000Z,api,WARNING,"needle ""quoted"", here","\{""n"":7,""route"":""\/items""\}",trace-7,,host1,107,http$/);
      // A consumer that stops early ends the export (and frees what it held).
      let chunks = 0;
      for await (const chunk of store.logs.export({}, 'csv')) {
        expect(chunk.length).toBeGreaterThan(0);
        if (++chunks === 2) break;
      }
      expect(chunks).toBe(2);
    });

    it('over its size limit deletes the oldest entries until under it, and no further', async () => {
      const store = await track(factory.open());
      const now = Date.parse('2026-06-01T13:00:00Z');
      for (let b = 0; b < 4; b++) await store.logs.append(Array.from({ length: 5000 }, (_, i) => entry(b * 5000 + i, { ts: now - 60_000 + i })));
      const before = await store.logs.stats();
      let passes = 0;
      while (passes < 100 && (await store.logs.retain({ maxAgeMs: 7 * 86_400_000, maxBytes: Math.floor(before.bytes * 0.8) }, now)).more) passes++;
      const after = await store.logs.stats();
      expect(passes).toBeLessThan(100);
      expect(after.rows).toBeLessThan(before.rows);
      // A fifth too big: about a fifth goes (whole chunks of 8,192 on SQLite), never most of it.
      expect(after.rows).toBeGreaterThan(before.rows * 0.5);
      const newest = await store.logs.query({}, 1, 0);
      expect(newest[0]!.id).toBe(before.lastId);
    });

    it('deletes entries past the retention age in small batches and keeps the rest searchable', async () => {
      const store = await track(factory.open());
      const now = Date.parse('2026-06-10T00:00:00Z');
      const old = Array.from({ length: 9000 }, (_, i) => entry(i, { ts: now - 10 * 86_400_000 + i, message: `old entry ${i}` }));
      const fresh = Array.from({ length: 9000 }, (_, i) => entry(i, { ts: now - 1000 + (i % 1000), message: `fresh entry ${i}` }));
      await store.logs.append(old);
      await store.logs.append(fresh);
      let total = 0;
      for (let round = 0; round < 20; round++) {
        const { deleted, more } = await store.logs.retain({ maxAgeMs: 7 * 86_400_000, maxBytes: Number.MAX_SAFE_INTEGER }, now);
        expect(deleted).toBeLessThanOrEqual(5000);
        total += deleted;
        if (!more) break;
      }
      expect(total).toBeGreaterThanOrEqual(8192);
      expect(await store.logs.count({ q: undefined, until: now - 86_400_000 }, 100_000)).toMatchObject({ total: 9000 - total });
      expect((await store.logs.count({ since: now - 2000 }, 100_000)).total).toBe(9000);
      await searchable(store);
      expect((await store.logs.query({ q: 'fresh' }, 1, 0))[0]?.message).toBe('fresh entry 8999');
    });
  });
}
