/** The history part of the store contract: events, audit trail, alert history and deliveries deleted by age, oldest first, in batches. */
import { describe, expect, it } from 'vitest';
import type { HistoryKind, Store } from '../index.js';
import type { StoreFactory } from './contract.js';

const old = ['2026-01-01T00:00:00.000Z', '2026-01-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
const recent = ['2026-03-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'];
const cutoff = '2026-02-15T00:00:00.000Z';

/** Writes one row of `kind` stamped `at` through the repo that owns it. */
async function write(store: Store, kind: HistoryKind, at: string, i: number): Promise<void> {
  if (kind === 'events') await store.events.append({ at, topic: 'service.state', service: 'api', payload: { i } });
  if (kind === 'audit') await store.audit.append({ at, actor: 'alice', action: 'services.start', target: 'api', result: 'ok', status: 200, address: null, details: { i } });
  if (kind === 'alert_history') {
    await store.alerts.saveAlert({
      fingerprint: `fp-${i}`, rule: 'HighCPU', state: 'firing', severity: 'warning', labels: { i: String(i) }, annotations: {}, value: i,
      started_at: at, fired_at: at, resolved_at: null, last_notified_at: null, updated_at: at,
    });
  }
  if (kind === 'deliveries') await store.alerts.appendDelivery({ channel: 'ops', alerts: [`fp-${i}`], kind: 'firing', status: 'sent', attempt: 1, error: null, at });
}

/** The times of what is left of `kind`, oldest first. */
async function left(store: Store, kind: HistoryKind): Promise<string[]> {
  const times =
    kind === 'events' ? (await store.events.list({ limit: 100 })).map((e) => e.at)
    : kind === 'audit' ? (await store.audit.list({})).map((r) => r.at)
    : kind === 'alert_history' ? (await store.alerts.history({ limit: 100 })).map((a) => a.updated_at)
    : (await store.alerts.deliveries({ limit: 100 })).map((d) => d.at);
  return times.map((t) => new Date(t).toISOString()).sort();
}

/** Registers the history scenarios inside a backend's contract suite. */
export function describeHistoryContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('history retention', () => {
    for (const kind of ['events', 'audit', 'alert_history', 'deliveries'] as const) {
      it(`deletes ${kind} older than the cutoff, oldest first, at most the batch size at a time`, async () => {
        const store = await track(factory.open());
        // Written out of time order: what goes is decided by the time stamp, not the position.
        const rows = [old[0]!, recent[0]!, old[1]!, old[2]!, recent[1]!];
        for (const [i, at] of rows.entries()) await write(store, kind, at, i);
        expect(await store.pruneHistory(kind, cutoff, 2)).toBe(2);
        expect(await left(store, kind)).toEqual([old[2], ...recent]);
        expect(await store.pruneHistory(kind, cutoff, 2)).toBe(1);
        expect(await store.pruneHistory(kind, cutoff, 2)).toBe(0);
        expect(await left(store, kind)).toEqual(recent);
      });
    }

    it('keeps the current state of alerts whose history it deletes', async () => {
      const store = await track(factory.open());
      await write(store, 'alert_history', old[0]!, 1);
      expect(await store.pruneHistory('alert_history', cutoff, 100)).toBe(1);
      expect((await store.alerts.active()).map((a) => a.fingerprint)).toEqual(['fp-1']);
    });
  });
}
