/**
 * The overview: every service as a card, the host's CPU, memory and disk, firing alerts on
 * top. The first load reads /api/dashboard/status; after that the live feed says what
 * changed (state, health, samples) and the cards change in place.
 */
import { Link } from 'wouter';
import { api } from '../api';
import { FiringAlerts } from '../components/alert-banner';
import { StatusDot } from '../components/badges';
import { ServiceActions } from '../components/service-actions';
import { ServiceFigures } from '../components/service-figures';
import { Empty, Guard } from '../components/states';
import { useFetch, useThrottled } from '../components/use-fetch';
import { useNow } from '../components/use-now';
import { percent } from '../format';
import { useLive, useReconnect, type LiveEvent } from '../live';
import { levels, type LevelCounts, type LogCounts, type SystemStatus } from '../types';

const shortLevel = { DEBUG: 'DBG', INFO: 'INF', WARNING: 'WRN', ERROR: 'ERR', CRITICAL: 'CRT' } as const;

interface CardData {
  display_name: string;
  status: string;
  health: string;
  health_message: string | null;
  pid: number | null;
  port: number | null;
  started_at: string | null;
  cpu_percent: number | null;
  memory_mb: number | null;
}

interface DashboardStatus {
  services: Record<string, CardData>;
  system: SystemStatus;
}

export function Overview() {
  const status = useFetch((signal) => api.get<DashboardStatus>('/api/dashboard/status', {}, signal), []);
  const counts = useFetch((signal) => api.get<LogCounts>('/api/logs/counts', { window: '1h' }, signal), []);
  // A state change is applied at once from the event; the rest of the card (pid, start time,
  // health message) follows from one refetch, however many events a restart produces.
  const refetch = useThrottled(status.reload, 300);
  const refetchCounts = useThrottled(counts.reload, 15_000);
  useLive('service.', (e: LiveEvent) => {
    const p = e.payload as Record<string, unknown>;
    const name = String(p.service ?? '');
    status.set((prev) => {
      const card = prev?.services[name];
      if (!prev || !card) return prev;
      let next: CardData = card;
      if (e.topic === 'service.state') next = { ...card, status: String(p.to), pid: (p.pid as number | null) ?? card.pid };
      else if (e.topic === 'service.sample') next = { ...card, cpu_percent: p.cpu_percent as number, memory_mb: p.memory_mb as number };
      else if (e.topic === 'service.healthy') next = { ...card, health: 'healthy', health_message: String(p.message ?? '') };
      else if (e.topic === 'service.unhealthy') next = { ...card, health: 'unhealthy', health_message: String(p.message ?? '') };
      return { ...prev, services: { ...prev.services, [name]: next } };
    });
    if (e.topic === 'service.sample') refetchCounts();
    else refetch();
  });
  useReconnect(() => {
    status.reload();
    counts.reload();
  });
  const now = useNow(5000);
  return (
    <div className="page">
      <FiringAlerts />
      <div className="page-head">
        <h1>Overview</h1>
        {status.data && <SystemBar system={status.data.system} />}
      </div>
      <Guard
        f={status}
        what="the services"
        empty={(d) =>
          Object.keys(d.services).length === 0 && (
            <Empty title="No services yet">
              Add services to <code>wheelhouse.yaml</code> (see <code>examples/wheelhouse.yaml</code>), then restart the hub or run <code>wheelhouse config</code> to check the file.
            </Empty>
          )
        }
      >
        {(d) => (
          <div className="cards" data-testid="service-cards">
            {Object.entries(d.services).map(([name, s]) => (
              <ServiceCard key={name} name={name} s={s} counts={counts.data?.services[name]} now={now} />
            ))}
          </div>
        )}
      </Guard>
    </div>
  );
}

function SystemBar({ system }: { system: SystemStatus }) {
  const meters: [string, number][] = [
    ['CPU', system.cpu_percent],
    ['Memory', system.memory_percent],
    ['Disk', system.disk_percent],
  ];
  return (
    <div className="system" aria-label="Hub host">
      {meters.map(([label, v]) => (
        <div key={label} className="meter" title={`${label} ${percent(v)}`}>
          <span className="meter-label">{label}</span>
          <span className="meter-bar">
            <span className={`meter-fill ${v > 90 ? 'bad' : v > 75 ? 'warn' : ''}`} style={{ width: `${Math.min(100, v)}%` }} />
          </span>
          <span className="meter-value">{percent(v, 0)}</span>
        </div>
      ))}
    </div>
  );
}

function ServiceCard({ name, s, counts, now }: { name: string; s: CardData; counts: LevelCounts | undefined; now: number }) {
  return (
    <article className={`card service-card state-${s.status}`} data-service={name} data-status={s.status} aria-labelledby={`svc-${name}`}>
      <header className="card-head">
        <h2 id={`svc-${name}`}>
          <Link href={`/services/${encodeURIComponent(name)}`}>{s.display_name || name}</Link>
        </h2>
        <StatusDot value={s.status} />
      </header>
      <div className="card-sub">
        <code>{name}</code>
        {s.port !== null && <span>:{s.port}</span>}
        {s.pid !== null && <span className="muted">pid {s.pid}</span>}
      </div>
      <ServiceFigures s={s} now={now} />
      <div className="log-counts" aria-label="Log entries in the last hour">
        {levels.map((l) => {
          const n = counts?.[l] ?? 0;
          return (
            <Link key={l} href={`/logs?service=${encodeURIComponent(name)}&level=${l}&range=1h`} className={`count ${n > 0 ? `count-${l}` : ''}`} title={`${n} ${l} in the last hour`}>
              {shortLevel[l]} {n}
            </Link>
          );
        })}
      </div>
      <footer className="card-foot">
        <ServiceActions name={name} status={s.status} />
        <Link className="btn btn-small btn-ghost" href={`/logs?service=${encodeURIComponent(name)}`}>
          View logs
        </Link>
      </footer>
    </article>
  );
}
