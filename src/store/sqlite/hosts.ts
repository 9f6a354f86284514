/** SQLite hosts repository: the hosts and host_certificates tables of wheelhouse.db. */
import type Database from 'better-sqlite3';
import type { CertificateRecord, HostRecord, HostRepo } from '../index.js';

const hostColumns = [
  'id', 'display_name', 'api_key_hash', 'interval_s', 'labels', 'created_at', 'revoked_at', 'last_seen', 'last_address', 'meta', 'last_ts', 'last_run', 'last_seq',
] as const satisfies readonly (keyof HostRecord)[];

const certColumns = ['serial', 'host_id', 'fingerprint_sha256', 'not_before', 'not_after', 'revoked_at', 'created_at'] as const satisfies readonly (keyof CertificateRecord)[];

const insertHostSql = `INSERT INTO hosts (${hostColumns.join(', ')}) VALUES (${hostColumns.map((c) => '@' + c).join(', ')})`;
const updateHostSql = `UPDATE hosts SET ${hostColumns.filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
const noteSql = `UPDATE hosts SET last_seen = @last_seen, last_address = @last_address, last_ts = @last_ts, last_run = @last_run, last_seq = @last_seq,
  interval_s = @interval_s, meta = COALESCE(@meta, meta) WHERE id = @id`;
const insertCertSql = `INSERT INTO host_certificates (${certColumns.join(', ')}) VALUES (${certColumns.map((c) => '@' + c).join(', ')})`;

type Row = Record<string, unknown>;

/** SQLite implementation of HostRepo. Statements are prepared on first use (the tables exist only after migrate). */
export function sqliteHosts(db: Database.Database): HostRepo {
  const statements = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let s = statements.get(text);
    if (!s) statements.set(text, (s = db.prepare(text)));
    return s;
  };
  return {
    create: async (host) => {
      sql(insertHostSql).run(toRow(host));
    },
    get: async (id) => fromRow(sql('SELECT * FROM hosts WHERE id = ?').get(id) as Row | undefined),
    list: async () => (sql('SELECT * FROM hosts ORDER BY id').all() as Row[]).map((r) => fromRow(r)!),
    update: async (host) => {
      sql(updateHostSql).run(toRow(host));
    },
    noteReports: async (updates) => {
      const note = sql(noteSql);
      db.transaction(() => {
        for (const { id, progress: p } of updates) note.run({ id, ...p, meta: p.meta === undefined ? null : JSON.stringify(p.meta) });
      })();
    },
    remove: async (id) => sql('DELETE FROM hosts WHERE id = ?').run(id).changes > 0,
    addCertificate: async (cert) => {
      sql(insertCertSql).run(cert);
    },
    certificate: async (serial) => (sql('SELECT * FROM host_certificates WHERE serial = ?').get(serial) as CertificateRecord | undefined) ?? undefined,
    certificates: async (hostId) =>
      (hostId === undefined
        ? sql('SELECT * FROM host_certificates ORDER BY created_at, serial').all()
        : sql('SELECT * FROM host_certificates WHERE host_id = ? ORDER BY created_at, serial').all(hostId)) as CertificateRecord[],
    revokeCertificates: async (hostId, at) => sql('UPDATE host_certificates SET revoked_at = ? WHERE host_id = ? AND revoked_at IS NULL').run(at, hostId).changes,
  };
}

function toRow(h: HostRecord): Row {
  return { ...h, labels: JSON.stringify(h.labels), meta: h.meta === null ? null : JSON.stringify(h.meta) };
}

function fromRow(r: Row | undefined): HostRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id as string,
    display_name: r.display_name as string,
    api_key_hash: (r.api_key_hash as string | null) ?? null,
    interval_s: r.interval_s as number,
    labels: JSON.parse(r.labels as string) as Record<string, string>,
    created_at: r.created_at as string,
    revoked_at: (r.revoked_at as string | null) ?? null,
    last_seen: (r.last_seen as string | null) ?? null,
    last_address: (r.last_address as string | null) ?? null,
    meta: r.meta === null || r.meta === undefined ? null : (JSON.parse(r.meta as string) as Record<string, unknown>),
    last_ts: (r.last_ts as number | null) ?? null,
    last_run: (r.last_run as number | null) ?? null,
    last_seq: (r.last_seq as number | null) ?? null,
  };
}
