/** The shapes of the hub's answers the dashboard reads (see /docs for the full API). */

export type Role = 'viewer' | 'operator' | 'admin';
export type Level = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export const levels: Level[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

export interface Me {
  name: string;
  display_name: string;
  role: Role;
}

export interface SessionInfo {
  user: Me | null;
  scopes: string[];
  csrf_token: string | null;
  expires_at: string | null;
}

export interface ServiceView {
  service_name: string;
  display_name: string;
  description: string | null;
  status: string;
  health: string;
  health_message: string | null;
  last_checked: string | null;
  pid: number | null;
  port: number | null;
  mode: string;
  started_at: string | null;
  uptime: string | null;
  uptime_seconds: number | null;
  cpu_percent: number | null;
  memory_mb: number | null;
  restarts: number;
  reason: string | null;
  exit_code: number | null;
  exit_signal: string | null;
  desired: string;
  depends_on: string[];
  health_check: string | null;
  health_settings: { interval_ms: number; timeout_ms: number; failures: number } | null;
  type: string;
}

export interface SystemStatus {
  cpu_percent: number;
  memory_percent: number;
  disk_percent: number;
}

export interface LogEntry {
  id: number;
  timestamp: string;
  service_name: string;
  level: Level;
  message: string;
  context: Record<string, unknown> | null;
  trace_id: string | null;
  user_id: string | null;
  hostname: string | null;
  process_id: number | null;
  source: string | null;
}

export interface LogPage {
  logs: LogEntry[];
  total: number;
  total_capped?: boolean;
  limit: number;
  offset: number;
}

export type LevelCounts = Record<Level, number> & { total: number };

export interface LogCounts {
  since: string;
  until: string;
  services: Record<string, LevelCounts>;
}

export interface Alert {
  fingerprint: string;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  started_at: string;
  fired_at: string | null;
  resolved_at: string | null;
  updated_at: string;
  /** Only on active alerts: the silences muting it now. */
  silenced_by?: string[];
}

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string | null;
  created_at: string;
  expired_at: string | null;
  state: 'pending' | 'active' | 'expired';
}

export interface MetricSeries {
  key: string;
  name: string;
  labels: Record<string, string>;
  source: string;
  points: [number, number | null][];
}
