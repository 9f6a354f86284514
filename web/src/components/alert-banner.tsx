/** Firing alerts, on top of the overview: the first thing an operator must see. */
import { Link } from 'wouter';
import { api } from '../api';
import { useLive, useReconnect } from '../live';
import type { Alert } from '../types';
import { Badge } from './badges';
import { useFetch, useThrottled } from './use-fetch';

export function FiringAlerts() {
  const f = useFetch((signal) => api.get<{ alerts: Alert[] }>('/api/alerts', { state: 'firing' }, signal), []);
  const refresh = useThrottled(f.reload, 500);
  useLive('alert.', refresh);
  useReconnect(f.reload);
  const firing = f.data?.alerts ?? [];
  if (firing.length === 0) return null;
  return (
    <section className="alert-banner" aria-label="Firing alerts" data-testid="firing-alerts">
      <strong>
        {firing.length} alert{firing.length > 1 ? 's' : ''} firing
      </strong>
      <ul>
        {firing.slice(0, 5).map((a) => (
          <li key={a.fingerprint}>
            <Badge value={a.severity} /> <b>{a.rule}</b> {a.annotations.summary ?? Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' ')}
            {a.silenced_by && a.silenced_by.length > 0 && <span className="muted"> (silenced)</span>}
          </li>
        ))}
      </ul>
      <Link href="/alerts">See all alerts →</Link>
    </section>
  );
}
