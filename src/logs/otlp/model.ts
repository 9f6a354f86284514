/**
 * A decoded OTLP logs export request, the same whichever encoding it came in: both decoders
 * produce this, and the mapping to log entries reads only this. Only the fields the
 * mapping uses are kept.
 */

/**
 * An OTLP AnyValue: null when empty, a string, a boolean, a number (double_value), a bigint
 * (int_value), bytes, an array, or a key/value list (kept as pairs: keys may repeat).
 */
export type AnyValue = null | string | boolean | number | bigint | Uint8Array | AnyValue[] | KeyValueList;

/** A kvlist_value. */
export interface KeyValueList {
  kvlist: KeyValue[];
}

/** One attribute. */
export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** One log record. Ids are lowercase hex ("" when absent); times are Unix nanoseconds (0n when absent). */
export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** 0 when unspecified; may be outside 1–24 when the sender is wrong. */
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  traceId: string;
  spanId: string;
  eventName: string;
}

/** Records from one instrumentation scope. */
export interface ScopeLogs {
  scopeName: string;
  logRecords: LogRecord[];
}

/** Records from one resource (a process, a host, …). */
export interface ResourceLogs {
  resourceAttributes: KeyValue[];
  scopeLogs: ScopeLogs[];
}

/** ExportLogsServiceRequest. */
export interface LogsRequest {
  resourceLogs: ResourceLogs[];
}

/** How deep an AnyValue may nest before a request is refused as hostile (entries allow far less). */
export const maxValueDepth = 32;
