/** How hosts look from the API and CLI: the record, its status, and its latest metrics. */
import type { MetricsService, SeriesResult } from '../metrics/index.js';
import type { MetricPoint } from '../store/index.js';
import { hostSource } from './receive.js';
import type { HostStatus } from './status.js';
import type { HostEntry } from './table.js';

/** The headline figures of a host's latest report (null when it did not send one). */
export interface HostSummary {
  cpu_percent: number | null;
  memory_percent: number | null;
  swap_percent: number | null;
  /** The root filesystem's, or the fullest one's when / is not reported. */
  disk_percent: number | null;
  load1: number | null;
  uptime_seconds: number | null;
  processes: number | null;
}

/** A host in GET /api/hosts. */
export interface HostView {
  id: string;
  display_name: string;
  labels: Record<string, string>;
  status: HostStatus;
  last_seen: string | null;
  last_address: string | null;
  interval_s: number;
  created_at: string;
  revoked_at: string | null;
  has_api_key: boolean;
  meta: Record<string, unknown> | null;
  /** When the latest metrics were collected (ISO), null before the first report since the hub started. */
  metrics_at: string | null;
  metrics: HostSummary | null;
}

/** One host with everything it last reported, and chart series. */
export interface HostDetail extends HostView {
  latest: Record<string, number> | null;
  charts: Record<ChartName, SeriesResult[]>;
  range: { since: string; until: string; step_ms: number };
}

/** The charts of the host view and the series names each one draws. */
export const chartSeries = {
  cpu: ['cpu_percent'],
  memory: ['memory_percent', 'swap_percent'],
  disk: ['disk_used_percent'],
  disk_io: ['disk_read_bytes_per_s', 'disk_write_bytes_per_s'],
  network: ['net_rx_bytes_per_s', 'net_tx_bytes_per_s'],
  load: ['load1', 'load5', 'load15'],
} as const;

/** A chart of the host view. */
export type ChartName = keyof typeof chartSeries;

/** The view of one host. */
export function hostView(e: HostEntry, status: HostStatus, latest: MetricPoint | undefined): HostView {
  const r = e.record;
  return {
    id: r.id,
    display_name: r.display_name,
    labels: r.labels,
    status,
    last_seen: r.last_seen,
    last_address: r.last_address,
    interval_s: r.interval_s,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
    has_api_key: r.api_key_hash !== null,
    meta: r.meta,
    metrics_at: latest ? new Date(latest.ts).toISOString() : null,
    metrics: latest ? summarize(latest.values) : null,
  };
}

/** The headline figures from a point's values. */
export function summarize(values: Record<string, number>): HostSummary {
  const pick = (k: string): number | null => values[k] ?? null;
  let disk = pick('disk_used_percent{mount="/"}');
  if (disk === null) {
    for (const [k, v] of Object.entries(values)) if (k.startsWith('disk_used_percent{') && (disk === null || v > disk)) disk = v;
  }
  return {
    cpu_percent: pick('cpu_percent'),
    memory_percent: pick('memory_percent'),
    swap_percent: pick('swap_percent'),
    disk_percent: disk,
    load1: pick('load1'),
    uptime_seconds: pick('uptime_seconds'),
    processes: pick('processes'),
  };
}

/** Chart series of a host over [since, until] in steps of stepMs (averages per step). */
export async function hostCharts(metrics: MetricsService, hostId: string, since: number, until: number, stepMs: number): Promise<Record<ChartName, SeriesResult[]>> {
  const source = hostSource(hostId);
  const entries = await Promise.all(
    Object.entries(chartSeries).map(async ([chart, names]) => {
      const series = (await Promise.all(names.map((name) => metrics.query({ name, source, since, until, stepMs, agg: 'avg' })))).flat();
      return [chart, series] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ChartName, SeriesResult[]>;
}
