/**
 * OTLP logs in the JSON encoding (protobuf JSON mapping with OTLP's exceptions): lowerCamelCase
 * field names, trace and span ids as hex, int64 as strings or numbers, enums as numbers (names
 * are accepted too), bytes as base64. Checked by hand: a wrong type anywhere is refused with
 * the path to it; unknown fields are ignored, as the OTLP specification requires.
 */
import { AppError } from '../../core/errors.js';
import { maxValueDepth, type AnyValue, type KeyValue, type LogRecord, type LogsRequest, type ScopeLogs } from './model.js';
import { severityNumbers } from './severity.js';

type Obj = Record<string, unknown>;

/** Decodes a parsed JSON ExportLogsServiceRequest; throws `request/invalid` naming the field at fault. */
export function decodeJson(body: unknown): LogsRequest {
  const req = object(body, 'the body');
  return {
    resourceLogs: array(req.resourceLogs, 'resourceLogs').map((raw, i) => {
      const path = `resourceLogs[${i}]`;
      const rl = object(raw, path);
      const resource = optionalObject(rl.resource, `${path}.resource`);
      return {
        resourceAttributes: keyValues(resource?.attributes, `${path}.resource.attributes`, undefined, 1),
        scopeLogs: array(rl.scopeLogs, `${path}.scopeLogs`).map((s, j) => scopeLogs(s, `${path}.scopeLogs[${j}]`)),
      };
    }),
  };
}

function scopeLogs(raw: unknown, path: string): ScopeLogs {
  const sl = object(raw, path);
  const scope = optionalObject(sl.scope, `${path}.scope`);
  return {
    scopeName: string(scope?.name, `${path}.scope`, 'name'),
    logRecords: array(sl.logRecords, `${path}.logRecords`).map((r, k) => logRecord(r, `${path}.logRecords[${k}]`)),
  };
}

// Every record and attribute passes through here: a path travels as its parent (a string, or
// a function making it) plus a field, and is joined only for an error message, so a valid body
// builds no path strings (they were ~15 % of the OTLP path's allocations).

/** Where a value is: a path, or a function that makes it when an error needs it. */
type Where = string | (() => string);

function logRecord(raw: unknown, path: string): LogRecord {
  const r = object(raw, path);
  return {
    timeUnixNano: int64(r.timeUnixNano, path, 'timeUnixNano', false),
    observedTimeUnixNano: int64(r.observedTimeUnixNano, path, 'observedTimeUnixNano', false),
    severityNumber: severity(r.severityNumber, path, 'severityNumber'),
    severityText: string(r.severityText, path, 'severityText'),
    body: r.body === undefined || r.body === null ? null : anyValue(r.body, path, 'body', 1),
    attributes: keyValues(r.attributes, path, 'attributes', 1),
    traceId: string(r.traceId, path, 'traceId').toLowerCase(),
    spanId: string(r.spanId, path, 'spanId').toLowerCase(),
    eventName: string(r.eventName, path, 'eventName'),
  };
}

function keyValues(raw: unknown, parent: Where, field: string | undefined, depth: number): KeyValue[] {
  const items = array(raw, parent, field);
  const out: KeyValue[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const itemPath = (): string => `${at(parent, field)}[${i}]`;
    if (!isObject(item)) throw invalid(itemPath(), 'must be a JSON object');
    const key = item.key;
    if (key !== undefined && key !== null && typeof key !== 'string') throw invalid(`${itemPath()}.key`, 'must be a string');
    const value = item.value === undefined || item.value === null ? null : anyValue(item.value, itemPath, 'value', depth + 1);
    out[i] = { key: key ?? '', value };
  }
  return out;
}

function anyValue(raw: unknown, parent: Where, field: string, depth: number): AnyValue {
  const path = (): string => at(parent, field);
  // Bounded here, not by the stack: a hostile body could otherwise nest thousands of levels.
  if (depth > maxValueDepth) throw invalid(path(), `values nest deeper than ${maxValueDepth} levels`);
  if (!isObject(raw)) throw invalid(path(), 'must be a JSON object');
  let key: (typeof oneofKeys)[number] | undefined;
  for (const k of oneofKeys) {
    if (raw[k] === undefined || raw[k] === null) continue;
    if (key !== undefined) throw invalid(path(), `sets ${oneofKeys.filter((o) => raw[o] !== undefined && raw[o] !== null).join(' and ')}; an AnyValue holds one value`);
    key = k;
  }
  if (key === undefined) return null;
  const x = raw[key];
  switch (key) {
    case 'stringValue':
      return string(x, path, 'stringValue');
    case 'boolValue':
      if (typeof x !== 'boolean') throw invalid(`${path()}.boolValue`, 'must be true or false');
      return x;
    case 'intValue':
      return int64(x, path, 'intValue', true);
    case 'doubleValue':
      return double(x, path, 'doubleValue');
    case 'arrayValue': {
      const values = (): string => `${path()}.arrayValue.values`;
      return array(object(x, path, 'arrayValue').values, values).map((item, i) => anyValue(item, values, `[${i}]`, depth + 1));
    }
    case 'kvlistValue':
      return { kvlist: keyValues(object(x, path, 'kvlistValue').values, () => `${path()}.kvlistValue.values`, undefined, depth) };
    case 'bytesValue':
      // Standard or URL-safe alphabet, as the protobuf JSON mapping allows.
      if (typeof x !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(x)) throw invalid(`${path()}.bytesValue`, 'must be a base64 string');
      return new Uint8Array(Buffer.from(x, 'base64'));
  }
}

/** The path of `field` inside `parent` ("[3]"-style fields join without a dot). */
function at(parent: Where, field?: string): string {
  const base = typeof parent === 'string' ? parent : parent();
  if (field === undefined) return base;
  return field.startsWith('[') ? `${base}${field}` : `${base}.${field}`;
}

function isObject(raw: unknown): raw is Obj {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

const oneofKeys = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] as const;

function object(raw: unknown, parent: Where, field?: string): Obj {
  if (!isObject(raw)) throw invalid(at(parent, field), 'must be a JSON object');
  return raw;
}

function optionalObject(raw: unknown, path: string): Obj | undefined {
  return raw === undefined || raw === null ? undefined : object(raw, path);
}

function array(raw: unknown, parent: Where, field?: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(at(parent, field), 'must be an array');
  return raw;
}

function string(raw: unknown, parent: Where, field?: string): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') throw invalid(at(parent, field), 'must be a string');
  return raw;
}

const int64Range = { signed: [-(2n ** 63n), 2n ** 63n - 1n], unsigned: [0n, 2n ** 64n - 1n] } as const;

function int64(raw: unknown, parent: Where, field: string, signed: boolean): bigint {
  if (raw === undefined || raw === null) return 0n;
  let n: bigint | undefined;
  if (typeof raw === 'string' && /^-?\d{1,20}$/.test(raw)) n = BigInt(raw);
  else if (typeof raw === 'number' && Number.isInteger(raw)) n = BigInt(raw);
  const [min, max] = int64Range[signed ? 'signed' : 'unsigned'];
  if (n === undefined || n < min || n > max) throw invalid(at(parent, field), `must be a ${signed ? '' : 'non-negative '}64-bit integer (a string of digits or a number)`);
  return n;
}

function double(raw: unknown, parent: Where, field: string): number {
  if (typeof raw === 'number') return raw;
  if (raw === 'NaN') return NaN;
  if (raw === 'Infinity') return Infinity;
  if (raw === '-Infinity') return -Infinity;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  throw invalid(at(parent, field), 'must be a number');
}

function severity(raw: unknown, parent: Where, field: string): number {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  // Enum names are legal protobuf JSON; an unknown one counts as unspecified, like an unknown number.
  if (typeof raw === 'string') return severityNumbers.get(raw) ?? 0;
  throw invalid(at(parent, field), 'must be a SeverityNumber (1–24)');
}

function invalid(path: string, problem: string): AppError {
  return new AppError('request/invalid', `invalid OTLP JSON: ${path} ${problem}`);
}
