/** PostgreSQL hosts repository: the hosts and host_certificates tables. */
import type pg from 'pg';
import type { CertificateRecord, HostRecord, HostRepo } from '../index.js';

const hostColumns = [
  'id', 'display_name', 'api_key_hash', 'interval_s', 'labels', 'created_at', 'revoked_at', 'last_seen', 'last_address', 'meta', 'last_ts', 'last_run', 'last_seq',
] as const satisfies readonly (keyof HostRecord)[];

const certColumns = ['serial', 'host_id', 'fingerprint_sha256', 'not_before', 'not_after', 'revoked_at', 'created_at'] as const satisfies readonly (keyof CertificateRecord)[];

const insertHostSql = `INSERT INTO hosts (${hostColumns.join(', ')}) VALUES (${hostColumns.map((_, i) => `$${i + 1}`).join(', ')})`;
const updateHostSql = `UPDATE hosts SET ${hostColumns.slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`;
const noteSql = `UPDATE hosts SET last_seen = $2, last_address = $3, last_ts = $4, last_run = $5, last_seq = $6, interval_s = $7,
  meta = COALESCE($8::jsonb, meta) WHERE id = $1`;
const insertCertSql = `INSERT INTO host_certificates (${certColumns.join(', ')}) VALUES (${certColumns.map((_, i) => `$${i + 1}`).join(', ')})`;

type Row = Record<string, unknown>;

/** PostgreSQL implementation of HostRepo. */
export function postgresHosts(pool: pg.Pool): HostRepo {
  return {
    create: async (host) => {
      await pool.query(insertHostSql, toParams(host));
    },
    get: async (id) => {
      const { rows } = await pool.query('SELECT * FROM hosts WHERE id = $1', [id]);
      return rows[0] ? fromRow(rows[0] as Row) : undefined;
    },
    list: async () => (await pool.query('SELECT * FROM hosts ORDER BY id')).rows.map((r: Row) => fromRow(r)),
    update: async (host) => {
      await pool.query(updateHostSql, toParams(host));
    },
    noteReports: async (updates) => {
      if (updates.length === 0) return;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const { id, progress: p } of updates) {
          await client.query(noteSql, [id, p.last_seen, p.last_address, p.last_ts, p.last_run, p.last_seq, p.interval_s, p.meta === undefined ? null : JSON.stringify(p.meta)]);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    remove: async (id) => ((await pool.query('DELETE FROM hosts WHERE id = $1', [id])).rowCount ?? 0) > 0,
    addCertificate: async (cert) => {
      await pool.query(insertCertSql, certColumns.map((c) => cert[c]));
    },
    certificate: async (serial) => {
      const { rows } = await pool.query('SELECT * FROM host_certificates WHERE serial = $1', [serial]);
      return rows[0] ? toCert(rows[0] as Row) : undefined;
    },
    certificates: async (hostId) => {
      const { rows } =
        hostId === undefined
          ? await pool.query('SELECT * FROM host_certificates ORDER BY created_at, serial')
          : await pool.query('SELECT * FROM host_certificates WHERE host_id = $1 ORDER BY created_at, serial', [hostId]);
      return rows.map((r: Row) => toCert(r));
    },
    revokeCertificates: async (hostId, at) =>
      (await pool.query('UPDATE host_certificates SET revoked_at = $1 WHERE host_id = $2 AND revoked_at IS NULL', [at, hostId])).rowCount ?? 0,
  };
}

function toParams(h: HostRecord): unknown[] {
  return hostColumns.map((c) => (c === 'labels' || c === 'meta' ? (h[c] === null ? null : JSON.stringify(h[c])) : h[c]));
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function fromRow(r: Row): HostRecord {
  return {
    id: r.id as string,
    display_name: r.display_name as string,
    api_key_hash: (r.api_key_hash as string | null) ?? null,
    interval_s: Number(r.interval_s),
    labels: (r.labels as Record<string, string>) ?? {},
    created_at: iso(r.created_at)!,
    revoked_at: iso(r.revoked_at),
    last_seen: iso(r.last_seen),
    last_address: (r.last_address as string | null) ?? null,
    meta: (r.meta as Record<string, unknown> | null) ?? null,
    last_ts: num(r.last_ts),
    last_run: num(r.last_run),
    last_seq: num(r.last_seq),
  };
}

function toCert(r: Row): CertificateRecord {
  return {
    serial: r.serial as string,
    host_id: r.host_id as string,
    fingerprint_sha256: r.fingerprint_sha256 as string,
    not_before: iso(r.not_before)!,
    not_after: iso(r.not_after)!,
    revoked_at: iso(r.revoked_at),
    created_at: iso(r.created_at)!,
  };
}
