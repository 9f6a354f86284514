/** The audit part of the store contract: append-only records, listed newest first with filters and keyset paging. */
import { describe, expect, it } from 'vitest';
import type { AuditRecord, Store } from '../index.js';
import type { StoreFactory } from './contract.js';

function record(i: number, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    actor: 'token:admin',
    action: 'services.start',
    target: 'api',
    result: 'ok',
    status: 200,
    address: '127.0.0.1',
    details: { mode: 'dev' },
    ...over,
  };
}

/** Registers the audit scenarios inside a backend's contract suite. */
export function describeAuditContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('audit trail', () => {
    it('appends records with growing ids and returns them as written, newest first', async () => {
      const store = await track(factory.open());
      const denied = record(1, {
        actor: 'anonymous', action: 'auth.login', target: `o'brien"; DROP TABLE audit_log; --<script>`, result: 'denied', status: 401,
        address: '::ffff:10.0.0.7', details: { code: 'auth/invalid_credentials', nested: ['a', 1, true, null] },
      });
      const bare = record(2, { target: null, status: null, address: null, details: null, result: 'failed' });
      const first = await store.audit.append(record(0));
      const second = await store.audit.append(denied);
      const third = await store.audit.append(bare);
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);
      expect(await store.audit.list({})).toEqual([
        { ...bare, id: third },
        { ...denied, id: second },
        { ...record(0), id: first },
      ]);
    });

    it('filters by time, actor, action prefix and result', async () => {
      const store = await track(factory.open());
      const rows: [number, Partial<AuditRecord>][] = [
        [0, { action: 'services.start', actor: 'alice' }],
        [1, { action: 'services.stop', actor: 'bob' }],
        [2, { action: 'servicesx.start', actor: 'alice' }],
        [3, { action: 'alerts.rules.put', actor: 'token:ci', target: 'HighCPU' }],
        [4, { action: 'auth.login', actor: 'anonymous', result: 'denied', status: 401, target: 'mallory' }],
        [5, { action: 'services.restart', actor: 'alice', result: 'failed', status: 404 }],
      ];
      for (const [i, over] of rows) await store.audit.append(record(i, over));
      const actions = async (q: Parameters<Store['audit']['list']>[0]) => (await store.audit.list(q)).map((r) => r.action);
      expect(await actions({ action: 'services.' })).toEqual(['services.restart', 'services.stop', 'services.start']);
      expect(await actions({ action: 'services.stop' })).toEqual(['services.stop']);
      expect(await actions({ action: 'serv' })).toEqual(['services.restart', 'servicesx.start', 'services.stop', 'services.start']);
      expect(await actions({ action: '%' })).toEqual([]);
      expect(await actions({ actor: 'alice' })).toEqual(['services.restart', 'servicesx.start', 'services.start']);
      expect(await actions({ actor: 'ali' })).toEqual([]);
      expect(await actions({ result: 'denied' })).toEqual(['auth.login']);
      expect(await actions({ result: 'failed', actor: 'alice', action: 'services.' })).toEqual(['services.restart']);
      // since and until are inclusive, and compare as times whatever the offset they are written in.
      expect(await actions({ since: record(2).at, until: '2026-01-01T01:00:04+01:00' })).toEqual(['auth.login', 'alerts.rules.put', 'servicesx.start']);
      expect(await actions({ since: '2026-01-01T00:00:05.001Z' })).toEqual([]);
    });

    it('pages newest first with limit and before_id', async () => {
      const store = await track(factory.open());
      for (let i = 0; i < 7; i++) await store.audit.append(record(i, { target: `s${i}` }));
      const seen: string[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await store.audit.list(before === undefined ? { limit: 3 } : { limit: 3, beforeId: before });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...page.map((r) => r.target!));
        before = page.at(-1)!.id;
      }
      expect(seen).toEqual(['s6', 's5', 's4', 's3', 's2', 's1', 's0']);
      expect((await store.audit.list({ limit: 0 })).length).toBe(1);
      expect((await store.audit.list({ limit: 1_000_000 })).length).toBe(7);
    });

    it.runIf(factory.reopen !== undefined)('keeps records across a reopen', async () => {
      const store = await track(factory.open());
      const id = await store.audit.append(record(9, { action: 'users.delete', target: 'carol' }));
      await store.close();
      const again = await track(factory.reopen!());
      expect(await again.audit.list({ action: 'users.' })).toEqual([{ ...record(9, { action: 'users.delete', target: 'carol' }), id }]);
    });
  });
}
