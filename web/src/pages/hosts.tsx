/**
 * Hosts: every host an agent reports from, with its status, what it runs, its latest CPU,
 * memory and disk, and a CPU sparkline of the last hour (one metrics query for all hosts).
 * Live: a report moves "last seen" at once and refetches the figures (throttled); a status
 * change (online → stale → offline) is applied from the event itself.
 */
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api } from '../api';
import { Badge, StatusDot } from '../components/badges';
import { Sparkline } from '../components/chart';
import { PercentMeter } from '../components/host-meter';
import { RegisterHost } from '../components/host-register';
import { AgentSetup } from '../components/host-setup';
import type { HostStatus, HostView } from '../components/host-types';
import { Empty, Guard } from '../components/states';
import { useFetch, useThrottled } from '../components/use-fetch';
import { useNow } from '../components/use-now';
import { ago, dateTime, duration } from '../format';
import { useLive, useReconnect, type LiveEvent } from '../live';
import { useCan } from '../session';
import type { MetricSeries } from '../types';
import './hosts.css';

const statuses: HostStatus[] = ['online', 'stale', 'offline'];

export function Hosts() {
  const list = useFetch((signal) => api.get<{ hosts: HostView[] }>('/api/hosts', {}, signal), []);
  // One query for every host's CPU (a series per source host:<id>), with steps long enough
  // for the slowest host's reports: a step without a report breaks the line.
  const slowest = Math.max(0, ...(list.data?.hosts.map((h) => h.interval_s) ?? []));
  const step = `${Math.min(300, Math.max(30, Math.ceil(slowest * 1.5)))}s`;
  const cpu = useFetch((signal) => api.get<{ series: MetricSeries[] }>('/api/metrics/query', { name: 'cpu_percent', step }, signal), [step]);
  const refetchList = useThrottled(list.reload, 5_000);
  const refetchCpu = useThrottled(cpu.reload, 30_000);
  useLive('host.', (e: LiveEvent) => {
    const p = e.payload as { host?: string; at?: string; to?: string };
    list.set((prev) => {
      if (!prev || !prev.hosts.some((h) => h.id === p.host)) return prev;
      return {
        hosts: prev.hosts.map((h) => {
          if (h.id !== p.host) return h;
          if (e.topic === 'host.status' && p.to) return { ...h, status: p.to as HostStatus };
          if (e.topic === 'host.report' && p.at) return { ...h, last_seen: p.at };
          return h;
        }),
      };
    });
    // A host we do not know yet (just registered) or new figures: read the list again.
    refetchList();
    if (e.topic === 'host.report') refetchCpu();
  });
  useReconnect(() => {
    list.reload();
    cpu.reload();
  });
  // Re-rendered every 5 s; the clock is read at render (a tick may be 5 s old, and a report or silence 0 s).
  useNow(5_000);
  const now = Date.now();
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState<HostStatus | ''>('');
  const isAdmin = useCan('admin');
  const [registering, setRegistering] = useState(false);
  const registerButton = isAdmin && (
    <button type="button" className="btn btn-primary" onClick={() => setRegistering(true)}>
      Register host
    </button>
  );

  const sparks = useMemo(() => {
    const out = new Map<string, (number | null)[]>();
    for (const s of cpu.data?.series ?? []) if (s.source.startsWith('host:')) out.set(s.source.slice(5), s.points.map(([, v]) => v));
    return out;
  }, [cpu.data]);

  return (
    <div className="page hosts-page">
      <div className="page-head">
        <div>
          <h1>Hosts</h1>
          <p className="muted page-sub">Machines running the Wheelhouse agent, with their latest figures and the last hour of CPU.</p>
        </div>
        <div className="page-head-actions">
          {list.data && list.data.hosts.length > 0 && <StatusCounts hosts={list.data.hosts} active={status} onPick={setStatus} />}
          {registerButton}
        </div>
      </div>
      {registering && (
        <RegisterHost
          onClose={() => setRegistering(false)}
          onDone={() => {
            setRegistering(false);
            list.reload();
          }}
        />
      )}
      <Guard
        f={list}
        what="the hosts"
        empty={(d) =>
          d.hosts.length === 0 && (
            <Empty title="No hosts yet">
              <p>Register a host, then run the agent on it: it pushes CPU, memory, disks, network and load to this hub.</p>
              <AgentSetup />
            </Empty>
          )
        }
      >
        {(d) => {
          const q = filter.trim().toLowerCase();
          const shown = d.hosts.filter((h) => (status === '' || h.status === status) && (q === '' || searchText(h).includes(q)));
          return (
            <section className="panel table-panel">
              <div className="table-tools">
                <input type="search" placeholder="Filter by name, label, OS…" aria-label="Filter hosts" value={filter} onChange={(e) => setFilter(e.target.value)} />
                <span className="muted">
                  {shown.length === d.hosts.length ? `${d.hosts.length} host${d.hosts.length === 1 ? '' : 's'}` : `${shown.length} of ${d.hosts.length} hosts`}
                </span>
              </div>
              {shown.length === 0 ? (
                <Empty title="No host matches">Clear the filter to see every host.</Empty>
              ) : (
                <div className="table-wrap">
                  <table className="hosts-table" data-testid="hosts-table">
                    <thead>
                      <tr>
                        <th>Host</th>
                        <th>Status</th>
                        <th className="col-opt">Last seen</th>
                        <th className="host-system">System</th>
                        <th>
                          CPU<span className="col-opt"> · last hour</span>
                        </th>
                        <th>Memory</th>
                        <th>Disk</th>
                        <th className="num col-opt">Load</th>
                        <th className="num col-opt">Uptime</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((h) => (
                        <HostRow key={h.id} h={h} spark={sparks.get(h.id)} now={now} />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          );
        }}
      </Guard>
    </div>
  );
}

/** The color class of a percentage: as the meters, warn past 75%, bad past 90%. */
function level(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : v > 90 ? 'val-bad' : v > 75 ? 'val-warn' : '';
}

/** Scaled to the hour's peak (a flat line at 3% says nothing), but never below 10%. */
function sparkTop(values: (number | null)[] | undefined): number {
  let top = 10;
  for (const v of values ?? []) if (v !== null && v > top) top = v;
  return Math.min(100, top * 1.1);
}

function searchText(h: HostView): string {
  return [h.id, h.display_name, h.meta?.hostname, h.meta?.os, h.meta?.kernel, ...Object.entries(h.labels).map(([k, v]) => `${k}=${v}`)].join(' ').toLowerCase();
}

/** "2 online · 1 stale": also a filter by status. */
function StatusCounts({ hosts, active, onPick }: { hosts: HostView[]; active: HostStatus | ''; onPick: (s: HostStatus | '') => void }) {
  return (
    <div className="status-counts" role="group" aria-label="Filter by status">
      {statuses.map((s) => {
        const n = hosts.filter((h) => h.status === s).length;
        return (
          <button key={s} type="button" className={`status-count sc-${s} ${active === s ? 'active' : ''}`} aria-pressed={active === s} onClick={() => onPick(active === s ? '' : s)} disabled={n === 0 && active !== s}>
            <span className="n">{n}</span> {s}
          </button>
        );
      })}
    </div>
  );
}

function HostRow({ h, spark, now }: { h: HostView; spark: (number | null)[] | undefined; now: number }) {
  const [, navigate] = useLocation();
  const href = `/hosts/${encodeURIComponent(h.id)}`;
  const m = h.metrics;
  const up = m?.uptime_seconds ?? null;
  return (
    // The whole row opens the host (the name stays the link for keyboards and screen readers).
    <tr
      className={`host-row st-${h.status}`}
      data-host={h.id}
      data-status={h.status}
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest('a')) navigate(href);
      }}
    >
      <td>
        <Link href={href} className="host-name">
          {h.display_name || h.id}
        </Link>
        <div className="host-sub">
          {h.display_name !== h.id && <code>{h.id}</code>}
          {Object.entries(h.labels).map(([k, v]) => (
            <span key={k} className="chip">
              {k}={v}
            </span>
          ))}
          {h.revoked_at && <Badge value="failed" label="revoked" />}
        </div>
      </td>
      <td>
        <StatusDot value={h.status} />
      </td>
      <td title={h.last_seen ? dateTime(h.last_seen) : 'No report yet'} className="nowrap col-opt">
        {h.last_seen ? ago(h.last_seen, now) : <span className="muted">waiting for the first report</span>}
      </td>
      <td className="host-system">
        {h.meta ? (
          <>
            <div>{h.meta.os ?? '–'}</div>
            <div className="muted small">
              {[h.meta.kernel, h.meta.cpus ? `${h.meta.cpus} CPU${h.meta.cpus > 1 ? 's' : ''}` : null, h.meta.hostname && h.meta.hostname !== h.id ? h.meta.hostname : null].filter(Boolean).join(' · ')}
            </div>
          </>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td>
        <span className="cpu-cell" title={spark ? 'CPU over the last hour' : undefined}>
          <span className={`cell-meter-value ${level(m?.cpu_percent)}`}>{m?.cpu_percent === null || m?.cpu_percent === undefined ? '–' : `${m.cpu_percent.toFixed(0)}%`}</span>
          <Sparkline values={spark ?? []} max={sparkTop(spark)} width={96} height={26} />
        </span>
      </td>
      <td>
        <PercentMeter value={m?.memory_percent} label="Memory" />
      </td>
      <td>
        <PercentMeter value={m?.disk_percent} label="Disk" />
      </td>
      <td className="num col-opt">{m?.load1 === null || m?.load1 === undefined ? '–' : m.load1.toFixed(2)}</td>
      <td className="num nowrap col-opt">{up === null ? '–' : duration(up)}</td>
    </tr>
  );
}
