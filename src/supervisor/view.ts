/** The public shape of a service's status (seed 000 ServiceStatus plus what the supervisor adds). */
import type { ServiceSpec } from '../core/config/index.js';
import { Type, type Static, type TSchema } from 'typebox';
import type { ServiceRecord } from '../core/types.js';
import { formatUptime } from '../core/units.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Nullable(Type.String({ format: 'date-time' }));

/** One service as the API and the CLI show it; the schema documents and serializes it. */
export const ServiceViewSchema = Type.Object({
  service_name: Type.String(),
  display_name: Type.String(),
  description: Type.String(),
  status: Type.Union([Type.Literal('stopped'), Type.Literal('starting'), Type.Literal('running'), Type.Literal('stopping'), Type.Literal('backoff'), Type.Literal('errored')], {
    description: 'stopped | starting (spawned, not yet healthy) | running | stopping | backoff (restart scheduled) | errored (gave up)',
  }),
  health: Type.Union([Type.Literal('unknown'), Type.Literal('healthy'), Type.Literal('unhealthy'), Type.Literal('none')], {
    description: 'none: no health check configured',
  }),
  health_message: Nullable(Type.String()),
  last_checked: Time,
  pid: Nullable(Type.Integer()),
  port: Nullable(Type.Integer()),
  configured_port: Nullable(Type.Integer()),
  mode: Type.Union([Type.Literal('dev'), Type.Literal('prod')]),
  started_at: Time,
  uptime: Nullable(Type.String({ description: 'e.g. "2h 30m"' })),
  uptime_seconds: Nullable(Type.Integer()),
  cpu_percent: Nullable(Type.Number({ description: 'CPU of the whole process family, percent of one core' })),
  memory_mb: Nullable(Type.Number({ description: 'resident memory of the whole process family' })),
  restarts: Type.Integer({ description: 'automatic restarts since the hub first started it' }),
  reason: Nullable(Type.String({ description: 'why it is in this state (exit, crash loop, failed start)' })),
  exit_code: Nullable(Type.Integer()),
  exit_signal: Nullable(Type.String()),
  desired: Type.Union([Type.Literal('running'), Type.Literal('stopped')]),
  autostart: Type.Boolean(),
  depends_on: Type.Array(Type.String()),
  health_check: Nullable(Type.String()),
  health_settings: Nullable(
    Type.Object({
      interval_ms: Type.Integer({ description: 'between probes once healthy' }),
      timeout_ms: Type.Integer(),
      failures: Type.Integer({ description: 'consecutive failed probes before unhealthy' }),
    }),
  ),
  type: Type.Union([Type.Literal('http'), Type.Literal('tcp'), Type.Literal('command'), Type.Literal('process')]),
  visible: Type.Boolean(),
  admin_only: Type.Boolean(),
  display_order: Type.Integer(),
});

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
