/** The rules in force (GET /api/alerts/rules), read only: what fires, when, and where the rule comes from. */
import { api } from '../api';
import { Badge } from './badges';
import { LabelChips } from './alert-labels';
import { Empty, Guard } from './states';
import { useFetch } from './use-fetch';

/** A rule as GET /api/alerts/rules shows it; the fields beyond `for` depend on the kind. */
export interface RuleView {
  name: string;
  kind: 'metric' | 'service_down' | 'health' | 'crash_loop' | 'agent_silent' | 'log_pattern';
  origin: 'default' | 'config' | 'api';
  severity: string;
  for: string;
  metric?: string | null;
  match?: Record<string, string>;
  op?: string;
  threshold?: number;
  service?: string;
  host?: string;
  intervals?: number;
  query?: string | null;
  level?: string | null;
  window?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const any = (v: string | undefined) => (v === undefined || v === '*' ? 'any' : v);

/** The rule's condition in words. */
export function condition(r: RuleView): string {
  switch (r.kind) {
    case 'metric':
      return `${r.metric ?? '?'} ${r.op ?? '>'} ${r.threshold ?? '?'}`;
    case 'service_down':
      return `${any(r.service)} service down`;
    case 'health':
      return `${any(r.service)} service's health check failing`;
    case 'crash_loop':
      return `${any(r.service)} service in a crash loop`;
    case 'agent_silent':
      return `no report from ${any(r.host)} host for ${r.intervals ?? 3} intervals`;
    case 'log_pattern':
      return `${[r.query ? `"${r.query}"` : null, r.level ? `level ≥ ${r.level}` : null].filter(Boolean).join(', ') || 'log lines'} in ${any(r.service)} ${r.op ?? '>'} ${r.threshold ?? 0} per ${r.window ?? '?'}`;
  }
}

export function RulesTable() {
  const f = useFetch((signal) => api.get<{ rules: RuleView[] }>('/api/alerts/rules', {}, signal), []);
  return (
    <Guard f={f} what="the rules" empty={(d) => d.rules.length === 0 && <Empty title="No rules">Built-in rules are off (alerts.defaults: false) and the config has none.</Empty>}>
      {(d) => (
        <div className="table-wrap">
          <table className="alerts-table" data-testid="rules-table">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Condition</th>
                <th>For</th>
                <th>Severity</th>
                <th>Origin</th>
                <th>Summary</th>
              </tr>
            </thead>
            <tbody>
              {d.rules.map((r) => (
                <tr key={r.name} data-rule={r.name}>
                  <td>
                    <b>{r.name}</b>
                    <div className="muted small">{r.kind.replace('_', ' ')}</div>
                  </td>
                  <td>
                    <code>{condition(r)}</code>
                    {r.match && Object.keys(r.match).length > 0 && (
                      <div className="cond-match">
                        <LabelChips labels={r.match} skip={new Set()} />
                      </div>
                    )}
                  </td>
                  <td className="nowrap">{/^0(ms|s)?$/.test(r.for) ? 'at once' : r.for}</td>
                  <td>
                    <Badge value={r.severity} />
                  </td>
                  <td>
                    <span className={`origin origin-${r.origin}`}>{r.origin === 'default' ? 'built-in' : r.origin}</span>
                  </td>
                  <td className="muted summary-cell">{r.annotations.summary ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Guard>
  );
}
