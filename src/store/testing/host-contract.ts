/** The hosts part of the store contract: hosts, report progress, certificates and their revocation. */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord, HostRecord, Store } from '../index.js';
import type { StoreFactory } from './contract.js';

function host(id: string, over: Partial<HostRecord> = {}): HostRecord {
  return {
    id,
    display_name: id.toUpperCase(),
    api_key_hash: null,
    interval_s: 10,
    labels: { env: 'prod' },
    created_at: '2026-01-01T00:00:00.000Z',
    revoked_at: null,
    last_seen: null,
    last_address: null,
    meta: null,
    last_ts: null,
    last_run: null,
    last_seq: null,
    ...over,
  };
}

function cert(serial: string, hostId: string, created: string): CertificateRecord {
  return {
    serial,
    host_id: hostId,
    fingerprint_sha256: 'ab'.repeat(32),
    not_before: '2026-01-01T00:00:00.000Z',
    not_after: '2027-01-01T00:00:00.000Z',
    revoked_at: null,
    created_at: created,
  };
}

/** Registers the hosts scenarios inside a backend's contract suite. */
export function describeHostContract(track: (p: Promise<Store>) => Promise<Store>, factory: StoreFactory): void {
  describe('hosts', () => {
    it('creates, lists, replaces and removes hosts; ids and key hashes are unique', async () => {
      const store = await track(factory.open());
      const web = host('web-1', { api_key_hash: 'cd'.repeat(32) });
      await store.hosts.create(web);
      await store.hosts.create(host('db-1'));
      expect(await store.hosts.get('web-1')).toEqual(web);
      expect((await store.hosts.list()).map((h) => h.id)).toEqual(['db-1', 'web-1']);
      await expect(store.hosts.create(host('web-1'))).rejects.toThrow();
      await expect(store.hosts.create(host('other', { api_key_hash: web.api_key_hash }))).rejects.toThrow();
      const rotated = { ...web, api_key_hash: 'ef'.repeat(32), labels: { env: 'staging', rack: '4' }, revoked_at: '2026-01-03T00:00:00.000Z' };
      await store.hosts.update(rotated);
      expect(await store.hosts.get('web-1')).toEqual(rotated);
      expect(await store.hosts.remove('web-1')).toBe(true);
      expect(await store.hosts.remove('web-1')).toBe(false);
      expect(await store.hosts.get('web-1')).toBeUndefined();
    });

    it('records report progress of several hosts at once, keeping the meta when none is given', async () => {
      const store = await track(factory.open());
      await store.hosts.create(host('web-1'));
      await store.hosts.create(host('db-1'));
      const meta = { hostname: 'web-1.example', cpus: 8, boot_time: 1_767_225_600_000 };
      const first = { last_seen: '2026-01-02T00:00:00.000Z', last_address: '10.0.0.5', last_ts: 1_767_312_000_000, last_run: 1_767_300_000_000, last_seq: 7, interval_s: 5, meta };
      await store.hosts.noteReports([{ id: 'web-1', progress: first }, { id: 'db-1', progress: { ...first, last_address: null } }]);
      const { meta: _m, ...second } = { ...first, last_seen: '2026-01-02T00:00:05.000Z', last_ts: 1_767_312_005_000, last_seq: 8 };
      await store.hosts.noteReports([{ id: 'web-1', progress: second }, { id: 'gone', progress: second }]);
      expect(await store.hosts.get('web-1')).toMatchObject({ ...second, meta });
      expect(await store.hosts.get('db-1')).toMatchObject({ last_address: null, last_seq: 7, meta });
      expect(await store.hosts.get('gone')).toBeUndefined();
      await store.hosts.noteReports([]);
    });

    it('keeps certificates per host, revokes them all at once, and keeps them after the host is removed', async () => {
      const store = await track(factory.open());
      await store.hosts.create(host('web-1'));
      await store.hosts.addCertificate(cert('0a1b', 'web-1', '2026-01-01T00:00:00.000Z'));
      await store.hosts.addCertificate(cert('0c2d', 'web-1', '2026-01-02T00:00:00.000Z'));
      await store.hosts.addCertificate(cert('0e3f', 'db-1', '2026-01-01T12:00:00.000Z'));
      await expect(store.hosts.addCertificate(cert('0a1b', 'db-1', '2026-01-03T00:00:00.000Z'))).rejects.toThrow();
      expect(await store.hosts.certificate('0c2d')).toEqual(cert('0c2d', 'web-1', '2026-01-02T00:00:00.000Z'));
      expect(await store.hosts.certificate('ffff')).toBeUndefined();
      expect((await store.hosts.certificates()).map((c) => c.serial)).toEqual(['0a1b', '0e3f', '0c2d']);
      expect((await store.hosts.certificates('web-1')).map((c) => c.serial)).toEqual(['0a1b', '0c2d']);
      expect(await store.hosts.revokeCertificates('web-1', '2026-02-01T00:00:00.000Z')).toBe(2);
      expect(await store.hosts.revokeCertificates('web-1', '2026-03-01T00:00:00.000Z')).toBe(0);
      expect((await store.hosts.certificate('0a1b'))?.revoked_at).toBe('2026-02-01T00:00:00.000Z');
      expect((await store.hosts.certificate('0e3f'))?.revoked_at).toBeNull();
      await store.hosts.remove('web-1');
      expect((await store.hosts.certificates('web-1')).length).toBe(2);
    });
  });
}
