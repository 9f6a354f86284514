/**
 * PostgreSQL alerts repository. Same layout and contract as the SQLite one: `alerts` holds
 * the current state of each fingerprint, `alert_history` one row per state it went through.
 */
import type pg from 'pg';
import type { AlertQuery, AlertRecord, AlertRepo, DeliveryRecord, SilenceRecord, StoredRule } from '../index.js';

const alertColumns = [
  'fingerprint', 'rule', 'state', 'severity', 'labels', 'annotations', 'value',
  'started_at', 'fired_at', 'resolved_at', 'last_notified_at', 'updated_at',
] as const satisfies readonly (keyof AlertRecord)[];

const placeholders = alertColumns.map((_, i) => `$${i + 1}`).join(', ');
const upsertAlertSql = `INSERT INTO alerts (${alertColumns.join(', ')}) VALUES (${placeholders})
  ON CONFLICT (fingerprint) DO UPDATE SET ${alertColumns.filter((c) => c !== 'fingerprint').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
const insertHistorySql = `INSERT INTO alert_history (${alertColumns.join(', ')}) VALUES (${placeholders})`;
const updateHistorySql = `UPDATE alert_history SET ${alertColumns.map((c, i) => (c === 'fingerprint' ? null : `${c} = $${i + 1}`)).filter(Boolean).join(', ')}
  WHERE id = (SELECT MAX(id) FROM alert_history WHERE fingerprint = $1)`;

type Row = Record<string, unknown>;

/** PostgreSQL implementation of AlertRepo. */
export function postgresAlerts(pool: pg.Pool): AlertRepo {
  return {
    async saveAlert(a) {
      const args = alertColumns.map((c) => (c === 'labels' || c === 'annotations' ? JSON.stringify(a[c]) : a[c]));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // The row lock orders concurrent saves of one fingerprint.
        const { rows } = await client.query<{ state: string }>('SELECT state FROM alerts WHERE fingerprint = $1 FOR UPDATE', [a.fingerprint]);
        await client.query(upsertAlertSql, args);
        await client.query(rows[0]?.state === a.state ? updateHistorySql : insertHistorySql, args);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async active() {
      const { rows } = await pool.query("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY started_at, fingerprint");
      return rows.map(toAlert);
    },
    async history(q: AlertQuery) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.rule !== undefined) (args.push(q.rule), where.push(`rule = $${args.length}`));
      if (q.state !== undefined) (args.push(q.state), where.push(`state = $${args.length}`));
      if (q.since !== undefined) (args.push(q.since), where.push(`updated_at >= $${args.length}`));
      args.push(q.limit ?? 100);
      const { rows } = await pool.query(`SELECT * FROM alert_history ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT $${args.length}`, args);
      return rows.map(toAlert);
    },
    async createSilence(s: SilenceRecord) {
      await pool.query(
        'INSERT INTO silences (id, matchers, starts_at, ends_at, comment, created_by, created_at, expired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [s.id, JSON.stringify(s.matchers), s.starts_at, s.ends_at, s.comment, s.created_by, s.created_at, s.expired_at],
      );
    },
    async silences(includeExpired) {
      const { rows } = includeExpired
        ? await pool.query('SELECT * FROM silences ORDER BY created_at DESC, id')
        : await pool.query('SELECT * FROM silences WHERE expired_at IS NULL AND ends_at > $1 ORDER BY created_at DESC, id', [new Date().toISOString()]);
      return rows.map(toSilence);
    },
    async expireSilence(id, at) {
      const { rowCount } = await pool.query('UPDATE silences SET expired_at = $1 WHERE id = $2 AND expired_at IS NULL AND ends_at > $1', [at, id]);
      return (rowCount ?? 0) > 0;
    },
    async appendDelivery(d: DeliveryRecord) {
      const { rows } = await pool.query<{ id: string }>(
        'INSERT INTO alert_deliveries (channel, alerts, kind, status, attempt, error, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [d.channel, JSON.stringify(d.alerts), d.kind, d.status, d.attempt, d.error, d.at],
      );
      return Number(rows[0]!.id);
    },
    async deliveries(q) {
      const { rows } =
        q.channel === undefined
          ? await pool.query('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT $1', [q.limit ?? 100])
          : await pool.query('SELECT * FROM alert_deliveries WHERE channel = $1 ORDER BY id DESC LIMIT $2', [q.channel, q.limit ?? 100]);
      return rows.map((r: Row) => ({
        id: Number(r.id),
        channel: r.channel as string,
        alerts: r.alerts as string[],
        kind: r.kind as DeliveryRecord['kind'],
        status: r.status as DeliveryRecord['status'],
        attempt: Number(r.attempt),
        error: (r.error as string | null) ?? null,
        at: iso(r.at)!,
      }));
    },
    async saveRule(rule: StoredRule) {
      await pool.query(
        `INSERT INTO alert_rules (name, definition, created_at, created_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by`,
        [rule.name, JSON.stringify(rule.definition), rule.created_at, rule.created_by],
      );
    },
    async rules() {
      const { rows } = await pool.query('SELECT * FROM alert_rules ORDER BY name');
      return rows.map((r: Row) => ({
        name: r.name as string,
        definition: r.definition as Record<string, unknown>,
        created_at: iso(r.created_at)!,
        created_by: (r.created_by as string | null) ?? null,
      }));
    },
    async removeRule(name) {
      const { rowCount } = await pool.query('DELETE FROM alert_rules WHERE name = $1', [name]);
      return (rowCount ?? 0) > 0;
    },
  };
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function toAlert(r: Row): AlertRecord {
  return {
    fingerprint: r.fingerprint as string,
    rule: r.rule as string,
    state: r.state as AlertRecord['state'],
    severity: r.severity as AlertRecord['severity'],
    labels: r.labels as Record<string, string>,
    annotations: r.annotations as Record<string, string>,
    value: r.value === null || r.value === undefined ? null : Number(r.value),
    started_at: iso(r.started_at)!,
    fired_at: iso(r.fired_at),
    resolved_at: iso(r.resolved_at),
    last_notified_at: iso(r.last_notified_at),
    updated_at: iso(r.updated_at)!,
  };
}

function toSilence(r: Row): SilenceRecord {
  return {
    id: r.id as string,
    matchers: r.matchers as SilenceRecord['matchers'],
    starts_at: iso(r.starts_at)!,
    ends_at: iso(r.ends_at)!,
    comment: r.comment as string,
    created_by: (r.created_by as string | null) ?? null,
    created_at: iso(r.created_at)!,
    expired_at: iso(r.expired_at),
  };
}
