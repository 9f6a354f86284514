/**
 * The public shape of a service's status as a schema (seed 000 ServiceStatus plus what the
 * supervisor adds): it documents and serializes the API's answers. Apart from view.ts, so the
 * supervisor does not load the schema library at the hub's start (the services' cold-start
 * path); only the API does.
 */
import { Type, type TSchema } from 'typebox';

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
