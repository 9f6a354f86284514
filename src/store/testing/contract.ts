/**
 * The store contract: one scenario suite every backend must pass unchanged.
 * `open` returns a fresh, migrated, empty store; `reopen` (when given) opens the same
 * database again, to prove data outlives the connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newServiceRecord, type Store } from '../index.js';
import { describeAlertContract } from './alert-contract.js';
import { describeAuditContract } from './audit-contract.js';
import { describeAuthContract } from './auth-contract.js';
import { describeHistoryContract } from './history-contract.js';
import { describeHostContract } from './host-contract.js';
import { describeLogContract } from './log-contract.js';
import { describeMetricContract } from './metric-contract.js';

/** How a backend gives the suite its stores. */
export interface StoreFactory {
  open(): Promise<Store>;
  reopen?(): Promise<Store>;
}

/** Registers the contract suite for one backend. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    const open: Store[] = [];
    const track = async (p: Promise<Store>): Promise<Store> => {
      const s = await p;
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('migrates idempotently and reports its schema version', async () => {
      const store = await track(factory.open());
      const v = await store.schemaVersion();
      expect(v).toBeGreaterThanOrEqual(1);
      await store.migrate();
      expect(await store.schemaVersion()).toBe(v);
      await store.ping();
    });

    it('saves, replaces and lists service state', async () => {
      const store = await track(factory.open());
      const at = '2026-01-02T03:04:05.000Z';
      const rec = { ...newServiceRecord('api', at), status: 'running' as const, pid: 4242, proc_start: 123456789, started_at: at };
      await store.services.save(rec);
      expect(await store.services.get('api')).toEqual(rec);
      const updated = { ...rec, status: 'stopped' as const, pid: null, exit_code: 137, exit_signal: 'SIGKILL', restarts: 3 };
      await store.services.save(updated);
      expect(await store.services.get('api')).toEqual(updated);
      await store.services.save(newServiceRecord('worker', at));
      expect((await store.services.list()).map((r) => r.name)).toEqual(['api', 'worker']);
      expect(await store.services.get('nope')).toBeUndefined();
    });

    it('removes state of services no longer configured', async () => {
      const store = await track(factory.open());
      const at = new Date().toISOString();
      for (const n of ['a', 'b', 'c']) await store.services.save(newServiceRecord(n, at));
      expect(await store.services.removeExcept(['b'])).toBe(2);
      expect((await store.services.list()).map((r) => r.name)).toEqual(['b']);
      expect(await store.services.removeExcept([])).toBe(1);
    });

    it('appends events and lists them newest first with filters', async () => {
      const store = await track(factory.open());
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          await store.events.append({
            at: `2026-01-01T00:00:0${i}.000Z`,
            topic: i % 2 ? 'service.exit' : 'service.state',
            service: i < 3 ? 'api' : 'db',
            payload: { i, nested: { ok: true } },
          }),
        );
      }
      expect(new Set(ids).size).toBe(5);
      const all = await store.events.list({});
      expect(all.map((e) => (e.payload as { i: number }).i)).toEqual([4, 3, 2, 1, 0]);
      expect((await store.events.list({ service: 'api' })).length).toBe(3);
      expect((await store.events.list({ topic: 'service.exit' })).length).toBe(2);
      expect((await store.events.list({ since: '2026-01-01T00:00:03.000Z' })).length).toBe(2);
      expect((await store.events.list({ limit: 1 }))[0]!.payload).toEqual({ i: 4, nested: { ok: true } });
    });

    it('stores tokens by hash, touches and revokes them', async () => {
      const store = await track(factory.open());
      const t = {
        id: 'tok1', name: 'admin', hash: 'ab'.repeat(32), scopes: ['admin'], created_at: '2026-01-01T00:00:00.000Z',
        expires_at: null, last_used_at: null, revoked_at: null,
      };
      await store.tokens.create(t);
      expect(await store.tokens.findByHash(t.hash)).toEqual(t);
      expect(await store.tokens.findByName('admin')).toEqual(t);
      expect(await store.tokens.findByHash('cd'.repeat(32))).toBeUndefined();
      await store.tokens.touch('tok1', '2026-01-02T00:00:00.000Z');
      await store.tokens.revoke('tok1', '2026-01-03T00:00:00.000Z');
      const after = await store.tokens.findByHash(t.hash);
      expect(after?.last_used_at).toBe('2026-01-02T00:00:00.000Z');
      expect(after?.revoked_at).toBe('2026-01-03T00:00:00.000Z');
      await expect(store.tokens.create({ ...t, id: 'tok2' })).rejects.toThrow();
    });

    describeLogContract(track, factory);
    describeMetricContract(track, factory);
    describeHostContract(track, factory);
    describeAlertContract(track, factory);
    describeAuditContract(track, factory);
    describeHistoryContract(track, factory);
    describeAuthContract(track, factory);

    it.runIf(factory.reopen !== undefined)('keeps committed data across a reopen', async () => {
      const store = await track(factory.open());
      await store.services.save({ ...newServiceRecord('kept', new Date().toISOString()), pid: 7 });
      await store.close();
      const again = await track(factory.reopen!());
      expect((await again.services.get('kept'))?.pid).toBe(7);
    });
  });
}
