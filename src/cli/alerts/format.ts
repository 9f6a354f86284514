/** How the alerts commands print: aligned tables with colored states, times in the local zone (UTC with --utc). */
import type { RuleView } from '../../alerts/index.js';
import type { AlertRecord, SilenceRecord } from '../../store/index.js';
import { formatTime } from '../logs/format.js';
import { paint } from '../output.js';

/** An active alert as GET /api/alerts answers. */
export type ActiveAlert = AlertRecord & { silenced_by: string[] };
/** A silence as GET /api/silences answers. */
export type SilenceView = SilenceRecord & { state: 'pending' | 'active' | 'expired' };

/** Labels that name the alert rather than tell instances apart. */
const nameLabels = new Set(['alertname', 'severity']);

/** Prints rows under headers, columns padded to their widest (uncolored) cell. */
export function table(headers: string[], rows: string[][], out: (line: string) => void): void {
  const plain = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => plain(r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - plain(c).length))).join('  ').trimEnd();
  out(paint('bold', line(headers)));
  for (const r of rows) out(line(r));
}

/** "web-1 mount=/": the labels beyond alertname and severity. */
export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => !nameLabels.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** A state word in its color. */
export function paintAlertState(state: string): string {
  if (state === 'firing') return paint('red', state);
  if (state === 'pending') return paint('yellow', state);
  if (state === 'resolved') return paint('green', state);
  return state;
}

/** A severity word in its color. */
export function paintSeverity(severity: string): string {
  if (severity === 'critical') return paint('red', severity);
  if (severity === 'warning') return paint('yellow', severity);
  return paint('gray', severity);
}

/** How long ago: "42s", "5m", "3h", "2d". */
export function ago(iso: string | null, now: number): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function value(v: number | null): string {
  return v === null ? '-' : String(Math.round(v * 100) / 100);
}

/** The active alerts table. */
export function printActive(alerts: ActiveAlert[], now: number, out: (line: string) => void): void {
  if (alerts.length === 0) return out(paint('green', 'no alerts firing or pending'));
  table(
    ['STATE', 'SEVERITY', 'ALERT', 'LABELS', 'VALUE', 'SINCE', 'SUMMARY'],
    alerts.map((a) => [
      paintAlertState(a.state) + (a.silenced_by.length ? paint('gray', ' (silenced)') : ''),
      paintSeverity(a.severity),
      a.rule,
      labelText(a.labels),
      value(a.value),
      ago(a.state === 'firing' ? a.fired_at : a.started_at, now),
      a.annotations.summary ?? '',
    ]),
    out,
  );
}

/** The history table, newest first. */
export function printHistory(alerts: AlertRecord[], utc: boolean, out: (line: string) => void): void {
  if (alerts.length === 0) return out(paint('gray', 'no alert history matches'));
  table(
    ['TIME', 'STATE', 'SEVERITY', 'ALERT', 'LABELS', 'VALUE', 'NOTIFIED'],
    alerts.map((a) => [
      formatTime(a.updated_at, utc),
      paintAlertState(a.state),
      paintSeverity(a.severity),
      a.rule,
      labelText(a.labels),
      value(a.value),
      a.last_notified_at ? formatTime(a.last_notified_at, utc) : '-',
    ]),
    out,
  );
}

/** The rules table. */
export function printRules(rules: RuleView[], out: (line: string) => void): void {
  table(
    ['NAME', 'KIND', 'ORIGIN', 'SEVERITY', 'CONDITION', 'FOR'],
    rules.map((r) => [r.name, r.kind, r.origin === 'default' ? paint('gray', r.origin) : r.origin, paintSeverity(r.severity), condition(r), r.for]),
    out,
  );
}

/** A rule's condition in one phrase: "cpu_percent{host=*} > 80". */
export function condition(r: RuleView): string {
  const match = r.match && Object.keys(r.match).length ? `{${Object.entries(r.match).map(([k, v]) => `${k}=${v}`).join(',')}}` : '';
  switch (r.kind) {
    case 'metric':
      return `${r.metric}${match} ${r.op} ${r.threshold}`;
    case 'service_down':
      return `service ${r.service} should run but is down`;
    case 'health':
      return `service ${r.service} unhealthy`;
    case 'crash_loop':
      return `service ${r.service} crash loop`;
    case 'agent_silent':
      return `host ${r.host} silent for ${r.intervals} intervals`;
    case 'log_pattern': {
      const what = [r.query ? `"${r.query}"` : null, r.level ? `level >= ${r.level}` : null, r.service && r.service !== '*' ? `service ${r.service}` : null].filter(Boolean).join(', ');
      return `lines (${what}) in ${r.window} ${r.op} ${r.threshold}`;
    }
  }
}

/** A matcher as typed on the command line. */
export function matcherText(m: { name: string; op: string; value: string }): string {
  return `${m.name}${m.op}${/[\s"]/.test(m.value) ? JSON.stringify(m.value) : m.value}`;
}

/** The silences table. */
export function printSilences(silences: SilenceView[], utc: boolean, out: (line: string) => void): void {
  if (silences.length === 0) return out(paint('gray', 'no silences'));
  table(
    ['ID', 'STATE', 'MATCHERS', 'STARTS', 'ENDS', 'BY', 'COMMENT'],
    silences.map((s) => [
      s.id,
      s.state === 'active' ? paint('yellow', s.state) : paint('gray', s.state),
      s.matchers.map(matcherText).join(' '),
      formatTime(s.starts_at, utc),
      formatTime(s.expired_at ?? s.ends_at, utc),
      s.created_by ?? '-',
      s.comment,
    ]),
    out,
  );
}
