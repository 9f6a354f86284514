/**
 * The report protocol between agent and hub: one schema per message, the TypeScript types
 * derived from them (so the validator and the types cannot disagree), and a versioned
 * envelope. The agent imports only the types (erased at build) and version.ts; the hub
 * validates every incoming report against these schemas.
 *
 * Versions: 1 — the first. A field added later is marked with the version that added it,
 * and a hub answers reports of a version it does not know with a per-report rejection.
 */
import { Type, type Static } from 'typebox';
import { hostIdPattern, maxReportsPerRequest, maxSamplesPerReport, reportProtocolVersion } from './version.js';

/** What the agent knows about the host it runs on; sent with every report. */
export const HostMetaSchema = Type.Object(
  {
    hostname: Type.String({ maxLength: 255 }),
    os: Type.String({ maxLength: 200, description: 'PRETTY_NAME of /etc/os-release, or the platform' }),
    kernel: Type.String({ maxLength: 200, description: 'kernel release (uname -r)' }),
    cpus: Type.Integer({ minimum: 1, maximum: 65536 }),
    agent_version: Type.String({ maxLength: 50 }),
    boot_time: Type.Integer({ minimum: 0, description: 'when the host booted, ms since the epoch' }),
    buffered: Type.Optional(Type.Integer({ minimum: 0, description: 'reports waiting in the agent\'s disk buffer when this one was sent' })),
    buffer_dropped: Type.Optional(Type.Integer({ minimum: 0, description: 'reports the agent\'s disk buffer dropped (oldest first) since the agent started, because the hub was away longer than the bound' })),
  },
  { additionalProperties: false },
);

/** One collection of one host's metrics. */
export const ReportSchema = Type.Object(
  {
    version: Type.Literal(reportProtocolVersion),
    host_id: Type.String({ pattern: hostIdPattern }),
    run: Type.Integer({ minimum: 0, description: 'when this agent process started (ms since the epoch): seq counts from 0 in each run' }),
    seq: Type.Integer({ minimum: 0, description: 'report number within the run; a report not newer than the last accepted one (same run) is a replay' }),
    ts: Type.Integer({ minimum: 946_684_800_000, description: 'collection time, ms since the epoch' }),
    interval_s: Type.Number({ minimum: 0.1, maximum: 86_400, description: 'the agent\'s report interval' }),
    samples: Type.Record(Type.String({ maxLength: 300 }), Type.Number(), {
      maxProperties: maxSamplesPerReport,
      description: 'series key (name or name{label="value",…}, labels sorted) → value',
    }),
    meta: Type.Optional(HostMetaSchema),
  },
  { additionalProperties: false, description: 'meta is sent with the first report of a run, whenever it changes, and every 60th report; the hub keeps the last one' },
);

/** What POST /api/metrics/report takes: one report, or a batch of them. */
export const ReportBatchSchema = Type.Object(
  {
    version: Type.Optional(Type.Literal(reportProtocolVersion)),
    reports: Type.Array(Type.Unknown(), { minItems: 1, maxItems: maxReportsPerRequest, description: 'each one a Report, checked on its own' }),
  },
  { additionalProperties: false },
);

/** The hub's answer to a report request. */
export const ReportReplySchema = Type.Object({
  accepted: Type.Integer({ description: 'reports stored' }),
  skipped: Type.Integer({ description: 'replays of reports already stored (not stored again)' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), error: Type.String() })),
});

/** Host facts sent with every report. */
export type HostMeta = Static<typeof HostMetaSchema>;
/** One report. */
export type Report = Static<typeof ReportSchema>;
/** A batch of reports. */
export interface ReportBatch {
  version?: typeof reportProtocolVersion;
  reports: Report[];
}
/** The answer to a report request. */
export type ReportReply = Static<typeof ReportReplySchema>;
