import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistoryRetention } from './history-retention.js';
import { openStore, type Store } from './index.js';

const day = 86_400_000;
const now = Date.parse('2026-06-01T00:00:00.000Z');
const daysAgo = (n: number): string => new Date(now - n * day).toISOString();

describe('history retention', () => {
  let store: Store | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await store?.close();
  });

  it('runs a minute after start and then every hour, until stopped', async () => {
    store = await openStore({ kind: 'sqlite' }, mkdtempSync(join(tmpdir(), 'wh-history-')));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now });
    const oldEvent = () => store!.events.append({ at: daysAgo(40), topic: 'service.state', service: 'api', payload: {} });
    const count = async () => (await store!.events.list({})).length;
    const retention = new HistoryRetention(store, { retentionMs: 30 * day, auditRetentionMs: 0 }, pino({ level: 'silent' }));
    await oldEvent();
    retention.start();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(await count()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(async () => expect(await count()).toBe(0));
    await oldEvent();
    await vi.advanceTimersByTimeAsync(3_599_000);
    expect(await count()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(async () => expect(await count()).toBe(0));
    await retention.stop();
    await oldEvent();
    await vi.advanceTimersByTimeAsync(7_200_000);
    expect(await count()).toBe(1);
  });

  it('deletes each kind past its own retention in batches, and keeps what a retention of 0 says to keep', async () => {
    store = await openStore({ kind: 'sqlite' }, mkdtempSync(join(tmpdir(), 'wh-history-')));
    // More old events than one batch, so the pass has to come back for the rest.
    for (let i = 0; i < 1203; i++) await store.events.append({ at: daysAgo(40), topic: 'service.state', service: 'api', payload: { i } });
    await store.events.append({ at: daysAgo(10), topic: 'service.state', service: 'api', payload: { kept: true } });
    await store.alerts.appendDelivery({ channel: 'ops', alerts: ['fp'], kind: 'firing', status: 'sent', attempt: 1, error: null, at: daysAgo(31) });
    await store.alerts.appendDelivery({ channel: 'ops', alerts: ['fp'], kind: 'firing', status: 'sent', attempt: 1, error: null, at: daysAgo(29) });
    await store.audit.append({ at: daysAgo(400), actor: 'alice', action: 'services.start', target: 'api', result: 'ok', status: 200, address: null, details: null });

    const retention = new HistoryRetention(store, { retentionMs: 30 * day, auditRetentionMs: 0 }, pino({ level: 'silent' }), () => now);
    expect(await retention.runOnce()).toEqual({ events: 1203, audit: 0, alert_history: 0, deliveries: 1 });
    expect((await store.events.list({ limit: 10 })).map((e) => e.payload)).toEqual([{ kept: true }]);
    expect((await store.alerts.deliveries({})).map((d) => d.at)).toEqual([daysAgo(29)]);
    expect(await store.audit.list({})).toHaveLength(1);

    // The audit trail has its own retention.
    const audit = new HistoryRetention(store, { retentionMs: 0, auditRetentionMs: 365 * day }, pino({ level: 'silent' }), () => now);
    expect(await audit.runOnce()).toEqual({ events: 0, audit: 1, alert_history: 0, deliveries: 0 });
    expect(await store.events.list({})).toHaveLength(1);
  });

  it('stops between batches when the hub stops', async () => {
    store = await openStore({ kind: 'sqlite' }, mkdtempSync(join(tmpdir(), 'wh-history-')));
    for (let i = 0; i < 1500; i++) await store.events.append({ at: daysAgo(40), topic: 'service.state', service: 'api', payload: { i } });
    const retention = new HistoryRetention(store, { retentionMs: 30 * day, auditRetentionMs: 0 }, pino({ level: 'silent' }), () => now);
    const pass = retention.runOnce();
    await retention.stop();
    const deleted = (await pass).events;
    expect(deleted).toBeGreaterThan(0);
    expect(deleted).toBeLessThan(1500);
    expect(await store.events.list({ limit: 2000 })).toHaveLength(1500 - deleted);
  });
});
