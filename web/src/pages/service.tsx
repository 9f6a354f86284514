/**
 * One service: what it is and how it runs, its health check and history, CPU and memory
 * over a chosen range, its last 50 log lines, actions and log downloads. The first load
 * reads the API; after that the live feed (state, health, samples) and the log tail change
 * the page in place.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { api, withQuery } from '../api';
import { Badge, StatusDot } from '../components/badges';
import { TimeChart, type Line } from '../components/chart';
import { LogList } from '../components/log-list';
import { mergeEntries, useLogTail, type TailState } from '../components/log-tail';
import { ServiceActions } from '../components/service-actions';
import { ServiceFigures } from '../components/service-figures';
import { Empty, Guard } from '../components/states';
import { useFetch, useThrottled } from '../components/use-fetch';
import { useNow } from '../components/use-now';
import { ago, dateTime, duration, megabytes, percent } from '../format';
import { useLive, useReconnect, type LiveEvent } from '../live';
import type { LogEntry, LogPage, MetricSeries, ServiceView } from '../types';
import './logs.css';

/** A stored event (GET /api/events). */
interface StoredEvent {
  id: number;
  at: string;
  topic: string;
  service: string | null;
  payload: Record<string, unknown>;
}

/** Topics that make up a service's health and lifecycle history. */
const historyTopics = new Set(['service.state', 'service.exit', 'service.healthy', 'service.unhealthy', 'service.errored', 'service.adopted']);

const recentLines = 50;

/** The /services/:name page. */
export function ServiceDetail({ name }: { name: string }) {
  const enc = encodeURIComponent(name);
  const svc = useFetch((signal) => api.get<ServiceView>(`/api/services/${enc}`, {}, signal), [name]);
  const events = useFetch((signal) => api.get<{ events: StoredEvent[] }>('/api/events', { service: name, limit: 100 }, signal), [name]);
  const [sample, setSample] = useState<{ at: number; cpu: number; memoryMb: number } | null>(null);
  // An event says what changed at once; one refetch then brings the rest (start time, restarts, exit).
  const refetch = useThrottled(svc.reload, 300);
  // Samples come every few seconds: they refresh "last checked" and uptime at a calmer pace.
  const refetchSlowly = useThrottled(svc.reload, 10_000);
  useLive('service.', (e: LiveEvent) => {
    const p = e.payload;
    if (p.service !== name) return;
    const at = typeof p.at === 'string' ? p.at : new Date().toISOString();
    svc.set((prev) => {
      if (!prev) return prev;
      switch (e.topic) {
        case 'service.state':
          return { ...prev, status: String(p.to), pid: (p.pid as number | null) ?? (p.to === 'stopped' ? null : prev.pid), reason: (p.reason as string | null) ?? prev.reason };
        case 'service.sample':
          return { ...prev, cpu_percent: p.cpu_percent as number, memory_mb: p.memory_mb as number };
        case 'service.healthy':
        case 'service.unhealthy':
          return { ...prev, health: e.topic === 'service.healthy' ? 'healthy' : 'unhealthy', health_message: String(p.message ?? ''), last_checked: at };
        default:
          return prev;
      }
    });
    if (historyTopics.has(e.topic)) {
      events.set((prev) => prev && { events: [{ id: -Date.now(), at, topic: e.topic, service: name, payload: p }, ...prev.events].slice(0, 100) });
    }
    if (e.topic === 'service.sample') {
      setSample({ at: Date.parse(at), cpu: p.cpu_percent as number, memoryMb: p.memory_mb as number });
      refetchSlowly();
    } else refetch();
  });
  useReconnect(() => {
    svc.reload();
    events.reload();
  });

  return (
    <div className="page service-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/">Overview</Link> <span aria-hidden="true">›</span> <span>{svc.data?.display_name || name}</span>
      </nav>
      <Guard f={svc} what={`the service "${name}"`}>
        {(s) => (
          <>
            <Header s={s} />
            {s.reason && (s.status === 'errored' || s.status === 'backoff' || s.status === 'stopped') && (
              <div className={`svc-callout ${s.status === 'stopped' ? 'muted-callout' : ''}`} role="status">
                <strong>{s.status === 'errored' ? 'Gave up restarting: ' : s.status === 'backoff' ? 'Restarting after a failure: ' : 'Stopped: '}</strong>
                {s.reason}
              </div>
            )}
            <Stats s={s} />
            <div className="grid-2">
              <Info s={s} />
              <Health s={s} events={events.data?.events} eventsError={events.error} retry={events.reload} />
            </div>
            <ResourceCharts name={name} sample={sample} />
            <RecentLogs name={name} />
          </>
        )}
      </Guard>
    </div>
  );
}

function Header({ s }: { s: ServiceView }) {
  return (
    <div className="page-head svc-head">
      <div className="svc-title-block">
        <div className="svc-title">
          <h1>{s.display_name || s.service_name}</h1>
          <StatusDot value={s.status} />
        </div>
        <div className="card-sub">
          <code>{s.service_name}</code>
          {s.port !== null && <span>:{s.port}</span>}
          {s.pid !== null && <span>pid {s.pid}</span>}
          {s.description && <span className="svc-desc">{s.description}</span>}
        </div>
      </div>
      <div className="actions">
        <ServiceActions name={s.service_name} status={s.status} />
        <Link className="btn btn-small btn-ghost" href={withQuery('/logs', { service: s.service_name })}>
          All logs →
        </Link>
      </div>
    </div>
  );
}

function Stats({ s }: { s: ServiceView }) {
  const now = useNow(1000);
  return (
    <section className="panel svc-stats" aria-label="Current figures">
      <ServiceFigures s={s} now={now}>
        <div>
          <dt>Restarts</dt>
          <dd>{s.restarts}</dd>
        </div>
        <div>
          <dt>Last exit</dt>
          <dd>{exitText(s)}</dd>
        </div>
      </ServiceFigures>
    </section>
  );
}

function exitText(s: ServiceView): string {
  if (s.exit_signal) return s.exit_signal;
  if (s.exit_code !== null) return `code ${s.exit_code}`;
  return '–';
}

function Info({ s }: { s: ServiceView }) {
  const now = useNow(1000);
  const rows: [string, React.ReactNode][] = [
    ['Name', <code>{s.service_name}</code>],
    ['Display name', s.display_name],
    ['Description', s.description || <span className="muted">none</span>],
    ['Status', <>
      <StatusDot value={s.status} /> <span className="muted">(wanted: {s.desired})</span>
    </>],
    ['PID', s.pid ?? '–'],
    ['Port', s.port ?? <span className="muted">none</span>],
    ['Mode', s.mode],
    ['Started', s.started_at ? <span title={s.started_at}>{dateTime(s.started_at)} <span className="muted">({ago(s.started_at, now)})</span></span> : '–'],
    ['Last exit', s.exit_code !== null || s.exit_signal ? [s.exit_code !== null ? `code ${s.exit_code}` : null, s.exit_signal ? `signal ${s.exit_signal}` : null].filter(Boolean).join(', ') : '–'],
    ['Reason', s.reason ?? '–'],
    [
      'Depends on',
      s.depends_on.length === 0 ? (
        <span className="muted">nothing</span>
      ) : (
        <span className="dep-list">
          {s.depends_on.map((d) => (
            <Link key={d} href={`/services/${encodeURIComponent(d)}`}>
              {d}
            </Link>
          ))}
        </span>
      ),
    ],
  ];
  return (
    <section className="panel" aria-labelledby="svc-info">
      <h3 id="svc-info">Information</h3>
      <dl className="kv" data-testid="service-info">
        {rows.map(([k, v]) => (
          <KV key={k} k={k} v={v} />
        ))}
      </dl>
    </section>
  );
}

function KV({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

const kindLabel: Record<string, string> = { http: 'HTTP', tcp: 'TCP', command: 'Command', process: 'None (process only)' };

function Health({ s, events, eventsError, retry }: { s: ServiceView; events: StoredEvent[] | undefined; eventsError: Error | undefined; retry: () => void }) {
  const now = useNow(5000);
  const history = useMemo(() => (events ?? []).filter((e) => historyTopics.has(e.topic)), [events]);
  return (
    <section className="panel" aria-labelledby="svc-health">
      <h3 id="svc-health">Health check</h3>
      <dl className="kv">
        <KV k="Kind" v={kindLabel[s.type] ?? s.type} />
        <KV k="Target" v={s.health_check ? <code>{s.health_check}</code> : <span className="muted">no health check configured: the process running is all that is checked</span>} />
        <KV k="Last result" v={<Badge value={s.health} />} />
        <KV k="Message" v={s.health_message || '–'} />
        <KV k="Last checked" v={s.last_checked ? <span title={dateTime(s.last_checked)}>{ago(s.last_checked, now)}</span> : 'never'} />
        {s.health_settings && (
          <KV k="Schedule" v={`every ${duration(s.health_settings.interval_ms / 1000)}, timeout ${duration(s.health_settings.timeout_ms / 1000)}, unhealthy after ${s.health_settings.failures} failure${s.health_settings.failures === 1 ? '' : 's'} in a row`} />
        )}
      </dl>
      <h3 className="svc-subhead">History</h3>
      {eventsError && !events ? (
        <div className="form-error">
          Could not load the history: {eventsError.message}{' '}
          <button type="button" className="btn btn-small" onClick={retry}>
            Retry
          </button>
        </div>
      ) : !events ? (
        <div className="muted">Loading the history…</div>
      ) : history.length === 0 ? (
        <div className="muted">No state changes or health transitions recorded yet.</div>
      ) : (
        <ol className="timeline" data-testid="health-history">
          {history.map((e) => (
            <HistoryItem key={`${e.id}-${e.topic}`} e={e} now={now} />
          ))}
        </ol>
      )}
    </section>
  );
}

function HistoryItem({ e, now }: { e: StoredEvent; now: number }) {
  const p = e.payload;
  let badge: React.ReactNode;
  let text: string;
  switch (e.topic) {
    case 'service.state':
      badge = <Badge value={String(p.to)} />;
      text = `${String(p.from)} → ${String(p.to)}${p.reason ? `: ${String(p.reason)}` : ''}`;
      break;
    case 'service.exit': {
      const clean = p.code === 0;
      badge = <Badge value={clean ? 'stopped' : 'failed'} label="exit" />;
      text = `${p.signal ? `killed by ${String(p.signal)}` : `exited with code ${String(p.code)}`}${typeof p.uptime_ms === 'number' ? ` after ${duration(p.uptime_ms / 1000)}` : ''}`;
      break;
    }
    case 'service.healthy':
    case 'service.unhealthy':
      badge = <Badge value={e.topic === 'service.healthy' ? 'healthy' : 'unhealthy'} />;
      text = String(p.message ?? '');
      break;
    case 'service.errored':
      badge = <Badge value="errored" />;
      text = String(p.reason ?? '');
      break;
    default:
      badge = <Badge value="info" label="adopted" />;
      text = `re-adopted running pid ${String(p.pid)}`;
  }
  return (
    <li>
      <time dateTime={e.at} title={dateTime(e.at)}>
        {ago(e.at, now)}
      </time>
      {badge}
      <span className="timeline-text">{text}</span>
    </li>
  );
}

const chartRanges = [
  { value: '1h', ms: 3_600_000 },
  { value: '6h', ms: 6 * 3_600_000 },
  { value: '24h', ms: 86_400_000 },
  { value: '7d', ms: 7 * 86_400_000 },
] as const;

type Points = [number, number | null][];

function ResourceCharts({ name, sample }: { name: string; sample: { at: number; cpu: number; memoryMb: number } | null }) {
  const [range, setRange] = useState<(typeof chartRanges)[number]['value']>('1h');
  const ms = chartRanges.find((r) => r.value === range)!.ms;
  // About 360 points per chart, never finer than 10 s (samples come every 5 s by default, so no
  // step is empty while the service runs); explicit, so live samples extend the series in step.
  const stepMs = Math.max(10_000, Math.ceil(ms / 360 / 1000) * 1000);
  const f = useFetch(
    async (signal) => {
      const end = Date.now();
      const q = (metric: string) =>
        api.get<{ series: MetricSeries[] }>('/api/metrics/query', { name: metric, match: `service:${name}`, start: String(end - ms), end: String(end), step: `${stepMs / 1000}s` }, signal).then((r) => r.series[0]?.points ?? []);
      const [cpu, mem] = await Promise.all([q('service_cpu_percent'), q('service_memory_bytes')]);
      return { cpu, mem: mem.map(([t, v]): [number, number | null] => [t, v === null ? null : v / 1048576]) };
    },
    [name, ms],
  );
  // A live sample extends each series by one step at a time; older points slide out of the range.
  useEffect(() => {
    if (!sample) return;
    const extend = (pts: Points, v: number): Points => {
      const last = pts[pts.length - 1];
      if (last && sample.at - last[0] < stepMs) return pts;
      return [...pts.filter(([t]) => t >= sample.at - ms), [sample.at, v]];
    };
    f.set((prev) => prev && { cpu: extend(prev.cpu, sample.cpu), mem: extend(prev.mem, sample.memoryMb) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sample]);
  return (
    <section className="panel" aria-labelledby="svc-charts">
      <div className="panel-head">
        <h3 id="svc-charts">CPU and memory</h3>
        <div className="seg" role="group" aria-label="Chart range">
          {chartRanges.map((r) => (
            <button key={r.value} type="button" className={r.value === range ? 'active' : ''} aria-pressed={r.value === range} onClick={() => setRange(r.value)}>
              {r.value}
            </button>
          ))}
        </div>
      </div>
      <Guard
        f={f}
        what="the CPU and memory samples"
        empty={(d) =>
          !d.cpu.some(([, v]) => v !== null) &&
          !d.mem.some(([, v]) => v !== null) && (
            <Empty title={`No samples in the last ${range}`}>The service did not run in this range: start it, or pick a longer range. Samples are taken every few seconds while it runs.</Empty>
          )
        }
      >
        {(d) => (
          <div className="grid-2 svc-charts">
            <MetricChart title="CPU" points={d.cpu} unit="%" color="#3b82f6" testId="cpu-chart" fmt={(v) => percent(v)} />
            <MetricChart title="Memory" points={d.mem} unit=" MB" color="#8b5cf6" testId="memory-chart" fmt={(v) => megabytes(v)} />
          </div>
        )}
      </Guard>
    </section>
  );
}

function MetricChart({ title, points, unit, color, testId, fmt }: { title: string; points: Points; unit: string; color: string; testId: string; fmt: (v: number) => string }) {
  // The chart starts at the first sample: a service younger than the range fills the width.
  const first = points.findIndex((p) => p[1] !== null);
  const shown = useMemo(() => (first > 0 ? points.slice(first) : points), [points, first]);
  const xs = useMemo(() => shown.map((p) => p[0]), [shown]);
  const lines = useMemo<Line[]>(() => [{ label: title, values: shown.map((p) => p[1]), color }], [shown, title, color]);
  const summary = useMemo(() => {
    const vals = shown.map((p) => p[1]).filter((v): v is number => v !== null);
    if (vals.length === 0) return null;
    return { last: vals[vals.length - 1]!, avg: vals.reduce((a, b) => a + b, 0) / vals.length, max: Math.max(...vals) };
  }, [shown]);
  return (
    <figure className="svc-chart" data-testid={testId}>
      <figcaption>
        <span className="svc-chart-title">
          {title}
          {first > 0 && <span className="muted svc-chart-since"> since {dateTime(shown[0]![0]).slice(5, 16)}</span>}
        </span>
        {summary && (
          <span className="muted svc-chart-sum">
            now <b>{fmt(summary.last)}</b> · avg {fmt(summary.avg)} · max {fmt(summary.max)}
          </span>
        )}
      </figcaption>
      <TimeChart xs={xs} lines={lines} unit={unit} height={200} title={`${title} over time`} />
    </figure>
  );
}

function RecentLogs({ name }: { name: string }) {
  const f = useFetch((signal) => api.get<LogPage>('/api/logs', { service: name, limit: recentLines }, signal), [name]);
  const [tailed, setTailed] = useState<LogEntry[]>([]);
  useEffect(() => setTailed([]), [name]);
  const tail = useLogTail({ service: name }, true, (entries) => setTailed((prev) => mergeEntries(entries, prev, recentLines)), f.reload);
  const shown = useMemo(() => f.data && { ...f.data, logs: mergeEntries(tailed, f.data.logs, recentLines) }, [f.data, tailed]);
  const exportHref = (format: string) => withQuery('/api/logs/export', { service: name, format });
  return (
    <section className="panel" aria-labelledby="svc-logs">
      <div className="panel-head">
        <h3 id="svc-logs">
          Last {recentLines} log lines <TailBadge state={tail} />
        </h3>
        <div className="actions">
          <Link className="btn btn-small" href={withQuery('/logs', { service: name })}>
            Open in log viewer
          </Link>
          <a className="btn btn-small" href={exportHref('csv')} download data-testid="download-csv">
            ⤓ CSV
          </a>
          <a className="btn btn-small" href={exportHref('json')} download data-testid="download-json">
            ⤓ JSON
          </a>
        </div>
      </div>
      <Guard
        f={{ ...f, data: shown }}
        what="the log lines"
        empty={(d) =>
          d.logs.length === 0 && (
            <Empty title="No log lines from this service yet">Its stdout and stderr appear here as it runs; new lines show up without a reload.</Empty>
          )
        }
      >
        {(d) => <LogList entries={d.logs} showService={false} label={`Last ${recentLines} log lines of ${name}, newest first`} />}
      </Guard>
    </section>
  );
}

function TailBadge({ state }: { state: TailState }) {
  if (state === 'off') return null;
  const text = state === 'live' ? 'live' : state === 'offline' ? 'reconnecting' : 'connecting';
  return (
    <span className={`tail-badge tail-${state}`} title={state === 'live' ? 'New lines appear as they are written' : 'Connecting the live tail…'}>
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
