/**
 * The OpenTelemetry logs receiver (OTLP/HTTP, JSON and protobuf): decodes an
 * ExportLogsServiceRequest, maps its records to log entries, stores the valid ones and
 * answers with an ExportLogsServiceResponse in the request's encoding. The HTTP layer only
 * reads the body and sends the answer.
 */
import type { LogService } from '../index.js';
import { decodeJson } from './decode-json.js';
import { mapLogs } from './map.js';

export { decodeJson } from './decode-json.js';
export { mapLogs, type Mapped } from './map.js';
export type { AnyValue, KeyValue, LogRecord, LogsRequest } from './model.js';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'json' | 'protobuf';

/** The OTLP/HTTP media type of each encoding. */
export const otlpMediaTypes: Record<OtlpEncoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

/** What an export did: entries stored, records refused, and a summary of why. */
export interface ExportOutcome {
  accepted: number;
  rejected: number;
  errorMessage: string;
}

/** An ExportLogsServiceResponse in the JSON encoding. */
export interface JsonExportResponse {
  partialSuccess?: { rejectedLogRecords: number; errorMessage: string };
}

/**
 * protobufjs and the OTLP schema, loaded by the first protobuf request: most hubs never get one,
 * and they were ~45 modules and a schema build on every hub's start-up path.
 */
let protobufCodec: Promise<typeof import('./decode-protobuf.js')> | undefined;
const protobuf = (): Promise<typeof import('./decode-protobuf.js')> => (protobufCodec ??= import('./decode-protobuf.js'));

/**
 * Decodes `body` (a parsed JSON value, or the raw protobuf bytes), stores the records that pass
 * the entry limits and resolves after the commit. Throws `request/invalid` when the body is
 * not an export request, and whatever `logs.write` throws (`logs/queue_full`).
 */
export async function receiveLogs(logs: Pick<LogService, 'write' | 'limits'>, body: unknown, encoding: OtlpEncoding, now = Date.now()): Promise<ExportOutcome> {
  // No bytes at all is a valid, empty protobuf message (HTTP servers skip parsing an empty body).
  const request = encoding === 'json' ? decodeJson(body) : (await protobuf()).decodeProtobuf(body instanceof Uint8Array ? body : new Uint8Array());
  const { entries, rejected, errors } = mapLogs(request, logs.limits, now);
  if (entries.length > 0) await logs.write(entries);
  const more = rejected - errors.length;
  const errorMessage = rejected === 0 ? '' : `${rejected} log record${rejected === 1 ? '' : 's'} rejected: ${errors.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  return { accepted: entries.length, rejected, errorMessage };
}

/** The ExportLogsServiceResponse for an outcome; partial_success is left out on full success, as the spec requires. */
export function exportResponse(outcome: ExportOutcome, encoding: 'json'): JsonExportResponse;
export function exportResponse(outcome: ExportOutcome, encoding: 'protobuf'): Promise<Uint8Array>;
export function exportResponse(outcome: ExportOutcome, encoding: OtlpEncoding): JsonExportResponse | Promise<Uint8Array> {
  if (encoding === 'protobuf') return protobuf().then((codec) => codec.encodeProtobufResponse(outcome.rejected, outcome.errorMessage));
  return outcome.rejected > 0 ? { partialSuccess: { rejectedLogRecords: outcome.rejected, errorMessage: outcome.errorMessage } } : {};
}
