/** A service's status as the API and the CLI show it: its schema is in view-schema.ts. */
import type { ServiceSpec } from '../core/config/index.js';
import type { Static } from 'typebox';
import type { ServiceViewSchema } from './view-schema.js';
import type { ServiceRecord } from '../core/types.js';
import { formatUptime } from '../core/units.js';

/** One service as the API and the CLI show it. */
export type ServiceView = Static<typeof ServiceViewSchema>;

/** Combines the configured spec and the live record into the view. */
export function toServiceView(spec: ServiceSpec, rec: ServiceRecord, now = Date.now()): ServiceView {
  const up = rec.pid !== null && rec.started_at !== null;
  const uptimeSeconds = up ? Math.max(0, Math.floor((now - Date.parse(rec.started_at!)) / 1000)) : null;
  return {
    service_name: spec.name,
    display_name: spec.displayName,
    description: spec.description,
    status: rec.status,
    health: rec.health,
    health_message: rec.health_message,
    last_checked: rec.last_checked,
    pid: rec.pid,
    port: spec.port,
    configured_port: spec.port,
    mode: rec.mode,
    started_at: up ? rec.started_at : null,
    uptime: uptimeSeconds === null ? null : formatUptime(uptimeSeconds),
    uptime_seconds: uptimeSeconds,
    cpu_percent: rec.cpu_percent,
    memory_mb: rec.memory_mb,
    restarts: rec.restarts,
    reason: rec.reason,
    exit_code: rec.exit_code,
    exit_signal: rec.exit_signal,
    desired: rec.desired,
    autostart: spec.autostart,
    depends_on: spec.dependsOn,
    health_check: describeProbe(spec),
    health_settings: spec.health ? { interval_ms: spec.health.intervalMs, timeout_ms: spec.health.timeoutMs, failures: spec.health.failures } : null,
    type: spec.health ? spec.health.probe.kind : 'process',
    visible: spec.visible,
    admin_only: spec.adminOnly,
    display_order: spec.displayOrder,
  };
}

function describeProbe(spec: ServiceSpec): string | null {
  const probe = spec.health?.probe;
  if (!probe) return null;
  if (probe.kind === 'http') return probe.url;
  if (probe.kind === 'tcp') return `tcp ${probe.host}:${probe.port}`;
  return `command ${probe.command.kind === 'shell' ? probe.command.line : probe.command.argv.join(' ')}`;
}
