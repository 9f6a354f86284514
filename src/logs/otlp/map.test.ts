// OTLP records to log entries: where each entry field comes from, and which records are
// refused under the HTTP ingest limits.
import { describe, expect, it } from 'vitest';
import { defaultLimits, type NewLogEntry } from '../entry.js';
import { jsonValue, mapLogs } from './map.js';
import type { KeyValue, LogRecord, LogsRequest } from './model.js';

const now = Date.UTC(2025, 0, 15, 12);
const nanos = (ms: number) => BigInt(ms) * 1_000_000n;

function record(over: Partial<LogRecord> = {}): LogRecord {
  return { timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: null, attributes: [], traceId: '', spanId: '', eventName: '', ...over };
}
function request(records: LogRecord[], resourceAttributes: KeyValue[] = [{ key: 'service.name', value: 'shop' }], scopeName = ''): LogsRequest {
  return { resourceLogs: [{ resourceAttributes, scopeLogs: [{ scopeName, logRecords: records }] }] };
}
/** The one entry made from `r`. */
function entryOf(r: LogRecord, resource?: KeyValue[], scope?: string): NewLogEntry {
  const out = mapLogs(request([r], resource, scope), defaultLimits, now);
  expect(out.errors).toEqual([]);
  return out.entries[0]!;
}
/** Why `r` is refused. */
function refusalOf(r: LogRecord, limits = defaultLimits): string {
  const out = mapLogs(request([r]), limits, now);
  expect(out.entries).toEqual([]);
  expect(out.rejected).toBe(1);
  return out.errors[0]!;
}

describe('mapLogs', () => {
  it('fills every entry field from the record and its resource', () => {
    const resource: KeyValue[] = [
      { key: 'service.name', value: 'checkout' },
      { key: 'host.name', value: 'box-1' },
      { key: 'process.pid', value: 4242n },
    ];
    const r = record({
      timeUnixNano: nanos(now - 5000) + 123_456n,
      severityNumber: 17,
      body: 'payment failed',
      attributes: [
        { key: 'order', value: 'o-1' },
        { key: 'enduser.id', value: 'u-17' },
      ],
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      eventName: 'payment.failed',
    });
    expect(entryOf(r, resource, 'payments')).toEqual({
      ts: now - 5000,
      service: 'checkout',
      level: 4,
      message: 'payment failed',
      context: JSON.stringify({ order: 'o-1', 'enduser.id': 'u-17', scope: 'payments', span_id: 'eee19b7ec3c1b174', event_name: 'payment.failed' }),
      trace_id: '5b8efff798038103d269b633813fc60c',
      user_id: 'u-17',
      hostname: 'box-1',
      process_id: 4242,
      source: 'otlp',
    });
  });

  it.each([
    ['no service.name', [], 'unknown_service'],
    ['the SDK default', [{ key: 'service.name', value: 'unknown_service:node' }], 'unknown_service:node'],
    ['spaces and slashes', [{ key: 'service.name', value: 'my shop/api' }], 'my_shop_api'],
    ['a leading symbol', [{ key: 'service.name', value: '@scope/pkg' }], 'scope_pkg'],
    ['a name that is not a string', [{ key: 'service.name', value: 42n }], 'unknown_service'],
    ['nothing usable', [{ key: 'service.name', value: '---' }], 'unknown_service'],
  ] as [string, KeyValue[], string][])('names the service from the resource: %s', (_label, resource, service) => {
    expect(entryOf(record(), resource).service).toBe(service);
  });

  it.each([
    [1, '', 1],
    [9, 'ERROR', 2],
    [13, '', 3],
    [20, '', 4],
    [24, '', 5],
    [0, 'warn', 3],
    [0, 'Fatal', 5],
    [0, 'LOUD', 2],
    [99, 'LOUD', 2],
    [99, 'error', 4],
    [0, '', 2],
  ])('maps severity number %d with text "%s" to level %d', (severityNumber, severityText, level) => {
    expect(entryOf(record({ severityNumber, severityText })).level).toBe(level);
  });

  it.each([
    ['no body', null, ''],
    ['a string', 'plain', 'plain'],
    ['an int', 42n, '42'],
    ['a bool', true, 'true'],
    ['a map', { kvlist: [{ key: 'a', value: [1n, 'x'] }] }, '{"a":[1,"x"]}'],
    ['bytes', Uint8Array.of(1, 2, 255), '"AQL/"'],
    ['a lone surrogate', 'bad \ud800 text', 'bad \ufffd text'],
  ] as const)('makes the message from the body: %s', (_label, body, message) => {
    expect(entryOf(record({ body: body as LogRecord['body'] })).message).toBe(message);
  });

  it('takes the time of the event, else the time it was observed, else now', () => {
    expect(entryOf(record({ timeUnixNano: nanos(now - 1000), observedTimeUnixNano: nanos(now - 500) })).ts).toBe(now - 1000);
    expect(entryOf(record({ observedTimeUnixNano: nanos(now - 500) })).ts).toBe(now - 500);
    expect(entryOf(record()).ts).toBe(now);
  });

  it('leaves out all-zero ids and refuses malformed ones', () => {
    const zero = entryOf(record({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) }));
    expect(zero.trace_id).toBeNull();
    expect(zero.context).toBeNull();
    expect(refusalOf(record({ traceId: 'abc' }))).toMatch(/trace_id must be 16 bytes/);
    expect(refusalOf(record({ traceId: 'z'.repeat(32) }))).toMatch(/trace_id must be 16 bytes/);
    expect(refusalOf(record({ spanId: '0102' }))).toMatch(/span_id must be 8 bytes/);
  });

  it('takes the user id from enduser.id, else user.id', () => {
    expect(entryOf(record({ attributes: [{ key: 'user.id', value: 'b' }, { key: 'enduser.id', value: 'a' }] })).user_id).toBe('a');
    expect(entryOf(record({ attributes: [{ key: 'user.id', value: 7n }] })).user_id).toBe('7');
    expect(refusalOf(record({ attributes: [{ key: 'user.id', value: 'u'.repeat(201) }] }))).toMatch(/user id .* longer than 200/);
  });

  it('keeps the sender\'s attributes when they collide with the derived context keys', () => {
    const e = entryOf(record({ attributes: [{ key: 'scope', value: 'mine' }], spanId: 'eee19b7ec3c1b174' }), undefined, 'lib');
    expect(JSON.parse(e.context!)).toEqual({ scope: 'mine', span_id: 'eee19b7ec3c1b174' });
  });

  it('ignores a process.pid that is not a pid', () => {
    expect(entryOf(record(), [{ key: 'process.pid', value: -1n }]).process_id).toBeNull();
    expect(entryOf(record(), [{ key: 'process.pid', value: '123' }]).process_id).toBe(123);
    expect(entryOf(record(), [{ key: 'process.pid', value: 'abc' }]).process_id).toBeNull();
  });

  const deep = Array.from({ length: 12 }).reduce<LogRecord['body']>((inner) => [inner], 'x');
  it.each([
    ['a timestamp 3 days ahead', record({ timeUnixNano: nanos(now + 3 * 86_400_000) }), /is more than 24h in the future/],
    ['a timestamp older than retention', record({ timeUnixNano: nanos(now - 8 * 86_400_000) }), /older than the retention period/],
    ['a timestamp past any date', record({ timeUnixNano: 2n ** 64n - 1n }), /in the future|not a valid time/],
    ['a body over the message limit', record({ body: 'x'.repeat(defaultLimits.maxMessageBytes + 1) }), /body is 65537 bytes; the limit is 65536/],
    ['attributes nested too deep', record({ attributes: [{ key: 'deep', value: deep }] }), /attributes nest deeper than 10 levels/],
    ['attributes over the context limit', record({ attributes: [{ key: 'big', value: 'x'.repeat(defaultLimits.maxContextBytes) }] }), /attributes are larger than 65536 bytes/],
  ] as [string, LogRecord, RegExp][])('refuses %s', (_label, r, reason) => {
    expect(refusalOf(r)).toMatch(reason);
  });

  it('keeps the good records of a batch and reports the first few reasons with their place', () => {
    const future = nanos(now + 3 * 86_400_000);
    const records = [record({ body: 'ok' }), ...Array.from({ length: 7 }, () => record({ timeUnixNano: future })), record({ body: 'ok too' })];
    const out = mapLogs(request(records), defaultLimits, now);
    expect(out.entries.map((e) => e.message)).toEqual(['ok', 'ok too']);
    expect(out.rejected).toBe(7);
    expect(out.errors).toHaveLength(5);
    expect(out.errors[0]).toMatch(/^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[1\]: timestamp /);
  });
});

describe('jsonValue', () => {
  it('turns AnyValues into JSON that keeps their meaning', () => {
    expect(jsonValue(2n ** 60n)).toBe('1152921504606846976');
    expect(jsonValue(-5n)).toBe(-5);
    expect(jsonValue(NaN)).toBe('NaN');
    expect(jsonValue(-Infinity)).toBe('-Infinity');
    expect(jsonValue(new Uint8Array(Buffer.from('hi')))).toBe('aGk=');
    const obj = jsonValue({ kvlist: [{ key: '__proto__', value: 'data' }, { key: 'a', value: null }] }) as Record<string, unknown>;
    expect(Object.getPrototypeOf({})).not.toHaveProperty('data');
    expect(JSON.stringify(obj)).toBe('{"__proto__":"data","a":null}');
  });
});
