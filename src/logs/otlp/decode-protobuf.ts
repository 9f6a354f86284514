/** OTLP logs in the binary protobuf encoding: decoding requests, encoding responses. */
import { AppError } from '../../core/errors.js';
import type { AnyValue, KeyValue, LogRecord, LogsRequest } from './model.js';
import { ExportLogsServiceRequest, ExportLogsServiceResponse } from './schema.js';

/** A 64-bit integer as protobufjs hands it out: a number, or a long.js Long. */
type Int64 = number | { low: number; high: number };

/** The decoded messages, as far as they are read here (protobufjs fills absent fields with defaults). */
interface PbAnyValue {
  /** The oneof: the name of the field that is set, if any. */
  value?: string;
  string_value?: string;
  bool_value?: boolean;
  int_value?: Int64;
  double_value?: number;
  array_value?: { values: PbAnyValue[] };
  kvlist_value?: { values: PbKeyValue[] };
  bytes_value?: Uint8Array;
}
interface PbKeyValue {
  key: string;
  value: PbAnyValue | null;
}
interface PbLogRecord {
  time_unix_nano: Int64;
  observed_time_unix_nano: Int64;
  severity_number: number;
  severity_text: string;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  trace_id: Uint8Array;
  span_id: Uint8Array;
  event_name: string;
}
interface PbRequest {
  resource_logs: { resource: { attributes: PbKeyValue[] } | null; scope_logs: { scope: { name: string } | null; log_records: PbLogRecord[] }[] }[];
}

/** Decodes an ExportLogsServiceRequest; throws `request/invalid` for bytes that are not one. */
export function decodeProtobuf(body: Uint8Array): LogsRequest {
  let msg: PbRequest;
  try {
    msg = ExportLogsServiceRequest.decode(body) as unknown as PbRequest;
  } catch (err) {
    // protobufjs throws for truncated input, bad wire types and nesting past 100 levels.
    throw new AppError('request/invalid', `the body is not an OTLP ExportLogsServiceRequest (protobuf): ${(err as Error).message}`);
  }
  return {
    resourceLogs: msg.resource_logs.map((rl) => ({
      resourceAttributes: keyValues(rl.resource?.attributes ?? []),
      scopeLogs: rl.scope_logs.map((sl) => ({ scopeName: sl.scope?.name ?? '', logRecords: sl.log_records.map(logRecord) })),
    })),
  };
}

/** Encodes an ExportLogsServiceResponse; no partial_success when nothing was rejected. */
export function encodeProtobufResponse(rejected: number, errorMessage: string): Uint8Array {
  const partial = rejected > 0 || errorMessage ? { partial_success: { rejected_log_records: rejected, error_message: errorMessage } } : {};
  return ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(partial)).finish();
}

function logRecord(r: PbLogRecord): LogRecord {
  return {
    timeUnixNano: toBigInt(r.time_unix_nano, false),
    observedTimeUnixNano: toBigInt(r.observed_time_unix_nano, false),
    severityNumber: r.severity_number,
    severityText: r.severity_text,
    body: r.body ? anyValue(r.body) : null,
    attributes: keyValues(r.attributes),
    traceId: Buffer.from(r.trace_id).toString('hex'),
    spanId: Buffer.from(r.span_id).toString('hex'),
    eventName: r.event_name,
  };
}

function keyValues(list: PbKeyValue[]): KeyValue[] {
  return list.map((kv) => ({ key: kv.key, value: kv.value ? anyValue(kv.value) : null }));
}

// Recursion is bounded: protobufjs refuses messages nested deeper than 100 levels.
function anyValue(v: PbAnyValue): AnyValue {
  switch (v.value) {
    case 'string_value':
      return v.string_value!;
    case 'bool_value':
      return v.bool_value!;
    case 'int_value':
      return toBigInt(v.int_value!, true);
    case 'double_value':
      return v.double_value!;
    case 'array_value':
      return v.array_value!.values.map(anyValue);
    case 'kvlist_value':
      return { kvlist: keyValues(v.kvlist_value!.values) };
    case 'bytes_value':
      return new Uint8Array(v.bytes_value!);
    default:
      return null;
  }
}

function toBigInt(v: Int64, signed: boolean): bigint {
  if (typeof v === 'number') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return signed ? BigInt.asIntN(64, bits) : bits;
}
