/**
 * Alert history (GET /api/alerts/history): every state change, newest first, filtered by
 * rule, state and age. Refreshes on alert events while shown.
 */
import { useState } from 'react';
import { api } from '../api';
import { dateTime, duration } from '../format';
import { useLive, useReconnect } from '../live';
import type { Alert } from '../types';
import { alertValue, LabelChips } from './alert-labels';
import { Badge } from './badges';
import { Empty, Guard } from './states';
import { useFetch, useThrottled } from './use-fetch';

/** A history record: an alert as it was saved at one change. */
type HistoryRecord = Omit<Alert, 'silenced_by'> & { last_notified_at: string | null };

const ages = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

/** What happened at this change, in words. */
function change(r: HistoryRecord): { tone: string; text: string } {
  if (r.state === 'firing') return { tone: 'firing', text: 'fired' };
  if (r.state === 'pending') return { tone: 'pending', text: 'pending' };
  return r.fired_at ? { tone: 'resolved', text: 'resolved' } : { tone: 'none', text: 'cleared before firing' };
}

export function AlertHistory({ rules }: { rules: string[] }) {
  const [rule, setRule] = useState('');
  const [state, setState] = useState('');
  const [since, setSince] = useState('24h');
  const f = useFetch((signal) => api.get<{ alerts: HistoryRecord[] }>('/api/alerts/history', { rule, state, since, limit: 200 }, signal), [rule, state, since]);
  const refresh = useThrottled(f.reload, 1000);
  useLive('alert.', refresh);
  useReconnect(f.reload);
  return (
    <div className="history">
      <div className="toolbar">
        <label>
          Rule
          <select value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="">Any rule</option>
            {rules.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Change
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">Any</option>
            <option value="firing">Fired</option>
            <option value="resolved">Resolved</option>
            <option value="pending">Pending</option>
          </select>
        </label>
        <label>
          When
          <select value={since} onChange={(e) => setSince(e.target.value)}>
            {ages.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Guard f={f} what="the alert history" empty={(d) => d.alerts.length === 0 && <Empty title="Nothing happened">No alert changed state in this period{rule ? ` for ${rule}` : ''}.</Empty>}>
        {(d) => (
          <div className="table-wrap">
            <table className="alerts-table" data-testid="alert-history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Change</th>
                  <th>Alert</th>
                  <th>Labels</th>
                  <th className="num">Value</th>
                  <th>Lasted</th>
                </tr>
              </thead>
              <tbody>
                {d.alerts.map((r, i) => {
                  const c = change(r);
                  const end = r.resolved_at ? Date.parse(r.resolved_at) : null;
                  return (
                    <tr key={`${r.fingerprint}-${r.updated_at}-${i}`} className={`sev-${r.severity}`} data-alert={r.rule} data-state={r.state}>
                      <td className="nowrap">{dateTime(r.updated_at)}</td>
                      <td>
                        <Badge value={c.tone} label={c.text} />
                      </td>
                      <td>
                        <b>{r.rule}</b> <Badge value={r.severity} />
                        {r.annotations.summary && <div className="muted small">{r.annotations.summary}</div>}
                      </td>
                      <td>
                        <LabelChips labels={r.labels} />
                      </td>
                      <td className="num">{alertValue(r.value)}</td>
                      <td className="nowrap">{end !== null ? duration((end - Date.parse(r.started_at)) / 1000) : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Guard>
    </div>
  );
}
