/** The shapes of the hosts API (GET /api/hosts, GET /api/hosts/:id) the host pages read. */
import type { MetricSeries } from '../types';

export type HostStatus = 'online' | 'stale' | 'offline';

/** The headline figures of a host's latest report. */
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

/** What the agent says about its host (every field may be missing on an old or foreign agent). */
export interface HostMeta {
  hostname?: string;
  os?: string;
  kernel?: string;
  cpus?: number;
  agent_version?: string;
  /** ms since the epoch */
  boot_time?: number;
  buffered?: number;
  buffer_dropped?: number;
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
  meta: HostMeta | null;
  metrics_at: string | null;
  metrics: HostSummary | null;
}

/** The charts of GET /api/hosts/:id. */
export type HostChartName = 'cpu' | 'memory' | 'disk' | 'disk_io' | 'network' | 'load';

/** One host with all its latest values and chart series. */
export interface HostDetailView extends HostView {
  /** Every value of the latest report, by series key (e.g. disk_used_percent{mount="/"}). */
  latest: Record<string, number> | null;
  charts: Record<HostChartName, MetricSeries[]>;
  range: { since: string; until: string; step_ms: number };
}

/** The chart ranges offered, with a step that gives a few hundred points each. */
export const hostRanges = [
  { range: '1h', ms: 3_600_000, stepS: 15, label: '1 hour', refreshMs: 5_000 },
  { range: '6h', ms: 21_600_000, stepS: 60, label: '6 hours', refreshMs: 15_000 },
  { range: '24h', ms: 86_400_000, stepS: 300, label: '24 hours', refreshMs: 30_000 },
  { range: '7d', ms: 604_800_000, stepS: 1800, label: '7 days', refreshMs: 60_000 },
] as const;

export type HostRange = (typeof hostRanges)[number]['range'];

/** The value of label `name` in a series key such as `disk_used_percent{mount="/"}`. */
export function keyLabel(key: string, name: string): string | undefined {
  const m = new RegExp(`[{,]${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(key);
  return m?.[1]?.replace(/\\(.)/g, '$1');
}
