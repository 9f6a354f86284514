/**
 * One host: what it is, its latest figures, and charts of CPU, memory, disk usage per mount,
 * network and disk traffic, and load over a chosen range (1h, 6h, 24h, 7d; in the URL).
 * Live: a report from this host refetches the view (throttled by range: a 7-day chart gains
 * nothing from a refetch every few seconds); a status change applies at once.
 */
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api } from '../api';
import { StatusDot } from '../components/badges';
import { HostChart } from '../components/host-charts';
import { PercentMeter } from '../components/host-meter';
import { hostRanges, keyLabel, type HostDetailView, type HostRange, type HostStatus } from '../components/host-types';
import { Guard } from '../components/states';
import { useFetch, useThrottled } from '../components/use-fetch';
import { useNow } from '../components/use-now';
import { ago, bytes, dateTime, duration, percent } from '../format';
import { useLive, useReconnect, type LiveEvent } from '../live';
import type { MetricSeries } from '../types';
import './hosts.css';

export function HostDetail({ id }: { id: string }) {
  const [params, setParams] = useSearchParams();
  const spec = hostRanges.find((r) => r.range === params.get('range')) ?? hostRanges[0];
  const range: HostRange = spec.range;
  // A step shorter than the report interval leaves empty steps between points, and a line
  // needs two neighbours: at least 1.5 intervals (known after the first answer) per step.
  const [intervalS, setIntervalS] = useState(10);
  const step = `${Math.max(spec.stepS, Math.ceil(intervalS * 1.5))}s`;
  const f = useFetch((signal) => api.get<HostDetailView>(`/api/hosts/${encodeURIComponent(id)}`, { range: spec.range, step }, signal), [id, range, step]);
  const reported = f.data?.interval_s;
  useEffect(() => {
    if (reported !== undefined) setIntervalS(reported);
  }, [reported]);
  const refetch = useThrottled(f.reload, spec.refreshMs);
  useLive('host.', (e: LiveEvent) => {
    const p = e.payload as { host?: string; to?: string; at?: string };
    if (p.host !== id) return;
    if (e.topic === 'host.status' && p.to) f.set((prev) => (prev ? { ...prev, status: p.to as HostStatus } : prev));
    if (e.topic === 'host.report' && p.at) f.set((prev) => (prev ? { ...prev, last_seen: p.at! } : prev));
    refetch();
  });
  useReconnect(f.reload);
  // Re-rendered every 5 s; the clock is read at render (a tick may be 5 s old, and a report or silence 0 s).
  useNow(5_000);
  const now = Date.now();
  const pick = (r: HostRange) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (r === hostRanges[0].range) next.delete('range');
        else next.set('range', r);
        return next;
      },
      { replace: true },
    );

  return (
    <div className="page host-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/hosts">← Hosts</Link>
      </nav>
      <Guard f={f} what={`host ${id}`}>
        {(h) => (
          <>
            <div className="page-head">
              <div className="host-title">
                <h1>{h.display_name || h.id}</h1>
                <StatusDot value={h.status} />
                {Object.entries(h.labels).map(([k, v]) => (
                  <span key={k} className="chip">
                    {k}={v}
                  </span>
                ))}
              </div>
              <div className="range-pick">
                {/* Only while another range loads: live refetches of the same range stay quiet. */}
                {f.loading && Date.parse(h.range.until) - Date.parse(h.range.since) !== spec.ms && <span className="spinner" role="status" aria-label="Loading the charts" />}
                <div className="segmented" role="group" aria-label="Chart range">
                  {hostRanges.map((r) => (
                    <button key={r.range} type="button" className={r.range === range ? 'active' : ''} aria-pressed={r.range === range} title={`The last ${r.label}`} onClick={() => pick(r.range)}>
                      {r.range}
                    </button>
                  ))}
                </div>
              </div>
            </div>
            <p className="muted page-sub host-line">
              {[h.meta?.hostname, h.meta?.os, h.meta?.kernel && `kernel ${h.meta.kernel}`, h.meta?.cpus && `${h.meta.cpus} CPU${h.meta.cpus > 1 ? 's' : ''}`].filter(Boolean).join(' · ') ||
                (h.last_seen ? 'The agent has not said what this host runs' : 'No report from the agent yet: start it with this host\'s id and API key')}
              {h.last_seen && (
                <>
                  {' · '}last report <span title={dateTime(h.last_seen)}>{ago(h.last_seen, now)}</span>
                </>
              )}
            </p>
            <Tiles h={h} />
            <Charts h={h} />
            <div className="grid-2">
              <Info h={h} now={now} />
              <Filesystems h={h} />
            </div>
          </>
        )}
      </Guard>
    </div>
  );
}

/** The latest figures, one tile each. */
function Tiles({ h }: { h: HostDetailView }) {
  const l = h.latest ?? {};
  const m = h.metrics;
  const memUsed = l.memory_used_bytes;
  const memTotal = l.memory_total_bytes;
  const rootUsed = l['disk_used_bytes{mount="/"}'];
  const rootTotal = l['disk_total_bytes{mount="/"}'];
  const rx = sumOf(l, 'net_rx_bytes_per_s');
  const tx = sumOf(l, 'net_tx_bytes_per_s');
  const tiles: { label: string; value: ReactNode; sub?: string; pct?: number | null }[] = [
    { label: 'CPU', value: percent(m?.cpu_percent), pct: m?.cpu_percent, sub: l.cpu_user_percent !== undefined ? `user ${percent(l.cpu_user_percent, 0)} · system ${percent(l.cpu_system_percent, 0)}` : undefined },
    { label: 'Memory', value: percent(m?.memory_percent), pct: m?.memory_percent, sub: memUsed !== undefined && memTotal !== undefined ? `${bytes(memUsed)} of ${bytes(memTotal)}` : undefined },
    { label: l['disk_used_percent{mount="/"}'] !== undefined ? 'Disk /' : 'Disk (fullest mount)', value: percent(m?.disk_percent), pct: m?.disk_percent, sub: rootUsed !== undefined && rootTotal !== undefined ? `${bytes(rootUsed)} of ${bytes(rootTotal)}` : undefined },
    { label: 'Network', value: rx === null ? '–' : `↓ ${bytes(rx)}/s`, sub: tx === null ? undefined : `↑ ${bytes(tx)}/s` },
    { label: 'Load', value: m?.load1 === null || m?.load1 === undefined ? '–' : m.load1.toFixed(2), sub: l.load5 !== undefined ? `5m ${l.load5.toFixed(2)} · 15m ${l.load15?.toFixed(2) ?? '–'}` : undefined },
    { label: 'Processes', value: m?.processes ?? '–', sub: l.processes_running !== undefined ? `${l.processes_running} running · ${l.processes_blocked ?? 0} blocked` : undefined },
  ];
  return (
    <div className="tiles" data-testid="host-tiles">
      {tiles.map((t) => (
        <div key={t.label} className="tile">
          <div className="tile-label">{t.label}</div>
          <div className="tile-value">{t.value}</div>
          {t.pct !== undefined && t.pct !== null && (
            <span className="meter-bar tile-bar" aria-hidden="true">
              <span className={`meter-fill ${t.pct > 90 ? 'bad' : t.pct > 75 ? 'warn' : ''}`} style={{ width: `${Math.min(100, t.pct)}%` }} />
            </span>
          )}
          {t.sub && <div className="tile-sub muted">{t.sub}</div>}
        </div>
      ))}
    </div>
  );
}

function sumOf(latest: Record<string, number>, name: string): number | null {
  let total: number | null = null;
  for (const [k, v] of Object.entries(latest)) if (k === name || k.startsWith(`${name}{`)) total = (total ?? 0) + v;
  return total;
}

const direction = (s: MetricSeries, a: string, b: string) => (s.name.includes(a) ? a : b);

/** The host's charts; each redraws only when a fetch brings new series (not on a status event). */
function Charts({ h }: { h: HostDetailView }) {
  const charts = h.charts;
  return (
    <div className="chart-grid" data-testid="host-charts">
      <HostChart name="cpu" title="CPU" series={charts.cpu} unit={{ kind: 'percent' }} label={() => 'cpu'} emptyText="The agent reports no CPU figures." />
      <HostChart name="memory" title="Memory and swap" series={charts.memory} unit={{ kind: 'percent' }} label={(s) => (s.name === 'swap_percent' ? 'swap' : 'memory')} emptyText="The agent reports no memory figures." />
      <HostChart name="disk" title="Disk usage per mount" series={charts.disk} unit={{ kind: 'percent' }} label={(s) => s.labels.mount ?? s.key} emptyText="The agent reports no mounted filesystems." />
      <HostChart name="network" title="Network" series={charts.network} unit={{ kind: 'bytes-rate' }} label={(s) => `${direction(s, 'rx', 'tx')} ${s.labels.iface ?? ''}`.trim()} emptyText="The agent reports no network interfaces." />
      <HostChart name="disk_io" title="Disk I/O" series={charts.disk_io} unit={{ kind: 'bytes-rate' }} label={(s) => `${direction(s, 'read', 'write')} ${s.labels.device ?? ''}`.trim()} emptyText="The agent reports no disks." />
      <HostChart name="load" title="Load average" series={charts.load} unit={{ kind: 'plain' }} label={(s) => s.name} emptyText="The agent reports no load average." />
    </div>
  );
}

function Info({ h, now }: { h: HostDetailView; now: number }) {
  const meta = h.meta ?? {};
  const rows: [string, ReactNode][] = [
    ['Host id', <code key="id">{h.id}</code>],
    ['Hostname', meta.hostname ?? '–'],
    ['Operating system', meta.os ?? '–'],
    ['Kernel', meta.kernel ?? '–'],
    ['CPUs', meta.cpus ?? '–'],
    ['Booted', meta.boot_time ? `${dateTime(meta.boot_time)} (up ${duration((now - meta.boot_time) / 1000)})` : '–'],
    ['Agent', meta.agent_version ? `wheelhouse ${meta.agent_version}, every ${h.interval_s} s` : `every ${h.interval_s} s`],
    ['Authenticates with', h.has_api_key ? 'API key (or client certificate)' : 'client certificate'],
    ['Last address', h.last_address ?? '–'],
    ['Last report', h.last_seen ? `${dateTime(h.last_seen)} (${ago(h.last_seen, now)})` : 'never'],
    ['Registered', dateTime(h.created_at)],
  ];
  if (meta.buffered || meta.buffer_dropped) rows.push(['Agent buffer', `${meta.buffered ?? 0} waiting, ${meta.buffer_dropped ?? 0} dropped`]);
  if (h.revoked_at) rows.push(['Revoked', dateTime(h.revoked_at)]);
  return (
    <section className="panel" aria-labelledby="host-info">
      <h3 id="host-info">Information</h3>
      <dl className="kv" data-testid="host-info">
        {rows.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd data-field={k}>{v}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

/** Every mount of the latest report, with its usage. */
function Filesystems({ h }: { h: HostDetailView }) {
  const l = h.latest ?? {};
  const mounts = Object.keys(l)
    .filter((k) => k.startsWith('disk_used_percent{'))
    .map((k) => keyLabel(k, 'mount') ?? k)
    .sort();
  const ifaces = [...new Set(Object.keys(l).filter((k) => k.startsWith('net_rx_bytes_per_s{')).map((k) => keyLabel(k, 'iface') ?? k))].sort();
  const at = (name: string, label: string, value: string) => l[`${name}{${label}="${value.replace(/["\\]/g, '\\$&')}"}`];
  return (
    <section className="panel" aria-labelledby="host-fs">
      <h3 id="host-fs">Filesystems</h3>
      {mounts.length === 0 ? (
        <p className="muted">No filesystem in the latest report.</p>
      ) : (
        <table className="compact">
          <thead>
            <tr>
              <th>Mount</th>
              <th className="num">Used</th>
              <th className="num">Size</th>
              <th>Usage</th>
            </tr>
          </thead>
          <tbody>
            {mounts.map((m) => (
              <tr key={m} data-mount={m}>
                <td>
                  <code>{m}</code>
                </td>
                <td className="num">{bytes(at('disk_used_bytes', 'mount', m))}</td>
                <td className="num">{bytes(at('disk_total_bytes', 'mount', m))}</td>
                <td>
                  <PercentMeter value={at('disk_used_percent', 'mount', m)} label={m} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ifaces.length > 0 && (
        <>
          <h3 className="h3-spaced">Network interfaces</h3>
          <table className="compact">
            <thead>
              <tr>
                <th>Interface</th>
                <th className="num">Receive</th>
                <th className="num">Send</th>
                <th className="num">Errors</th>
              </tr>
            </thead>
            <tbody>
              {ifaces.map((i) => (
                <tr key={i}>
                  <td>
                    <code>{i}</code>
                  </td>
                  <td className="num">{bytes(at('net_rx_bytes_per_s', 'iface', i))}/s</td>
                  <td className="num">{bytes(at('net_tx_bytes_per_s', 'iface', i))}/s</td>
                  <td className="num">{((at('net_rx_errors_per_s', 'iface', i) ?? 0) + (at('net_tx_errors_per_s', 'iface', i) ?? 0)).toFixed(1)}/s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
