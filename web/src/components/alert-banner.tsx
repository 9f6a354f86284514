/**
 * Firing alerts, on top of the overview: the first thing an operator must see. Alerts
 * nobody has silenced come first; silenced ones are marked (they still fire, but someone
 * already knows).
 */
import { Link } from 'wouter';
import { api } from '../api';
import { useLive, useReconnect } from '../live';
import type { Alert } from '../types';
import { Badge } from './badges';
import { useFetch, useThrottled } from './use-fetch';

const shown = 5;

export function FiringAlerts() {
  const f = useFetch((signal) => api.get<{ alerts: Alert[] }>('/api/alerts', { state: 'firing' }, signal), []);
  const refresh = useThrottled(f.reload, 500);
  useLive('alert.', refresh);
  useLive('silence.', refresh);
  useReconnect(f.reload);
  const firing = f.data?.alerts ?? [];
  if (firing.length === 0) return null;
  const isSilenced = (a: Alert) => (a.silenced_by?.length ?? 0) > 0;
  const silenced = firing.filter(isSilenced).length;
  const ordered = [...firing.filter((a) => !isSilenced(a)), ...firing.filter(isSilenced)];
  return (
    <section className="alert-banner" aria-label="Firing alerts" data-testid="firing-alerts">
      <strong>
        {firing.length} alert{firing.length > 1 ? 's' : ''} firing
      </strong>
      {silenced > 0 && <span className="muted"> · {silenced === firing.length ? 'all silenced' : `${silenced} silenced`}</span>}
      <ul>
        {ordered.slice(0, shown).map((a) => (
          <li key={a.fingerprint} data-alert={a.rule} data-silenced={isSilenced(a)}>
            <Badge value={a.severity} /> <b>{a.rule}</b> {a.annotations.summary ?? Object.entries(a.labels).filter(([k]) => k !== 'alertname' && k !== 'severity').map(([k, v]) => `${k}=${v}`).join(' ')}
            {isSilenced(a) && (
              <>
                {' '}
                <Badge value="none" label="silenced" />
              </>
            )}
          </li>
        ))}
        {firing.length > shown && <li className="muted">and {firing.length - shown} more</li>}
      </ul>
      <Link href="/alerts">See all alerts →</Link>
    </section>
  );
}
