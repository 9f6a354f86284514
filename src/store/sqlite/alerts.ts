/**
 * SQLite alerts repository. `alerts` holds the current state of each fingerprint;
 * `alert_history` one row per state a fingerprint went through (a save in the same state
 * updates that row in place: history lists state changes, each with its latest details).
 */
import type Database from 'better-sqlite3';
import type { AlertQuery, AlertRecord, AlertRepo, DeliveryRecord, SilenceRecord, StoredRule } from '../index.js';

const alertColumns = [
  'fingerprint', 'rule', 'state', 'severity', 'labels', 'annotations', 'value',
  'started_at', 'fired_at', 'resolved_at', 'last_notified_at', 'updated_at',
] as const satisfies readonly (keyof AlertRecord)[];

const upsertAlertSql = `INSERT INTO alerts (${alertColumns.join(', ')}) VALUES (${alertColumns.map((c) => '@' + c).join(', ')})
  ON CONFLICT(fingerprint) DO UPDATE SET ${alertColumns.filter((c) => c !== 'fingerprint').map((c) => `${c} = excluded.${c}`).join(', ')}`;
const insertHistorySql = `INSERT INTO alert_history (${alertColumns.join(', ')}) VALUES (${alertColumns.map((c) => '@' + c).join(', ')})`;
const updateHistorySql = `UPDATE alert_history SET ${alertColumns.filter((c) => c !== 'fingerprint').map((c) => `${c} = @${c}`).join(', ')}
  WHERE id = (SELECT MAX(id) FROM alert_history WHERE fingerprint = @fingerprint)`;

type Row = Record<string, unknown>;

/** SQLite implementation of AlertRepo. */
export function sqliteAlerts(db: Database.Database): AlertRepo {
  // Prepared on first use: the tables exist only after migrate().
  const statements = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let s = statements.get(text);
    if (!s) {
      s = db.prepare(text);
      statements.set(text, s);
    }
    return s;
  };

  const save = (a: AlertRecord): void => {
    const row = { ...a, labels: JSON.stringify(a.labels), annotations: JSON.stringify(a.annotations) };
    const current = sql('SELECT state FROM alerts WHERE fingerprint = ?').get(a.fingerprint) as { state: string } | undefined;
    sql(upsertAlertSql).run(row);
    if (current?.state === a.state) sql(updateHistorySql).run(row);
    else sql(insertHistorySql).run(row);
  };
  let saveTx: ((a: AlertRecord) => void) | undefined;

  return {
    async saveAlert(alert) {
      saveTx ??= db.transaction(save);
      saveTx(alert);
    },
    async active() {
      return (sql("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY started_at, fingerprint").all() as Row[]).map(toAlert);
    },
    async history(q: AlertQuery) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.rule !== undefined) (where.push('rule = ?'), args.push(q.rule));
      if (q.state !== undefined) (where.push('state = ?'), args.push(q.state));
      if (q.since !== undefined) (where.push('updated_at >= ?'), args.push(q.since));
      const text = `SELECT * FROM alert_history ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
      return (db.prepare(text).all(...args, q.limit ?? 100) as Row[]).map(toAlert);
    },
    async createSilence(s: SilenceRecord) {
      sql(
        `INSERT INTO silences (id, matchers, starts_at, ends_at, comment, created_by, created_at, expired_at)
         VALUES (@id, @matchers, @starts_at, @ends_at, @comment, @created_by, @created_at, @expired_at)`,
      ).run({ ...s, matchers: JSON.stringify(s.matchers) });
    },
    async silences(includeExpired) {
      const rows = includeExpired
        ? (sql('SELECT * FROM silences ORDER BY created_at DESC, id').all() as Row[])
        : (sql('SELECT * FROM silences WHERE expired_at IS NULL AND ends_at > ? ORDER BY created_at DESC, id').all(new Date().toISOString()) as Row[]);
      return rows.map(toSilence);
    },
    async expireSilence(id, at) {
      return sql('UPDATE silences SET expired_at = ? WHERE id = ? AND expired_at IS NULL AND ends_at > ?').run(at, id, at).changes > 0;
    },
    async appendDelivery(d: DeliveryRecord) {
      const info = sql('INSERT INTO alert_deliveries (channel, alerts, kind, status, attempt, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        d.channel, JSON.stringify(d.alerts), d.kind, d.status, d.attempt, d.error, d.at,
      );
      return Number(info.lastInsertRowid);
    },
    async deliveries(q) {
      const rows =
        q.channel === undefined
          ? (sql('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT ?').all(q.limit ?? 100) as Row[])
          : (sql('SELECT * FROM alert_deliveries WHERE channel = ? ORDER BY id DESC LIMIT ?').all(q.channel, q.limit ?? 100) as Row[]);
      return rows.map((r) => ({ ...(r as unknown as DeliveryRecord), id: Number(r.id), alerts: JSON.parse(r.alerts as string) as string[] }));
    },
    async saveRule(rule: StoredRule) {
      sql(
        `INSERT INTO alert_rules (name, definition, created_at, created_by) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, created_at = excluded.created_at, created_by = excluded.created_by`,
      ).run(rule.name, JSON.stringify(rule.definition), rule.created_at, rule.created_by);
    },
    async rules() {
      return (sql('SELECT * FROM alert_rules ORDER BY name').all() as Row[]).map((r) => ({
        name: r.name as string,
        definition: JSON.parse(r.definition as string) as Record<string, unknown>,
        created_at: r.created_at as string,
        created_by: (r.created_by as string | null) ?? null,
      }));
    },
    async removeRule(name) {
      return sql('DELETE FROM alert_rules WHERE name = ?').run(name).changes > 0;
    },
  };
}

function toAlert(r: Row): AlertRecord {
  return {
    fingerprint: r.fingerprint as string,
    rule: r.rule as string,
    state: r.state as AlertRecord['state'],
    severity: r.severity as AlertRecord['severity'],
    labels: JSON.parse(r.labels as string) as Record<string, string>,
    annotations: JSON.parse(r.annotations as string) as Record<string, string>,
    value: (r.value as number | null) ?? null,
    started_at: r.started_at as string,
    fired_at: (r.fired_at as string | null) ?? null,
    resolved_at: (r.resolved_at as string | null) ?? null,
    last_notified_at: (r.last_notified_at as string | null) ?? null,
    updated_at: r.updated_at as string,
  };
}

function toSilence(r: Row): SilenceRecord {
  return {
    id: r.id as string,
    matchers: JSON.parse(r.matchers as string) as SilenceRecord['matchers'],
    starts_at: r.starts_at as string,
    ends_at: r.ends_at as string,
    comment: r.comment as string,
    created_by: (r.created_by as string | null) ?? null,
    created_at: r.created_at as string,
    expired_at: (r.expired_at as string | null) ?? null,
  };
}
