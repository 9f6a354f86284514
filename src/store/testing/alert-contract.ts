/** The alerts part of the store contract: alert state and history, silences, deliveries, API rules. */
import { describe, expect, it } from 'vitest';
import type { AlertRecord, SilenceRecord, Store } from '../index.js';
import type { StoreFactory } from './contract.js';

function alert(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    fingerprint: 'fp-1',
    rule: 'HighCPU',
    state: 'pending',
    severity: 'warning',
    labels: { alertname: 'HighCPU', host: 'web-1', severity: 'warning' },
    annotations: { summary: 'CPU 91% on web-1' },
    value: 91.5,
    started_at: '2026-03-01T10:00:00.000Z',
    fired_at: null,
    resolved_at: null,
    last_notified_at: null,
    updated_at: '2026-03-01T10:00:00.000Z',
    ...over,
  };
}

function silence(over: Partial<SilenceRecord> = {}): SilenceRecord {
  return {
    id: 's-1',
    matchers: [{ name: 'host', op: '=~', value: 'web-.*' }],
    starts_at: '2026-03-01T00:00:00.000Z',
    ends_at: '2999-01-01T00:00:00.000Z',
    comment: 'deploy',
    created_by: 'admin',
    created_at: '2026-03-01T00:00:00.000Z',
    expired_at: null,
    ...over,
  };
}

/** Registers the alert scenarios inside a backend's contract suite. */
export function describeAlertContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('alerts', () => {
    it('keeps the current state per fingerprint and one history row per state', async () => {
      const store = await track(factory.open());
      const pending = alert();
      const firing = alert({ state: 'firing', fired_at: '2026-03-01T10:05:00.000Z', updated_at: '2026-03-01T10:05:00.000Z' });
      const notified = { ...firing, last_notified_at: '2026-03-01T10:05:01.000Z', updated_at: '2026-03-01T10:05:01.000Z' };
      await store.alerts.saveAlert(pending);
      await store.alerts.saveAlert(firing);
      await store.alerts.saveAlert(notified);
      await store.alerts.saveAlert(alert({ fingerprint: 'fp-2', rule: 'DiskFull', labels: { mount: '/' }, value: null }));
      expect(await store.alerts.active()).toEqual([notified, alert({ fingerprint: 'fp-2', rule: 'DiskFull', labels: { mount: '/' }, value: null })]);

      const history = await store.alerts.history({ rule: 'HighCPU' });
      // The save in the same state updated the firing row in place.
      expect(history).toEqual([notified, pending]);

      const resolved = { ...notified, state: 'resolved' as const, resolved_at: '2026-03-01T10:09:00.000Z', updated_at: '2026-03-01T10:09:00.000Z' };
      await store.alerts.saveAlert(resolved);
      expect((await store.alerts.active()).map((a) => a.fingerprint)).toEqual(['fp-2']);
      expect((await store.alerts.history({ rule: 'HighCPU' })).map((a) => a.state)).toEqual(['resolved', 'firing', 'pending']);
      expect((await store.alerts.history({ state: 'resolved' })).map((a) => a.fingerprint)).toEqual(['fp-1']);
      expect((await store.alerts.history({ since: '2026-03-01T10:05:00.000Z' })).map((a) => a.state)).toEqual(['resolved', 'firing']);
      expect(await store.alerts.history({ limit: 1 })).toEqual([resolved]);

      // The same fingerprint firing again starts a new history row.
      await store.alerts.saveAlert(alert({ state: 'firing', started_at: '2026-03-01T11:00:00.000Z', fired_at: '2026-03-01T11:00:00.000Z', updated_at: '2026-03-01T11:00:00.000Z' }));
      expect((await store.alerts.history({ rule: 'HighCPU' })).map((a) => a.state)).toEqual(['firing', 'resolved', 'firing', 'pending']);
    });

    it('creates, lists and expires silences', async () => {
      const store = await track(factory.open());
      await store.alerts.createSilence(silence());
      await store.alerts.createSilence(silence({ id: 's-old', ends_at: '2000-01-01T00:00:00.000Z', created_at: '2026-02-01T00:00:00.000Z' }));
      await store.alerts.createSilence(silence({ id: 's-2', matchers: [{ name: 'alertname', op: '=', value: 'HighCPU' }, { name: 'env', op: '!~', value: 'prod|staging' }], created_by: null }));
      expect((await store.alerts.silences(false)).map((s) => s.id).sort()).toEqual(['s-1', 's-2']);
      expect((await store.alerts.silences(true)).map((s) => s.id).sort()).toEqual(['s-1', 's-2', 's-old']);
      expect((await store.alerts.silences(false)).find((s) => s.id === 's-2')).toEqual(
        silence({ id: 's-2', matchers: [{ name: 'alertname', op: '=', value: 'HighCPU' }, { name: 'env', op: '!~', value: 'prod|staging' }], created_by: null }),
      );
      const at = new Date().toISOString();
      expect(await store.alerts.expireSilence('s-1', at)).toBe(true);
      expect(await store.alerts.expireSilence('s-1', at)).toBe(false);
      expect(await store.alerts.expireSilence('s-old', at)).toBe(false);
      expect(await store.alerts.expireSilence('nope', at)).toBe(false);
      expect((await store.alerts.silences(false)).map((s) => s.id)).toEqual(['s-2']);
      expect((await store.alerts.silences(true)).find((s) => s.id === 's-1')?.expired_at).toBe(at);
      await expect(store.alerts.createSilence(silence({ id: 's-2' }))).rejects.toThrow();
    });

    it('appends deliveries and lists them newest first', async () => {
      const store = await track(factory.open());
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push(
          await store.alerts.appendDelivery({
            channel: i % 2 ? 'slack' : 'hook',
            alerts: [`fp-${i}`, 'fp-x'],
            kind: 'firing',
            status: i === 3 ? 'failed' : 'sent',
            attempt: i + 1,
            error: i === 3 ? 'HTTP 500' : null,
            at: `2026-03-01T10:00:0${i}.000Z`,
          }),
        );
      }
      expect(new Set(ids).size).toBe(4);
      const all = await store.alerts.deliveries({});
      expect(all.map((d) => d.attempt)).toEqual([4, 3, 2, 1]);
      expect(all[0]).toEqual({ id: ids[3], channel: 'slack', alerts: ['fp-3', 'fp-x'], kind: 'firing', status: 'failed', attempt: 4, error: 'HTTP 500', at: '2026-03-01T10:00:03.000Z' });
      expect((await store.alerts.deliveries({ channel: 'hook' })).map((d) => d.attempt)).toEqual([3, 1]);
      expect(await store.alerts.deliveries({ limit: 1 })).toHaveLength(1);
    });

    it('saves, replaces and removes API rules', async () => {
      const store = await track(factory.open());
      const rule = { name: 'Busy', definition: { kind: 'metric', metric: 'cpu_percent', threshold: 50, match: { host: 'web-1' } }, created_at: '2026-03-01T00:00:00.000Z', created_by: 'admin' };
      await store.alerts.saveRule(rule);
      await store.alerts.saveRule({ ...rule, name: 'Another', created_by: null });
      expect(await store.alerts.rules()).toEqual([{ ...rule, name: 'Another', created_by: null }, rule]);
      const replaced = { ...rule, definition: { kind: 'metric', metric: 'cpu_percent', threshold: 70 } };
      await store.alerts.saveRule(replaced);
      expect((await store.alerts.rules()).find((r) => r.name === 'Busy')).toEqual(replaced);
      expect(await store.alerts.removeRule('Busy')).toBe(true);
      expect(await store.alerts.removeRule('Busy')).toBe(false);
      expect((await store.alerts.rules()).map((r) => r.name)).toEqual(['Another']);
    });
  });
}
