/** Shared vocabulary of the supervisor, the store and the API. */

/**
 * Where a service's process is in its life:
 * stopped (not running, not wanted), starting (spawned, not yet ready), running,
 * stopping (signal sent, waiting for exit), backoff (exited, restart scheduled),
 * errored (gave up: crash loop or failed start; needs a manual start).
 */
export type ServiceStatus = 'stopped' | 'starting' | 'running' | 'stopping' | 'backoff' | 'errored';

/** Outcome of health probing: none when no probe is configured. */
export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy' | 'none';

/** dev runs `command`, prod runs `prod_command` (falling back to `command`). */
export type RunMode = 'dev' | 'prod';

/** The persisted state of one service: what a restarted hub needs to re-adopt it. */
export interface ServiceRecord {
  name: string;
  status: ServiceStatus;
  /** What the user last asked for; a hub restart honours it. */
  desired: 'running' | 'stopped';
  mode: RunMode;
  pid: number | null;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused PID apart. */
  proc_start: number | null;
  started_at: string | null;
  stopped_at: string | null;
  exit_code: number | null;
  exit_signal: string | null;
  restarts: number;
  reason: string | null;
  health: HealthStatus;
  health_message: string | null;
  last_checked: string | null;
  cpu_percent: number | null;
  memory_mb: number | null;
  updated_at: string;
}

/** A stored event row. */
export interface StoredEvent {
  id: number;
  at: string;
  topic: string;
  service: string | null;
  payload: unknown;
}
